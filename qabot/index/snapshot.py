"""Opening a completed generation: everything a query needs, each part loaded once."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qabot.domain.records import Profile, Topic
from qabot.errors import (
    IndexCorruptError,
    IndexMissingError,
    IndexStoreError,
    disk_full,
    disk_full_error,
)
from qabot.index.checksums import (
    FileProblem,
    FileSum,
    check_bytes,
    check_files,
    check_on_open,
    check_vector_files,
    files_damaged,
    recorded_files,
    vectors_damaged,
)
from qabot.index.chunk_table import read_chunk_table
from qabot.index.layout import (
    CHROMA_DATABASE,
    CHUNK_TABLE,
    LEXICAL_DIR,
    PAPER_TABLE,
    TOPICS,
    VOCABULARY,
    chroma_dir,
    generation_dir,
)
from qabot.index.lexical import LexicalIndex
from qabot.index.manifest import (
    LEGACY_BACKEND,
    Manifest,
    check_manifest,
    describe_store,
    load_manifest,
    read_manifest,
)
from qabot.index.paper_table import PaperTable, parse, table_file
from qabot.index.passages import IN_TABLE, Passages
from qabot.index.tables import IndexSummary, read_summary, summarize
from qabot.index.vectors import VectorIndex
from qabot.index.vocabulary import Vocabulary
from qabot.portfolio.themes import PaperVectors, VectorMeans

if TYPE_CHECKING:
    from qabot.config import Settings
    from qabot.index.vectors import VectorStore

log = logging.getLogger(__name__)


def live_vectors(settings: Settings) -> VectorIndex | None:
    """The live generation's vector index alone, before the rest of the index is opened (for
    `QABot.warm_up`, which loads its HNSW file on the other core meanwhile); None when there is
    no index yet. Checks only the vector index's files (the caller loads them next, and a
    damaged one would crash the process): `open_snapshot` checks the rest, and reports damage.
    A local store's clients share one Chroma system per folder, so what this loads, the
    snapshot's finds loaded."""
    store = settings.get_vector_store() if settings.chroma_url else None
    manifest = load_manifest(settings, store)  # a local store's: no client (none is created)
    if manifest is None:
        return None
    verify_vector_files(settings, manifest)
    return (store or settings.get_vector_store()).open(manifest.collection)


def verify_vector_files(settings: Settings, manifest: Manifest) -> None:
    """Refuse a vector index whose files are missing or changed, before anything loads it:
    Chroma crashes the process on some damage (a segfault, no message) and quietly answers
    differently on other (a truncated file). Once per process (`check_vector_files`). A
    Chroma server keeps its files to itself."""
    if settings.chroma_url:
        return
    if problems := check_vector_files(settings.store, manifest.vector_files or {}):
        raise vectors_damaged(describe_store(settings), problems)


