"""The `qabot` command line: ingest, search, ask and chat over a publication portfolio.

Docstrings here are the `--help` text. The app and what commands share live in
`qabot.interfaces.cli.base`; `qabot stats` and `qabot eval` in `qabot.interfaces.cli.reports`.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from enum import Enum
from typing import Annotated, Any

import typer
from rich.table import Table

from qabot.bot import QABot
from qabot.domain.questions import make_filters, no_match_text
from qabot.domain.records import Answer
from qabot.errors import QABotError
from qabot.index.integrity import check_index
from qabot.interfaces.cli import reports as cli_reports  # noqa: F401 - registers `stats` and `eval` on the app
from qabot.interfaces.cli.base import (
    Affiliation,
    AsJson,
    Author,
    Category,
    Command,
    FirstAuthor,
    HasCode,
    K,
    PaperTypeOpt,
    ProfileName,
    YearFrom,
    YearTo,
    app,
    cli_settings,
    err,
    friendly,
    open_bot,
    out,
    print_error,
    print_report,
    progress_ingest,
)

__all__ = ["app", "main"]
log = logging.getLogger(__name__)


def _filters(
    year_from: int | None,
    year_to: int | None,
    category: list[str] | None,
    author: list[str] | None,
    has_code: bool,
    affiliation: str | None = None,
    profile: str | None = None,
    first_author: bool = False,
    paper_type: Enum | None = None,
) -> dict[str, Any]:
    return {
        "year_from": year_from,
        "year_to": year_to,
        "categories": category or None,
        "author": author[0] if author else None,
        "coauthors": author[1:] or None if author else None,
        "affiliation": affiliation,
        "profile": profile,
        "has_code": True if has_code else None,
        "first_author": True if first_author and author else None,
        "paper_type": paper_type.value if paper_type is not None else None,
    }


@app.command(cls=Command)
@friendly
def ingest(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option(help="Re-embed everything instead of updating.")] = False,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--no-strict",
            help="Fail on the first malformed record [env QABOT_PARSING__STRICT; default: skip].",
            show_default=False,
        ),
    ] = None,
) -> None:
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
    print_report(progress_ingest(bot, rebuild=rebuild))


@app.command(cls=Command)
@friendly
def search(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="What to look for, in your own words.")],
    k: K = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    category: Category = None,
    author: Author = None,
    has_code: HasCode = False,
    as_json: AsJson = False,
    mode: Annotated[str, typer.Option(metavar="MODE", help="hybrid, dense or lexical.")] = "hybrid",
    affiliation: Affiliation = None,
    profile: ProfileName = None,
    first_author: FirstAuthor = False,
    paper_type: PaperTypeOpt = None,
) -> None:
    """List the papers that best match QUESTION (hybrid dense + BM25 search), no answer text."""
    bot = open_bot(ctx)
    filters = _filters(year_from, year_to, category, author, has_code, affiliation, profile,
                       first_author, paper_type)  # fmt: skip
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
        venue = f"{c.venue}, " if c.venue else ""
        out.print(
            f"  [{c.number}] {c.title} ({venue}{c.year or 'n.d.'}) — {c.authors}{link}",
            highlight=False,
            markup=False,
        )


def _stream_answer(
    bot: QABot,
    question: str,
    history: list[dict[str, Any]] | None,
    k: int | None = None,
    **filters: Any,
) -> Answer:
    answer: Answer | None = None
    for item in bot.stream(question, history, k=k, **filters):
        if isinstance(item, Answer):
            answer = item
        else:
            out.print(item, end="", markup=False, highlight=False, soft_wrap=True)
    out.print()
    assert answer is not None
    return answer


@app.command(cls=Command)
@friendly
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question about the papers.")],
    k: K = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    category: Category = None,
    author: Author = None,
    has_code: HasCode = False,
    as_json: AsJson = False,
    affiliation: Affiliation = None,
    profile: ProfileName = None,
    first_author: FirstAuthor = False,
    paper_type: PaperTypeOpt = None,
) -> None:
    """Answer QUESTION from the papers, citing each claim as [n], or say the portfolio
    doesn't cover it.

    Example: `qabot ask --json "What is the Boltzmann policy distribution?"`
    """
    bot = open_bot(ctx)
    filters = _filters(year_from, year_to, category, author, has_code, affiliation, profile,
                       first_author, paper_type)  # fmt: skip
    if as_json:
        out.print_json(json.dumps(bot.ask(question, k=k, **filters).to_json_dict()))
        return
    answer = _stream_answer(bot, question, None, k=k, **filters)
    _print_sources(answer)
    err.print(f"[dim]answered by: {answer.answerer}[/]")


CHAT_HELP = """Ask a question about the papers; follow-ups refer to the last answer ("who wrote it?",
"tell me more about the second one", "which of those have code?").
Commands:
  /help        this text
  /new         start a new conversation (forget the history)
  /quit, /exit leave (Ctrl-D too)"""


@app.command(cls=Command)
@friendly
def chat(ctx: typer.Context) -> None:
    """Interactive chat with history, so follow-ups like "who wrote it?" work.

    Type /help for the commands, /new to start over, /quit (or Ctrl-D) to leave. A line that
    starts with / is a command, never a question.
    """
    bot = open_bot(ctx)
    history: list[dict[str, Any]] = []
    err.print(f"qabot chat ({bot.answerer} answerer). /help lists the commands, /quit leaves.")
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
        if question in ("/help", "/?"):
            err.print(CHAT_HELP, highlight=False, markup=False)
            continue
        if question.startswith("/"):
            # Sent to the bot, "/help" was answered from the papers, as a follow-up of the
            # last answer (its paper, cited).
            print_error(f"unknown command {question.split()[0]!r}; /help lists the commands.")
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
            print_error(
                f"something went wrong while answering ({type(exc).__name__}); the "
                "session goes on. Run with -v for details."
            )
            continue
        _print_sources(answer)
        history += [{"role": "user", "content": answer.question}, answer.as_turn()]


@app.command(cls=Command)
@friendly
def check(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Verify the index and say what is wrong and how to fix it. Exit code 0: healthy; 1: not.

    Compares every file of the live index generation, and the HNSW files of its Chroma
    collection, with the size and checksum that `qabot ingest` recorded in manifest.json (bit
    rot, a stray write, a half-copied folder), checks that the BM25 index is consistent, and
    that Chroma opens, holds the collection the manifest names with the right number of
    vectors, and finds a stored vector. Chroma is opened in a child process, so that a
    damaged file that crashes it is reported rather than ending the check. It also reports
    Chroma segment folders that nothing uses any more.

    Almost every problem is fixed by `qabot ingest`: it repairs a damaged generation by
    rebuilding it, reusing the stored vectors (unless the chunk table that maps them, or the
    vector index itself, is what is damaged: then it embeds the chunks again). A damaged
    Chroma database needs `qabot ingest --rebuild`, which moves it aside and re-embeds.
    `qabot check` changes nothing itself (Chroma, when it opens its database, still writes
    to it).

    Example: `qabot check --json || qabot ingest`
    """
    result = check_index(cli_settings(ctx))
    if as_json:
        out.print_json(json.dumps({**result.model_dump(mode="json"), "ok": result.ok}))
    else:
        where = (
            f"{result.store} (generation {result.generation})"
            if result.generation
            else result.store
        )
        for problem in result.problems:
            out.print(f"[bold red]✗[/] {problem.part}: {problem.what}", highlight=False)
            out.print(f"    fix: {problem.fix}", highlight=False, markup=False)
        for note in result.notes:
            out.print(f"• {note}", highlight=False, markup=False)
        verdict = (
            "[bold green]OK[/]" if result.ok else f"[bold red]{len(result.problems)} problem(s)[/]"
        )
        out.print(
            f"{verdict}: {where}; {result.files_checked} files ({result.bytes_checked / 1e6:.1f} "
            f"MB) verified in {result.seconds:.2f} s.",
            highlight=False,
        )
    if not result.ok:
        raise typer.Exit(1)


