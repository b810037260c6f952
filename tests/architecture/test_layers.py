"""The layer contracts in pyproject.toml hold, and every subpackage is under them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return contract


def test_the_import_graph_keeps_the_layer_contract() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_module_of_qabot_is_in_a_layer() -> None:
    """A module outside every layer would be free of the contract: each module must be a layer
    or inside one (package __init__ files that only re-export are listed as exempt)."""
    layers = [
        name.strip()
        for layer in _contract()["layers"]
        for name in layer.replace("|", ":").split(":")
    ]
    exempt = {"qabot", "qabot.config", "qabot.evaluation", "qabot.testing", "qabot.interfaces"}
    loose = []
    for path in (ROOT / "qabot").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if module in exempt:
            continue
        if not any(module == layer or module.startswith(layer + ".") for layer in layers):
            loose.append(module)
    assert not loose, f"modules in no layer of pyproject.toml's contract: {sorted(loose)}"
