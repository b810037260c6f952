"""The `qabot` command line: ingest, search, ask and chat over a publication portfolio.

Docstrings here are the `--help` text.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from qabot.bot import QABot
from qabot.config import Settings
from qabot.errors import QABotError
from qabot.index import IngestReport
from qabot.integrity import check_index
from qabot.models import Answer
from qabot.questions import make_filters, no_match_text
from qabot.store import describe_store, load_manifest


class OneLineErrors(TyperGroup):
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
    "Typical use: `qabot ingest` once, then `qabot ask \"what has this group done on reward "
    "hacking?\"`. Settings come from QABOT_* environment variables or a .env file; see README.md and docs/configuration.md.",
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
    corpus: Annotated[Path | None, typer.Option(help="Corpus file or folder [env QABOT_CORPUS].")] = None,
    store: Annotated[Path | None, typer.Option(help="Index folder [env QABOT_STORE].")] = None,
    llm: Annotated[str | None, typer.Option(
        help="Answerer: auto, openai, extractive or mock [env QABOT_LLM].")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:  # fmt: skip
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


def _progress_ingest(bot: QABot, *, rebuild: bool = False) -> IngestReport:
    with Progress(
        TextColumn("Embedding chunks"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("embed", total=None)
        return bot.ingest(rebuild=rebuild, progress=lambda d, t: bar.update(task, completed=d, total=t))


def open_bot(ctx: typer.Context, settings: Settings | None = None, llm: Any = None) -> QABot:
    """A bot whose index exists, building it first (and saying so) when it does not."""
    bot = QABot(settings or cli_settings(ctx), llm=llm, auto_ingest=False)
    if load_manifest(bot.settings) is None:
        err.print(f"No index in {describe_store(bot.settings)} yet: building it from "
                  f"{bot.settings.corpus} first.")  # fmt: skip
        _print_report(_progress_ingest(bot))
    return bot


def _print_report(report: IngestReport) -> None:
    if report.repaired:
        err.print(f"The live index was damaged ({'; '.join(report.repaired[:3])}"
                  f"{'; …' if len(report.repaired) > 3 else ''}): rebuilt it.", highlight=False)  # fmt: skip
    if report.up_to_date:
        err.print(f"Index is up to date: {report.papers} papers, {report.chunks} chunks "
                  f"({report.seconds:.2f} s).")  # fmt: skip
    else:
        err.print(
            f"Indexed {report.papers} papers as {report.chunks} chunks ({report.embedded} "
            f"embedded, {report.reused} reused) in {report.seconds:.1f} s."
        )
    err.print(f"Skipped {report.skipped} malformed record(s); {report.duplicates} "
              "duplicate(s) stored once.")  # fmt: skip
    for line in report.errors[:10]:
        err.print(f"  - {line}", highlight=False)
    if len(report.errors) > 10:
        err.print(f"  … and {len(report.errors) - 10} more (see the warnings above).")


def _filters(year_from: int | None, year_to: int | None, category: list[str] | None,
             author: str | None, has_code: bool) -> dict[str, Any]:  # fmt: skip
    return {
        "year_from": year_from, "year_to": year_to, "categories": category or None,
        "author": author, "has_code": True if has_code else None,
    }  # fmt: skip


YearFrom = Annotated[int | None, typer.Option("--year-from", help="Only papers from this year on.")]
YearTo = Annotated[int | None, typer.Option("--year-to", help="Only papers up to this year.")]
Category = Annotated[list[str] | None, typer.Option(
    "--category", "-c", help="Only this arXiv category (LG, CL, RO…); repeat for several.")]
Author = Annotated[str | None, typer.Option(help="Only papers with an author containing this.")]
HasCode = Annotated[bool, typer.Option("--has-code", help="Only papers that link their code.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command()
@friendly
def ingest(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option(help="Re-embed everything instead of updating.")] = False,
    strict: Annotated[bool | None, typer.Option(
        "--strict/--no-strict",
        help="Fail on the first malformed record [env QABOT_PARSING__STRICT; default: skip].",
        show_default=False)] = None,
) -> None:  # fmt: skip
    """Build or update the index from the corpus (idempotent and incremental).

    Unchanged papers keep their vectors, new or edited ones are embedded, removed ones are
    deleted. The old index keeps answering until the new one is complete.
    """
    settings = cli_settings(ctx)
    if strict is not None:  # only an explicit flag overrides the environment
        settings = settings.model_copy(
            update={"parsing": settings.parsing.model_copy(update={"strict": strict})}
        )
    bot = QABot(settings, auto_ingest=False)
    _print_report(_progress_ingest(bot, rebuild=rebuild))


@app.command()
@friendly
def search(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="What to look for, in your own words.")],
    k: Annotated[int, typer.Option("-k", help="How many papers to return.")] = 5,
    year_from: YearFrom = None, year_to: YearTo = None, category: Category = None,
    author: Author = None, has_code: HasCode = False, as_json: AsJson = False,
    mode: Annotated[str, typer.Option(help="hybrid, dense or lexical.")] = "hybrid",
) -> None:  # fmt: skip
    """List the papers that best match QUESTION (hybrid dense + BM25 search), no answer text."""
    bot = open_bot(ctx)
    filters = _filters(year_from, year_to, category, author, has_code)
    hits = bot.search(question, k=k, mode=mode, **filters)  # type: ignore[arg-type]
    if as_json:
        out.print_json(json.dumps([h.model_dump(mode="json") for h in hits]))
        return
    if not hits:
        out.print(_no_hits(bot, mode, filters), highlight=False, markup=False)
        return
    table = Table("#", "score", "year", "title", "authors")
    for n, hit in enumerate(hits, 1):
        table.add_row(str(n), f"{hit.score:.4f}", str(hit.year or ""), hit.title, hit.authors)
    out.print(table)


def _no_hits(bot: QABot, mode: str, filters: dict[str, Any]) -> str:
    """Why a search found nothing: the filters, or the question itself."""
    chosen = make_filters(filters)
    if not chosen.is_empty() and bot.matching_papers(**filters) == 0:
        return no_match_text(chosen)
    within = " within these filters" if not chosen.is_empty() else ""
    if mode == "lexical":
        return f"No paper contains any word of the question{within} (lexical search)."
    return f"No paper matches the question{within}."


def _print_sources(answer: Answer) -> None:
    for c in answer.citations:
        link = f"  {c.url}" if c.url else ""
        out.print(f"  [{c.number}] {c.title} ({c.year or 'n.d.'}) — {c.authors}{link}",
                  highlight=False, markup=False)  # fmt: skip


def _stream_answer(bot: QABot, question: str, history: list[dict[str, str]] | None,
                   **filters: Any) -> Answer:  # fmt: skip
    answer: Answer | None = None
    for item in bot.stream(question, history, **filters):
        if isinstance(item, Answer):
            answer = item
        else:
            out.print(item, end="", markup=False, highlight=False, soft_wrap=True)
    out.print()
    assert answer is not None
    return answer


@app.command()
@friendly
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question about the papers.")],
    year_from: YearFrom = None, year_to: YearTo = None, category: Category = None,
    author: Author = None, has_code: HasCode = False, as_json: AsJson = False,
) -> None:  # fmt: skip
    """Answer QUESTION from the papers, citing each claim as [n], or say the portfolio
    doesn't cover it.

    Example: `qabot ask --json "What is the Boltzmann policy distribution?"`
    """
    bot = open_bot(ctx)
    filters = _filters(year_from, year_to, category, author, has_code)
    if as_json:
        out.print_json(json.dumps(bot.ask(question, **filters).to_json_dict()))
        return
    answer = _stream_answer(bot, question, None, **filters)
    _print_sources(answer)
    err.print(f"[dim]answered by: {answer.answerer}[/]")


@app.command()
@friendly
def chat(ctx: typer.Context) -> None:
    """Interactive chat with history, so follow-ups like "who wrote it?" work.

    Type /new to start over, /quit (or Ctrl-D) to leave.
    """
    bot = open_bot(ctx)
    history: list[dict[str, str]] = []
    err.print(f"qabot chat ({bot.answerer} answerer). /new starts over, /quit leaves.")
    if isinstance(sys.stdin, io.TextIOWrapper):
        # An undecodable byte arrives as a surrogate escape, which the question cleaning
        # repairs, instead of a UnicodeDecodeError that would end the session.
        sys.stdin.reconfigure(errors="surrogateescape")
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        except UnicodeDecodeError as exc:  # a stream that cannot be reconfigured
            print_error(f"that line is not valid text ({exc.reason}); type it again.")
            continue
        if question in ("/quit", "/exit"):
            break
        if question == "/new":
            history.clear()
            err.print("(new conversation)")
            continue
        if not question:
            continue
        try:
            answer = _stream_answer(bot, question, history)
        except QABotError as exc:
            print_error(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad line must not end the session
            log.info("unexpected error while answering %r", question[:200], exc_info=True)
            print_error(f"something went wrong while answering ({type(exc).__name__}); the "
                        "session goes on. Run with -v for details.")  # fmt: skip
            continue
        _print_sources(answer)
        history += [{"role": "user", "content": answer.question},
                    {"role": "assistant", "content": answer.answer}]  # fmt: skip


@app.command()
@friendly
def check(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Verify the index and say what is wrong and how to fix it. Exit code 0: healthy; 1: not.

    Compares every file of the live index generation with the size and checksum that
    `qabot ingest` recorded in manifest.json (bit rot, a stray write, a half-copied folder),
    checks that the BM25 index is consistent, and that Chroma opens, holds the collection
    the manifest names with the right number of vectors, and finds a stored vector. It also
    reports Chroma segment folders that nothing uses any more.

    Almost every problem is fixed by `qabot ingest`: it repairs a damaged generation by
    rebuilding it, reusing the stored vectors (unless the chunk table that maps them is the
    damaged file). A damaged Chroma database needs `qabot ingest --rebuild`, which moves it
    aside and re-embeds. `qabot check` changes nothing itself (Chroma, when it opens its
    database, still writes to it).

    Example: `qabot check --json || qabot ingest`
    """
    result = check_index(cli_settings(ctx))
    if as_json:
        out.print_json(json.dumps({**result.model_dump(mode="json"), "ok": result.ok}))
    else:
        where = f"{result.store} (generation {result.generation})" if result.generation else result.store
        for problem in result.problems:
            out.print(f"[bold red]✗[/] {problem.part}: {problem.what}", highlight=False)
            out.print(f"    fix: {problem.fix}", highlight=False, markup=False)
        for note in result.notes:
            out.print(f"• {note}", highlight=False, markup=False)
        verdict = "[bold green]OK[/]" if result.ok else f"[bold red]{len(result.problems)} problem(s)[/]"
        out.print(f"{verdict}: {where}; {result.files_checked} files ({result.bytes_checked / 1e6:.1f} "
                  f"MB) verified in {result.seconds:.2f} s.", highlight=False)  # fmt: skip
    if not result.ok:
        raise typer.Exit(1)


