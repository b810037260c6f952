"""qabot as an MCP server: three tools, defined once, served over stdio and over HTTP.

`PortfolioTools` holds the tools (`ask`, `search`, `portfolio_statistics`) as typed methods whose
parameters carry their descriptions (`Annotated[..., Field(description=...)]`); the filter
parameters are derived from `Filters`, so every filter the bot knows is offered. Two adapters
serve them without restating anything:

- `stdio_server` registers them on the official SDK's FastMCP (`qabot mcp`), which builds the
  JSON schemas from the annotations and returns the records as structured content;
- `qabot.interfaces.mcp.gradio` registers them as Gradio API endpoints, which Gradio's own MCP support
  publishes at `/gradio_api/mcp/` (`qabot serve --mcp`).

Every call is independent: the tools keep nothing between calls. `ask` takes the conversation
so far as an optional `history`, whose assistant turns carry the papers they cited as data
(`citations`: paper ids), so a client can ask follow-ups ("who wrote it?", "the second one"). A
`QABotError` (an empty question, a missing index) becomes an MCP tool error with its message,
and so does a bad argument or one the tool does not take (`check_tool_calls`, on both servers,
which check every call as the Python API does);
anything else is logged with its traceback and reported as a one-line internal error.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_type_hints

import anyio
from pydantic import BaseModel, Field

from qabot.bot import QABot
from qabot.domain.filters import Filters
from qabot.domain.questions import check_options, clean_text, make_filters, unknown_names
from qabot.errors import QABotError, QuestionError

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP
    from mcp.server.lowlevel import Server

log = logging.getLogger(__name__)

SERVER_NAME = "qabot"
INSTRUCTIONS = (
    "qabot answers questions about one researcher's (or group's) publication portfolio. Use "
    "`ask` for a cited answer, `search` to list the papers that match a topic, and "
    "`portfolio_statistics` for exact counts (papers per year, category, co-authors). Every "
    "claim in an `ask` answer carries a [n] marker resolved in its citations; when the papers "
    "do not cover a question the answer says so (abstained = true)."
)
INTERNAL_ERROR = "qabot failed while answering (an internal error; the details are in its log)."
LISTED_MAX = 50  # titles listed in portfolio_statistics; the counts cover all of them

# Parameters, each described once; both transports publish these descriptions.
Question = Annotated[str, Field(description="The question, in natural language.")]
K_MAX = 50  # papers a tool returns at most: a client is a model reading them all
K = Annotated[int, Field(ge=1, le=K_MAX, description=f"How many papers to return (1-{K_MAX}).")]
History = Annotated[
    list[dict[str, Any]] | None,
    Field(
        description=(
            "The conversation so far, oldest first, for follow-up questions: "
            '{"role": "user", "content": "<question>"} and {"role": "assistant", "content": "<answer>", '
            '"citations": ["<paper_id>", ...], "shape": "<shape>", "abstained": <bool>} (the previous '
            "result's citations' paper ids, in order, its shape and whether it abstained)."
        )
    ),
]
# The filter parameters are `Filters`' fields (see `filter_parameters`): a filter added there is
# offered by the tools too. These say more than the model's own field descriptions.
FILTER_HELP = {
    "year_from": "Only papers published in or after this year.",
    "year_to": "Only papers published in or before this year.",
    "categories": 'Only papers in these arXiv categories, e.g. ["LG", "RO"] or ["cs.CL"].',
    "author": "Only papers with an author whose name contains this text (case-insensitive).",
    "has_code": "true: only papers that link their code; false: only papers that do not.",
}


class CitedPassage(BaseModel):
    """A `[n]` marker of the answer, resolved to the paper and the passage it rests on."""

    number: int = Field(description="The n of the [n] marker in the answer text.")
    paper_id: str
    title: str
    year: int | None
    url: str | None
    venue: str | None = Field(default=None, description="Journal or proceedings, if known.")
    passage: str = Field(description="The passage of the paper shown to the answerer as [n].")


class AskResult(BaseModel):
    """What the `ask` tool returns."""

    question: str
    answer: str = Field(description="The answer, with [n] markers that `citations` resolve.")
    abstained: bool = Field(description="True when the portfolio does not cover the question.")
    citations: list[CitedPassage]
    answerer: str = Field(description="Which backend wrote the answer (openai:..., extractive).")
    shape: str | None = Field(
        default=None,
        description="How it answered (survey: a list of papers; focused, definition, detail, "
        "who-when: about its first paper; compare; metadata); pass it back in `history`.",
    )


class FoundPaper(BaseModel):
    """One paper of a `search` result, best first."""

    rank: int
    paper_id: str
    title: str
    year: int | None
    authors: str
    category: str | None
    has_code: bool
    url: str | None
    venue: str | None = Field(default=None, description="Journal or proceedings, if known.")
    score: float = Field(description="Fused dense + BM25 rank score; higher is better.")
    passage: str = Field(description="The paper's passage that best matches the question.")


class SearchResult(BaseModel):
    """What the `search` tool returns."""

    question: str
    papers: list[FoundPaper]


class NamedCount(BaseModel):
    name: str
    papers: int


class PortfolioStatistics(BaseModel):
    """What the `portfolio_statistics` tool returns: exact figures from the paper metadata."""

    researchers: list[str] = Field(
        description="Whose portfolio it is: the profiles' researchers and the named owner of "
        "the paper files (QABOT_OWNER)."
    )
    papers_indexed: int
    papers_stated: int | None = Field(description="What the profiles claim, when they say.")
    counts_by_year: dict[str, int]
    counts_by_category: dict[str, int]
    counts_by_affiliation: dict[str, int]
    top_coauthors: list[NamedCount] = Field(description="Listed authors only (see truncated).")
    truncated_author_lists: int = Field(description='Papers whose author list ends "et al.".')
    papers_with_code: int
    papers_with_code_titles: list[str] = Field(description=f"At most {LISTED_MAX} titles.")
    earliest: str | None
    latest: str | None
    undated: int
    themes: list[NamedCount] = Field(description="Main themes (k-means over paper embeddings).")


class PortfolioTools:
    """The MCP tools over one bot. Stateless: each call stands alone."""

    def __init__(self, bot: QABot, concurrency: int | None = None) -> None:
        self.bot = bot
        # Tool calls bypass the page's queue, so they get the same limit of their own.
        self._slots = threading.BoundedSemaphore(concurrency or bot.settings.app.concurrency)

    def ask(self, question: Question, history: History = None, **filters: Any) -> AskResult:
        """Answer a question from the researcher's papers. Every claim is cited as [n] and the
        citations give each cited paper and passage; when the papers do not cover the question
        the answer says so and `abstained` is true. Filters narrow the papers used; `history`
        makes it a follow-up of earlier turns."""
        with self._slots:
            answer = self.bot.ask(question, history, **given(filters))
        return AskResult(
            question=answer.question,
            answer=answer.answer,
            abstained=answer.abstained,
            answerer=answer.answerer,
            shape=answer.shape,
            citations=[
                CitedPassage(
                    number=c.number,
                    paper_id=c.paper_id,
                    title=c.title,
                    year=c.year,
                    url=c.url,
                    venue=c.venue,
                    passage=c.text,
                )
                for c in answer.citations
            ],
        )

    def search(self, question: Question, k: K = 5, **filters: Any) -> SearchResult:
        """List the papers that best match a question (hybrid dense + keyword search), best
        first, each with its best-matching passage. No answer is written."""
        with self._slots:
            hits = self.bot.search(question, k=k, **given(filters))
        # The question as the search saw it: a lone surrogate would break the JSON reply.
        return SearchResult(
            question=clean_text(question),
            papers=[
                FoundPaper(
                    rank=n,
                    paper_id=h.paper_id,
                    title=h.title,
                    year=h.year,
                    authors=h.authors,
                    category=h.category,
                    has_code=h.has_code,
                    url=h.url,
                    venue=h.venue,
                    score=round(h.score, 6),
                    passage=h.evidence[0].text if h.evidence else "",
                )
                for n, h in enumerate(hits, 1)
            ],
        )

    def portfolio_statistics(self) -> PortfolioStatistics:
        """Exact statistics of the whole portfolio from its metadata: papers per year, per
        arXiv category and per affiliation, top co-authors, papers with code, the earliest and
        latest paper, and the main themes. Use it for counting questions."""
        with self._slots:
            report = self.bot.portfolio()
        return PortfolioStatistics(
            researchers=report.owners,
            papers_indexed=report.papers_indexed,
            papers_stated=report.papers_stated,
            counts_by_year={str(y): n for y, n in report.counts_by_year.items()},
            counts_by_category=report.counts_by_category,
            counts_by_affiliation=report.counts_by_affiliation,
            top_coauthors=[NamedCount(name=a.name, papers=a.papers) for a in report.top_coauthors],
            truncated_author_lists=report.truncated_author_lists,
            papers_with_code=len(report.papers_with_code),
            papers_with_code_titles=report.papers_with_code[:LISTED_MAX],
            earliest=report.earliest,
            latest=report.latest,
            undated=report.undated,
            themes=[NamedCount(name=t.label, papers=len(t.paper_ids)) for t in report.topics],
        )

    def tools(self) -> list[Callable[..., BaseModel]]:
        """The tools as plain functions with complete signatures (filters spelled out), the
        form both FastMCP and Gradio build schemas from."""
        return [
            with_filter_parameters(self.ask),
            with_filter_parameters(self.search),
            self.portfolio_statistics,
        ]


def given(filters: dict[str, Any]) -> dict[str, Any]:
    # `None` means "not set", so only given filters reach `Filters` (which names a bad one).
    return {name: value for name, value in filters.items() if value is not None}


def filter_parameters() -> list[inspect.Parameter]:
    """One optional parameter per `Filters` field, typed and described."""
    params = []
    for name, field in Filters.model_fields.items():
        kind = field.annotation if _accepts_none(field.annotation) else field.annotation | None
        help_text = FILTER_HELP.get(name) or field.description or f"Only papers matching {name}."
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None,
                annotation=Annotated[kind, Field(description=help_text)],
            )
        )
    return params


def _accepts_none(annotation: Any) -> bool:
    return type(None) in get_args(annotation)


def with_filter_parameters(method: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
    """`method(question, ..., **filters)` as a function whose signature lists every filter.

    Gradio calls a tool with positional arguments and FastMCP with keywords; both work. Own
    parameters with a default of None (`history`) come after the filters, so that positional
    callers of the tools published before them keep their places."""
    hints = get_type_hints(method, include_extras=True)
    own = [
        p.replace(annotation=hints[p.name])
        for p in inspect.signature(method).parameters.values()
        if p.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    first = [p for p in own if p.default is not None]
    last = [p for p in own if p.default is None]
    signature = inspect.Signature(
        [*first, *filter_parameters(), *last], return_annotation=hints["return"]
    )

    def tool(*args: Any, **kwargs: Any) -> BaseModel:
        check_arguments(method.__name__, list(signature.parameters), kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:  # too many positional arguments, say: the caller's mistake
            raise QuestionError(f"{method.__name__}: {exc}") from None
        # Gradio's HTTP API calls the tool directly, past any MCP handler: checked here too.
        return method(**tool_arguments(method.__name__, signature.parameters, bound.arguments))

    tool.__name__ = tool.__qualname__ = method.__name__
    tool.__doc__ = method.__doc__
    tool.__signature__ = signature  # type: ignore[attr-defined]
    tool.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    tool.__annotations__["return"] = signature.return_annotation
    return tool


def check_arguments(tool: str, parameters: Sequence[str], arguments: Iterable[str]) -> None:
    """Refuse argument names the tool does not take, each with a did-you-mean, as `QABot`
    refuses a misspelt filter: `{"yaer_to": 2019}` must not be answered as if unfiltered."""
    unknown = unknown_names(arguments, parameters, f"an argument of {tool}")
    if unknown:
        takes = f"takes {', '.join(parameters)}" if parameters else "takes no arguments"
        raise QuestionError(f"Invalid argument: {unknown}. {tool} {takes}.")


def tool_arguments(
    tool: str, parameters: Iterable[str], arguments: Mapping[str, Any]
) -> dict[str, Any]:
    """A tool call's arguments checked as the Python API checks them (`check_options` for k and
    history, `make_filters` for the filters; k within the tools' 1-K_MAX), with the JSON types
    the tool's schema declares: k "5" is 5, year_from "2020" is 2020, categories "LG" is
    ["LG"]. A null is an argument not given. Raises one QuestionError naming what is wrong.

    The two MCP servers validate against the schema each in its own way (FastMCP with pydantic,
    which takes "5" for 5 and knows k's bound; Gradio with JSON Schema, which refuses "5" and
    not 51), so every call is checked here first, and the servers then see arguments both
    accept (`check_tool_calls`)."""
    parameters = list(parameters)
    check_arguments(tool, parameters, arguments)
    given = {name: value for name, value in arguments.items() if value is not None}
    checked: dict[str, Any] = {}
    if "question" in parameters:
        question = given.pop("question", None)
        if not isinstance(question, str):
            what = "is missing" if question is None else f"must be text (got {question!r:.60})"
            raise QuestionError(f"Invalid argument: question {what}. {tool} needs a question.")
        checked["question"] = question
    options = check_options(**{name: given[name] for name in ("k", "history") if name in given})
    if options.k is not None:
        if options.k > K_MAX:
            raise QuestionError(f"Invalid parameter: k must be ≤ {K_MAX} (got {given['k']!r}).")
        checked["k"] = options.k
    if "history" in given:
        checked["history"] = given.pop("history")
    given.pop("k", None)
    if given:
        filters = make_filters(given)
        checked |= filters.model_dump(include=set(given))
    return checked


def check_tool_calls(server: Server, parameters: Mapping[str, Sequence[str]]) -> None:
    """Wrap an MCP server's tools/call handler so that every call is checked as the Python API
    checks it (`tool_arguments`): a bad value or an argument the tool does not take is a tool
    error with one line, the same on both transports, and what passes reaches the server with
    the types its schema declares. `parameters`: each tool's parameter names, by the name the
    server lists it under.

    Both servers need it: FastMCP validates the arguments with a model that ignores names it
    does not know, and Gradio's server maps them onto the endpoint's inputs by name, so a
    misspelt filter would be dropped without a word on either transport; and their own
    validations disagree (k=51, k="5")."""
    from mcp import types

    call = server.request_handlers[types.CallToolRequest]

    async def call_checked(request: types.CallToolRequest) -> types.ServerResult:
        known = parameters.get(request.params.name)
        if known is not None:
            try:
                arguments = tool_arguments(
                    request.params.name, known, request.params.arguments or {}
                )
            except QuestionError as exc:
                return types.ServerResult(
                    types.CallToolResult(
                        content=[types.TextContent(type="text", text=str(exc))], isError=True
                    )
                )
            request.params.arguments = arguments
        return await call(request)

    server.request_handlers[types.CallToolRequest] = call_checked


def tool_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A qabot error keeps its message; anything else is logged and reported in one line,
    so a client never sees a traceback or internal details."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QABotError:
            raise
        except Exception as exc:
            log.exception("MCP tool %s failed", fn.__name__)
            raise QABotError(INTERNAL_ERROR) from exc

    return call


# -- stdio (official SDK) -----------------------------------------------------------------------


def threaded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` (blocking) as a coroutine run in a worker thread: FastMCP calls a plain function on
    its event loop, which would stall every other request for the length of an answer."""
    checked = tool_errors(fn)

    @functools.wraps(fn)
    async def call(*args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(functools.partial(checked, *args, **kwargs))

    return call


def stdio_server(bot: QABot) -> FastMCP:
    """A FastMCP server with the tools; `.run("stdio")` serves it on stdin/stdout."""
    # Imported here: the web page imports this module for the tools and never needs FastMCP.
    from mcp.server.fastmcp import FastMCP

    server = FastMCP(SERVER_NAME, instructions=INSTRUCTIONS)
    tools = PortfolioTools(bot).tools()
    for tool in tools:
        server.add_tool(threaded(tool), name=tool.__name__, structured_output=True)
    # FastMCP's low-level server: the one place every tools/call passes before FastMCP's own
    # argument model drops the names it does not know.
    check_tool_calls(
        server._mcp_server, {t.__name__: list(inspect.signature(t).parameters) for t in tools}
    )
    return server
