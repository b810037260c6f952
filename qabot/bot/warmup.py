"""Warming the bot up in the background: the embedding model, the vector index, the paper
table, the router's vocabulary and the statistics, loaded while a server takes requests.

At start-up everything is Python on one GIL, so the order decides who waits
(docs/measurements.md, "Cold start"): the vector index and the embedding model load on a second
thread (native calls that release the GIL) while this one opens the rest of the index; the
statistics, seconds of Python at 100k papers that only statistic questions need, can wait for
a first answer.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from qabot.errors import QABotError
from qabot.index.snapshot import IndexSnapshot, live_vectors

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from qabot.bot.live import LiveIndex
    from qabot.config import Settings

log = logging.getLogger(__name__)

# The longest a deferred warm-up waits before building the statistics anyway (seconds).
STATISTICS_DEFERRAL_MAX = 60.0


class WarmUpStopped(Exception):
    """`WarmUp.stop` was called: the warm-up skips its remaining steps."""


def _loaded_early(job: Future[Any] | None, vectors: Any, snapshot: IndexSnapshot) -> bool:
    """Whether the warm-up's early query loaded the live generation's vector index: not when
    there was none, it failed, or an ingest switched generations in between."""
    if job is None or vectors.name != snapshot.manifest.collection:
        return False
    try:
        job.result()
    except Exception:  # noqa: BLE001 - loaded again through the snapshot, which reports it
        log.debug("the early vector-index load failed", exc_info=True)
        return False
    return True


class WarmUp:
    """One bot's background warm-up; `QABot.warm_up` and `QABot.stop_warm_up` drive it."""

    def __init__(self, settings: Settings, embeddings: Embeddings, live: LiveIndex) -> None:
        self.settings, self.embeddings, self.live = settings, embeddings, live
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.statistics_go = threading.Event()  # a first answer is done (or no deferral)
        self._stop = threading.Event()
        self.warmed = threading.Event()  # what questions need is loaded

    def build_progress(self, done: int, total: int) -> None:
        """Progress of an automatic first ingest, for logs (the CLI shows a bar instead). A
        warm-up that was stopped (a server shutting down, Ctrl-C) ends its build at the next
        batch rather than minutes later: the ingest removes what it wrote, and the next start
        builds again."""
        if self._stop.is_set() and threading.current_thread() is self.thread:
            raise WarmUpStopped
        step = max(total // 10, 1)
        if done == total or done // step != (done - 1) // step:
            log.warning("building the index: %d/%d chunks embedded", done, total)

    def _live_vectors(self) -> Any | None:
        """The live vector index, opened alone, or None (no index yet; or a failure, which
        opening the whole index then reports properly)."""
        try:
            return live_vectors(self.settings)
        except Exception:  # noqa: BLE001 - only a head start: the snapshot reports it
            log.debug("opening the vector index ahead of the rest failed", exc_info=True)
            return None

    def start(self, *, defer_statistics: bool = False) -> threading.Thread:
        """Start warming up (see `QABot.warm_up`); while a warm-up runs, its thread."""
        with self._lock:
            if not defer_statistics:
                self.statistics_go.set()
            if self.thread is not None and self.thread.is_alive():
                return self.thread
            self._stop.clear()
            if defer_statistics:  # a new deferral: a question answered before does not count
                self.statistics_go.clear()
            self.thread = threading.Thread(target=self._run, name="qabot-warm-up", daemon=True)
            self.thread.start()
            return self.thread

    def _run(self) -> None:
        took: list[str] = []

        def step(name: str, start: float) -> float:
            """Time a finished step; stop here if `stop` was called."""
            now = time.perf_counter()
            took.append(f"{name} {now - start:.1f} s")
            if self._stop.is_set():
                raise WarmUpStopped
            return now

        try:
            start = t = time.perf_counter()
            # Two threads, because loading the model and Chroma's HNSW file are native calls
            # that release the GIL: they run on the other core while this thread opens the rest
            # of the index and parses the paper table and the vocabulary (Python). So the vector
            # index is opened first, alone.
            pool = ThreadPoolExecutor(1, thread_name_prefix="qabot-warm-up-native")
            try:
                vector = pool.submit(self.embeddings.embed_query, "warm up")
                early = self._live_vectors() if self.live.opened is None else None
                hnsw = (
                    None if early is None else pool.submit(lambda: early.query(vector.result(), 1))
                )
                t = step("Chroma's collection", t)
                snapshot = self.live.snapshot
                t = step("opening the index", t)
                _ = snapshot.papers
                t = step("paper table", t)
                self.live.vocabulary()
                t = step("router vocabulary", t)
                if not _loaded_early(hnsw, early, snapshot):  # (it waited for the model)
                    snapshot.vectors.query(vector.result(), 1)
            finally:  # skip what has not started (stopping, a failure), wait for the rest: a
                # thread still in native code when the interpreter exits aborts it
                pool.shutdown(wait=True, cancel_futures=True)
            step("embedding model and vector index, beside them", t)
            log.info(
                "ready to answer after %.1f s: %s", time.perf_counter() - start, ", ".join(took)
            )
            self.warmed.set()
            # Last: only statistic questions need them, and they make every paper a `Paper`.
            self.statistics_go.wait(timeout=STATISTICS_DEFERRAL_MAX)
            t = step("waiting for a first answer", time.perf_counter())
            self.live.portfolio()
            step("statistics", t)
            log.info("statistics built in %s", took[-1].removeprefix("statistics "))
        except WarmUpStopped:
            log.debug("warm-up stopped after: %s", ", ".join(took))
        except QABotError as exc:  # e.g. a damaged index: the first question reports it
            log.error("warming up failed: %s", exc)
        except Exception:  # noqa: BLE001 - warming is best effort
            log.warning("warming up failed; the first question will retry", exc_info=True)

    def stop(self, timeout: float = 60.0) -> None:
        """Skip what has not started yet and wait for the step in progress (see
        `QABot.stop_warm_up`)."""
        self._stop.set()
        self.statistics_go.set()
        thread = self.thread
        if thread is None or thread is threading.current_thread() or not thread.is_alive():
            return
        thread.join(min(timeout, 1.0))  # a warm-up between steps stops at once
        if thread.is_alive():  # inside a step: loading, or a build's batch
            log.warning("waiting up to %.0f s for the warm-up to finish its step", timeout)
            thread.join(max(timeout - 1.0, 0.0))
