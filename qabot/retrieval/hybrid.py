"""Hybrid retrieval: dense search in Chroma plus BM25, fused by reciprocal rank, grouped by paper.

Both retrievers rank chunks; each ranking is collapsed to papers (a paper's rank is that of its
best chunk) and the two paper rankings are fused with RRF. Fusing at paper level stops a paper
with many mediocre chunks from outvoting one with a single precise match.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from qabot.config.groups import RetrievalSettings
from qabot.domain.filters import Filters, PaperColumns
from qabot.domain.questions import Mode
from qabot.domain.records import Evidence, SearchHit
from qabot.domain.taxonomy import expand_abbreviations, in_field_terms
from qabot.embeddings.words import is_english
from qabot.errors import IndexStoreError, disk_full, disk_full_error
from qabot.index.chunk_table import chunk_number, paper_of
from qabot.index.lexical import tokenize
from qabot.index.snapshot import IndexSnapshot
from qabot.index.vectors import VectorFilter

log = logging.getLogger(__name__)

# Filtered dense search (see HybridRetriever.dense): most unfiltered neighbours fetched to then
# keep the allowed ones (Chroma returns 2,000 in ~15 ms at 300k chunks), and most chunk ids sent
# as a search scope (5,000 ids: ~20 ms).
OVERFETCH_MAX = 2000
IDS_MAX = 20_000
EXACT_MAX = 256  # allowed chunks scored directly from their vectors


class HybridRetriever:
    """Searches one index snapshot. Stateless apart from the snapshot, so safe across threads."""

    def __init__(
        self,
        snapshot: IndexSnapshot,
        embeddings: Embeddings,
        settings: RetrievalSettings,
        where: str = "the index",
    ) -> None:
        self.snapshot = snapshot
        self.embeddings = embeddings
        self.settings = settings
        self.where = where
        self._columns: PaperColumns | None = None

    def _read(self, call: str, *args: Any, **kwargs: Any) -> Any:
        """A vector-index read; a failure (a server gone away, a damaged file) becomes a clear
        error."""
        try:
            return getattr(self.snapshot.vectors, call)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - http and sqlite errors alike
            if disk_full(exc):  # Chroma writes as it loads a collection: not damage
                raise disk_full_error(self.where, "searching it") from exc
            raise IndexStoreError(
                f"Searching {self.where} failed ({type(exc).__name__}: {exc}). If it is a Chroma "
                "server, check that it is still running; otherwise run `qabot ingest --rebuild`."
            ) from exc

    # -- the two rankings ------------------------------------------------------------------

    def columns(self) -> PaperColumns:
        if self._columns is None:  # built on the first filtered question; a race builds it twice
            self._columns = PaperColumns(self.snapshot.papers)
        return self._columns

    def _dense_query(
        self, vector: list[float], n: int, documents: bool = True, **scope: Any
    ) -> list[tuple[str, float, str]]:
        in_store = documents and self.snapshot.passages is None
        matches = self._read("query", vector, n, documents=in_store, **scope)
        ids = [m.id for m in matches]
        if in_store:
            texts = [m.document or "" for m in matches]
        elif documents:
            found = self._texts(ids)
            texts = [found.get(cid, "") for cid in ids]
        else:
            texts = [""] * len(ids)
        return [(m.id, m.similarity, text) for m, text in zip(matches, texts, strict=True)]

    def _texts(self, chunk_ids: list[str]) -> dict[str, str]:
        """Chunk id -> text: from qabot's own tables, or the vector store's documents (a
        server, or an index built before the tables kept them; qabot.index.passages)."""
        if not chunk_ids:
            return {}
        found = self.snapshot.passage_texts(chunk_ids)
        if found is not None:
            return found
        got = self._read("get", chunk_ids, documents=True)
        return {cid: doc or "" for cid, doc in zip(got.ids, got.documents, strict=True)}

    def _exact(self, vector: list[float], rows: np.ndarray, n: int) -> list[tuple[str, float, str]]:
        """Score a handful of allowed chunks directly: HNSW restricted to a few points of a
        large graph wanders through most of it (0.3 s for 6 of 326k chunks, measured)."""
        ids = [self.snapshot.chunk_ids[i] for i in rows]
        in_store = self.snapshot.passages is None  # then the texts come in the same call
        got = self._read("get", ids, vectors=True, documents=in_store)
        matrix = got.vectors
        query = np.asarray(vector, dtype=np.float32)
        # Same measure as the index's cosine space, so the gate and evidence order are unchanged.
        sims = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-12)
        order = np.argsort(-sims, kind="stable")[:n]
        texts = (
            dict(zip(got.ids, got.documents, strict=True))
            if in_store
            else self._texts([got.ids[i] for i in order])
        )
        return [(got.ids[i], float(sims[i]), texts.get(got.ids[i]) or "") for i in order]

    def _settled(self, vector: list[float], n: int, count: int) -> list[tuple[str, float, str]]:
        """The best `n` chunks, from a search twice as deep. HNSW is approximate at the tail of
        what it is asked for, and under CPU load not even the same run to run: 3 of 10 runs of
        one question missed a chunk at rank 98 of 100, which moved a paper's fused score at the
        overview's candidate cut. Asked for 2n, its first n are exact and stable (the miss moves
        past the cut). Distances only for the extra rows; texts are read for the n kept."""
        fetch = min(count, 2 * n)
        if fetch <= n:
            return self._dense_query(vector, min(n, count))
        rows = self._dense_query(vector, fetch, documents=False)
        return self._with_documents(rows[:n])

    def _with_documents(self, rows: list[tuple[str, float, str]]) -> list[tuple[str, float, str]]:
        texts = self._texts([cid for cid, _, _ in rows])
        return [(cid, sim, texts.get(cid, "")) for cid, sim, _ in rows]

    def allowed(self, filters: Filters) -> np.ndarray | None:
        """Which papers `filters` let through (None: all), decided once per question."""
        return None if filters.is_empty() else self.columns().mask(filters)

    def dense(
        self, query: str, n: int, filters: Filters, allowed: np.ndarray | None = None
    ) -> list[tuple[str, float, str]]:
        """(chunk id, cosine similarity, text) for the best `n` chunks that pass `filters`.

        Chroma evaluates a metadata `where` by scanning its metadata table: 0.2–0.7 s per
        question at 300k chunks. So filters are applied here from the paper table instead:
        a handful of allowed chunks is scored exactly from their stored vectors; a broad filter
        over-fetches unfiltered neighbours and keeps the allowed ones; a narrow one searches only
        its chunks (`within`); the store's own `where` is the last resort."""
        count = self.snapshot.manifest.chunks
        if filters.is_empty():
            return self._settled(self.embeddings.embed_query(query), n, count)
        allowed = self.allowed(filters) if allowed is None else allowed
        assert allowed is not None
        chunk_ok = allowed[self.snapshot.chunk_paper]
        hits = int(chunk_ok.sum())
        if hits == 0:
            return []
        vector = self.embeddings.embed_query(query)
        want = min(n, hits)
        if hits <= EXACT_MAX:
            return self._exact(vector, np.flatnonzero(chunk_ok), n)
        share = hits / count
        fetch = min(count, int(n / share * 2) + n)
        if fetch <= OVERFETCH_MAX:
            index = self.snapshot.paper_index
            # Distances only: the texts of ~1,000 neighbours cost more than the search itself.
            rows = self._dense_query(vector, fetch, documents=False)
            found = [r for r in rows if allowed[index[paper_of(r[0])]]]
            if len(found) >= want or fetch == count:
                return self._with_documents(found[:n])
        if hits <= IDS_MAX:
            ids = [self.snapshot.chunk_ids[i] for i in np.flatnonzero(chunk_ok)]
            return self._dense_query(vector, want, within=ids)
        return self._dense_query(
            vector, want, where=vector_filter(filters, self.snapshot, self.columns())
        )

    def lexical(
        self, query: str, n: int, filters: Filters, allowed: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        mask = None
        if not filters.is_empty():
            allowed = self.allowed(filters) if allowed is None else allowed
            assert allowed is not None
            if not allowed.any():
                return []
            mask = allowed[self.snapshot.chunk_paper].astype(np.float32)
        return [
            (self.snapshot.chunk_ids[i], s) for i, s in self.snapshot.lexical.top(query, n, mask)
        ]

    # -- fusion ----------------------------------------------------------------------------

    def spelled(self, query: str, respell: bool = True, everyday: bool = True) -> str:
        """`query` as the corpus writes it: the field's abbreviations that no abstract uses
        spelled out ("recsys", "tech report"); with `everyday`, everyday words no abstract
        uses put in the field's terms ("fool" -> "deceive"); and with `respell`, typos and
        spelling variants respelled ("recomender", "behaviour"). Abbreviations the abstracts
        use stay: spelling out "RLHF" would drown the exact term in common words (measured:
        survey coverage on tests/data/eval_set.jsonl 0.84 -> 0.83)."""
        lexical = self.snapshot.lexical
        known = lambda word: lexical.chunk_share(word.lower()) > 0  # noqa: E731
        spelled = expand_abbreviations(query, keep=known)
        if everyday:  # (stemmed: "raters" is known where an abstract says "rater")
            used = lambda word: all(lexical.chunk_share(t) > 0 for t in tokenize([word])[0])  # noqa: E731
            spelled = in_field_terms(spelled, keep=used)
        return lexical.respell(spelled, keep=is_english) if respell else spelled

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        respell: bool = False,
    ) -> list[SearchHit]:
        """The best `k` papers for `query`. With `respell` (what answering a question uses),
        words the corpus never uses are searched by BM25 as the corpus spells them when one
        slip away ("recomender"); the search API leaves them as typed: respelling SciFact's
        claims cost 0.001 nDCG@10 (rare terms respelled into other terms)."""
        k = k or self.settings.k
        filters = filters or Filters()
        # Respelled for BM25 only, which matches exact words: the embedding reads a typo's
        # word pieces well enough.
        n = max(self.settings.candidates, k * 4)
        allowed = self.allowed(filters)
        # (… and everyday words put in the field's terms for both, as answering a question
        # does; the search API searches what it is given)
        if mode in ("hybrid", "dense"):
            dense = self.dense(
                self.spelled(query, respell=False, everyday=respell), n, filters, allowed
            )
        else:
            dense = []
        if mode in ("hybrid", "lexical"):
            lexical = self.lexical(
                self.spelled(query, respell=respell, everyday=respell), n, filters, allowed
            )
        else:
            lexical = []

        fused: dict[str, float] = defaultdict(float)
        for ranking in ([cid for cid, _, _ in dense], [cid for cid, _ in lexical]):
            for rank, paper_id in enumerate(_papers_in_order(ranking), 1):
                fused[paper_id] += 1.0 / (self.settings.rrf_k + rank)
        top = sorted(fused, key=lambda p: -fused[p])[:k]

        cosine = {cid: sim for cid, sim, _ in dense}
        texts = {cid: text for cid, _, text in dense}
        lex_score = dict(lexical)
        missing = [cid for cid, _ in lexical if cid not in texts and paper_of(cid) in top]
        texts.update(self._texts(missing))
        chunk_ids: dict[str, list[str]] = defaultdict(list)
        for cid in [*cosine, *lex_score]:
            pid = paper_of(cid)
            if cid not in chunk_ids[pid]:
                chunk_ids[pid].append(cid)
        return [self._hit(pid, fused[pid], chunk_ids[pid], cosine, lex_score, texts) for pid in top]

    def _hit(
        self,
        paper_id: str,
        score: float,
        chunk_ids: list[str],
        cosine: dict[str, float],
        lex: dict[str, float],
        texts: dict[str, str],
    ) -> SearchHit:
        paper = self.snapshot.papers[self.snapshot.paper_index[paper_id]]
        # Evidence order: dense similarity first (it is comparable across chunks), then BM25.
        ranked = sorted(chunk_ids, key=lambda c: (-cosine.get(c, -2.0), -lex.get(c, 0.0)))
        evidence = [
            Evidence(chunk=chunk_number(c), text=texts.get(c, ""), score=cosine.get(c))
            for c in ranked[: self.settings.evidence_per_paper]
            if texts.get(c)
        ]
        sims = [cosine[c] for c in chunk_ids if c in cosine]
        bm25 = [lex[c] for c in chunk_ids if c in lex]
        return SearchHit(
            paper_id=paper.paper_id,
            title=paper.title,
            year=paper.year,
            date=paper.display_date if paper.date is not None else None,
            authors=paper.authors_display,
            category=paper.category,
            has_code=paper.has_code,
            url=paper.url,
            venue=paper.venue,
            score=score,
            relevance=max(sims) if sims else None,
            lexical=max(bm25) if bm25 else None,
            evidence=evidence,
        )


def vector_filter(
    filters: Filters, snapshot: IndexSnapshot, columns: PaperColumns | None = None
) -> VectorFilter:
    """Filters as the vector store evaluates them, for scopes too broad to send as ids.
    Authors, affiliations and profiles become paper ids, matched as the filter mask matches
    them (`columns`: the retriever's, if built)."""
    names = (columns or PaperColumns(snapshot.papers)).names_mask(filters)
    ids = None if names is None else [snapshot.papers[i].paper_id for i in np.flatnonzero(names)]
    return VectorFilter(
        year_from=filters.year_from,
        year_to=filters.year_to,
        categories=filters.categories,
        has_code=filters.has_code,
        paper_ids=ids,
    )


def _papers_in_order(chunk_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(paper_of(cid) for cid in chunk_ids))