@app.command(cls=Command)
@friendly
def serve(
    ctx: typer.Context,
    share: Annotated[bool, typer.Option(help="Also open a public Gradio share link.")] = False,
    host: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Interface to bind [env GRADIO_SERVER_NAME; default 127.0.0.1].",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(metavar="N", help="Port [env GRADIO_SERVER_PORT; default 7860]."),
    ] = None,
    mcp: Annotated[
        bool | None,
        typer.Option(
            "--mcp/--no-mcp",
            show_default=False,
            help="Also serve the MCP tools at /gradio_api/mcp/ [env QABOT_APP__MCP; default off].",
        ),
    ] = None,
) -> None:
    """Start the web chat UI (the same app as `python app.py`).

    Loads the model and index once (building the index on first use), then serves the chat
    and its `/chat` API endpoint until interrupted. With `--mcp`, MCP clients reach the tools
    ask, search and portfolio_statistics at http://HOST:PORT/gradio_api/mcp/ (streamable HTTP).
    A port already in use is said at once, in one line: pick another with `--port`.
    """
    from qabot.interfaces.web.address import check_port
    from qabot.interfaces.web.serving import serve as serve_app

    check_port(port)  # -1 or 0: named as --port, not as the variable it would be copied to
    # Explicit options beat the environment, which `launch` reads before the settings.
    if host:
        os.environ["GRADIO_SERVER_NAME"] = host
    if port is not None:
        os.environ["GRADIO_SERVER_PORT"] = str(port)
    settings = cli_settings(ctx)
    if mcp is not None:  # only an explicit flag overrides the environment
        settings = settings.model_copy(update={"app": settings.app.model_copy(update={"mcp": mcp})})
    serve_app(settings, share=share)


@app.command("mcp", cls=Command)
@friendly
def mcp_stdio(ctx: typer.Context) -> None:
    """Serve the MCP tools over stdio, for MCP clients that start a command (Claude Desktop,
    Cursor, ...): ask, search and portfolio_statistics.

    The index is opened (or built) before the first request is read; logs go to stderr,
    stdout carries only the protocol. Over HTTP instead: `qabot serve --mcp`.
    """
    from qabot.interfaces.mcp.server import stdio_server

    bot = open_bot(ctx)
    bot.warm_up().join()  # the first tool call then answers at once
    stdio_server(bot).run("stdio")


def main() -> None:
    app()
