#!/usr/bin/env bash
# Run every test: the same setup as scripts/run.sh, Debian's Chromium for the browser tests
# (installed when this machine allows it), then the whole pytest suite in one run.
# Extra arguments go to pytest (for example: scripts/test.sh tests/unit -x).
set -euo pipefail
source "$(dirname "$0")/setup.sh"

# Debian's Chromium for the browser tests; poppler-utils' pdftoppm renders the PDF reports;
# Caddy fronts the production stack's test (scripts/serve.sh, over https://localhost).
if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null || ! command -v caddy >/dev/null; then
    PACKAGES="chromium chromium-driver fonts-noto-color-emoji poppler-utils caddy"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing Debian's $PACKAGES for the browser tests"
        apt-get update -qq && apt-get install -y -qq $PACKAGES >/dev/null
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        say "Installing Debian's $PACKAGES for the browser tests"
        sudo apt-get update -qq && sudo apt-get install -y -qq $PACKAGES >/dev/null
    else
        say "Chromium or pdftoppm is missing and this user cannot install them (needs root)."
        say "Browser tests will be SKIPPED. To run them: sudo apt-get install $PACKAGES"
    fi
fi

# axe-core checks the accessibility basics of the pages in the browser tests.
AXE_VERSION="4.14.1"
if [ ! -f ".tools/node_modules/axe-core/package.json" ] || ! grep -q "\"version\": \"$AXE_VERSION\"" .tools/node_modules/axe-core/package.json; then
    say "Installing axe-core $AXE_VERSION into .tools"
    npm install --prefix .tools --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
fi

# The house's import rules (.importlinter): a circle or an upward import fails the run.
say "Checking the import layers"
lint-imports --no-cache

# Tests never read the developer's key file or database.
export MIWELL_SECRET_KEY="${MIWELL_SECRET_KEY:-test-secret-key-not-for-production}"
say "Running the tests${CI:+ (CI: PostgreSQL, Redis and Chromium are required)}"
exec python -m pytest "$@"
