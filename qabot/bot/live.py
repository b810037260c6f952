"""The live index's lifecycle: the generation that answers now, opened on first use (built first
if there is none yet), reopened when an ingest replaces it, and what questions derive from it:
the retriever and answer chain, the router's vocabulary, the statistics and the themes.

Each derived object is built once per generation, on first use or by the warm-up
(qabot.bot.warmup), behind its own lock: building the statistics must not stall a question
that only needs the vocabulary.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from qabot.embeddings.factory import embedding_backend, embedding_id
from qabot.errors import EarlierRecipeError, IndexMissingError
from qabot.index.manifest import describe_store, manifest_token
from qabot.index.snapshot import IndexSnapshot, open_snapshot
from qabot.index.vocabulary import Vocabulary
from qabot.portfolio.statistics import Portfolio
from qabot.portfolio.themes import find_topics
from qabot.retrieval.hybrid import HybridRetriever

# The answering side (the chain, the chat models, the router) is imported where it is first
# used. LangChain's chat-model base imports LangSmith's run trees: 0.4-0.5 s of Python that a
# served page, which only needs the index's summary, would wait for (docs/measurements.md,
# "Cold start"). tests/interfaces/web/test_serving.py keeps it off that path.
if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from qabot.answering.chain import AnswerChain
    from qabot.answering.llm import Deadline
    from qabot.answering.route import Route
    from qabot.answering.router import LLMRouter
    from qabot.config import Settings
    from qabot.domain.records import Topic
    from qabot.ingest.build import Progress

log = logging.getLogger(__name__)


class LiveIndex:
    """The generation that answers now, and what is derived from it."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings,
        llm: BaseChatModel | None,
        answerer: str,
        auto_ingest: bool = True,
        build_progress: Progress | None = None,
    ) -> None:
        self.settings, self.embeddings, self.llm, self.answerer = (
            settings,
            embeddings,
            llm,
            answerer,
        )
        self.auto_ingest = auto_ingest
        # Progress of an automatic first ingest (the warm-up's, which can stop it).
        self.build_progress = build_progress
        self._lock = threading.Lock()
        self._derived_lock = threading.Lock()
        self._vocab_lock = threading.Lock()  # the router's vocabulary: not behind the statistics
        self._snapshot: IndexSnapshot | None = None
        self._token: object = None
        self._checked = 0.0
        self._retriever: HybridRetriever | None = None
        self._chain: AnswerChain | None = None
        self._portfolio: Portfolio | None = None
        self._portfolio_for: IndexSnapshot | None = None
        self._vocab: Vocabulary | None = None
        self._vocab_for: IndexSnapshot | None = None
        self._router: LLMRouter | None = None
        self._topics: list[Topic] | None = None
        self._themes: tuple[list[Topic], dict[str, str]] | None = None

    # -- the generation ----------------------------------------------------------------------

    def _manifest_token(self) -> object:
        # A file stat is free; a server round trip is not, so a server is asked once a second.
        now = time.monotonic()
        if self.settings.chroma_url and self._snapshot is not None and now - self._checked < 1.0:
            return self._token
        self._checked = now
        return manifest_token(self.settings)

    @property
    def opened(self) -> IndexSnapshot | None:
        """The generation opened so far, without opening one."""
        return self._snapshot

    @property
    def snapshot(self) -> IndexSnapshot:
        """The live generation, reopened when the manifest changes."""
        token = self._manifest_token()
        with self._lock:
            if token is None and self._snapshot is not None:
                token = manifest_token(self.settings)  # another thread just built the index
            if self._snapshot is None or token != self._token:
                if token is None and self.auto_ingest:
                    from qabot.ingest.build import ingest  # only for a first build

                    log.warning(
                        "No index in %s yet: building it from %s first.",
                        describe_store(self.settings),
                        self.settings.corpus,
                    )
                    # Wait for another process that may be building it right now.
                    ingest(self.settings, self.embeddings, progress=self.build_progress, wait=600)
                    token = manifest_token(self.settings)
                if token is None:
                    raise IndexMissingError(
                        f"No index in {describe_store(self.settings)}. Run `qabot ingest` first."
                    )
                # A replica rebuilds another machine's tables from the server (QABOT_CHROMA_URL).
                from qabot.index.replica import materialize

                def open_it() -> IndexSnapshot:
                    return open_snapshot(
                        self.settings,
                        embedding_id(self.embeddings),
                        materialize=materialize,
                        backend=embedding_backend(self.embeddings),
                    )

                try:
                    self._snapshot = open_it()
                except EarlierRecipeError as exc:
                    if not self.auto_ingest:
                        raise
                    # An upgrade changed how the model computes vectors: re-embed, as a
                    # first build would, rather than refuse every question until `qabot ingest`.
                    from qabot.ingest.build import ingest

                    log.warning("%s Re-embedding it now.", exc)
                    ingest(self.settings, self.embeddings, progress=self.build_progress, wait=600)
                    token = manifest_token(self.settings)
                    self._snapshot = open_it()
                self._token = token
                self._retriever = HybridRetriever(
                    self._snapshot,
                    self.embeddings,
                    self.settings.retrieval,
                    describe_store(self.settings),
                )
                self._chain = None
                # Statistics and the router's vocabulary are built on first use (or by the
                # warm-up): at 100k papers they take seconds the page need not wait for.
                self._portfolio = self._vocab = self._router = None
                self._topics = self._themes = None
            return self._snapshot

    def forget(self) -> None:
        """Open the generation again at the next use (after this process ingested)."""
        self._snapshot = None

    @property
    def retriever(self) -> HybridRetriever:
        _ = self.snapshot
        assert self._retriever is not None
        return self._retriever

    @property
    def chain(self) -> AnswerChain:
        """The answer chain over the live generation's retriever."""
        retriever = self.retriever
        chain = self._chain
        if chain is None or chain.ctx.retriever is not retriever:
            from qabot.answering.chain import AnswerChain
            from qabot.answering.llm import endpoint_name
            from qabot.answering.shapes.base import ShapeContext

            chain = self._chain = AnswerChain(
                ShapeContext(retriever, self.settings.retrieval),
                self.llm,
                self.answerer,
                endpoint_name(self.settings),
            )
        return chain

    # -- what questions derive from it -------------------------------------------------------

    @property
    def has_vocabulary(self) -> bool:
        return self._vocab is not None

    @property
    def has_statistics(self) -> bool:
        return self._portfolio is not None

    @property
    def built_portfolio(self) -> Portfolio | None:
        """The statistics built so far, without building them."""
        return self._portfolio

    def vocabulary(self) -> Vocabulary:
        """The router's vocabulary of the live generation: as ingest saved it, or (an index of
        an older version) built from its papers. Every question is routed with it, so the first
        one must not wait for the statistics: they have their own lock."""
        snapshot = self.snapshot
        with self._vocab_lock:
            if self._vocab is None or self._vocab_for is not snapshot:
                vocab = snapshot.vocabulary() or Vocabulary.from_papers(
                    snapshot.papers, snapshot.profiles, snapshot.manifest.owner
                )
                if self.llm is not None:
                    from qabot.answering.llm import endpoint_name
                    from qabot.answering.router import LLMRouter

                    self._router = LLMRouter(self.llm, vocab, endpoint_name(self.settings))
                else:
                    self._router = None
                self._vocab, self._vocab_for = vocab, snapshot
            return self._vocab

    def route(self, text: str, deadline: Deadline | None = None) -> Route:
        """Which shape answers `text` (cleaned): the model decides by tool calling when there
        is one, patterns and the vocabulary otherwise."""
        vocab = self.vocabulary()
        if self._router is not None:
            return self._router.route(text, deadline)
        from qabot.answering.router import route_question

        return route_question(text, vocab)

    def portfolio(self) -> Portfolio:
        """The live generation's statistics, built from every paper on first use (a statistic
        question, or the warm-up in the background)."""
        snapshot = self.snapshot
        with self._derived_lock:  # not the snapshot lock: building must not stall queries
            if self._portfolio is None or self._portfolio_for is not snapshot:
                self._portfolio = Portfolio(
                    snapshot.papers, snapshot.profiles, snapshot.manifest.owner
                )
                self._portfolio_for = snapshot
            return self._portfolio

    def topics(self) -> list[Topic]:
        """Main themes (k-means over paper embeddings), computed once per index generation."""
        snapshot = self.snapshot
        if self._topics is None and snapshot.topics is not None:
            self._topics = snapshot.topics  # computed at ingest
        if self._topics is None:  # a generation from before, or rebuilt by a replica
            self._topics = find_topics(snapshot.papers, snapshot.paper_vectors())
        return self._topics

    def set_topics(self, topics: list[Topic] | None) -> None:
        """Replace the themes (None: read or compute them again), e.g. in tests."""
        self._topics = topics

    def paper_themes(self) -> dict[str, str]:
        """Paper id -> the label of its theme (`topics`), for survey answers' headings. Made
        once per set of themes (a dict of every paper: at 100k papers too much to rebuild for
        each survey question) and shared, so callers must not change it."""
        topics, made = self.topics(), self._themes
        if made is None or made[0] is not topics:
            made = self._themes = (topics, {pid: t.label for t in topics for pid in t.paper_ids})
        return made[1]
