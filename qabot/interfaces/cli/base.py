"""What every `qabot` command shares: the typer app, consoles, one-line errors, settings,
opening the bot, and the filter options.

`qabot.cli` (the main commands) and `qabot.interfaces.cli.reports` (stats, eval) both build on this
module, so neither imports the other.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup

from qabot.bot import QABot
from qabot.config import Settings
from qabot.config.groups import RetrievalSettings
from qabot.domain.genres import TYPE_NAMES
from qabot.domain.questions import MAX_K
from qabot.errors import QABotError
from qabot.index.manifest import describe_store, load_manifest
from qabot.ingest.build import IngestReport


class PlainArgument(TyperArgument):
    """An argument shown by its name alone (`QUESTION`), without its annotation (`<str>`)."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:
        return None


class PlainHelp:
    """Help that shows what to type, not Python types.

    typer prints each parameter's annotation beside it unless it has a metavar: `--has-code
    <bool>` reads as if the flag took a value (`--has-code true` then fails), and `-c
    <list[str]>` names a Python type. Flags get no value column; any other option without a
    metavar of its own shows its name in capitals, as click does; arguments show their name
    (`QUESTION`, which the command's help text then refers to)."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:  # idempotent: help is rendered more than once in a run
            if param.metavar is None:
                flag = getattr(param, "is_flag", False)
                param.metavar = "" if flag else (param.name or "value").upper()
            if type(param) is TyperArgument:
                # typer builds the parameters from the signature and has no hook for their
                # class; the subclass changes only how the help shows the argument.
                param.__class__ = PlainArgument
        return params


class Command(PlainHelp, TyperCommand):
    """Every `qabot` command's class: `@app.command(cls=Command)`."""