@dataclass
class IndexSnapshot:
    """One completed, opened generation: everything a query needs, each part loaded once.

    The paper table is read on first use, not at open (a served page needs only the summary),
    and its rows become `Paper`s one by one as questions cite them (qabot.index.paper_table). So a
    damaged table is reported by the first question, not at start-up. The generation's folder
    outlives the snapshot's switch: ingest keeps the last `keep_generations` of them."""

    manifest: Manifest
    vectors: VectorIndex
    lexical: LexicalIndex
    chunk_ids: list[str]
    chunk_paper: np.ndarray  # chunk position -> paper position, for lexical filter masks
    profiles: list[Profile]
    folder: Path
    where: str  # the store, as error messages name it
    topics: list[Topic] | None = None  # computed at ingest; None: compute on first use
    passages: Passages | None = None  # the chunk texts, when Chroma does not hold them
    recorded: dict[str, FileSum] = field(default_factory=dict)  # see recorded_files
    _papers: PaperTable | None = field(default=None, repr=False)
    _papers_error: IndexCorruptError | None = field(default=None, repr=False)
    _paper_index: dict[str, int] = field(default_factory=dict, repr=False)
    _summary: IndexSummary | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def generation(self) -> str:
        return self.manifest.generation

    @property
    def papers(self) -> PaperTable:
        if self._papers is None:
            with self._lock:
                if self._papers_error is not None:  # reported once parsed; not re-read per question
                    raise self._papers_error
                if self._papers is None:
                    try:
                        papers = self._read_papers()
                    except IndexCorruptError as exc:
                        self._papers_error = exc
                        raise
                    self._paper_index = {pid: i for i, pid in enumerate(papers.paper_ids)}
                    self._papers = papers  # last: other threads check it without the lock
        return self._papers

    @property
    def paper_index(self) -> dict[str, int]:
        """Paper id -> position in `papers`."""
        _ = self.papers
        return self._paper_index

    def passage_texts(self, chunk_ids: list[str]) -> dict[str, str] | None:
        """Chunk id -> text, read from the chunk table's spans and the paper table; None when
        the texts are the vector store's documents instead (ask `vectors`)."""
        if self.passages is None:
            return None
        papers = self.papers
        return self.passages.texts(
            chunk_ids, self.paper_index, lambda row: papers.value("abstract", row)
        )

    def fill_reads(
        self, ids: list[str], documents: list[Any] | None, metadatas: list[Any] | None
    ) -> None:
        """Complete raw vector-store reads in place for LangChain (`QABot.as_vectorstore`): a
        missing document becomes the chunk's text from qabot's tables (a local index gives the
        vector store only vectors and filter metadata; qabot.index.passages), and metadata
        without a title gets the paper's title and authors."""
        missing = [
            cid for i, cid in enumerate(ids) if documents is not None and documents[i] is None
        ]
        texts = (self.passage_texts(missing) or {}) if missing else {}
        papers, index = self.papers, self.paper_index
        for i, cid in enumerate(ids):
            if documents is not None and documents[i] is None:
                documents[i] = texts.get(cid)
            meta = metadatas[i] if metadatas is not None else None
            if meta is not None and "title" not in meta and meta.get("paper_id") in index:
                paper = papers[index[meta["paper_id"]]]
                meta.update(title=paper.title, authors=paper.authors_display)

    def _read_papers(self) -> PaperTable:
        name = table_file(self.folder)
        try:
            data = (self.folder / name).read_bytes()
        except OSError as exc:
            raise damaged(self.where, exc) from exc
        # Verified as it is read: reading costs more than the digest.
        if problem := check_bytes(name, data, self.recorded):
            raise files_damaged(self.where, [problem])
        try:
            papers = parse(name, data)
        except (ValueError, KeyError, TypeError) as exc:
            raise damaged(self.where, exc) from exc
        if len(papers) != self.manifest.papers:
            raise IndexCorruptError(
                f"The index in {self.where} lists {len(papers)} papers but its manifest says "
                f"{self.manifest.papers}. Run `qabot ingest --rebuild`."
            )
        return papers

    def vocabulary(self) -> Vocabulary | None:
        """The router's vocabulary as ingest saved it (None: not saved, by an older version, or
        damaged; the caller then builds it from the papers)."""
        path = self.folder / VOCABULARY
        try:
            data = path.read_bytes()
            if check_bytes(VOCABULARY, data, self.recorded):
                raise ValueError("content does not match its checksum")
            return Vocabulary.from_json(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("rebuilding the router vocabulary of %s (%s)", self.folder, exc)
            return None

    def paper_vectors(self, batch: int = 5000) -> PaperVectors:
        """Each paper's mean chunk vector, read back from the vector index (for the themes,
        when ingest did not store them)."""
        means = VectorMeans()
        for offset in range(0, self.vectors.count(), batch):
            got = self.vectors.get(limit=batch, offset=offset, vectors=True, metadatas=True)
            assert got.vectors is not None and got.metadatas is not None
            for vector, meta in zip(got.vectors, got.metadatas, strict=True):
                means.add(meta["paper_id"], vector)
        return means.means()

    @property
    def summary(self) -> IndexSummary:
        """Paper count, year span, categories and frequent authors, without parsing papers."""
        if self._summary is None:
            summary = read_summary(self.folder, self.manifest, self.recorded)
            # Written by an older version, or damaged: recomputed from the papers.
            self._summary = summary or summarize(self.papers)
        return self._summary


@dataclass(frozen=True)
class IndexOverview:
    """What the page shows of the index (its header, the filters' choices)."""

    manifest: Manifest
    summary: IndexSummary
    profiles: list[Profile]


def read_overview(
    settings: Settings, embedding_model: str, backend: str | None = LEGACY_BACKEND
) -> IndexOverview | None:
    """The overview of a local store from its small files alone: no Chroma, no chunk table,
    so the app can serve its page while the index loads behind it (at start-up, importing and
    opening Chroma is most of a second). It refuses what `open_snapshot` refuses before
    parsing anything: another model or backend, files of the wrong size or checksum. Damage
    only parsing finds (an inconsistent BM25 index, say) is reported by the warm-up's log and
    the first question instead. None when only opening the index can tell: a Chroma server
    holds the manifest, there is no index (or no Chroma database) yet, no usable summary."""
    if settings.chroma_url or not (chroma_dir(settings.store) / CHROMA_DATABASE).is_file():
        return None
    manifest = read_manifest(settings.store)
    if manifest is None:
        return None
    where = describe_store(settings)
    check_manifest(manifest, where, embedding_model, backend)
    folder = generation_dir(settings.store, manifest.generation)
    recorded = recorded_files(folder, manifest.files)
    if problems := check_on_open(folder, recorded, mapped=False):  # the page does not search
        raise files_damaged(where, problems)
    if problems := check_files(settings.store, manifest.vector_files or {}, content=False):
        raise vectors_damaged(where, problems)  # sizes only: the snapshot checks the rest
    summary = read_summary(folder, manifest, recorded)
    if summary is None:
        return None
    try:
        profiles = [Profile.model_validate(p) for p in manifest.profiles]
    except ValueError as exc:  # pydantic's ValidationError is one
        raise damaged(where, exc) from exc
    return IndexOverview(manifest=manifest, summary=summary, profiles=profiles)


def damaged(where: str, exc: BaseException) -> IndexStoreError:
    if disk_full(exc):  # Chroma writes even to answer: a full disk is not damage
        return disk_full_error(where, "opening the index")
    return IndexCorruptError(
        f"The index in {where} is damaged or incomplete ({exc.__class__.__name__}: {exc}). "
        "Run `qabot ingest --rebuild` to build it again."
    )


def open_lexical(folder: Path) -> tuple[dict[str, Any], LexicalIndex]:
    """The lexical side of a generation: the chunk table (BM25 row -> chunk id and paper) and
    the memory-mapped BM25 index. The only part of opening that grows with the corpus."""
    chunks = read_chunk_table(folder)
    return chunks, LexicalIndex.load(folder / LEXICAL_DIR, size=len(chunks["ids"]))


Materializer = Callable[[Path, Manifest, VectorIndex], None]


def open_snapshot(
    settings: Settings,
    embedding_model: str,
    store: VectorStore | None = None,
    materialize: Materializer | None = None,
    *,
    backend: str | None = LEGACY_BACKEND,
) -> IndexSnapshot:
    """Open the live generation, checking that it matches the configured embedding model and
    the backend that runs it (`embedding_backend()` of the query embeddings).

    With a Chroma server, a generation another machine wrote has no local tables yet:
    `materialize` (qabot.index.replica's, passed in by the caller because the replica module builds
    on this one) rebuilds them from the server first."""
    where = describe_store(settings)
    store = store or settings.get_vector_store()
    manifest = load_manifest(settings, store)
    if manifest is None:
        raise IndexMissingError(
            f"No index in {where}. Run `qabot ingest` to build it from {settings.corpus}."
        )
    check_manifest(manifest, where, embedding_model, backend)
    verify_vector_files(settings, manifest)
    folder = generation_dir(settings.store, manifest.generation)
    try:
        vectors = store.open(manifest.collection)
        if settings.chroma_url and not (folder / CHUNK_TABLE).exists():
            if materialize is None:
                raise IndexMissingError(
                    f"The local tables of index generation {manifest.generation} are not in "
                    f"{folder}; open the index through QABot, which rebuilds them from the server."
                )
            materialize(folder, manifest, vectors)  # another machine wrote this generation
        recorded = recorded_files(folder, manifest.files)
        if problems := check_on_open(folder, recorded):  # before parsing: name the damaged file
            raise files_damaged(where, problems)
        chunks, lexical = open_lexical(folder)
        if reason := lexical.inconsistency():
            raise files_damaged(where, [FileProblem("lexical/", "structure", reason)])
        if not (folder / table_file(folder)).is_file():
            raise FileNotFoundError(folder / PAPER_TABLE)  # read on first use, see IndexSnapshot
        chunk_paper, passages = np.asarray(chunks["paper"], dtype=np.int32), None
        if manifest.passages == IN_TABLE:
            passages = Passages.from_chunk_table(chunks, chunk_paper)
        profiles = [Profile.model_validate(p) for p in manifest.profiles]
        topics_file = folder / TOPICS
        topics = (
            [Topic.model_validate(t) for t in json.loads(topics_file.read_text("utf-8"))]
            if topics_file.exists()
            else None
        )
    except IndexStoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure here means the index is unusable
        raise damaged(where, exc) from exc
    if len(chunks["ids"]) != manifest.chunks:
        raise IndexCorruptError(
            f"The index in {where} lists {len(chunks['ids'])} chunks but its manifest says "
            f"{manifest.chunks}. Run `qabot ingest --rebuild`."
        )
    return IndexSnapshot(
        manifest=manifest,
        vectors=vectors,
        lexical=lexical,
        chunk_ids=chunks["ids"],
        chunk_paper=chunk_paper,
        profiles=profiles,
        folder=folder,
        where=where,
        topics=topics,
        recorded=recorded,
        passages=passages,
    )
