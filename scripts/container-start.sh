#!/usr/bin/env bash
# The app container's command (Dockerfile): migrate, start the job queue consumer, then the app's
# workers on port 3000. Caddy, PostgreSQL and Redis are their own containers (compose.yaml).
set -euo pipefail
: "${MIWELL_DATABASE_URL:?must name the PostgreSQL database}"
: "${REFLEX_REDIS_URL:?must name Redis (the workers share the users state there)}"
: "${MIWELL_SECRET_KEY:?must be set, long and random, the same on every restart}"
mkdir -p instance
alembic upgrade head
python -m miwell.outreach.cli
huey_consumer miwell.outreach.tasks.huey --workers 2 &
CONSUMER=$!
trap 'kill -INT "$CONSUMER" 2>/dev/null || true' EXIT INT TERM
reflex run --env prod
