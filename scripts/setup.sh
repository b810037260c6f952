#!/usr/bin/env bash
# Create .venv and install qabot into it. Usage: scripts/setup.sh [--dev]
# torch==2.13.0 goes in first: it is the local CPU wheel; a bare "torch" requirement would
# make pip fetch several GB of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
    echo "==> installing torch 2.13.0 (CPU)"
    .venv/bin/pip install --quiet "torch==2.13.0"
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
echo "==> installing qabot${extra}"
.venv/bin/pip install --quiet -e ".${extra}"
# qabot's own bytecode, written once here: where PYTHONDONTWRITEBYTECODE is set (as on the
# development machine), Python would otherwise compile every qabot module from source at each
# start, and the editable install leaves them uncompiled.
.venv/bin/python -m compileall -q qabot app.py
