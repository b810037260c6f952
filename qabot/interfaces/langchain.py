"""qabot inside LangChain pipelines: a hybrid-search retriever and the answer chain as a Runnable.

`QABot.as_retriever()` and `QABot.as_runnable()` build these. They wrap the bot's own `search`
and `stream`, so they keep what a plain vector store would lose: dense + BM25 fusion, grouping
by paper, metadata filters, the router's exact statistics, the abstention gate and citation
checking. The bot is reached through small protocols, so this module needs nothing above it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field

from qabot.domain.filters import Filters
from qabot.domain.records import Answer, SearchHit
from qabot.errors import QuestionError


@runtime_checkable
class Searcher(Protocol):
    def search(self, question: str, k: int | None = None, **filters: Any) -> list[SearchHit]: ...


@runtime_checkable
class Streamer(Protocol):
    def stream(
        self, question: str, history: list[dict[str, str]] | None = None, **filters: Any
    ) -> Iterator[str | Answer]: ...


def hit_document(hit: SearchHit) -> Document:
    """A paper found by search as a Document: its best passage, the paper in the metadata."""
    passage = hit.evidence[0].text if hit.evidence else hit.title
    return Document(
        page_content=passage,
        id=hit.paper_id,
        metadata={
            "paper_id": hit.paper_id,
            "title": hit.title,
            "year": hit.year,
            "authors": hit.authors,
            "url": hit.url,
            "venue": hit.venue,
            "category": hit.category,
            "has_code": hit.has_code,
            "score": hit.score,
            "relevance": hit.relevance,
        },
    )


class QABotRetriever(BaseRetriever):
    """qabot's hybrid search (dense + BM25, fused by paper) as a LangChain retriever: one
    Document per paper, best first. `invoke(query, k=3, year_from=2024)` overrides `k` and
    adds or overrides filters for that call."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bot: Searcher = Field(description="What searches: a QABot.")
    k: int | None = Field(default=None, ge=1, description="Papers returned; None: settings.")
    filters: Filters = Field(default_factory=Filters, description="Applied to every query.")

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        **filters: Any,
    ) -> list[Document]:
        given = {**self.filters.model_dump(exclude_none=True), **filters}
        # k=0 is a bad value for `search` to name, not "use the retriever's k".
        k = self.k if k is None else k
        return [hit_document(h) for h in self.bot.search(query, k=k, **given)]

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        # The base class drops the call's keyword arguments (k, filters) on the way.
        return await run_in_executor(
            None, self._get_relevant_documents, query, run_manager=run_manager.get_sync(), **kwargs
        )


def _history(turns: Any) -> list[dict[str, str]]:
    """History as {"role", "content"} dicts, from such dicts or LangChain messages."""
    roles = {"human": "user", "ai": "assistant"}
    out = []
    for turn in turns or []:
        if isinstance(turn, BaseMessage):
            out.append({"role": roles.get(turn.type, turn.type), "content": turn.text})
        elif isinstance(turn, dict):
            out.append(turn)
        else:
            raise QuestionError(
                f"History turns are {{'role', 'content'}} dicts or messages, not {type(turn).__name__}."
            )
    return out


def split_input(value: str | dict[str, Any]) -> tuple[str, list[dict[str, str]], dict[str, Any]]:
    """(question, history, filters and k) from a question or {"question", "history", ...}."""
    if isinstance(value, str):
        return value, [], {}
    if not isinstance(value, dict) or "question" not in value:
        raise QuestionError(
            'The input is a question, or a dict with "question" (and optionally "history", '
            '"k" and filters such as "year_from").'
        )
    rest = {k: v for k, v in value.items() if k not in ("question", "history") and v is not None}
    return value["question"], _history(value.get("history")), rest


class AnswerRunnable(Runnable[str | dict[str, Any], Answer]):
    """The whole answer chain (route, condense, retrieve, gate, answer, check citations) as a
    Runnable: a question, or {"question", "history", "k", filters...}, in; an `Answer` out.

    `stream` yields the answer text in pieces and then the `Answer` itself, as `QABot.stream`
    does; a step after it in an LCEL pipeline receives the `Answer`. `batch` answers several
    questions at once (each on its own, with no shared history)."""

    def __init__(self, bot: Streamer) -> None:
        self.bot = bot

    @property
    def InputType(self) -> Any:  # noqa: N802 - LangChain's name
        return str | dict[str, Any]

    @property
    def OutputType(self) -> type[Answer]:  # noqa: N802 - LangChain's name
        return Answer

    def _stream(self, value: str | dict[str, Any]) -> Iterator[str | Answer]:
        question, history, filters = split_input(value)
        yield from self.bot.stream(question, history, **filters)

    def _ask(self, value: str | dict[str, Any]) -> Answer:
        answer = None
        for item in self._stream(value):
            answer = item
        assert isinstance(answer, Answer)
        return answer

    def invoke(
        self, input: str | dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Answer:
        return self._call_with_config(self._ask, input, config, run_type="chain")

    def transform(
        self,
        input: Iterator[str | dict[str, Any]],
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Iterator[Any]:
        def pieces(inputs: Iterator[str | dict[str, Any]]) -> Iterator[str | Answer]:
            *_, last = inputs  # a question arrives whole; streamed input ends with it
            yield from self._stream(last)

        yield from self._transform_stream_with_config(input, pieces, config, run_type="chain")

    def stream(
        self, input: str | dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        yield from self.transform(iter([input]), config, **kwargs)
