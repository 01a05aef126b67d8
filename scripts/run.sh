#!/usr/bin/env bash
# Run MiWell: set everything up, load demo data once, start the app on http://localhost:3000.
# Extra arguments go to `reflex run` (for example --env prod).
set -euo pipefail
source "$(dirname "$0")/setup.sh"

python -m miwell.demo
say "Starting MiWell on http://localhost:${MIWELL_FRONTEND_PORT:-3000}"
exec reflex run "$@"
