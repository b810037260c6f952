"""The portfolio's main themes: k-means over paper embeddings (each paper the mean of its chunk
vectors), named by their most distinctive words (class-based TF-IDF). Computed at ingest and
stored with the generation, with a digest of what they were computed from, so that an ingest
that changes none of it (a new owner, a corrected year: nothing re-embedded) reuses them; a
replica computes them on first use."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import xxhash

from qabot.domain.records import Paper, Topic

LABEL_SAMPLE = 20_000
# Part of every themes digest: change it when find_topics would group or name differently.
ALGORITHM = "kmeans-silhouette-1"


class PaperVectors(Mapping[str, np.ndarray]):
    """Each paper's embedding (the mean of its chunk vectors), as one float32 matrix: at 100k
    papers a dict of 100k small arrays, and the stacked copy k-means needs, cost 300 MB more."""

    def __init__(self, ids: list[str], matrix: np.ndarray) -> None:
        self.ids, self.matrix = ids, matrix
        self._row = {pid: i for i, pid in enumerate(ids)}

    def __getitem__(self, paper_id: str) -> np.ndarray:
        return self.matrix[self._row[paper_id]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, ids: list[str]) -> np.ndarray:
        """The vectors of `ids`, in that order; the matrix itself (no copy) when that is its
        own order, as it is at ingest, so changing the result changes these vectors."""
        if ids == self.ids:
            return self.matrix
        return self.matrix[[self._row[i] for i in ids]]


class VectorMeans:
    """Paper embeddings accumulated chunk by chunk, in any order, into one float32 matrix."""

    def __init__(self, paper_ids: Iterable[str] = ()) -> None:
        # Papers known up front keep their order (the portfolio's); others are appended.
        self._row = {pid: i for i, pid in enumerate(dict.fromkeys(paper_ids))}
        self._sums = np.zeros((0, 0), dtype=np.float32)
        self._counts = np.zeros(0, dtype=np.int64)

    def add(self, paper_id: str, vector: Any) -> None:
        row = self._row.setdefault(paper_id, len(self._row))
        vector = np.asarray(vector, dtype=np.float32)
        if row >= len(self._sums) or self._sums.shape[1] != vector.shape[0]:
            self._grow(max(len(self._row), 2 * len(self._sums), 1024), vector.shape[0])
        self._sums[row] += vector
        self._counts[row] += 1

    def _grow(self, rows: int, dim: int) -> None:
        if self._sums.shape[1] not in (0, dim):
            raise ValueError(f"vectors of {dim} dimensions among ones of {self._sums.shape[1]}")
        sums = np.zeros((rows, dim), dtype=np.float32)
        if self._sums.size:
            sums[: len(self._sums)] = self._sums
        counts = np.zeros(rows, dtype=np.int64)
        counts[: len(self._counts)] = self._counts
        self._sums, self._counts = sums, counts

    def means(self) -> PaperVectors:
        """The mean vectors, divided in place (this accumulator is spent afterwards)."""
        ids = list(self._row)
        self._row = {}
        if not self._sums.size:  # nothing was added
            return PaperVectors([], np.zeros((0, 0), dtype=np.float32))
        sums, counts = self._sums[: len(ids)], self._counts[: len(ids)]
        if len(self._sums) > len(ids):  # grown by doubling: do not keep the spare rows alive
            sums = sums.copy()
        if not counts.all():  # papers named up front that got no chunk
            keep = np.flatnonzero(counts)
            ids, sums, counts = [ids[i] for i in keep], sums[keep], counts[keep]
        sums /= counts[:, None].astype(np.float32)
        self._sums, self._counts = np.zeros((0, 0), dtype=np.float32), np.zeros(0, np.int64)
        return PaperVectors(ids, sums)


# Words that head no theme in a portfolio of papers, whatever the field.
_GENERIC = frozenset(
    {
        "approach",
        "approaches",
        "based",
        "data",
        "example",
        "introduce",
        "large",
        "learning",
        "method",
        "methods",
        "model",
        "models",
        "new",
        "paper",
        "performance",
        "propose",
        "results",
        "show",
        "task",
        "tasks",
        "use",
        "using",
        "work",
    }
)


def _label(scored: list[tuple[str, float]], size: int = 3) -> str:
    """A theme's heading from its c-TF-IDF terms: the best `size` that share no word, where a
    two-word phrase counts double (it is rarer than its words, and "human feedback" says more
    than "human") and takes the place of a word of it already taken."""
    ranked = sorted(((t, w * (2 if " " in t else 1)) for t, w in scored), key=lambda x: -x[1])
    taken: list[tuple[str, set[str]]] = []
    for term, _ in ranked:
        words = {w.rstrip("s") for w in re.split(r"[\s-]+", term)}  # "preference(s)" is one
        if term in _GENERIC or words <= {w.rstrip("s") for w in _GENERIC}:
            continue
        clash = [i for i, (_, used) in enumerate(taken) if used & words]
        if not clash:
            taken.append((term, words))
        elif " " in term and len(clash) == 1 and " " not in taken[clash[0]][0]:
            taken[clash[0]] = (term, words)  # "human" -> "human feedback"
        if len(taken) == size:
            break
    label = ", ".join(t for t, _ in taken)
    return label[:1].upper() + label[1:]


def _clusters(matrix: np.ndarray, max_topics: int) -> np.ndarray:
    """Each row's cluster: k-means for k = 4..max_topics, the k with the best silhouette
    (cosine). Past a few thousand papers: mini-batch k-means, and silhouette on a fixed sample
    (it is quadratic in the number of points)."""
    # Imported before the thread limit below, which applies only to libraries already loaded.
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits

    large = len(matrix) > 5000
    best: tuple[float, Any] | None = None
    # One thread: k-means on a few thousand points is many short parallel loops, and when the
    # cores are busy (an ingest's writer thread, a server, other jobs) OpenMP's threads spin
    # waiting for each other: 4,000 papers took 44-108 s with all threads, 15 s with one, on
    # 2 busy cores (benchmarks/themes.py). The clusters do not depend on the number of threads.
    with threadpool_limits(1):
        for k in range(4, min(max_topics, len(matrix) - 1) + 1):
            kmeans = MiniBatchKMeans if large else KMeans
            model = kmeans(n_clusters=k, n_init=3 if large else 10, random_state=0).fit(matrix)
            score = float(
                silhouette_score(
                    matrix,
                    model.labels_,
                    metric="cosine",
                    sample_size=min(len(matrix), 2000),
                    random_state=0,
                )
            )
            if best is None or score > best[0]:
                best = (score, model)
    assert best is not None
    return best[1].labels_  # type: ignore[no-any-return]


def find_topics(papers: list[Paper], vectors: PaperVectors, max_topics: int = 8) -> list[Topic]:
    """Main themes: k-means over paper embeddings (mean of chunk vectors), k chosen by
    silhouette, each cluster labelled by its most distinctive words (class-based TF-IDF).
    Normalises `vectors` in place (at 100k papers a copy is 150 MB): they are unit length
    afterwards, which no caller minds."""
    from sklearn.feature_extraction.text import CountVectorizer

    by_id = {p.paper_id: p for p in papers}
    ids = [p.paper_id for p in papers if p.paper_id in vectors]
    if len(ids) < 6:
        return [Topic(label="all papers", paper_ids=ids)] if ids else []
    matrix = vectors.rows(ids)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)  # in place: a copy is 150 MB at 100k
    labels = _clusters(matrix, max_topics)
    # Labels come from a fixed sample of at most LABEL_SAMPLE papers: word counts over 100k
    # abstracts cost time and memory, and a cluster's distinctive words show in a sample.
    rows = np.arange(len(ids))
    if len(ids) > LABEL_SAMPLE:
        rows = np.sort(np.random.default_rng(0).choice(len(ids), LABEL_SAMPLE, replace=False))
    texts = [f"{by_id[ids[r]].title}. {by_id[ids[r]].abstract}" for r in rows]
    # Two-word phrases too: "human feedback" names a theme where "human" and "feedback" do not
    # (a phrase only one paper uses is noise, unless there are too few papers to repeat one).
    vectorizer = CountVectorizer(
        stop_words="english",
        ngram_range=(1, 2),
        min_df=2 if len(texts) >= 20 else 1,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]{2,}\b",
    )
    counts = vectorizer.fit_transform(texts)  # sparse: a dense papers x words table is GBs
    words = vectorizer.get_feature_names_out()
    sampled = labels[rows]
    per_class = np.stack(
        [np.asarray(counts[sampled == c].sum(axis=0)).ravel() for c in range(labels.max() + 1)]
    ).astype(np.float64)
    # BERTopic's class-based TF-IDF: a word's weight in a cluster, discounted by how common
    # it is across all clusters (so "model" or "learning" do not label every theme).
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    average_words = per_class.sum() / per_class.shape[0]
    idf = np.log(1 + average_words / (1 + per_class.sum(axis=0)))
    topics = []
    for c in range(per_class.shape[0]):
        members = [ids[j] for j in np.flatnonzero(labels == c)]
        scores = tf[c] * idf
        best = np.argsort(-scores)[:40]
        topics.append(
            Topic(label=_label([(words[j], float(scores[j])) for j in best]), paper_ids=members)
        )
    topics.sort(key=lambda t: (-len(t.paper_ids), t.label))
    return topics


def themes_digest(
    papers: list[Paper],
    chunk_keys: Iterable[tuple[str, str]],
    embedding: str,
    max_topics: int = 8,
) -> str:
    """What `find_topics` computes the themes from, as one digest: the algorithm, the papers'
    ids, titles and abstracts in order, and what decides their vectors: the embedding (model
    and backend) and each chunk's (paper id, content key), in order. The vectors themselves are
    not hashed: one read back from the store for reuse is the vector first computed up to its
    last bits (the store normalises it), so hashing them would never find the themes again;
    a content key names the same vector by construction (`qabot.index.chunk_table`)."""
    digest = xxhash.xxh3_128()
    digest.update(f"{ALGORITHM}\0{max_topics}\0{embedding}\0".encode())
    for paper in papers:
        digest.update(f"{paper.paper_id}\0{paper.title}\0{paper.abstract}\0".encode())
    digest.update(b"\1")
    for paper_id, key in chunk_keys:
        digest.update(f"{paper_id}\0{key}\0".encode())
    return f"{ALGORITHM}:{digest.hexdigest()}"


def topics_json(topics: list[Topic], digest: str) -> str:
    """The stored themes: a list of topics, each also naming the digest of their inputs (a
    key `Topic` ignores, so readers of the list need nothing new)."""
    return json.dumps([{**t.model_dump(), "inputs": digest} for t in topics])


def stored_topics(text: str, digest: str) -> list[Topic] | None:
    """The themes stored as `text` if they were computed from inputs with this digest."""
    try:
        data = json.loads(text)
        if data and all(isinstance(t, dict) and t.get("inputs") == digest for t in data):
            return [Topic.model_validate(t) for t in data]
    except ValueError:  # JSON or validation: then they are computed again
        pass
    return None
