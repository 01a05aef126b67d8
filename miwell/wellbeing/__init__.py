"""Pure wellbeing rules for MiWell.

Everything in this package is plain Python (standard library only): no Reflex,
no database, no clock reads. Callers pass in the facts (scores, notes, dates,
time zones) and get back plain values, which keeps the rules easy to test and
safe to reuse from UI state, background jobs and admin tools alike.

Modules:
    moods           -- the seven-point mood scale, its colours, and entry validation.
    risk            -- flags entries that need a clinician's attention.
    tasks           -- picks the daily wellbeing task for a patient.
    messages        -- the library of daily motivating messages and their rotation.
    calendar_rules  -- local days, streaks, averages, trends and "year in pixels".
"""
