"""Accounts: users of the four roles, sessions, passwords and psychiatrist assignment."""
