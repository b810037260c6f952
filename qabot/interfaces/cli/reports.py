"""`qabot stats` and `qabot eval`: reports over the portfolio and over answer quality.

Registered on the shared typer app (qabot.interfaces.cli.base) when qabot.cli imports this module.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from qabot.errors import QABotError
from qabot.interfaces.cli.base import (
    AsJson,
    Command,
    ProfileName,
    app,
    cli_settings,
    err,
    friendly,
    open_bot,
    out,
)
from qabot.portfolio.statistics import PortfolioReport


@app.command(cls=Command)
@friendly
def stats(
    ctx: typer.Context,
    as_json: AsJson = False,
    coauthors: Annotated[
        int, typer.Option(metavar="N", help="How many top co-authors to show.")
    ] = 10,
    profile: ProfileName = None,
) -> None:
    """Exact portfolio figures from the metadata: papers per year, category and affiliation,
    top co-authors, papers with code, earliest and latest paper, and the main themes.

    Co-author counts cover the listed authors only (lists ending in "et al." are partial).
    With several profiles (a lab), `--profile NAME` gives one profile's figures.
    """
    report = open_bot(ctx).portfolio(coauthors, profile=profile)
    if as_json:
        out.print_json(report.model_dump_json())
        return
    out.print(
        f"[bold]{report.papers_indexed} papers indexed[/]{sources_note(report)}; "
        f'{report.truncated_author_lists} author lists end in "et al.".',
        highlight=False,
    )
    for title, counts in (
        ("Papers per year", report.counts_by_year),
        ("Papers per category", report.counts_by_category),
        ("Papers per affiliation", report.counts_by_affiliation),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column("")
        table.add_column("papers", justify="right")
        for key, n in counts.items():
            table.add_row(str(key), str(n))
        out.print(table)
    table = Table("co-author", "papers", title="Top listed co-authors", title_justify="left")
    for row in report.top_coauthors:
        table.add_row(row.name, str(row.papers))
    out.print(table)
    out.print(f"[bold]Papers with code ({len(report.papers_with_code)}):[/]")
    for t in report.papers_with_code:
        out.print(f"  - {t}", markup=False, highlight=False)
    out.print(f"[bold]Earliest:[/] {report.earliest}\n[bold]Latest:[/] {report.latest}")
    out.print("[bold]Main themes[/] (k-means over paper embeddings):")
    for topic in report.topics:
        n = len(topic.paper_ids)
        out.print(f"  - {topic.label}: {n} paper{'s' if n > 1 else ''}", markup=False)


def sources_note(report: PortfolioReport) -> str:
    """Where the papers come from, per source; several profiles' stated counts are never
    added up (they share papers)."""
    if report.papers_stated is not None and len(report.papers_by_source) <= 1:
        return f" (profile states {report.papers_stated})"
    parts = []
    for name, n in report.papers_by_source.items():
        profile = next((p for p in report.profiles if p.name == name), None)
        stated = f", states {profile.papers_stated}" if profile and profile.papers_stated else ""
        parts.append(f"{name}: {n}{stated}" if profile else f"{name}: {n}")
    return f" ({'; '.join(parts)})" if len(parts) > 1 else ""


@app.command(name="eval", cls=Command)
@friendly
def eval_(
    ctx: typer.Context,
    dataset: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            show_default=False,
            help="Eval set (JSONL; see docs/evaluation.md for the format) [default: "
            "tests/data/eval_set.jsonl of the source checkout qabot runs from, whatever the "
            "current folder].",
        ),
    ] = None,
    llm_name: Annotated[
        str | None,
        typer.Option(
            "--llm",
            metavar="NAME",
            help=(
                "Answerer to evaluate: extractive, openai, mock, or a misbehaving mock "
                "(mock-invent-citation, mock-wrong-source, mock-unsupported-sentence, mock-number-swap, "
                "mock-no-citations, mock-refuse). Default: the configured one."
            ),
        ),
    ] = None,
    as_json: AsJson = False,
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", metavar="DIR", help="Where report.json, report.md and metrics.png go."
        ),
    ] = Path("eval-report"),
    compare_to: Annotated[
        Path | None,
        typer.Option("--compare", metavar="FILE", help="An earlier report.json: show the deltas."),
    ] = None,
) -> None:
    """Run an eval set and report retrieval, citation and grounding metrics.

    Offline and deterministic with the extractive answerer or a mock. Example: change the prompt,
    then `qabot eval --compare eval-report/report.json --out eval-new` shows what moved.
    """
    from qabot.evaluation.runner import (
        EVAL_SET,
        checkout_eval_set,
        compare,
        load_dataset,
        load_report,
        metrics_json,
        run_eval,
        write_report,
    )
    from qabot.testing.misbehaving import MOCKS

    label = str(dataset)
    if dataset is None:
        dataset, label = checkout_eval_set(), str(EVAL_SET)
        if not dataset.is_file():
            raise QABotError(
                f"No default eval set: {dataset} does not exist ({EVAL_SET} comes with qabot's "
                "source checkout, not with an installed package). Pass --dataset FILE."
            )
    items = load_dataset(dataset)
    baseline = load_report(compare_to) if compare_to else None
    settings = cli_settings(ctx)
    llm = None
    if llm_name in MOCKS:
        llm = MOCKS[llm_name]()
    elif llm_name in ("extractive", "openai"):
        settings = settings.model_copy(update={"llm": llm_name})
    elif llm_name is not None:
        raise QABotError(
            f"--llm must be extractive, openai or one of {', '.join(MOCKS)}; got {llm_name!r}"
        )
    bot = open_bot(ctx, settings=settings, llm=llm)
    logging.getLogger("qabot.answering.citations").setLevel(
        logging.ERROR
    )  # dropped markers are measured here
    with Progress(
        TextColumn("Evaluating"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("eval", total=len(items))
        report = run_eval(
            bot, items, dataset=label, progress=lambda d, t: bar.update(task, completed=d)
        )
    paths = write_report(report, out_dir)
    deltas = compare(report, baseline) if baseline else None
    if as_json:
        data = metrics_json(report)
        if deltas:
            data["delta"] = {k: d for k, (_, _, d) in deltas.items()}
        out.print_json(json.dumps(data))
        return
    table = Table(
        "metric",
        "value",
        *(("baseline", "delta") if deltas else ()),
        title=f"{report.answerer} on {label} ({report.questions} questions)",
    )
    for name, value in report.metrics.items():
        row = [name, "n/a" if value is None else f"{value:.3f}"]
        if deltas:
            _, theirs, delta = deltas[name]
            row += [
                "n/a" if theirs is None else f"{theirs:.3f}",
                "n/a" if delta is None else f"{delta:+.3f}",
            ]
        table.add_row(*row)
    out.print(table)
    for kind, (phrasing, value) in report.worst_phrasing.items():
        out.print(f"Worst phrasing of {kind} questions: {phrasing} (coverage {value:.3f}).")
    err.print("Wrote " + ", ".join(str(p) for p in paths))
