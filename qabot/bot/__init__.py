"""The Python API: `QABot` answers questions about the indexed portfolio, with citations.

    from qabot import QABot
    bot = QABot()
    answer = bot.ask("What is the Boltzmann policy distribution?")
    print(answer.answer, [c.title for c in answer.citations])

`QABot` is a thin facade over three parts: the live index's lifecycle (qabot.bot.live), the
background warm-up (qabot.bot.warmup) and answering (qabot.answering.pipeline).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from qabot.bot.live import LiveIndex
from qabot.bot.warmup import STATISTICS_DEFERRAL_MAX, WarmUp
from qabot.config import Settings
from qabot.domain.questions import Mode, check_options, clean_question, make_filters
from qabot.domain.records import Answer, Paper, SearchHit, Topic
from qabot.embeddings.factory import embedding_backend, embedding_id
from qabot.errors import QuestionError
from qabot.index.snapshot import IndexOverview, IndexSnapshot, read_overview
from qabot.portfolio.statistics import Portfolio, PortfolioReport
from qabot.retrieval.hybrid import HybridRetriever

# The answering side (the chain, the chat models, the router, the LangChain adapters) is
# imported where it is first used, off the served page's path (qabot.bot.live says why).
if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from qabot.answering.llm import Deadline
    from qabot.answering.route import Route
    from qabot.ingest.build import IngestReport, Progress
    from qabot.interfaces.langchain import AnswerRunnable, QABotRetriever

__all__ = ["STATISTICS_DEFERRAL_MAX", "History", "QABot"]

log = logging.getLogger(__name__)

# Earlier turns, OpenAI/Gradio style: {"role": "user" | "assistant", "content": text}, where an
# assistant turn may carry the papers it cited ("citations": paper ids, in order; see
# `Answer.as_turn`) so that follow-ups need not read them back out of its text.
History = list[dict[str, Any]] | None


def _answerer_name(llm: BaseChatModel | None) -> str:
    """The answerer's name for pages and results; the extractive one needs no LangChain."""
    if llm is None:
        return "extractive"
    from qabot.answering.llm import answerer_name

    return answerer_name(llm)


