"""The persisted index: Chroma client factory, the manifest, and opening a completed generation.

Layout of the store folder (default `vectorstore/`):

    chroma/                  Chroma's persistent data (one collection per generation)
    generations/<name>/      papers.parquet, chunks.json, lexical/ (BM25), summary.json,
                             topics.json, vocabulary.json
    manifest.json            which generation is live; written last, atomically

With QABOT_CHROMA_URL the vectors and the manifest live on the Chroma server (the manifest as
the metadata of the `qabot_manifest` collection), and generations/ is a local cache that any
replica rebuilds from the server's documents when it is missing (see qabot.replica).
    .ingest.lock             held by the one ingest allowed at a time

An ingest builds a whole new generation and only then replaces `manifest.json` (an atomic
rename). Readers trust nothing that the manifest does not name, so a crashed or killed ingest
leaves the previous index answering exactly as before.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
from pydantic import BaseModel, Field, ValidationError, model_validator

from qabot.checksums import (
    FileProblem,
    FileSum,
    check_bytes,
    check_on_open,
    files_damaged,
    recorded_files,
)
from qabot.embeddings import CURRENT_BACKENDS, MINILM_ID, backend_setting
from qabot.errors import IndexCorruptError, IndexMismatchError, IndexMissingError, IndexStoreError
from qabot.lexical import LexicalIndex
from qabot.models import Paper, Profile, Topic
from qabot.paper_table import (
    PAPER_TABLE,
    PaperTable,
    parse,
    table_file,
    write_table,
)
from qabot.passages import IN_CHROMA, IN_TABLE, Passages
from qabot.passages import KINDS as PASSAGE_KINDS
from qabot.vocabulary import Vocabulary

if TYPE_CHECKING:
    from qabot.config import Settings

log = logging.getLogger(__name__)

TOPICS_FILE = "topics.json"
VOCABULARY_FILE = "vocabulary.json"
SUMMARY_FILE = "summary.json"
SUMMARY_AUTHORS = 2000  # a field lists 100k+ people; the page offers the most frequent

MANIFEST = "manifest.json"
COLLECTION_PREFIX = "qabot-"
MANIFEST_COLLECTION = "qabot_manifest"  # server mode; "_" keeps it out of the generations' prefix
LEGACY_BACKEND = "torch"  # how the bundled model ran before manifests recorded a backend


class Manifest(BaseModel):
    """What the live generation is and how it was built."""

    version: int = 1
    generation: str
    collection: str
    embedding_model: str
    embedding_backend: str | None = Field(
        default=None, description="torch, onnx-fp32 or onnx-int8:<recipe> (onnx-int8 alone: "
        "the first recipe); None for a remote API."
    )
    chunk_size: int
    chunk_overlap: int
    papers: int
    chunks: int
    created_at: str = Field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    history: list[str] = Field(default_factory=list, description="Kept generations, newest last.")
    profiles: list[dict[str, Any]] = Field(default_factory=list, description="Profile records.")
    files: dict[str, FileSum] = Field(
        default_factory=dict,
        description="Size and checksum of every file of the generation folder (qabot.checksums).",
    )
    passages: str = Field(
        default=IN_CHROMA, description=f"Where the chunk texts are: {IN_CHROMA!r} (Chroma "
        f"documents: a server, and stores built before {IN_TABLE!r} existed) or {IN_TABLE!r} "
        "(spans of the paper table's abstracts, in chunks.json; qabot.passages)."
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_backend(cls, data: Any) -> Any:
        """A store built before backends were recorded ran the bundled model through torch."""
        if isinstance(data, dict) and "embedding_backend" not in data:
            legacy = LEGACY_BACKEND if data.get("embedding_model") == MINILM_ID else None
            data = {**data, "embedding_backend": legacy}
        return data


class IndexSummary(BaseModel):
    """What the page header and filter controls need, written beside the paper table at ingest
    so that serving a page never waits for 100k papers to be parsed."""

    papers: int
    year_min: int | None = None
    year_max: int | None = None
    categories: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list, description="The most listed, by name.")
    affiliations: list[str] = Field(default_factory=list, description="The most listed.")


def summarize(papers: list[Paper]) -> IndexSummary:
    years = [p.year for p in papers if p.year is not None]
    counts = Counter(a for p in papers for a in p.authors)
    affiliations = Counter(a for p in papers for a in p.affiliations)
    return IndexSummary(
        papers=len(papers), year_min=min(years, default=None), year_max=max(years, default=None),
        categories=sorted({p.category for p in papers if p.category}),
        authors=sorted(a for a, _ in counts.most_common(SUMMARY_AUTHORS)),
        affiliations=sorted(a for a, _ in affiliations.most_common(SUMMARY_AUTHORS)),
    )  # fmt: skip


def write_paper_table(folder: Path, papers: list[Paper], profiles: list[Profile]) -> None:
    """The paper table (Parquet), its summary and the router's vocabulary: what a start-up
    would otherwise derive from every paper before answering."""
    write_table(folder / PAPER_TABLE, papers)
    for name, data in derived_files(papers, profiles).items():
        replace_file(folder / name, data)


def derived_files(papers: list[Paper], profiles: list[Profile]) -> dict[str, bytes]:
    """The contents of the files derived from the paper table: the page summary and the
    router's vocabulary (`qabot ingest` rewrites a live generation's when they differ)."""
    return {SUMMARY_FILE: summarize(papers).model_dump_json().encode(),
            VOCABULARY_FILE: Vocabulary.from_papers(papers, profiles).to_json()}  # fmt: skip


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` atomically: a derived file may be rewritten in a live generation."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_paper_table(folder: Path) -> PaperTable:
    """A generation's papers, from whichever table it has (raises OSError, ValueError)."""
    name = table_file(folder)
    return parse(name, (folder / name).read_bytes())


