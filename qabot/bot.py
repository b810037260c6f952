"""The Python API: `QABot` opens the index once and answers questions with citations.

    from qabot import QABot
    bot = QABot()
    answer = bot.ask("What is the Boltzmann policy distribution?")
    print(answer.answer, [c.title for c in answer.citations])
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from qabot.config import Settings
from qabot.embeddings import embedding_backend, embedding_id
from qabot.errors import IndexMissingError, QABotError, QuestionError
from qabot.followups import resolve_follow_up
from qabot.index import IngestReport, Progress, ingest
from qabot.models import Answer, Filters, Paper, SearchHit, Topic
from qabot.portfolio import Portfolio, PortfolioReport, find_topics, paper_vectors
from qabot.questions import (
    check_options,
    clean_history,
    clean_question,
    make_filters,
    no_match_text,
)
from qabot.replica import materialize
from qabot.retrieval import HybridRetriever, Mode
from qabot.store import (
    IndexOverview,
    IndexSnapshot,
    describe_store,
    live_collection,
    make_chroma_client,
    manifest_token,
    open_snapshot,
    read_overview,
)
from qabot.vocabulary import Vocabulary

# The answering side (the chain, the chat models, the router, the LangChain adapters) is
# imported where it is first used. LangChain's chat-model base imports LangSmith's run trees:
# 0.4-0.5 s of Python that a served page, which only needs the index's summary, would wait
# for (docs/measurements.md, "Cold start"). tests/test_webapp.py keeps it off that path.
if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from qabot.llms import Deadline
    from qabot.portfolio_answers import StatisticAnswerer
    from qabot.router import LLMRouter, Route
    from qabot.runnables import AnswerRunnable, QABotRetriever

log = logging.getLogger(__name__)

History = list[dict[str, str]] | None

# The longest a deferred warm-up waits before building the statistics anyway (seconds).
STATISTICS_DEFERRAL_MAX = 60.0


def _loaded_early(job: Future[Any] | None, collection: Any, snapshot: IndexSnapshot) -> bool:
    """Whether the warm-up's early query loaded the live generation's vector index: not when
    there was none, it failed, or an ingest switched generations in between."""
    if job is None or collection.name != snapshot.manifest.collection:
        return False
    try:
        job.result()
    except Exception:  # noqa: BLE001 - loaded again through the snapshot, which reports it
        log.debug("the early vector-index load failed", exc_info=True)
        return False
    return True


class _WarmUpStopped(Exception):
    """`QABot.stop_warm_up` was called: the warm-up skips its remaining steps."""


def to_messages(history: list[dict[str, str]]) -> list[BaseMessage]:
    """Chat history as `{"role", "content"}` dicts (OpenAI/Gradio style) to LangChain messages."""
    from langchain_core.messages import AIMessage, HumanMessage

    messages: list[BaseMessage] = []
    for turn in history:
        role, content = turn.get("role"), turn.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        if role == "user":
            messages.append(HumanMessage(content))
        elif role == "assistant":
            messages.append(AIMessage(content))
    return messages


def _answerer_name(llm: BaseChatModel | None) -> str:
    """The answerer's name for pages and results; the extractive one needs no LangChain."""
    if llm is None:
        return "extractive"
    from qabot.chain import answerer_name

    return answerer_name(llm)


