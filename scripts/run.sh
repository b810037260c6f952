#!/usr/bin/env bash
# Set up (first time only) and run qabot offline: builds the index on first use, then answers
# a sample question with citations. Pass your own question as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$#" -gt 0 ]; then
    exec .venv/bin/qabot ask "$@"
fi
exec .venv/bin/qabot ask "What is the Boltzmann policy distribution?"
