"""Shared UI pieces: the page template (``layout``), the alert banner (``alerts``) and components
used by several pages. Components import the states they show; pages import components."""