class QABot:
    """Question answering over the indexed portfolio.

    Models are passed in or built from settings; the index is opened on first use, built first
    if it does not exist yet (`auto_ingest`), and reopened when a new ingest replaces it.
    """

    def __init__(self, settings: Settings | None = None, *, llm: BaseChatModel | None = None,
                 embeddings: Embeddings | None = None, auto_ingest: bool = True) -> None:  # fmt: skip
        self.settings = settings or Settings()
        self.embeddings = embeddings or self.settings.get_embeddings()
        self.llm = llm if llm is not None else self.settings.get_llm()
        self.answerer = _answerer_name(self.llm)
        self.auto_ingest = auto_ingest
        self._lock = threading.Lock()
        self._derived_lock = threading.Lock()
        self._vocab_lock = threading.Lock()  # the router's vocabulary: not behind the statistics
        self._snapshot: IndexSnapshot | None = None
        self._manifest_mtime: object = None
        self._checked = 0.0
        self._chain: Any = None
        self._retriever: HybridRetriever | None = None
        self._portfolio: Portfolio | None = None
        self._statistics: StatisticAnswerer | None = None
        self._router: LLMRouter | None = None
        self._vocab: Vocabulary | None = None
        self._derived_for: IndexSnapshot | None = None  # the snapshot they were built from
        self._vocab_for: IndexSnapshot | None = None
        self._topics: list[Topic] | None = None
        self._themes: tuple[list[Topic], dict[str, str]] | None = None  # see paper_themes
        self._warm_lock = threading.Lock()
        self._warming: threading.Thread | None = None
        self._statistics_go = threading.Event()
        self._warm_stop = threading.Event()
        self.warmed = threading.Event()  # a warm-up has loaded what questions need

    # -- index -------------------------------------------------------------------------------

    def ingest(self, *, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        report = ingest(self.settings, self.embeddings, rebuild=rebuild, progress=progress)
        self._snapshot = None
        return report

    def _manifest_token(self) -> object:
        # A file stat is free; a server round trip is not, so a server is asked once a second.
        now = time.monotonic()
        if self.settings.chroma_url and self._snapshot is not None and now - self._checked < 1.0:
            return self._manifest_mtime
        self._checked = now
        return manifest_token(self.settings)

    def _build_progress(self, done: int, total: int) -> None:
        """Progress of an automatic first ingest, for logs (the CLI shows a bar instead). A
        warm-up that was stopped (a server shutting down, Ctrl-C) ends its build at the next
        batch rather than minutes later: the ingest removes what it wrote, and the next start
        builds again."""
        if self._warm_stop.is_set() and threading.current_thread() is self._warming:
            raise _WarmUpStopped
        step = max(total // 10, 1)
        if done == total or done // step != (done - 1) // step:
            log.warning("building the index: %d/%d chunks embedded", done, total)

    @property
    def snapshot(self) -> IndexSnapshot:
        """The live index generation, reopened when the manifest changes."""
        token = self._manifest_token()
        with self._lock:
            if token is None and self._snapshot is not None:
                token = manifest_token(self.settings)  # another thread just built the index
            if self._snapshot is None or token != self._manifest_mtime:
                if token is None and self.auto_ingest:
                    log.warning("No index in %s yet: building it from %s first.",
                                describe_store(self.settings), self.settings.corpus)  # fmt: skip
                    # Wait for another process that may be building it right now.
                    ingest(self.settings, self.embeddings, progress=self._build_progress,
                           wait=600)  # fmt: skip
                    token = manifest_token(self.settings)
                if token is None:
                    raise IndexMissingError(
                        f"No index in {describe_store(self.settings)}. Run `qabot ingest` first."
                    )
                self._snapshot = open_snapshot(self.settings, embedding_id(self.embeddings),
                                               materialize=materialize,
                                               backend=embedding_backend(self.embeddings))  # fmt: skip
                self._manifest_mtime = token
                self._retriever = HybridRetriever(
                    self._snapshot, self.embeddings, self.settings.retrieval,
                    describe_store(self.settings),
                )
                from qabot.chain import build_chain
                from qabot.llms import endpoint_name

                self._chain = build_chain(
                    self._retriever, self.llm, self.settings.retrieval.min_relevance,
                    endpoint_name(self.settings), self.settings.retrieval,
                )
                # Statistics and the router's vocabulary are built on first use (or by
                # warm_up): at 100k papers they take seconds the page need not wait for.
                self._portfolio = self._statistics = self._vocab = self._router = None
                self._topics = self._themes = None
            return self._snapshot

    def overview(self) -> IndexOverview:
        """Paper count, year span, categories, frequent authors and profiles: what a page shows.
        Read from the store's small files when nothing is open yet, so a server's page need
        not wait for Chroma and the chunk table (warm_up opens them meanwhile). It refuses
        another model or backend and files of the wrong size or checksum, as opening does;
        damage only parsing finds shows at the first question (see `read_overview`)."""
        if self._snapshot is None:
            found = read_overview(self.settings, embedding_id(self.embeddings),
                                  backend=embedding_backend(self.embeddings))  # fmt: skip
            if found is not None:
                return found
        snapshot = self.snapshot  # a Chroma server, no index yet (built here), an old summary
        return IndexOverview(manifest=snapshot.manifest, summary=snapshot.summary,
                             profiles=snapshot.profiles)  # fmt: skip

    def _derived(self) -> tuple[Portfolio, StatisticAnswerer]:
        """The live generation's statistics and statistic answerer, built from every paper on
        first use (a statistic question, or warm_up in the background)."""
        snapshot = self.snapshot
        with self._derived_lock:  # not the snapshot lock: building must not stall queries
            if self._portfolio is None or self._derived_for is not snapshot:
                portfolio = Portfolio(snapshot.papers, snapshot.profiles)
                from qabot.portfolio_answers import StatisticAnswerer

                self._statistics = StatisticAnswerer(portfolio, self.topics)
                self._portfolio, self._derived_for = portfolio, snapshot
            assert self._statistics is not None
            return self._portfolio, self._statistics

    def _vocabulary(self) -> Vocabulary:
        """The router's vocabulary of the live generation: as ingest saved it, or (an index of
        an older version) built from its papers. Every question is routed with it, so the first
        one must not wait for the statistics: they have their own lock."""
        snapshot = self.snapshot
        with self._vocab_lock:
            if self._vocab is None or self._vocab_for is not snapshot:
                vocab = snapshot.vocabulary() or Vocabulary.from_papers(snapshot.papers,
                                                                        snapshot.profiles)  # fmt: skip
                from qabot.llms import endpoint_name
                from qabot.router import LLMRouter

                self._router = (
                    LLMRouter(self.llm, vocab, endpoint_name(self.settings))
                    if self.llm is not None else None
                )  # fmt: skip
                self._vocab, self._vocab_for = vocab, snapshot
            return self._vocab

    def _live_collection(self) -> Any | None:
        """The live collection, opened alone, or None (no index yet; or a failure, which
        opening the whole index then reports properly)."""
        try:
            return live_collection(self.settings)
        except Exception:  # noqa: BLE001 - only a head start: `snapshot` reports it
            log.debug("opening Chroma's collection ahead of the index failed", exc_info=True)
            return None

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
        with self._warm_lock:
            if not defer_statistics:
                self._statistics_go.set()
            if self._warming is not None and self._warming.is_alive():
                return self._warming

            def run() -> None:
                took: list[str] = []

                def step(name: str, start: float) -> float:
                    """Time a finished step; stop here if `stop_warm_up` was called."""
                    now = time.perf_counter()
                    took.append(f"{name} {now - start:.1f} s")
                    if self._warm_stop.is_set():
                        raise _WarmUpStopped
                    return now

                try:
                    start = t = time.perf_counter()
                    # Two threads, because loading the model and Chroma's HNSW file are native
                    # calls that release the GIL: they run on the other core while this thread
                    # opens the rest of the index and parses the paper table and the vocabulary
                    # (Python). So Chroma's collection is opened first, alone.
                    pool = ThreadPoolExecutor(1, thread_name_prefix="qabot-warm-up-native")
                    try:
                        vector = pool.submit(self.embeddings.embed_query, "warm up")
                        early = self._live_collection() if self._snapshot is None else None
                        hnsw = None if early is None else pool.submit(lambda: early.query(
                            query_embeddings=[vector.result()], n_results=1, include=[]))  # fmt: skip
                        t = step("Chroma's collection", t)
                        snapshot = self.snapshot
                        t = step("opening the index", t)
                        _ = snapshot.papers
                        t = step("paper table", t)
                        self._vocabulary()
                        t = step("router vocabulary", t)
                        if not _loaded_early(hnsw, early, snapshot):  # (it waited for the model)
                            snapshot.collection.query(query_embeddings=[vector.result()],
                                                      n_results=1, include=[])  # fmt: skip
                    finally:  # skip what has not started (stopping, a failure), wait for the
                        # rest: a thread still in native code when the interpreter exits aborts it
                        pool.shutdown(wait=True, cancel_futures=True)
                    step("embedding model and vector index, beside them", t)
                    log.info("ready to answer after %.1f s: %s", time.perf_counter() - start,
                             ", ".join(took))  # fmt: skip
                    self.warmed.set()
                    # Last: only statistic questions need it, and it makes every paper a `Paper`.
                    self._statistics_go.wait(timeout=STATISTICS_DEFERRAL_MAX)
                    t = step("waiting for a first answer", time.perf_counter())
                    self._derived()
                    step("statistics", t)
                    log.info("statistics built in %s", took[-1].removeprefix("statistics "))
                except _WarmUpStopped:
                    log.debug("warm-up stopped after: %s", ", ".join(took))
                except QABotError as exc:  # e.g. a damaged index: the first question reports it
                    log.error("warming up failed: %s", exc)
                except Exception:  # noqa: BLE001 - warming is best effort
                    log.warning("warming up failed; the first question will retry", exc_info=True)

            self._warm_stop.clear()
            if defer_statistics:  # a new deferral: a question answered before does not count
                self._statistics_go.clear()
            self._warming = threading.Thread(target=run, name="qabot-warm-up", daemon=True)
            self._warming.start()
            return self._warming

    def stop_warm_up(self, timeout: float = 60.0) -> None:
        """Skip what a warm-up has not started yet and wait for the step it is in. For a server
        that fails or is stopped while warming up: a daemon thread still inside ONNX Runtime's
        or Chroma's native code when the interpreter exits aborts the process."""
        self._warm_stop.set()
        self._statistics_go.set()
        thread = self._warming
        if thread is None or thread is threading.current_thread() or not thread.is_alive():
            return
        thread.join(min(timeout, 1.0))  # a warm-up between steps stops at once
        if thread.is_alive():  # inside a step: loading, or a build's batch
            log.warning("waiting up to %.0f s for the warm-up to finish its step", timeout)
            thread.join(max(timeout - 1.0, 0.0))

    @property
    def retriever(self) -> HybridRetriever:
        _ = self.snapshot
        assert self._retriever is not None
        return self._retriever

    def as_retriever(self, k: int | None = None, **filters: Any) -> QABotRetriever:
        """qabot's hybrid search as a LangChain retriever: one Document per paper (its best
        passage; paper_id, title, year, authors, url, category and score in the metadata).
        `retriever.invoke(q, k=3)` overrides k for one call. Filters as for `search`."""
        from qabot.runnables import QABotRetriever

        return QABotRetriever(bot=self, k=k, filters=make_filters(filters))

    def as_runnable(self) -> AnswerRunnable:
        """The whole answer chain as a LangChain Runnable: invoke it with a question, or with
        {"question", "history", "k", filters...}; it returns an `Answer`, streams the text
        then the `Answer`, batches, and composes with LCEL (`bot.as_runnable() | ...`)."""
        from qabot.runnables import AnswerRunnable

        return AnswerRunnable(self)

    def as_vectorstore(self) -> Any:
        """The live index as a LangChain `VectorStore` (langchain-chroma), for use in other
        LangChain pipelines: `bot.as_vectorstore().as_retriever()`. Dense search only, with no
        filters or grouping by paper: `as_retriever()` is qabot's own search. A local index
        keeps its chunk texts in qabot's tables, not in Chroma; this store's reads fill them in."""
        from langchain_chroma import Chroma

        from qabot.runnables import PassageCollection

        snapshot = self.snapshot

        class QABotChroma(Chroma):
            @property
            def _collection(self) -> Any:
                collection = super()._collection
                return collection if snapshot.passages is None else PassageCollection(collection, snapshot)

        return QABotChroma(
            client=make_chroma_client(self.settings),
            collection_name=snapshot.manifest.collection,
            embedding_function=self.embeddings,
            create_collection_if_not_exists=False,
        )

    # -- portfolio statistics -----------------------------------------------------------------

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
        topics = [Topic(label=t.label, paper_ids=[i for i in t.paper_ids if i in records.by_id])
                  for t in self.topics()]  # fmt: skip
        report = records.report(coauthors)
        return report.model_copy(update={"topics": [t for t in topics if t.paper_ids]})

    def papers_by_id(self, paper_ids: list[str]) -> dict[str, Paper]:
        """These papers' records (those the index has), without building the statistics."""
        snapshot = self.snapshot
        index = snapshot.paper_index
        return {pid: snapshot.papers[index[pid]] for pid in paper_ids if pid in index}

    def portfolio_records(self) -> Portfolio:
        """The `Portfolio` object itself, for statistics beyond the report (papers_by, ...)."""
        return self._derived()[0]

    def topics(self) -> list[Topic]:
        """Main themes (k-means over paper embeddings), computed once per index generation."""
        snapshot = self.snapshot
        if self._topics is None and snapshot.topics is not None:
            self._topics = snapshot.topics  # computed at ingest
        if self._topics is None:  # a generation from before, or rebuilt by a replica
            self._topics = find_topics(snapshot.papers, paper_vectors(snapshot.collection))
        return self._topics

    def paper_themes(self) -> dict[str, str]:
        """Paper id -> the label of its theme (`topics`), for survey answers' headings. Made
        once per set of themes (a dict of every paper: at 100k papers too much to rebuild for
        each survey question) and shared, so callers must not change it."""
        topics, made = self.topics(), self._themes
        if made is None or made[0] is not topics:
            made = self._themes = (topics, {pid: t.label for t in topics for pid in t.paper_ids})
        return made[1]

    def route(self, question: str) -> Route:
        """Statistic or retrieval? The LLM decides by tool calling when there is one."""
        return self._route(clean_question(question, self.settings.retrieval.max_question_chars))

    def _route(self, text: str, deadline: Deadline | None = None) -> Route:
        vocab = self._vocabulary()
        if self._router is not None:
            return self._router.route(text, deadline)
        from qabot.router import route_question

        return route_question(text, vocab)

    def _deadline(self) -> Deadline | None:
        """One time budget for every model call of a question (QABOT_OPENAI__DEADLINE)."""
        if self.llm is None:
            return None
        from qabot.llms import Deadline, endpoint_name

        return Deadline(self.settings.openai.deadline, endpoint_name(self.settings))

    def matching_papers(self, **filters: Any) -> int:
        """How many indexed papers pass `filters` (all of them when none is given)."""
        chosen = make_filters(filters)
        allowed = self.retriever.allowed(chosen)
        return self.snapshot.manifest.papers if allowed is None else int(allowed.sum())

    # -- queries -----------------------------------------------------------------------------

    def search(self, question: str, k: int | None = None, *, mode: Mode = "hybrid",
               **filters: Any) -> list[SearchHit]:  # fmt: skip
        """Ranked papers for a question; filters: year_from, year_to, categories, author,
        affiliation, profile, has_code, paper_ids."""
        text = clean_question(question, self.settings.retrieval.max_question_chars)
        options = check_options(k=k, mode=mode)
        chosen = make_filters(filters)
        return self.retriever.search(text, k=options.k, filters=chosen, mode=options.mode)

    def ask(self, question: str, history: History = None, *, k: int | None = None,
            **filters: Any) -> Answer:  # fmt: skip
        """Answer with citations (or an abstention). Raises QuestionError, LLMError, ..."""
        answer = None
        for item in self.stream(question, history, k=k, **filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(self, question: str, history: History = None, *, k: int | None = None,
               **filters: Any) -> Iterator[str | Answer]:  # fmt: skip
        """Yield the answer text in pieces, then the complete `Answer` as the last item."""
        try:
            yield from self._stream(question, history, k=k, **filters)
        finally:  # a first question is done with: a deferred warm-up may build the statistics
            self._statistics_go.set()

    def _stream(self, question: str, history: History, *, k: int | None,
                **filters: Any) -> Iterator[str | Answer]:  # fmt: skip
        from qabot.chain import CitationStreamFilter, finalize

        text = clean_question(question, self.settings.retrieval.max_question_chars)
        options = check_options(k=k, history=history)
        k = options.k or self.settings.retrieval.k
        given = make_filters(filters).model_dump(exclude_none=True)
        deadline = self._deadline()
        history = clean_history(options.history)
        # "Which of those have code?", "the second one": the papers of the previous answer.
        follow = resolve_follow_up(text, history, self.snapshot.papers) if history else None
        asked = follow.question if follow else text
        route = self._route(follow.route_text if follow else text, deadline)  # already cleaned
        # Filters the caller set win over those the router read from the question.
        merged = {**route.filters.model_dump(exclude_none=True), **given}
        if follow and "paper_ids" not in given:
            merged["paper_ids"] = follow.paper_ids
        if route.kind == "statistic":
            answer = self._derived()[1].answer(text, route.model_copy(
                update={"filters": Filters(**merged)}))  # fmt: skip
            answer = answer.model_copy(update={"standalone_question": asked})
            yield from answer.answer.splitlines(keepends=True)
            yield answer
            return
        chosen = Filters(**merged)
        allowed = self.retriever.allowed(chosen)
        if allowed is not None and not allowed.any():
            # Said plainly, as `search` says it: "the portfolio doesn't say" would blame the
            # papers for what the filters did.
            answer = Answer(question=text, standalone_question=text, answer=no_match_text(chosen),
                            abstained=True, answerer=self.answerer)  # fmt: skip
            yield answer.answer
            yield answer
            return
        state: dict[str, Any] = {}
        pieces: list[str] = []
        guard: CitationStreamFilter | None = None
        # A resolved follow-up is standalone already: condensing it again could lose the paper.
        inputs = {"question": asked, "history": [] if follow else to_messages(history),
                  "filters": chosen, "k": k, "deadline": deadline, "shape": route.shape,
                  "chronological": route.chronological, "sides": route.sides}  # fmt: skip
        if route.query and not history:  # a follow-up is condensed first; search for that
            inputs["query"] = route.query
        if route.shape == "survey":  # many entries are grouped under the portfolio's themes
            inputs["themes"] = self.paper_themes()
        # Endpoint failures arrive as LLMError from the chain's guarded model calls.
        for delta in self._chain.stream(inputs):
            for key, value in delta.items():
                if key == "text":
                    pieces.append(value)
                    if state.get("abstain"):
                        continue  # the abstention text is yielded from the final Answer
                    guard = guard or CitationStreamFilter(len(state.get("hits", [])))
                    if out := guard.feed(value):
                        yield out
                else:
                    state[key] = value
        if guard and (rest := guard.flush()):
            yield rest
        state["text"] = "".join(pieces)
        answer = finalize(state, self.answerer)
        if follow:
            answer = answer.model_copy(update={"question": text})
        if answer.abstained:
            yield answer.answer
        yield answer