class OneLineErrors(PlainHelp, TyperGroup):
    """Usage errors (a value typer cannot parse, such as `-k abc`, or an unknown option) as one
    line naming the option, exit 1, like every other bad value; not a usage box."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except typer.TyperException as exc:  # typer's own click: UsageError, BadParameter, ...
            if type(exc).__name__ == "NoArgsIsHelpError":  # `qabot` alone: the help text
                exc.show()  # type: ignore[attr-defined]
                sys.exit(2)
            ctx = getattr(exc, "ctx", None)
            hint = f" See `{ctx.command_path} --help`." if ctx is not None else ""
            message = exc.format_message().rstrip()
            print_error(f"{message}{'' if message.endswith(('.', '?', '!')) else '.'}{hint}")
            sys.exit(1)
        except typer.Abort:
            err.print("Aborted.")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    help="Ask questions about a researcher's papers and get answers that cite them.\n\n"
    'Typical use: `qabot ingest` once, then `qabot ask "what has this group done on reward '
    'hacking?"`. Settings come from QABOT_* environment variables or a .env file; see README.md and '
    "docs/configuration.md.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
# soft_wrap: let the terminal wrap, so file:line references stay on one line.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


def print_error(message: str) -> None:
    """One line on stderr; the message is plain text ("[1]" in it is not markup)."""
    err.print(Text.assemble(("Error:", "bold red"), " ", message), highlight=False, soft_wrap=True)


def friendly(func: F) -> F:
    """Turn qabot errors into a one-line message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QABotError as exc:
            print_error(str(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Interrupted.")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def options(
    ctx: typer.Context,
    corpus: Annotated[
        Path | None,
        typer.Option(metavar="PATH", help="Corpus file or folder [env QABOT_CORPUS]."),
    ] = None,
    store: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Index folder [env QABOT_STORE].")
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option(
            metavar="NAME", help="Answerer: auto, openai, extractive or mock [env QABOT_LLM]."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    """Shared options; they override the environment for this run."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    overrides = {k: v for k, v in {"corpus": corpus, "store": store, "llm": llm}.items() if v}
    ctx.obj = overrides


def cli_settings(ctx: typer.Context, **extra: Any) -> Settings:
    return Settings(**(ctx.obj or {}), **extra)  # a bad value raises a one-line ConfigError


def progress_ingest(bot: QABot, *, rebuild: bool = False) -> IngestReport:
    with Progress(
        TextColumn("Embedding chunks"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("embed", total=None)
        return bot.ingest(
            rebuild=rebuild, progress=lambda d, t: bar.update(task, completed=d, total=t)
        )


def open_bot(ctx: typer.Context, settings: Settings | None = None, llm: Any = None) -> QABot:
    """A bot whose index exists, building it first (and saying so) when it does not."""
    bot = QABot(settings or cli_settings(ctx), llm=llm, auto_ingest=False)
    if load_manifest(bot.settings) is None:
        err.print(
            f"No index in {describe_store(bot.settings)} yet: building it from "
            f"{bot.settings.corpus} first."
        )
        print_report(progress_ingest(bot))
    return bot


def print_report(report: IngestReport) -> None:
    if report.repaired:
        err.print(
            f"The live index was damaged ({'; '.join(report.repaired[:3])}"
            f"{'; …' if len(report.repaired) > 3 else ''}): rebuilt it.",
            highlight=False,
        )
    if report.up_to_date:
        err.print(
            f"Index is up to date: {report.papers} papers, {report.chunks} chunks "
            f"({report.seconds:.2f} s)."
        )
    else:
        err.print(
            f"Indexed {report.papers} papers as {report.chunks} chunks ({report.embedded} "
            f"embedded, {report.reused} reused) in {report.seconds:.1f} s."
        )
        if report.stages and report.seconds > 0:
            spent = ", ".join(
                f"{name} {took:.1f} s ({took / report.seconds:.0%})"
                for name, took in report.stages.items()
            )
            err.print(f"Time: {spent}.", highlight=False)
    if report.owner:
        err.print(f"Owner of the paper files: {report.owner}.", highlight=False)
    skipped = f"{report.skipped} malformed record(s)"
    if report.no_abstract:
        skipped = (
            f"{report.skipped} record(s): {report.no_abstract} without an abstract, "
            f"{report.skipped - report.no_abstract} malformed"
        )
    err.print(f"Skipped {skipped}; {report.duplicates} duplicate(s) stored once.")
    for line in report.errors[:10]:
        err.print(f"  - {line}", highlight=False)
    if len(report.errors) > 10:
        err.print(f"  … and {len(report.errors) - 10} more (see the warnings above).")


# The API's k (`QABot.search`, `ask`): None means QABOT_RETRIEVAL__K, and the bounds are checked
# there (`check_options`), so a bad value reads the same from every interface.
K = Annotated[
    int | None,
    typer.Option(
        "-k",
        "--k",
        metavar="N",
        show_default=False,
        help=f"How many papers to retrieve: search lists them, ask answers from them (1-{MAX_K}) "
        f"[env QABOT_RETRIEVAL__K; default {RetrievalSettings.model_fields['k'].default}].",
    ),
]
YearFrom = Annotated[
    int | None,
    typer.Option("--year-from", metavar="YEAR", help="Only papers from this year on."),
]
YearTo = Annotated[
    int | None, typer.Option("--year-to", metavar="YEAR", help="Only papers up to this year.")
]
Category = Annotated[
    list[str] | None,
    typer.Option(
        "--category",
        "-c",
        metavar="CODE",
        help="Only this arXiv category (LG, CL, RO…); repeat for several.",
    ),
]
Author = Annotated[
    list[str] | None,
    typer.Option(
        metavar="NAME",
        help="Only papers with an author containing this; repeat for papers they wrote together.",
    ),
]
Affiliation = Annotated[
    str | None,
    typer.Option(
        metavar="NAME",
        help="Only papers listing this affiliation (DeepMind, Stanford; any part of the name).",
    ),
]
ProfileName = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        help="Only papers this profile lists (its owner's name), when a lab indexes several.",
    ),
]
FirstAuthor = Annotated[
    bool,
    typer.Option(
        "--first-author",
        help="With --author: only papers that list that author first (the papers they led).",
    ),
]
# The kinds of paper (qabot.domain.genres), as the choices --help lists
PaperKind = Enum("PaperKind", {kind: kind for kind in TYPE_NAMES}, type=str)  # type: ignore[misc]
PaperTypeOpt = Annotated[
    PaperKind | None,
    typer.Option(
        "--paper-type",
        metavar="KIND",
        help="Only papers of this kind, read from their title and abstract: report (a model's "
        "technical report), position (a position paper) or survey.",
    ),
]
# A plain flag (no --no-has-code): "without code" is not a filter the CLI offers.
HasCode = Annotated[bool, typer.Option("--has-code", help="Only papers that link their code.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
