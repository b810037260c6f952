"""Stand-in document vectors for corpus sizes whose real embedding would not fit a run.

Embedding 100,000 synthetic papers (about 320,000 chunks) with MiniLM takes most of an hour on
this 2-core machine. What the scale benchmark needs at that size is the serving side: Chroma's
HNSW over 320k vectors, BM25 over 320k chunks, the paper table, memory, cold start. So at such
sizes documents get cheap vectors with the same shape and a similar structure (a sum of fixed
random vectors, one per word: texts sharing words point the same way), and every query still
pays for a real MiniLM query embedding, whose result is thrown away and replaced by the
stand-in vector of the question so that search stays consistent with the index.

Query latency and memory measured this way are what a user would see; retrieval quality and the
ingest / embedding ratio are not, and the benchmark reports neither for stand-in sizes.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from langchain_core.embeddings import Embeddings

_WORD = re.compile(r"[a-z0-9]{3,}")


class StandInEmbeddings(Embeddings):
    """Bag-of-words random projections for documents; real model cost for queries."""

    def __init__(self, real: Embeddings, dim: int = 384) -> None:
        self.real = real
        self.dim = dim
        self.model_id = f"stand-in-{dim}d (benchmarks/standin.py)"
        self._word_vectors: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        vec = self._word_vectors.get(word)
        if vec is None:
            rng = np.random.default_rng(zlib.crc32(word.encode()))  # same vector in every process
            vec = self._word_vectors[word] = rng.standard_normal(self.dim).astype(np.float32)
        return vec

    def _vector(self, text: str) -> list[float]:
        words = _WORD.findall(text.lower())
        total = np.sum([self._word(w) for w in words], axis=0) if words else np.ones(self.dim)
        return (total / np.linalg.norm(total)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.real.embed_query(text)  # the real model's cost, paid as every query pays it
        return self._vector(text)