@app.command()
@friendly
def serve(
    ctx: typer.Context,
    share: Annotated[bool, typer.Option(help="Also open a public Gradio share link.")] = False,
    host: Annotated[str | None, typer.Option(
        help="Interface to bind [env GRADIO_SERVER_NAME; default 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(
        help="Port [env GRADIO_SERVER_PORT; default 7860].")] = None,
    mcp: Annotated[bool | None, typer.Option(
        "--mcp/--no-mcp", show_default=False,
        help="Also serve the MCP tools at /gradio_api/mcp/ [env QABOT_APP__MCP; default off].")] = None,
) -> None:  # fmt: skip
    """Start the web chat UI (the same app as `python app.py`).

    Loads the model and index once (building the index on first use), then serves the chat
    and its `/chat` API endpoint until interrupted. With `--mcp`, MCP clients reach the tools
    ask, search and portfolio_statistics at http://HOST:PORT/gradio_api/mcp/ (streamable HTTP).
    """
    from qabot.ui import launch

    # Explicit options beat the environment, which `launch` reads before the settings.
    if host:
        os.environ["GRADIO_SERVER_NAME"] = host
    if port:
        os.environ["GRADIO_SERVER_PORT"] = str(port)
    settings = cli_settings(ctx)
    if mcp is not None:  # only an explicit flag overrides the environment
        settings = settings.model_copy(
            update={"app": settings.app.model_copy(update={"mcp": mcp})}
        )
    launch(settings, share=share)


@app.command("mcp")
@friendly
def mcp_stdio(ctx: typer.Context) -> None:
    """Serve the MCP tools over stdio, for MCP clients that start a command (Claude Desktop,
    Cursor, ...): ask, search and portfolio_statistics.

    The index is opened (or built) before the first request is read; logs go to stderr,
    stdout carries only the protocol. Over HTTP instead: `qabot serve --mcp`.
    """
    from qabot.mcp_server import stdio_server

    bot = open_bot(ctx)
    bot.warm_up().join()  # the first tool call then answers at once
    stdio_server(bot).run("stdio")



def main() -> None:
    app()


# Reporting commands live in their own module; importing it registers them on `app`.
from qabot import cli_reports  # noqa: E402,F401