def generation_dir(store: Path, generation: str) -> Path:
    return store / "generations" / generation


def read_manifest(store: Path) -> Manifest | None:
    path = store / MANIFEST
    if not path.exists():
        return None
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexCorruptError(
            f"The index manifest {path} is unreadable ({exc.__class__.__name__}). "
            "Delete the folder and run `qabot ingest` to rebuild it."
        ) from exc


def write_manifest(store: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically: readers see the old one or the new one, never half."""
    path = store / MANIFEST
    tmp = path.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(manifest.model_dump_json(indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# chromadb caches one system per folder and registers it before it has finished starting,
# without a lock: two threads making a client for one folder at once (the warm-up's head start
# and a first question) could get a half-started system, and the loser's clean-up stops it for
# both. Every client of this process is made under this lock.
_CLIENTS = threading.Lock()


def forget_cached_client(path: Path) -> None:
    """Drop chromadb's per-process cached system for `path`.

    chromadb keeps one system per folder for the life of the process; after the folder is
    deleted or replaced it would keep using the stale one ("readonly database")."""
    with _CLIENTS:
        _forget(path)


def _forget(path: Path) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    for key in (str(path), str(path.resolve())):
        system = SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)
        if system is not None:
            try:
                system.stop()
            except Exception:  # noqa: BLE001 - it is being discarded either way
                log.debug("stopping a stale chroma system failed", exc_info=True)


def describe_store(settings: Settings) -> str:
    return f"the Chroma server at {settings.chroma_url}" if settings.chroma_url else f"{settings.store}/"


def make_chroma_client(settings: Settings) -> Any:
    """The only place a Chroma client is constructed: a server's, or the local folder's."""
    with _CLIENTS:
        return _make_client(settings)


def _make_client(settings: Settings) -> Any:
    import chromadb

    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "//" in settings.chroma_url else f"http://{settings.chroma_url}")
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https", settings=chromadb.Settings(anonymized_telemetry=False),
            )  # fmt: skip
            client.heartbeat()
            return client
        except Exception as exc:  # noqa: BLE001 - connection errors come in several types
            raise IndexStoreError(
                f"The Chroma server at {settings.chroma_url} is unreachable ({type(exc).__name__}: "
                f"{exc}). Start it (`chroma run --host HOST --port PORT --path DIR`) or unset "
                "QABOT_CHROMA_URL to use the local folder."
            ) from exc
    path = settings.store / "chroma"
    if not (path / "chroma.sqlite3").exists():
        _forget(path)  # deleted since this process last opened it, or new
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(path), settings=chromadb.Settings(anonymized_telemetry=False)
        )
    except Exception as exc:  # noqa: BLE001 - chromadb raises InternalError, OSError, ...
        reason = unwritable_reason(path)
        if reason is None:
            raise
        raise IndexStoreError(
            f"The index in {settings.store}/ is read-only ({reason}), and Chroma writes to its "
            "folder even to answer a question (it records a lock row in chroma.sqlite3 on every "
            f"open). Make {path}/ writable again (`chattr -R -i`, `chmod -R u+w`), or copy the "
            "store to a writable folder and point QABOT_STORE at the copy."
        ) from exc


def unwritable_reason(path: Path) -> str | None:
    """Why Chroma cannot write in `path` (its database file or the folder), or None.

    Asked only after Chroma failed to open, so the probe file costs nothing on the normal path.
    Permission bits alone do not tell: root ignores them but not the immutable flag."""
    for probe in (path / "chroma.sqlite3", path):
        try:
            if probe.is_dir():
                with tempfile.TemporaryFile(dir=probe):
                    pass
            elif probe.exists():
                os.close(os.open(probe, os.O_WRONLY | os.O_APPEND))
        except OSError as exc:
            return f"{exc.strerror or type(exc).__name__}: {probe}"
    return None


def live_collection(settings: Settings) -> Any | None:
    """The live generation's Chroma collection alone, before the rest of the index is opened
    (for `QABot.warm_up`, which loads its HNSW file on the other core meanwhile); None when
    there is no index yet. Checks nothing: `open_snapshot` does that, and reports damage. A
    local store's clients share one Chroma system per folder, so what this loads, the
    snapshot's client finds loaded."""
    client = make_chroma_client(settings) if settings.chroma_url else None
    manifest = load_manifest(settings, client)  # a local store's: no client (none is created)
    if manifest is None:
        return None
    return (client or make_chroma_client(settings)).get_collection(manifest.collection)


def load_manifest(settings: Settings, client: Any | None = None) -> Manifest | None:
    """The live manifest: a file in the store folder, or a record on the Chroma server."""
    if not settings.chroma_url:
        return read_manifest(settings.store)
    client = client or make_chroma_client(settings)
    try:
        collection = client.get_collection(MANIFEST_COLLECTION)
    except Exception:  # noqa: BLE001 - "does not exist" has no stable exception type
        return None
    text = (collection.metadata or {}).get("manifest")
    return Manifest.model_validate_json(text) if text else None


def save_manifest(settings: Settings, manifest: Manifest, client: Any) -> None:
    """Switch readers to `manifest`'s generation, atomically in both modes."""
    if not settings.chroma_url:
        write_manifest(settings.store, manifest)
        return
    # One metadata update on the server: replicas see the old generation or the new one.
    collection = client.get_or_create_collection(MANIFEST_COLLECTION, embedding_function=None,
                                                 metadata={"manifest": "{}"})  # fmt: skip
    collection.modify(metadata={"manifest": manifest.model_dump_json()})


def manifest_token(settings: Settings) -> object:
    """Something that changes when the live index does (cheap to read on every question)."""
    if not settings.chroma_url:
        path = settings.store / MANIFEST
        return path.stat().st_mtime if path.exists() else None
    manifest = load_manifest(settings)
    return manifest.generation if manifest else None


@dataclass
class IndexSnapshot:
    """One completed, opened generation: everything a query needs, each part loaded once.

    The paper table is read on first use, not at open (a served page needs only the summary),
    and its rows become `Paper`s one by one as questions cite them (qabot.paper_table). So a
    damaged table is reported by the first question, not at start-up. The generation's folder
    outlives the snapshot's switch: ingest keeps the last `keep_generations` of them."""

    manifest: Manifest
    collection: Any
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
        the texts are Chroma's documents instead (ask the collection)."""
        if self.passages is None:
            return None
        papers = self.papers
        return self.passages.texts(chunk_ids, self.paper_index,
                                   lambda row: papers.value("abstract", row))  # fmt: skip

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
        path = self.folder / VOCABULARY_FILE
        try:
            data = path.read_bytes()
            if check_bytes(VOCABULARY_FILE, data, self.recorded):
                raise ValueError("content does not match its checksum")
            return Vocabulary.from_json(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("rebuilding the router vocabulary of %s (%s)", self.folder, exc)
            return None

    @property
    def summary(self) -> IndexSummary:
        """Paper count, year span, categories and frequent authors, without parsing papers."""
        if self._summary is None:
            summary = read_summary(self.folder, self.manifest, self.recorded)
            # Written by an older version, or damaged: recomputed from the papers.
            self._summary = summary or summarize(self.papers)
        return self._summary


def read_summary(folder: Path, manifest: Manifest, recorded: dict[str, FileSum]) -> IndexSummary | None:
    """The summary ingest wrote, or None when it is missing, damaged or not this generation's."""
    try:
        data = (folder / SUMMARY_FILE).read_bytes()
        if check_bytes(SUMMARY_FILE, data, recorded):
            return None
        summary = IndexSummary.model_validate_json(data)
    except (OSError, ValueError):
        return None
    return summary if summary.papers == manifest.papers else None


@dataclass(frozen=True)
class IndexOverview:
    """What the page shows of the index (its header, the filters' choices)."""

    manifest: Manifest
    summary: IndexSummary
    profiles: list[Profile]


def read_overview(settings: Settings, embedding_model: str,
                  backend: str | None = LEGACY_BACKEND) -> IndexOverview | None:  # fmt: skip
    """The overview of a local store from its small files alone: no Chroma, no chunk table,
    so the app can serve its page while the index loads behind it (at start-up, importing and
    opening Chroma is most of a second). It refuses what `open_snapshot` refuses before
    parsing anything: another model or backend, files of the wrong size or checksum. Damage
    only parsing finds (an inconsistent BM25 index, say) is reported by the warm-up's log and
    the first question instead. None when only opening the index can tell: a Chroma server
    holds the manifest, there is no index (or no Chroma database) yet, no usable summary."""
    if settings.chroma_url or not (settings.store / "chroma" / "chroma.sqlite3").is_file():
        return None
    manifest = read_manifest(settings.store)
    if manifest is None:
        return None
    where = describe_store(settings)
    check_manifest(manifest, where, embedding_model, backend)
    folder = generation_dir(settings.store, manifest.generation)
    recorded = recorded_files(folder, manifest.files)
    if problems := check_on_open(folder, recorded):
        raise files_damaged(where, problems)
    summary = read_summary(folder, manifest, recorded)
    if summary is None:
        return None
    try:
        profiles = [Profile.model_validate(p) for p in manifest.profiles]
    except ValueError as exc:  # pydantic's ValidationError is one
        raise damaged(where, exc) from exc
    return IndexOverview(manifest=manifest, summary=summary, profiles=profiles)


def check_passages(manifest: Manifest, where: str) -> None:
    """Refuse an index whose chunk texts are kept in a way this version cannot read (written
    by a newer qabot). `qabot check` reports it with this message too."""
    if manifest.passages not in PASSAGE_KINDS:
        raise IndexMismatchError(
            f"The index in {where} keeps its chunk texts as {manifest.passages!r}, which this "
            f"version of qabot cannot read: {PASSAGES_FIX}."
        )


PASSAGES_FIX = "upgrade qabot, or run `qabot ingest --rebuild`"


def check_manifest(manifest: Manifest, where: str, embedding_model: str,
                   backend: str | None) -> None:  # fmt: skip
    """Refuse an index built with another embedding model, or run through another backend,
    or whose chunk texts are kept in a way this version cannot read."""
    check_passages(manifest, where)
    if manifest.embedding_model != embedding_model:
        raise IndexMismatchError(
            f"The index in {where} was built with the embedding model "
            f"{manifest.embedding_model!r}, but {embedding_model!r} is configured. Re-run "
            "`qabot ingest` to rebuild it, or set QABOT_INDEX__EMBEDDING back."
        )
    if manifest.embedding_backend != backend:
        # Another backend's query vectors would be close to, but not exactly in, the index's
        # space (int8 moves them by up to a few percent): re-embed rather than mix them.
        setting = backend_setting(backend)
        if setting == backend_setting(manifest.embedding_backend):  # another int8 recipe
            raise IndexMismatchError(
                f"The index in {where} was embedded with another {setting} recipe "
                f"({manifest.embedding_backend}) than this qabot's ({backend}). Run `qabot "
                "ingest` to re-embed it, or set QABOT_INDEX__BACKEND=onnx-fp32 and re-embed "
                "with that."
            )
        if manifest.embedding_backend in CURRENT_BACKENDS:
            instead = f", or set QABOT_INDEX__BACKEND={backend_setting(manifest.embedding_backend)}."
        else:  # an earlier int8 recipe: setting onnx-int8 would be refused as above
            instead = "; no setting of this qabot can query it as it is."
        raise IndexMismatchError(
            f"The index in {where} was embedded with the {manifest.embedding_backend} backend, "
            f"but {setting} is configured. Run `qabot ingest` to re-embed it with {setting}"
            + instead
        )


def damaged(where: str, exc: BaseException) -> IndexCorruptError:
    return IndexCorruptError(
        f"The index in {where} is damaged or incomplete ({exc.__class__.__name__}: {exc}). "
        "Run `qabot ingest --rebuild` to build it again."
    )


def open_lexical(folder: Path) -> tuple[dict[str, Any], LexicalIndex]:
    """The lexical side of a generation: the chunk table (BM25 row -> chunk id and paper) and
    the memory-mapped BM25 index. The only part of opening that grows with the corpus."""
    chunks = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
    return chunks, LexicalIndex.load(folder / "lexical", size=len(chunks["ids"]))


Materializer = Callable[[Path, Manifest, Any], None]


def open_snapshot(settings: Settings, embedding_model: str, client: Any | None = None,
                  materialize: Materializer | None = None, *,
                  backend: str | None = LEGACY_BACKEND) -> IndexSnapshot:  # fmt: skip
    """Open the live generation, checking that it matches the configured embedding model and
    the backend that runs it (`embedding_backend()` of the query embeddings).

    With a Chroma server, a generation another machine wrote has no local tables yet:
    `materialize` (qabot.replica's, passed in by the caller because the replica module builds
    on this one) rebuilds them from the server first."""
    store = settings.store
    where = describe_store(settings)
    client = client or make_chroma_client(settings)
    manifest = load_manifest(settings, client)
    if manifest is None:
        raise IndexMissingError(
            f"No index in {where}. Run `qabot ingest` to build it from {settings.corpus}."
        )
    check_manifest(manifest, where, embedding_model, backend)
    folder = generation_dir(store, manifest.generation)
    try:
        collection = client.get_collection(manifest.collection)
        if settings.chroma_url and not (folder / "chunks.json").exists():
            if materialize is None:
                raise IndexMissingError(
                    f"The local tables of index generation {manifest.generation} are not in "
                    f"{folder}; open the index through QABot, which rebuilds them from the server."
                )
            materialize(folder, manifest, collection)  # another machine wrote this generation
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
        topics_file = folder / TOPICS_FILE
        topics = (
            [Topic.model_validate(t) for t in json.loads(topics_file.read_text("utf-8"))]
            if topics_file.exists() else None
        )  # fmt: skip
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
        collection=collection,
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
