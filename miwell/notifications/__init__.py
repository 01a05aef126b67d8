"""Delivery of risk alerts: who is told, the live watch of open pages, and acknowledgement.

``service`` is database work only (no Reflex); ``state`` keeps a psychiatrist's open pages up to
date; ``components`` is the banner every signed-in page shows.
"""
