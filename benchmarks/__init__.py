"""Measurements of the running app (not tests: they report numbers, they do not assert)."""
