"""Portfolio statistics computed exactly from the parsed `Paper` and `Profile` records.

Top-k retrieval cannot count, list or rank a whole portfolio, so these questions are answered
from metadata. Author statistics cover the *listed* authors only: a list that ends in "et al."
is partial, and every figure that depends on authors says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from qabot.models import AuthorCount, Filters, Paper, Profile, Topic, paper_matches


def _is_initial(token: str) -> bool:
    """ "j" or "j." (a middle initial)."""
    return "a" <= token[0] <= "z" and (len(token) == 1 or (len(token) == 2 and token[1] == "."))


@functools.lru_cache(maxsize=1 << 18)  # the paper table and the router key the same names
def name_key(name: str) -> str:
    """Identity of an author name across variants: "Stuart J. Russell" = "Stuart Russell".

    Accents, case and middle initials are ignored; first and last name must agree.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # Plain string tests, not regexes: this runs for every author of 100k papers at start-up.
    words = [
        w for t in ascii_name.replace(".", ". ").split()
        if not _is_initial(t) and (w := t.strip(".,"))
    ]  # fmt: skip
    if not words:
        return ascii_name.strip()
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1]}"


def when_published(paper: Paper) -> dt.date | None:
    """The paper's date, else the first day of its year (a JSONL record may give only a
    year), else None."""
    if paper.date is not None:
        return paper.date
    return dt.date(paper.year, 1, 1) if paper.year is not None and 1 <= paper.year <= 9999 else None


LABEL_SAMPLE = 20_000
# Papers no profile lists: JSONL, BibTeX, CSL-JSON or RIS files.
JSONL_SOURCE = "paper files"


class PortfolioReport(BaseModel):
    """What `bot.portfolio()` and `qabot stats --json` return."""

    profiles: list[Profile]
    papers_indexed: int
    papers_stated: int | None = Field(
        description="The stated paper count of the one indexed profile. With several profiles "
        "it is None: each states its own (see `profiles`), and they share papers, so a sum "
        "would mean nothing."
    )
    papers_by_source: dict[str, int] = Field(
        default_factory=dict,
        description='Indexed papers per source: each profile\'s name, and "paper files" (JSONL, BibTeX, CSL-JSON, RIS) for '
        "papers no profile lists. A paper two profiles list counts for both.",
    )
    counts_by_year: dict[int, int]
    counts_by_category: dict[str, int]
    counts_by_affiliation: dict[str, int]
    papers_with_code: list[str] = Field(description="Titles of the papers that link their code.")
    top_coauthors: list[AuthorCount]
    truncated_author_lists: int = Field(description='Papers whose author list ends in "et al.".')
    earliest: str | None
    latest: str | None
    undated: int
    topics: list[Topic] = Field(default_factory=list, description="Main themes (k-means).")


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


def paper_vectors(collection: Any, batch: int = 5000) -> PaperVectors:
    """Paper embeddings read back from Chroma (when ingest did not store the themes)."""
    means = VectorMeans()
    for offset in range(0, collection.count(), batch):
        got = collection.get(include=["embeddings", "metadatas"], limit=batch, offset=offset)
        for vector, meta in zip(got["embeddings"], got["metadatas"], strict=True):
            means.add(meta["paper_id"], vector)
    return means.means()


