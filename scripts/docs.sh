#!/usr/bin/env bash
# Regenerate the docs that describe the code: the eval figures (docs/eval-figures.json, from a
# fresh run of every answerer over tests/data/eval_set.jsonl) and every cog block in README.md
# and docs/*.md (settings, CLI reference, answer shapes, layers, eval tables). CI checks them
# with `cog --check` (scripts/test.sh). Usage: scripts/docs.sh [--no-eval]
set -euo pipefail
cd "$(dirname "$0")/.."
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1
if [ "${1:-}" != "--no-eval" ]; then
    .venv/bin/python docs/generate.py --eval
fi
.venv/bin/cog -r -I docs README.md docs/*.md
