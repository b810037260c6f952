#!/usr/bin/env bash
# Set up (first time only) and start the chat app on http://127.0.0.1:7860 (offline, no API
# key; the index is built on first use). Extra arguments go to app.py, e.g. --share.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/python app.py "$@"
