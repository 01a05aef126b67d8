"""Wellbeing for MiWell: the daily check-in, its history, and the clinicians' side of it.

The rules are pure modules, plain Python (standard library only): no Reflex,
no database, no clock reads. Callers pass in the facts (scores, notes, dates,
time zones) and get back plain values, which keeps the rules easy to test and
safe to reuse from UI state, background jobs and admin tools alike.

Modules:
    moods           -- the seven-point mood scale, its colours, and entry validation.
    risk            -- flags entries that need a clinician's attention.
    tasks           -- picks the daily wellbeing task for a patient.
    messages        -- the library of daily motivating messages and their rotation.
    calendar_rules  -- local days, streaks, averages, trends and "year in pixels".

Built on them:
    charts          -- Plotly figure and pixel grid of a history (plain values in, no database).
    display         -- how moods, days and times read on screen.
    models          -- the tables (entries, versions, replies, tasks, pins, suggestions, alerts).
    access          -- who may touch which patient's records.
    service         -- every database read and write, taking the acting user.
    state           -- the Reflex states of the wellbeing pages.
    demo            -- a month of demo check-ins.
"""
