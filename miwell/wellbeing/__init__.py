"""Wellbeing for MiWell: the daily check-in, its history, and the clinicians' side of it.

- ``core``: pure rules, plain Python: no Reflex, no database, no clock reads. Callers pass in
  the facts (scores, notes, dates, time zones) and get back plain values.
    moods           -- the seven-point scale (Great to Awful), feelings, and entry validation.
    risk            -- flags entries that need a clinician's attention (also importable as
                       ``miwell.wellbeing.risk``).
    tasks, messages -- the daily task and the daily message, and how they are chosen.
    calendar_rules  -- local days, streaks, averages, trends and drops, "year in pixels".
    charts, display -- the Plotly figure and pixel grid of a history; how values read on screen.
- ``models``: the tables (entries, feelings, versions, replies, tasks, pins, suggestions, alerts).
- ``services``: every database read and write, taking the acting user (``access`` says who may
  touch which patient's records).
- ``states``: the Reflex states of the wellbeing pages.
- ``demo``: a month of demo check-ins.
"""
