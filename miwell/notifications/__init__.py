"""Risk alerts: who is told, acknowledgement, and keeping a psychiatrist's open pages up to date.

``services`` is database work only (no Reflex); ``states`` keeps a psychiatrist's open pages live,
by push (``miwell.live``) with a slow safety poll under it. The banner every signed-in page shows
is ``miwell.ui.alerts``.
"""
