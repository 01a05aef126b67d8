"""Outreach rules without a database or Reflex: who is due what, when, and in which words."""
