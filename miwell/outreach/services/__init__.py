"""Outreach services: the outbox (queue, claim, send), the scans the job queue runs, and the
settings people and admins keep."""
