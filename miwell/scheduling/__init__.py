"""Scheduling: clinic records, agendas and appointments; free slots computed, never stored.

- ``core``: pure rules (availability, status transitions, colours, the calendar's events,
  reports, formatting); no Reflex, no database. ``availability`` and ``status`` are also
  importable at this package's top, where other code and checks expect them.
- ``models``: the tables. ``services``: every database read and write, checking the actor's
  role and organisation. ``states``: the Reflex states, one module per page or dialog.
- ``demo``: the demo clinic, on top.
"""