class QABot:
    """Question answering over the indexed portfolio.

    Models are passed in or built from settings; the index is opened on first use, built first
    if it does not exist yet (`auto_ingest`), and reopened when a new ingest replaces it.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        llm: BaseChatModel | None = None,
        embeddings: Embeddings | None = None,
        auto_ingest: bool = True,
    ) -> None:
        self.settings = settings or Settings()
        self.embeddings = embeddings or self.settings.get_embeddings()
        self.llm = llm if llm is not None else self.settings.get_llm()
        self.answerer = _answerer_name(self.llm)
        self.live = LiveIndex(
            self.settings, self.embeddings, self.llm, self.answerer, auto_ingest=auto_ingest
        )
        self.warm = WarmUp(self.settings, self.embeddings, self.live)
        self.live.build_progress = self.warm.build_progress
        self.warmed = self.warm.warmed  # set once a warm-up has loaded what questions need

    @property
    def auto_ingest(self) -> bool:
        return self.live.auto_ingest

    # -- the index ---------------------------------------------------------------------------

    def ingest(self, *, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        # Imported here: the readers of every corpus format are not on a served page's path.
        from qabot.ingest.build import ingest

        report = ingest(self.settings, self.embeddings, rebuild=rebuild, progress=progress)
        self.live.forget()
        return report

    @property
    def snapshot(self) -> IndexSnapshot:
        """The live index generation, reopened when the manifest changes."""
        return self.live.snapshot

    @property
    def retriever(self) -> HybridRetriever:
        return self.live.retriever

    def overview(self) -> IndexOverview:
        """Paper count, year span, categories, frequent authors and profiles: what a page shows.
        Read from the store's small files when nothing is open yet, so a server's page need
        not wait for Chroma and the chunk table (warm_up opens them meanwhile). It refuses
        another model or backend and files of the wrong size or checksum, as opening does;
        damage only parsing finds shows at the first question (see `read_overview`)."""
        if self.live.opened is None:
            found = read_overview(
                self.settings,
                embedding_id(self.embeddings),
                backend=embedding_backend(self.embeddings),
            )
            if found is not None:
                return found
        snapshot = self.snapshot  # a Chroma server, no index yet (built here), an old summary
        return IndexOverview(
            manifest=snapshot.manifest, summary=snapshot.summary, profiles=snapshot.profiles
        )

    def warm_up(self, *, defer_statistics: bool = False) -> threading.Thread:
        """Load the embedding model, Chroma's vector index, the paper table, the router's
        vocabulary and the statistics in a background thread, so a server can take requests
        meanwhile (the first question waits for what is still loading). Failures are only
        logged: the first question reports them properly. While a warm-up runs, calling this
        again returns its thread.

        `defer_statistics`: the statistics wait until a first question has been answered (or
        a minute has passed). At 100k papers they are seconds of Python, which only statistic
        questions need (such a question builds them itself if it comes first); run beside a
        server that is still starting, or beside its first answer, they hold the GIL those
        need (docs/measurements.md, "Cold start")."""
        return self.warm.start(defer_statistics=defer_statistics)

    def stop_warm_up(self, timeout: float = 60.0) -> None:
        """Skip what a warm-up has not started yet and wait for the step it is in. For a server
        that fails or is stopped while warming up: a daemon thread still inside ONNX Runtime's
        or Chroma's native code when the interpreter exits aborts the process."""
        self.warm.stop(timeout)

    # -- LangChain ---------------------------------------------------------------------------

    def as_retriever(self, k: int | None = None, **filters: Any) -> QABotRetriever:
        """qabot's hybrid search as a LangChain retriever: one Document per paper (its best
        passage; paper_id, title, year, authors, url, category and score in the metadata).
        `retriever.invoke(q, k=3)` overrides k for one call. Filters as for `search`."""
        from qabot.interfaces.langchain import QABotRetriever

        # Checked as `search` checks it: a QuestionError naming k, not pydantic's own report.
        options = check_options(k=k)
        return QABotRetriever(bot=self, k=options.k, filters=make_filters(filters))

    def as_runnable(self) -> AnswerRunnable:
        """The whole answer chain as a LangChain Runnable: invoke it with a question, or with
        {"question", "history", "k", filters...}; it returns an `Answer`, streams the text
        then the `Answer`, batches, and composes with LCEL (`bot.as_runnable() | ...`)."""
        from qabot.interfaces.langchain import AnswerRunnable

        return AnswerRunnable(self)

    def as_vectorstore(self) -> Any:
        """The live index as a LangChain `VectorStore` (langchain-chroma), for use in other
        LangChain pipelines: `bot.as_vectorstore().as_retriever()`. Dense search only, with no
        filters or grouping by paper: `as_retriever()` is qabot's own search. A local index
        keeps its chunk texts in qabot's tables, not in Chroma; this store's reads fill them in."""
        snapshot = self.snapshot
        store = self.settings.get_vector_store()
        fill = None if snapshot.passages is None else snapshot.fill_reads
        return store.as_langchain(snapshot.manifest.collection, self.embeddings, fill)

    # -- portfolio statistics ----------------------------------------------------------------

    def portfolio(self, coauthors: int = 10, profile: str | None = None) -> PortfolioReport:
        """Exact figures over the indexed papers: counts per year, category and affiliation,
        the top `coauthors` co-authors, papers with code, earliest and latest, main themes.

        `profile` (an owner's name) narrows them to the papers that profile lists, with its
        own stated figures, and co-authors counted without that owner."""
        records = self.portfolio_records()
        if profile:
            if records.profile(profile) is None:
                names = ", ".join(p.name for p in records.profiles) or "none"
                raise QuestionError(f"No indexed profile matches {profile!r} (indexed: {names}).")
            records = records.scoped(profile)
        topics = [
            Topic(label=t.label, paper_ids=[i for i in t.paper_ids if i in records.by_id])
            for t in self.topics()
        ]
        report = records.report(coauthors)
        return report.model_copy(update={"topics": [t for t in topics if t.paper_ids]})

    def papers_by_id(self, paper_ids: list[str]) -> dict[str, Paper]:
        """These papers' records (those the index has), without building the statistics."""
        snapshot = self.snapshot
        index = snapshot.paper_index
        return {pid: snapshot.papers[index[pid]] for pid in paper_ids if pid in index}

    def portfolio_records(self) -> Portfolio:
        """The `Portfolio` object itself, for statistics beyond the report (papers_by, ...)."""
        return self.live.portfolio()

    def topics(self) -> list[Topic]:
        """Main themes (k-means over paper embeddings), computed once per index generation."""
        return self.live.topics()

    def paper_themes(self) -> dict[str, str]:
        """Paper id -> the label of its theme (`topics`), shared: callers must not change it."""
        return self.live.paper_themes()

    def route(self, question: str) -> Route:
        """Which registered shape answers it (qabot.answering.shapes): a statistic or the
        papers' text. The LLM decides by tool calling when there is one."""
        from qabot.answering.pipeline import route_alone

        return route_alone(self.live, self.settings.retrieval, question)

    def matching_papers(self, **filters: Any) -> int:
        """How many indexed papers pass `filters` (all of them when none is given)."""
        chosen = make_filters(filters)
        allowed = self.retriever.allowed(chosen)
        return self.snapshot.manifest.papers if allowed is None else int(allowed.sum())

    # -- questions ---------------------------------------------------------------------------

    def search(
        self, question: str, k: int | None = None, *, mode: Mode = "hybrid", **filters: Any
    ) -> list[SearchHit]:
        """Ranked papers for a question; filters: year_from, year_to, categories, author,
        affiliation, profile, has_code, paper_ids."""
        text = clean_question(question, self.settings.retrieval.max_question_chars)
        options = check_options(k=k, mode=mode)
        chosen = make_filters(filters)
        return self.retriever.search(text, k=options.k, filters=chosen, mode=options.mode)

    def ask(
        self, question: str, history: History = None, *, k: int | None = None, **filters: Any
    ) -> Answer:
        """Answer with citations (or an abstention). Raises QuestionError, LLMError, ..."""
        answer = None
        for item in self.stream(question, history, k=k, **filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(
        self, question: str, history: History = None, *, k: int | None = None, **filters: Any
    ) -> Iterator[str | Answer]:
        """Yield the answer text in pieces, then the complete `Answer` as the last item."""
        from qabot.answering.pipeline import answer_stream

        try:
            yield from answer_stream(
                self.live,
                self.settings.retrieval,
                self.answerer,
                question,
                history,
                k,
                filters,
                self._deadline,
            )
        finally:  # a first question is done with: a deferred warm-up may build the statistics
            self.warm.statistics_go.set()

    def _deadline(self) -> Deadline | None:
        """One time budget for every model call of a question (QABOT_OPENAI__DEADLINE)."""
        if self.llm is None:
            return None
        from qabot.answering.llm import Deadline, endpoint_name

        return Deadline(self.settings.openai.deadline, endpoint_name(self.settings))
