# Shared setup, sourced by scripts/run.sh and scripts/test.sh. Safe to run again: it reuses
# what is there (virtual environment, bun, database) and only adds what is missing.

MIWELL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$MIWELL_ROOT"

BUN_VERSION="1.4.5"   # Reflex 0.10.1 wants bun >= 1.4.4
PYTHON="${PYTHON:-python3}"

say() { printf '\033[1;36m==>\033[0m %s\n' "$*"; }

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "MiWell needs Python 3.11 or newer as '$PYTHON'." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    say "Creating the virtual environment in .venv"
    "$PYTHON" -m venv .venv
fi
REQ_HASH="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$REQ_HASH" ]; then
    say "Installing the pinned Python requirements"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
    echo "$REQ_HASH" > .venv/.requirements.sha256
fi
export PATH="$MIWELL_ROOT/.venv/bin:$PATH"

# Reflex cannot download bun here; the npm registry ships the binary itself.
if [ "$(.tools/node_modules/.bin/bun --version 2>/dev/null)" != "$BUN_VERSION" ]; then
    if ! command -v npm >/dev/null; then
        echo "npm (Node.js) is needed to install bun for the Reflex frontend." >&2
        exit 1
    fi
    say "Installing bun $BUN_VERSION into .tools"
    npm install --prefix .tools --no-audit --no-fund --silent "bun@$BUN_VERSION"
fi
export PATH="$MIWELL_ROOT/.tools/node_modules/.bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org/}"
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=0
export PYTHONPATH="$MIWELL_ROOT${PYTHONPATH:+:$PYTHONPATH}"

say "Applying database migrations"
alembic upgrade head
