#!/usr/bin/env bash
# Set up the dev environment and run the whole test suite, slow and browser tests included.
# Extra arguments go to pytest, e.g. scripts/test.sh -x -k ui
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev || exit 1
# The browser test drives Debian's chromium (Playwright cannot download browsers here).
if [ ! -x /usr/bin/chromium ]; then
    echo "==> installing chromium (apt)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; } \
        || { echo "could not install chromium; the browser test will fail" >&2; }
fi
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 REQUIRE_BROWSER_TESTS=1
.venv/bin/ruff check . || exit 1
.venv/bin/ruff format --check . || exit 1
# The layer contracts in pyproject.toml ([tool.importlinter]): imports only go down the layers.
.venv/bin/lint-imports || exit 1
# The docs generated from the code (settings, CLI, shapes, layers, eval figures) are current.
.venv/bin/cog --check -I docs README.md docs/*.md || { echo "run: bash scripts/docs.sh" >&2; exit 1; }
# -m "" lifts the default "not slow" filter from pyproject.toml: CI runs everything.
.venv/bin/python -m pytest -m "" "$@"
status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: treating that as a failure" >&2
    exit 1
fi
exit "$status"
