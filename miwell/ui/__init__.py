"""Shared UI pieces: the page template and small components used by several pages."""
