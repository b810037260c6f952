"""The lexical (BM25) index kept beside Chroma.

Chroma's native hybrid search is not available locally or on a `chroma run` server, so BM25 lives
in its own small index built by bm25s from the same chunk texts, saved per index generation and
memory-mapped on load.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


_local = threading.local()


def _stemmer():  # type: ignore[no-untyped-def]
    # One per thread: building it costs more than stemming a query, and PyStemmer objects keep
    # internal state, so the UI's worker threads must not share one.
    if not hasattr(_local, "stemmer"):
        import Stemmer

        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens, identical at build and query time."""
    import bm25s

    return bm25s.tokenize(  # type: ignore[no-any-return]
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


# The arrays of the saved index that `load` memory-maps rather than reads whole: opening checks
# their sizes only (qabot.index.checksums). bm25s names them so.
MAPPED_FILES = ("data.csc.index.npy", "indices.csc.index.npy")


class LexicalIndex:
    """BM25 over chunk texts; positions match the generation's `chunk_ids` list."""

    def __init__(self, retriever: object, size: int) -> None:
        self._bm25 = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each build at DEBUG
        retriever = bm25s.BM25()
        retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import bm25s

        # mmap keeps serving memory flat as the corpus grows; pages are shared across replicas.
        retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        return cls(retriever, size)

    def inconsistency(self) -> str | None:
        """Why the loaded BM25 arrays cannot be a valid index, or None.

        Costs one pass over `indptr` (one entry per vocabulary term), never the big memory-mapped
        arrays, so it runs on every open. A damaged `indptr` otherwise loads fine and makes every
        lexical search silently find nothing."""
        scores = getattr(self._bm25, "scores", None)
        if not isinstance(scores, dict) or "indptr" not in scores:
            return None  # not a bm25s layout this check knows
        indptr, data = np.asarray(scores["indptr"]), scores["data"]
        if len(indptr) == 0 or indptr[0] != 0:
            return "its indptr array does not start at 0"
        if np.any(np.diff(indptr) < 0):
            return "its indptr array is not ascending"
        if int(indptr[-1]) != len(data) or len(scores["indices"]) != len(data):
            return f"its indptr array ends at {int(indptr[-1])}, but it holds {len(data)} scores"
        if scores.get("num_docs", self.size) != self.size:
            return f"it indexes {scores['num_docs']} chunks, the chunk table lists {self.size}"
        return None

    def top(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Positions and scores of the best `n` chunks with a positive score, best first."""
        tokens = tokenize([query])[0]
        if not tokens or self.size == 0:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)  # type: ignore[attr-defined]
        if mask is not None:
            scores = scores * mask
        n = min(n, len(scores))
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]
