"""The parts of the docs that describe the code, generated from it, so they cannot drift.

The Markdown files carry cog blocks (https://cog.readthedocs.io) that call the functions below;
`bash scripts/docs.sh` rewrites them (after re-running the eval figures), and CI runs
`cog --check` over the same files (scripts/test.sh), so a setting, a command, a shape or an eval
figure that changed without its docs fails the build.

    python docs/generate.py --eval     # re-run the eval sets into docs/eval-figures.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import Any, get_args

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIGURES = ROOT / "docs" / "eval-figures.json"
# The answerers whose eval figures the docs show: the default, the faithful mock, and each mock
# that breaks one thing on purpose (qabot.testing.misbehaving).
ANSWERERS = [
    "extractive",
    "mock",
    "mock-invent-citation",
    "mock-wrong-source",
    "mock-unsupported-sentence",
    "mock-number-swap",
    "mock-no-citations",
    "mock-refuse",
]
EVAL_SET = ROOT / "tests" / "data" / "eval_set.jsonl"


# -- settings ----------------------------------------------------------------------------------


def _default(field: Any) -> str:
    from pydantic_core import PydanticUndefined

    value = field.default
    if value is PydanticUndefined and field.default_factory is not None:
        return "–"
    if value is None:
        return "–"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        return f"`{value}`"
    return f"`{value}`"


def _allowed(field: Any) -> str:
    """The values a field takes: its choices, or its bounds."""
    annotation = field.annotation
    choices = [a for a in get_args(annotation) if isinstance(a, str)]
    for arg in get_args(annotation):  # Literal[...] | None
        choices += [a for a in get_args(arg) if isinstance(a, str)]
    if choices:
        return ", ".join(f"`{c}`" for c in dict.fromkeys(choices))
    low = high = None
    for meta in field.metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        low = getattr(meta, "gt", None) if getattr(meta, "gt", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    if low is not None or high is not None:
        return f"{low if low is not None else '…'}–{high if high is not None else '…'}"
    return ""


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def settings_table() -> str:
    """Every setting: its variable, default, allowed values and description."""
    from pydantic import AliasChoices

    from qabot.config import Settings
    from qabot.config.groups import _Group

    rows = ["| variable | default | values | meaning |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, _Group):
            for sub, subfield in group.model_fields.items():
                var = f"QABOT_{name.upper()}__{sub.upper()}"
                rows.append(
                    f"| `{var}` | {_default(subfield)} | {_allowed(subfield)} | "
                    f"{_cell(subfield.description)} |"
                )
            continue
        alias = field.validation_alias
        names = (
            [str(c) for c in alias.choices]
            if isinstance(alias, AliasChoices)
            else [f"QABOT_{name.upper()}"]
        )
        variable = ", ".join(f"`{n}`" for n in names)
        rows.append(
            f"| {variable} | {_default(field)} | {_allowed(field)} | {_cell(field.description)} |"
        )
    return "\n".join(rows)


# -- the command line --------------------------------------------------------------------------


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from qabot.interfaces.cli.base import app

    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    result = CliRunner().invoke(app, [*args, "--help"], env=env, prog_name="qabot", color=False)
    if result.exit_code != 0:
        raise RuntimeError(f"qabot {' '.join(args)} --help failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def cli_reference() -> str:
    """`qabot --help` and each command's `--help`, as the command prints them."""
    import typer.main

    from qabot.interfaces.cli.base import app

    group = typer.main.get_command(app)
    out = ["```text", "$ qabot --help", _help([]), "```"]
    for name in sorted(group.commands):  # type: ignore[attr-defined]
        out += [
            "",
            f"### qabot {name}",
            "",
            "```text",
            f"$ qabot {name} --help",
            _help([name]),
            "```",
        ]
    return "\n".join(out)


# -- answer shapes and layers ------------------------------------------------------------------


def shapes_table() -> str:
    """The registered answer shapes, in the order the router tries them."""
    from qabot.answering.shapes import STATISTIC_SHAPES, TEXT_SHAPES

    rows = ["| shape | answered from | module | what it answers |", "| --- | --- | --- | --- |"]
    for shape in (*TEXT_SHAPES, *STATISTIC_SHAPES):
        source = "the papers' text" if shape in TEXT_SHAPES else "the metadata"
        module = type(shape).__module__
        rows.append(f"| `{shape.name}` | {source} | `{module}` | {_cell(shape.description)} |")
    return "\n".join(rows)


