#!/usr/bin/env bash
# MiWell in production on a clinic's own server: PostgreSQL, Redis, two backend workers sharing
# users' state through Redis, the job queue, and Caddy in front with TLS.
#
#   export MIWELL_DATABASE_URL=postgresql+psycopg://miwell:PASSWORD@127.0.0.1/miwell
#   export REFLEX_REDIS_URL=redis://127.0.0.1:6379/0
#   export MIWELL_SECRET_KEY=...            # long and random; the same on every restart
#   export MIWELL_DOMAIN=miwell.example.org MIWELL_TLS_EMAIL=it@example.org   # or leave unset:
#   ./scripts/serve.sh                      # https://localhost with Caddy's local CA
#
# It migrates the database first and loads no demo data. Stop it with Ctrl-C (or SIGTERM): the
# workers finish their events and the queue consumer the message it is sending.
set -euo pipefail

# Checked before anything runs: setup.sh migrates whatever database MIWELL_DATABASE_URL names.
need() {
    if [ -z "${!1:-}" ]; then
        echo "serve.sh: $1 must be set: $2" >&2
        exit 2
    fi
}
need MIWELL_DATABASE_URL "PostgreSQL, for example postgresql+psycopg://miwell:PASSWORD@127.0.0.1/miwell"
case "$MIWELL_DATABASE_URL" in
    postgresql*) ;;
    *) echo "serve.sh: MIWELL_DATABASE_URL must be a PostgreSQL URL in production (SQLite is for the demo run)" >&2; exit 2 ;;
esac
need REFLEX_REDIS_URL "Redis, for example redis://127.0.0.1:6379/0 (the workers share users' state there)"
need MIWELL_SECRET_KEY "a long random string, kept secret, the same on every restart"
if ! command -v caddy >/dev/null; then
    echo "serve.sh: Caddy is missing: sudo apt-get install caddy" >&2
    exit 2
fi
source "$(dirname "$0")/setup.sh"

export MIWELL_DOMAIN="${MIWELL_DOMAIN:-localhost}"
export MIWELL_HTTPS_PORT="${MIWELL_HTTPS_PORT:-443}" MIWELL_HTTP_PORT="${MIWELL_HTTP_PORT:-80}"
APP_PORT="${MIWELL_APP_PORT:-3000}"
export MIWELL_UPSTREAM="127.0.0.1:$APP_PORT"
export MIWELL_FRONTEND_PORT="$APP_PORT" MIWELL_BACKEND_PORT="$APP_PORT"
export GRANIAN_WORKERS="${MIWELL_WORKERS:-2}"
export MIWELL_COOKIE_SECURE=true
# Caddy is the one proxy in front: the client's own address (sign-in throttle, audit log) is the
# last one it adds to X-Forwarded-For, not Caddy's.
export REFLEX_TRUSTED_PROXY_HOPS=1
if [ "$MIWELL_HTTPS_PORT" = 443 ]; then
    export MIWELL_PUBLIC_URL="${MIWELL_PUBLIC_URL:-https://$MIWELL_DOMAIN}"
else
    export MIWELL_PUBLIC_URL="${MIWELL_PUBLIC_URL:-https://$MIWELL_DOMAIN:$MIWELL_HTTPS_PORT}"
fi
# The pages' websocket goes to the public address too (through Caddy, over TLS): the built
# frontend is told so, or the browser would try the app's own port, unencrypted.
export REFLEX_API_URL="$MIWELL_PUBLIC_URL" REFLEX_DEPLOY_URL="$MIWELL_PUBLIC_URL"
mkdir -p instance

# setup.sh has migrated the database. A bad MIWELL_SMTP_URL stops everything here, with the reason.
python -m miwell.outreach.cli

PIDS=()
stop() {
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT INT TERM

say "Starting the job queue consumer (log: instance/queue.log)"
huey_consumer miwell.outreach.tasks.huey --workers 2 >> instance/queue.log 2>&1 &
PIDS+=($!)
say "Building MiWell and starting $GRANIAN_WORKERS workers on 127.0.0.1:$APP_PORT (the first build takes a minute or two)"
# Only Caddy is reachable from outside: the app listens on the loopback interface.
reflex run --env prod --backend-host 127.0.0.1 &
PIDS+=($!)
say "Starting Caddy: $MIWELL_PUBLIC_URL"
caddy run --config "$MIWELL_ROOT/deploy/Caddyfile" --adapter caddyfile &
PIDS+=($!)
# When any of them stops, stop the others: a half-running stack is worse than a stopped one.
wait -n