class Portfolio:
    """Exact statistics over one index generation's papers."""

    def __init__(self, papers: list[Paper], profiles: list[Profile]) -> None:
        self.papers = papers
        self.profiles = profiles
        self.by_id = {p.paper_id: p for p in papers}
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self._author_papers: dict[str, list[str]] = defaultdict(list)
        for paper in papers:
            keys: set[str] = set()  # two spellings of one name on a paper count it once
            for author in dict.fromkeys(paper.authors):
                key = name_key(author)
                spellings[key][author] += 1
                if key not in keys:
                    keys.add(key)
                    self._author_papers[key].append(paper.paper_id)
        # The most common spelling names the person; ties go to the fuller form.
        self.display = {k: max(c, key=lambda s: (c[s], len(s))) for k, c in spellings.items()}
        self.owner_keys = {name_key(p.name) for p in profiles}

    # -- profiles (a lab indexes several) ------------------------------------------------------

    def profile(self, name: str) -> Profile | None:
        """The profile whose owner `name` names: the same person, else a part of the name."""
        key, needle = name_key(name), name.casefold().strip()
        return next((p for p in self.profiles if name_key(p.name) == key), None) or next(
            (p for p in self.profiles if needle and needle in p.name.casefold()), None
        )

    def scoped(self, name: str) -> Portfolio:
        """The portfolio of one profile: the papers its page lists, and its figures only."""
        profile = self.profile(name)
        if profile is None:
            return Portfolio([], [])
        papers = [p for p in self.papers if paper_matches(p, Filters(profile=profile.name))]
        return Portfolio(papers, [profile])

    def papers_by_source(self) -> dict[str, int]:
        """Indexed papers per profile, then those from paper files (no profile lists them)."""
        counts = {p.name: 0 for p in self.profiles}
        jsonl = 0
        for paper in self.papers:
            names = paper.profiles or ([paper.profile] if paper.profile else [])
            listed = [n for n in names if n in counts]
            for n in listed:
                counts[n] += 1
            jsonl += not listed
        return counts | ({JSONL_SOURCE: jsonl} if jsonl else {})

    # -- counts --------------------------------------------------------------------------------

    def counts_by_year(self) -> dict[int, int]:
        return dict(sorted(Counter(p.year for p in self.papers if p.year is not None).items()))

    def counts_by_category(self) -> dict[str, int]:
        counts = Counter(p.category for p in self.papers if p.category)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def counts_by_affiliation(self) -> dict[str, int]:
        counts = Counter(a for p in self.papers for a in dict.fromkeys(p.affiliations))
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def papers_stated(self) -> int | None:
        """The one profile's stated count; None with several (never a sum, see the report)."""
        return self.profiles[0].papers_stated if len(self.profiles) == 1 else None

    @property
    def truncated_author_lists(self) -> int:
        return sum(p.authors_truncated for p in self.papers)

    # -- selections ----------------------------------------------------------------------------

    def with_code(self) -> list[Paper]:
        return self.chronological([p for p in self.papers if p.has_code])

    def chronological(self, papers: list[Paper]) -> list[Paper]:
        """Oldest first; undated papers last, by title. A paper known only by its year sorts
        at the start of that year."""

        def key(p: Paper) -> tuple[bool, dt.date, str]:
            when = when_published(p)
            return when is None, when or dt.date.max, p.title

        return sorted(papers, key=key)

    def dated(self) -> list[Paper]:
        """Papers with a date or at least a year, oldest first."""
        return self.chronological([p for p in self.papers if when_published(p) is not None])

    def earliest(self) -> Paper | None:
        dated = self.dated()
        return dated[0] if dated else None

    def latest(self) -> Paper | None:
        dated = self.dated()
        return dated[-1] if dated else None

    def in_range(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Paper]:
        return [p for p in self.dated()
                if (start is None or when_published(p) >= start)  # type: ignore[operator]
                and (end is None or when_published(p) <= end)]  # type: ignore[operator]  # fmt: skip

    def select(self, filters: Filters | None = None) -> list[Paper]:
        """Papers matching every filter, oldest first. Authors match as `papers_by` does
        (name variants are one person); the other filters decide as retrieval does."""
        filters = filters or Filters()
        chosen = [p for p in self.papers
                  if paper_matches(p, filters.model_copy(update={"author": None}))]  # fmt: skip
        if filters.author:
            ids = set(self.papers_by(filters.author))
            chosen = [p for p in chosen if p.paper_id in ids]
        return self.chronological(chosen)

    # -- authors -------------------------------------------------------------------------------

    def author_keys(self, query: str) -> list[str]:
        """Author identities matching a name: exact variant first, else a name part."""
        key = name_key(query)
        if key in self._author_papers:
            return [key]
        needle = query.casefold().strip()
        return sorted(k for k, shown in self.display.items()
                      if needle and (needle in shown.casefold() or needle in k))  # fmt: skip

    def papers_by(self, author: str) -> list[str]:
        ids: dict[str, None] = {}  # ordered and O(1) membership: an author may have thousands
        for key in self.author_keys(author):
            ids.update(dict.fromkeys(self._author_papers[key]))
        return list(ids)

    def coauthors(self, limit: int | None = 10, exclude_owner: bool = True) -> list[AuthorCount]:
        """Listed co-authors by number of shared papers (the profile owner left out)."""
        keys = [k for k in self._author_papers if not (exclude_owner and k in self.owner_keys)]
        # Rank on plain tuples and build records for the top only: a field has 100k+ authors.
        keys.sort(key=lambda k: (-len(self._author_papers[k]), self.display[k]))
        return [AuthorCount(name=self.display[k], papers=len(self._author_papers[k]),
                            paper_ids=self._author_papers[k]) for k in keys[: limit or None]]  # fmt: skip

    # -- topics --------------------------------------------------------------------------------

    def topics(self, vectors: PaperVectors, max_topics: int = 8) -> list[Topic]:
        return find_topics(self.papers, vectors, max_topics)

    # -- report --------------------------------------------------------------------------------

    def report(self, coauthors: int = 10) -> PortfolioReport:
        first, last = self.earliest(), self.latest()
        return PortfolioReport(
            profiles=self.profiles,
            papers_indexed=len(self.papers),
            papers_stated=self.papers_stated,
            papers_by_source=self.papers_by_source(),
            counts_by_year=self.counts_by_year(),
            counts_by_category=self.counts_by_category(),
            counts_by_affiliation=self.counts_by_affiliation(),
            papers_with_code=[p.title for p in self.with_code()],
            top_coauthors=self.coauthors(coauthors),
            truncated_author_lists=self.truncated_author_lists,
            earliest=f"{first.title} ({first.date or first.year})" if first else None,
            latest=f"{last.title} ({last.date or last.year})" if last else None,
            undated=sum(when_published(p) is None for p in self.papers),
        )


