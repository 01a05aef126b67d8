"""Reaching people outside the app: the outbox, email over SMTP, the job queue's scans
(unseen urgent alerts, daily reminders, missed days, appointment reminders)."""
