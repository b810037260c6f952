"""The package's import graph is one-way: no module imports, directly or through others, a
module that imports it back (STYLE.md: shared records and decisions live low, in `models`)."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qabot"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The qabot modules `path` imports at run time: at module level or inside functions
    (an import moved into a function still closes a cycle), but not under TYPE_CHECKING."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("qabot"))
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                if child.module == "qabot":  # `from qabot import cli_reports` names a module
                    found.update(f"qabot.{a.name}" if f"qabot.{a.name}" in modules else "qabot"
                                 for a in child.names)  # fmt: skip
                elif child.module.startswith("qabot."):
                    found.add(child.module)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {("qabot" if p.stem == "__init__" else f"qabot.{p.stem}"): p
             for p in PACKAGE.glob("*.py")}  # fmt: skip
    modules = set(paths)
    return {name: imports_of(path, modules) - {name} for name, path in paths.items()}


def test_the_graph_is_read_from_the_sources() -> None:
    graph = import_graph()
    assert "qabot.models" in graph["qabot.retrieval"], "the parser sees module-level imports"
    assert "qabot.llms" in graph["qabot.config"], "and imports inside functions"
    assert "qabot.config" not in graph["qabot.embeddings"], "but not TYPE_CHECKING-only ones"


def test_the_package_import_graph_has_no_cycles() -> None:
    graph = import_graph()
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")
    # The layers of STYLE.md, bottom to top: none reaches a layer above it.
    layers = ["qabot.taxonomy", "qabot.models", "qabot.corpus", "qabot.index", "qabot.chain",
              "qabot.bot", "qabot.cli"]  # fmt: skip
    for n, low in enumerate(layers):
        assert not reachable(graph, low) & set(layers[n + 1 :]), f"{low} imports a layer above it"


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for name in graph[todo.pop()] - seen:
            seen.add(name)
            todo.append(name)
    return seen


def test_a_cycle_would_be_reported(tmp_path: Path) -> None:
    graph = import_graph()
    graph["qabot.models"] = graph["qabot.models"] | {"qabot.bot"}
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(graph).static_order())
