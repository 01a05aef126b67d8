"""Pure wellbeing rules: the mood scale, risk, tasks, messages, calendar rules, charts, display. No Reflex, no database."""