# Words that head no theme in a portfolio of papers, whatever the field.
_GENERIC = frozenset({
    "approach", "approaches", "based", "data", "example", "introduce", "large", "learning",
    "method", "methods", "model", "models", "new", "paper", "performance", "propose", "results",
    "show", "task", "tasks", "use", "using", "work",
})  # fmt: skip


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


def find_topics(papers: list[Paper], vectors: PaperVectors, max_topics: int = 8) -> list[Topic]:
    """Main themes: k-means over paper embeddings (mean of chunk vectors), k chosen by
    silhouette, each cluster labelled by its most distinctive words (class-based TF-IDF).
    Normalises `vectors` in place (at 100k papers a copy is 150 MB): they are unit length
    afterwards, which no caller minds."""
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.metrics import silhouette_score

    by_id = {p.paper_id: p for p in papers}
    ids = [p.paper_id for p in papers if p.paper_id in vectors]
    if len(ids) < 6:
        return [Topic(label="all papers", paper_ids=ids)] if ids else []
    matrix = vectors.rows(ids)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)  # in place: a copy is 150 MB at 100k
    best: tuple[float, Any] | None = None
    # Past a few thousand papers: mini-batch k-means, and silhouette on a fixed sample
    # (it is quadratic in the number of points).
    large = len(ids) > 5000
    for k in range(4, min(max_topics, len(ids) - 1) + 1):
        kmeans = MiniBatchKMeans if large else KMeans
        model = kmeans(n_clusters=k, n_init=3 if large else 10, random_state=0).fit(matrix)
        score = float(silhouette_score(matrix, model.labels_, metric="cosine",
                                       sample_size=min(len(ids), 2000), random_state=0))  # fmt: skip
        if best is None or score > best[0]:
            best = (score, model)
    assert best is not None
    labels = best[1].labels_
    # Labels come from a fixed sample of at most LABEL_SAMPLE papers: word counts over 100k
    # abstracts cost time and memory, and a cluster's distinctive words show in a sample.
    rows = np.arange(len(ids))
    if len(ids) > LABEL_SAMPLE:
        rows = np.sort(np.random.default_rng(0).choice(len(ids), LABEL_SAMPLE, replace=False))
    texts = [f"{by_id[ids[r]].title}. {by_id[ids[r]].abstract}" for r in rows]
    # Two-word phrases too: "human feedback" names a theme where "human" and "feedback" do not
    # (a phrase only one paper uses is noise, unless there are too few papers to repeat one).
    vectorizer = CountVectorizer(stop_words="english", ngram_range=(1, 2),
                                 min_df=2 if len(texts) >= 20 else 1,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]{2,}\b")  # fmt: skip
    counts = vectorizer.fit_transform(texts)  # sparse: a dense papers x words table is GBs
    words = vectorizer.get_feature_names_out()
    sampled = labels[rows]
    per_class = np.stack([np.asarray(counts[sampled == c].sum(axis=0)).ravel()
                          for c in range(labels.max() + 1)]).astype(np.float64)  # fmt: skip
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
        topics.append(Topic(label=_label([(words[j], float(scores[j])) for j in best]),
                            paper_ids=members))  # fmt: skip
    topics.sort(key=lambda t: (-len(t.paper_ids), t.label))
    return topics
