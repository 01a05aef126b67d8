#!/usr/bin/env bash
# Run MiWell: set everything up, load demo data once, start the app on http://localhost:3000.
#
#   ./scripts/run.sh          a production build on one port: nothing restarts while people use it
#   ./scripts/run.sh --dev    hot reload for changing the code (frontend :3000, backend :8000)
#
# Why production by default: in development mode Reflex restarts the backend whenever a
# watched file changes, and the events sent meanwhile are lost (a tap on Save, a booking).
# A production build watches nothing, so every tap is kept. Extra arguments go to `reflex run`.
set -euo pipefail
source "$(dirname "$0")/setup.sh"

MODE=prod
if [ "${1:-}" = "--dev" ]; then
    MODE=dev
    shift
fi

python -m miwell.demo
PORT="${MIWELL_FRONTEND_PORT:-3000}"

# The job queue's consumer runs beside the app: unseen urgent alerts, reminders and the outbox.
# It stops with this script. A bad MIWELL_SMTP_URL stops everything here, with the reason.
python -m miwell.outreach.cli
export MIWELL_PUBLIC_URL="${MIWELL_PUBLIC_URL:-http://localhost:$PORT}"
say "Starting the job queue consumer (log: instance/queue.log)"
huey_consumer miwell.outreach.tasks.huey --workers 2 >> instance/queue.log 2>&1 &
CONSUMER=$!
# SIGINT lets it finish the message it is sending: nothing lost, nothing sent twice.
trap 'kill -INT "$CONSUMER" 2>/dev/null || true' EXIT INT TERM
if [ "$MODE" = prod ]; then
    # Production serves the built pages and the backend together, on one port.
    export MIWELL_BACKEND_PORT="$PORT"
    say "Building and starting MiWell on http://localhost:$PORT (the first build takes a minute or two)"
    reflex run --env prod "$@"
    exit $?
fi
# Even in development the database and other files the app writes while running must not
# trigger a reload: a reload drops whatever the user was doing.
export REFLEX_HOT_RELOAD_EXCLUDE_PATHS="$MIWELL_ROOT/instance:$MIWELL_ROOT/uploaded_files:$MIWELL_ROOT/artifacts:$MIWELL_ROOT/.states"
say "Starting MiWell with hot reload on http://localhost:$PORT"
reflex run "$@"