def layers_list() -> str:
    """The layer contract of pyproject.toml, top to bottom."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    rows = ["| # | modules (a module imports only from rows below its own) |", "| --- | --- |"]
    for n, layer in enumerate(contract["layers"], 1):
        sep = "|" if "|" in layer else ":"
        names = [f"`{m.strip()}`" for m in layer.split(sep)]
        joined = (" · " if sep == "|" else ", ").join(names)
        note = " (independent of each other)" if sep == "|" and len(names) > 1 else ""
        rows.append(f"| {n} | {joined}{note} |")
    return "\n".join(rows)


# -- eval figures ------------------------------------------------------------------------------


def run_evals() -> dict[str, Any]:
    """Every answerer over the eval set, on a scratch index of the bundled corpus."""
    import tempfile

    from qabot import QABot, Settings
    from qabot.evaluation.runner import load_dataset, metrics_json, run_eval
    from qabot.testing.misbehaving import MOCKS

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    items = load_dataset(EVAL_SET)
    figures: dict[str, Any] = {"dataset": str(EVAL_SET.relative_to(ROOT)), "answerers": {}}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus=ROOT / "corpus", store=Path(tmp), llm="extractive")
        embeddings = settings.get_embeddings()
        for name in ANSWERERS:
            llm = MOCKS[name]() if name in MOCKS else None
            bot = QABot(settings, llm=llm, embeddings=embeddings)
            report = run_eval(bot, items, dataset=str(EVAL_SET.relative_to(ROOT)))
            figures["answerers"][name] = {**metrics_json(report), "by_kind": report.by_kind}
    return figures


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def eval_set_summary() -> str:
    """The eval set's size, per kind (from the file itself)."""
    from collections import Counter

    rows = [
        json.loads(line)
        for line in EVAL_SET.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    kinds = Counter(r.get("kind", "") for r in rows)
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return f"`{EVAL_SET.relative_to(ROOT)}` has **{len(rows)} questions**: {parts}."


def eval_table() -> str:
    """The committed figures (docs/eval-figures.json) of every answerer."""
    figures = json.loads(FIGURES.read_text(encoding="utf-8"))
    columns = [
        "citation_validity_before_cleanup",
        "citation_precision",
        "citation_recall",
        "faithfulness",
        "abstention_accuracy",
        "abstention_precision",
        "statistics_exact_match",
        "coverage",
        "paper_precision",
        "hit@1",
        "recall@5",
        "mrr",
    ]
    rows = [
        "| answerer | questions | " + " | ".join(c.replace("_", " ") for c in columns) + " |",
        "| --- | --- | " + " | ".join("---" for _ in columns) + " |",
    ]
    answerers = figures["answerers"]
    for name in [
        *[a for a in ANSWERERS if a in answerers],
        *sorted(set(answerers) - set(ANSWERERS)),
    ]:
        got = answerers[name]
        label = f"**{name} (default)**" if name == "extractive" else name
        rows.append(
            f"| {label} | {got['questions']} | "
            + " | ".join(_fmt(got.get(c)) for c in columns)
            + " |"
        )
    return "\n".join(rows)


def eval_figure(answerer: str, metric: str, kind: str | None = None) -> str:
    """One committed figure, for prose: `eval_figure("extractive", "coverage", "survey")`."""
    figures = json.loads(FIGURES.read_text(encoding="utf-8"))["answerers"][answerer]
    return _fmt(figures["by_kind"][kind][metric] if kind else figures[metric])


def headline_eval() -> str:
    """The README's grounding figures, from the committed eval figures."""
    got = json.loads(FIGURES.read_text(encoding="utf-8"))["answerers"]["extractive"]
    kinds = got["by_kind"]
    survey = kinds.get("survey", {})
    exact = [k for k in ("statistic", "affiliation", "category") if k in kinds]
    return (
        f"on the {got['questions']}-question eval set, citation validity "
        f"{_fmt(got['citation_validity'])}, precision {_fmt(got['citation_precision'])}, "
        f"recall {_fmt(got['citation_recall'])} and faithfulness {_fmt(got['faithfulness'])}; "
        f"abstention accuracy {_fmt(got['abstention_accuracy'])}; statistics exact match "
        f"{_fmt(got['statistics_exact_match'])} ({', '.join(exact)} questions); overview "
        f"questions: coverage {_fmt(survey.get('coverage'))} of the relevant papers with paper "
        f"precision {_fmt(survey.get('paper_precision'))}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", action="store_true", help="re-run the eval figures")
    args = parser.parse_args()
    if args.eval:
        FIGURES.write_text(json.dumps(run_evals(), indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {FIGURES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
