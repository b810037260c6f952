"""Index building: chunk the abstracts, embed them, write a new generation, then switch to it.

Ingest is idempotent (an unchanged corpus writes nothing) and incremental (vectors of unchanged
papers are copied from the live generation instead of being embedded again). See `qabot.index.snapshot`
for the layout and why the manifest is written last.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import gc
import itertools
import logging
import queue
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout
from langchain_core.embeddings import Embeddings

from qabot.domain.names import name_key
from qabot.domain.records import Paper, Profile
from qabot.embeddings.factory import embedding_backend, embedding_id
from qabot.embeddings.onnx import OnnxEmbeddings
from qabot.errors import (
    CorpusError,
    IndexCorruptError,
    IndexStoreError,
    IngestLockedError,
    UnreadableFileError,
    disk_full,
    disk_full_error,
)
from qabot.index.checksums import (
    FileProblem,
    FileSum,
    check_file,
    check_files,
    digest_bytes,
    fingerprint,
    recorded_files,
    store_fingerprint,
)
from qabot.index.chunk_table import read_chunk_table, write_chunk_table
from qabot.index.layout import (
    CHROMA_DIR,
    CHUNK_TABLE,
    COLLECTION_PREFIX,
    DERIVED,
    LEXICAL_DIR,
    LOCAL_FILES,
    PAPER_TABLE,
    TOPICS,
    chroma_dir,
    collection_name,
    generation_dir,
    generations_dir,
    lock_path,
    manifest_path,
)
from qabot.index.lexical import LexicalIndex
from qabot.index.manifest import Manifest, load_manifest, save_manifest
from qabot.index.passages import IN_CHROMA, IN_TABLE, spans
from qabot.index.probe import probe
from qabot.index.tables import derived_files, read_paper_table, replace_file, write_paper_table
from qabot.ingest.chunking import Chunk, chunk_papers
from qabot.ingest.corpus import CorpusLoad, load_corpus
from qabot.portfolio.themes import (
    PaperVectors,
    VectorMeans,
    find_topics,
    stored_topics,
    themes_digest,
    topics_json,
)

if TYPE_CHECKING:
    from qabot.config import Settings
    from qabot.index.vectors import VectorIndex, VectorStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (done, total) chunks


@dataclass
class IngestReport:
    papers: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    skipped: int = 0
    no_abstract: int = 0  # of the skipped: records without an abstract
    duplicates: int = 0
    seconds: float = 0.0
    generation: str = ""
    up_to_date: bool = False
    owner: str | None = None  # the named owner of the paper files (QABOT_OWNER or owner.txt)
    errors: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # damage found in the live generation
    # Where the seconds went, by stage (`STAGES`, in order); what is left of `seconds` is
    # opening the store, checks, checksums and the manifest.
    stages: dict[str, float] = field(default_factory=dict)


WAITING = "waiting for Chroma's writes"
# Building the embedding model's ONNX file (once per user) or loading it.
MODEL_STAGE = "the embedding model"
STAGES = (
    "reading the corpus",
    MODEL_STAGE,
    "chunking",
    "tables and BM25",
    "embedding",
    WAITING,
    "themes",
)


@contextlib.contextmanager
def _timed(stages: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - start


def _unwritable(settings: Settings, exc: BaseException) -> IndexStoreError:
    if disk_full(exc):
        return disk_full_error(
            f"{settings.store}/",
            "writing the new index",
            "The previous index, if any, stays live and unchanged (what this ingest wrote is "
            "removed by the next one).",
        )
    reason = getattr(exc, "strerror", None) or type(exc).__name__
    return IndexStoreError(
        f"Cannot write the index in {settings.store}/ ({reason}: "
        f"{getattr(exc, 'filename', None) or settings.store})."
        " Check that the folder exists, is a folder and is writable, or point QABOT_STORE "
        "elsewhere. The previous index, if any, is unchanged."
    )


def _lock(settings: Settings, wait: float | None = None) -> FileLock:
    settings.store.mkdir(parents=True, exist_ok=True)
    timeout = settings.index.lock_timeout if wait is None else wait
    return FileLock(str(lock_path(settings.store)), timeout=timeout)


def ingest(
    settings: Settings,
    embeddings: Embeddings,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    corpus: CorpusLoad | None = None,
    wait: float | None = None,
) -> IngestReport:
    """Bring the index in `settings.store` up to date with the corpus. Safe to interrupt.

    `wait` overrides how long to wait for another ingest's lock (settings.index.lock_timeout).
    """
    start = time.perf_counter()
    stages: dict[str, float] = {}
    # The corpus first: a wrong path or a corpus with no usable paper fails in seconds, before
    # the embedding model is built or loaded.
    with _timed(stages, "reading the corpus"):
        loaded = corpus or load_corpus(settings.corpus, settings.parsing)
    _readable(loaded)
    _usable(settings, loaded)
    if isinstance(embeddings, OnnxEmbeddings):
        # Built now (once per user), even when nothing needs embedding, so serving never has to.
        with _timed(stages, MODEL_STAGE):  # says so on stderr when it builds the file
            embeddings.load()
    try:
        lock = _lock(settings, wait)
        lock.acquire()
    except Timeout as exc:
        raise IngestLockedError(
            f"Another `qabot ingest` is writing {settings.store}/ (lock {lock.lock_file}). "
            "Wait for it to finish, or set QABOT_INDEX__LOCK_TIMEOUT to wait automatically."
        ) from exc
    except OSError as exc:
        raise _unwritable(settings, exc) from exc
    try:
        report = _ingest_locked(settings, embeddings, loaded, rebuild, progress, stages)
        report.owner = owner_of(settings, loaded)
        report.skipped, report.duplicates = loaded.skipped, loaded.duplicates
        report.no_abstract = loaded.no_abstract
        report.errors = [str(e) for e in loaded.errors]
    except OSError as exc:
        raise _unwritable(settings, exc) from exc
    except Exception as exc:
        if disk_full(exc):  # Chroma's writes: its errors are no OSError
            raise _unwritable(settings, exc) from exc
        raise
    finally:
        with contextlib.suppress(Exception):
            lock.release()
    report.seconds = time.perf_counter() - start
    report.stages = {name: stages[name] for name in STAGES if name in stages}
    return report


def _readable(loaded: CorpusLoad) -> None:
    """Raise UnreadableFileError when a corpus file exists but could not be read. Indexing the
    rest would drop that file's papers and their vectors from the live index, though nothing
    says they are gone: an I/O error or a permission is often fixed by trying again (issue 29:
    an EIO on opening one file used to remove its paper, exit 0). So nothing is changed."""
    unreadable = [e for e in loaded.errors if isinstance(e, UnreadableFileError)]
    if not unreadable:
        return
    first = unreadable[0]
    more = f", and {len(unreadable) - 1} more file(s)" if len(unreadable) > 1 else ""
    raise UnreadableFileError(
        first.path,
        f"{first.reason}{more}. Nothing was indexed, and the index keeps the papers it had "
        "from it. Run `qabot ingest` again once it can be read, or move it out of the corpus "
        "to drop its papers.",
    )


def _usable(settings: Settings, loaded: CorpusLoad) -> None:
    """Raise CorpusError when the corpus has no paper to index."""
    if loaded.papers:
        return
    hint = (
        f"; {loaded.no_abstract} had no abstract (Google Scholar and DBLP exports carry "
        "none: export from Zotero, which fetches them)"
        if loaded.no_abstract
        else ""
    )
    raise CorpusError(
        settings.corpus,
        f"no papers to index ({len(loaded.files)} file(s) "
        f"read, {loaded.skipped} record(s) skipped{hint}); the index is unchanged",
    )


def _ingest_locked(
    settings: Settings,
    embeddings: Embeddings,
    loaded: CorpusLoad,
    rebuild: bool,
    progress: Progress | None,
    stages: dict[str, float],
) -> IngestReport:
    model, backend = embedding_id(embeddings), embedding_backend(embeddings)
    store = _open_for_ingest(settings, rebuild)
    try:
        old = None if rebuild else load_manifest(settings, store)
    except IndexCorruptError:
        log.warning("ignoring an unreadable manifest; building a fresh index")
        old = None
    papers = loaded.papers
    # A Chroma server keeps the chunk texts and paper records for replicas; a local store keeps
    # them in its own tables only (qabot.index.passages).
    passages = IN_CHROMA if settings.chroma_url else IN_TABLE
    with _timed(stages, "chunking"):
        chunks = chunk_papers(papers, settings, model, records=passages == IN_CHROMA)
    chunks_count = len(chunks)
    profiles = [p.model_dump(mode="json") for p in loaded.profiles]
    owner = owner_of(settings, loaded)
    if owner:
        _warn_unlisted_owner(owner, papers)
    damage = [*_verify(settings, old), *_verify_vectors(settings, old)] if old else []
    if old and not damage and old.passages != passages:
        log.warning(
            "writing a new index generation: %s keeps its chunk texts as %s, this "
            "version as %s (unchanged chunks keep their vectors)",
            old.generation,
            old.passages,
            passages,
        )
    if damage:
        log.warning(
            "the live index generation %s is damaged (%s); rebuilding it",
            old.generation,
            "; ".join(map(str, damage)),
        )  # type: ignore[union-attr]
    elif (
        old
        and old.profiles == profiles
        and old.owner == owner
        and old.embedding_backend == backend
        and old.passages == passages
        and _unchanged(settings, store, old, papers, model)
    ):
        old = _record_vector_files(settings, store, old)
        _repair_derived(settings, store, old, papers, loaded.profiles, owner)
        _collect_garbage(settings, store, old)
        return IngestReport(
            papers=len(papers), chunks=len(chunks), generation=old.generation, up_to_date=True
        )

    generation = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    folder = generation_dir(settings.store, generation)
    name = collection_name(generation)
    vectors_index = store.create(
        name,
        {
            "embedding_model": model,
            "embedding_backend": backend or "",
            "qabot_generation": generation,
        },
    )
    try:
        # Vectors are reused by the chunk table's content keys: never from a damaged table, nor
        # from a damaged vector index (reading it back could crash, or return wrong vectors).
        lost = any(p.path == CHUNK_TABLE or p.path.startswith(f"{CHROMA_DIR}/") for p in damage)
        source = None if lost else old
        if source is not None and source.embedding_backend != backend:
            source = None  # another backend's vectors are close to these, not the same
        # Tables before vectors: building BM25 and the paper table needs ~1 GB for a moment at
        # 100k papers, and before the vectors that comes on top of the corpus alone, not also
        # of the 1.2 GB that Chroma holds once they are written (peak RSS 3.4 -> 2.7 GB).
        folder.mkdir(parents=True, exist_ok=True)
        with _timed(stages, "tables and BM25"):
            _write_tables(folder, loaded.papers, loaded.profiles, owner, chunks)
        reused, vectors = _write_vectors(
            settings,
            store,
            source,
            model,
            vectors_index,
            chunks,
            embeddings,
            progress,
            passages == IN_CHROMA,
            stages,
        )
        with _timed(stages, "themes"):
            inputs = themes_digest(
                loaded.papers, ((c.paper_id, c.content_key) for c in chunks), f"{model}|{backend}"
            )
        # The chunks (~400 MB at 100k papers) are done with: freed before the themes' k-means,
        # which is the ingest's peak, on top of what Chroma holds.
        del chunks
        _release_freed_memory()
        with _timed(stages, "themes"):
            reusable = old is not None and not any(p.path == TOPICS for p in damage)
            previous = generation_dir(settings.store, old.generation) if reusable else None
            _write_topics(folder, loaded.papers, vectors, inputs, previous)
        del vectors
        files = fingerprint(folder)  # ~0.1 s per 100k papers: xxh3 of files still in the cache
        if (stored := vectors_index.count()) != chunks_count:
            raise IndexCorruptError(
                f"The vector index holds {stored} chunks, expected {chunks_count}; not switching"
            )
        # Chroma has written the HNSW files within the last `add`: they stay as they are now.
        vector_files = store_fingerprint(settings.store, store.files(name))
        history = ([*old.history] if old else []) + [generation]
        manifest = Manifest(
            generation=generation,
            collection=name,
            embedding_model=model,
            embedding_backend=backend,
            chunk_size=settings.index.chunk_size,
            chunk_overlap=settings.index.chunk_overlap,
            papers=len(papers),
            chunks=chunks_count,
            history=history[-settings.index.keep_generations :],
            profiles=profiles,
            owner=owner,
            files=files,
            vector_files=vector_files,
            passages=passages,
        )
        save_manifest(settings, manifest, store)
    except BaseException:
        # Nothing names this generation yet, so removing it cannot hurt a reader.
        log.warning("ingest failed; the previous index stays live")
        _drop_generation(settings, store, generation)
        raise
    _collect_garbage(settings, store, manifest)
    return IngestReport(
        papers=len(papers),
        chunks=chunks_count,
        embedded=chunks_count - reused,
        reused=reused,
        generation=generation,
        repaired=[str(p) for p in damage],
    )


def _release_freed_memory() -> None:
    """Hand freed heap memory back to the OS. glibc keeps what Python freed for reuse, but the
    k-means after it allocates large arrays with mmap, which never reuse it: without this the
    freed chunks still count in the ingest's peak RSS. A no-op off glibc."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        log.debug("malloc_trim is not available here")


def owner_of(settings: Settings, loaded: CorpusLoad) -> str | None:
    """The named owner of the paper files: QABOT_OWNER, else the corpus's owner.txt. Part of
    the index (its manifest and router vocabulary), so every replica and the page agree on
    her without reading the corpus."""
    return settings.owner or loaded.owner


def _warn_unlisted_owner(owner: str, papers: list[Paper]) -> None:
    """A named owner no paper lists is most likely misspelt: she would then be counted as her
    own co-author, so say which listed name is closest."""
    key = name_key(owner)
    names = {name_key(a): a for p in papers for a in p.authors}
    if key in names:
        return
    guess = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    hint = f" (did you mean {names[guess[0]]!r}?)" if guess else ""
    log.warning(
        "the owner %r is not an author of any indexed paper%s; set QABOT_OWNER (or owner.txt) "
        "to her name as the papers write it",
        owner,
        hint,
    )


def _verify(settings: Settings, old: Manifest) -> list[FileProblem]:
    """Every recorded checksum of the live generation (all of them: this decides whether
    the index is "up to date"). An index built before checksums existed counts as undamaged
    here; `_unchanged` then rebuilds it once so that it gets them."""
    folder = generation_dir(settings.store, old.generation)
    try:
        files = recorded_files(folder, old.files)
    except IndexCorruptError as exc:
        return [FileProblem(LOCAL_FILES, "checksum", str(exc))]
    return [p for p in check_files(folder, files, content=True) if p.path not in DERIVED]


def _verify_vectors(settings: Settings, old: Manifest) -> list[FileProblem]:
    """The live generation's vector index files against their checksums, before anything
    loads them (a damaged one can crash the process). One built before they were recorded is
    opened in a child process instead (qabot.index.probe): a crash, or a stored vector that
    does not find itself, is damage too. Either way its vectors cannot be reused."""
    if settings.chroma_url:
        return []  # the server's files are its own
    if old.vector_files is not None:
        return check_files(settings.store, old.vector_files, content=True)
    found = probe(chroma_dir(settings.store), old.collection, old.chunks)
    return [
        FileProblem(f"{CHROMA_DIR}/ (collection {old.collection})", "probe", p.what)
        for p in found
        if p.fix != "ingest"  # a missing collection or a wrong count: rebuilt, not "damaged"
    ]


def _record_vector_files(settings: Settings, store: VectorStore, old: Manifest) -> Manifest:
    """Record the checksums of a live vector index built before they were recorded (checked
    by `_verify_vectors` first), so that opening it verifies them from now on."""
    if old.vector_files is not None or settings.chroma_url:
        return old
    updated = old.model_copy(
        update={"vector_files": store_fingerprint(settings.store, store.files(old.collection))}
    )
    save_manifest(settings, updated, store)
    return updated


def _open_for_ingest(settings: Settings, rebuild: bool) -> VectorStore:
    """A working vector store. With `rebuild`, a damaged local database is moved aside (never
    deleted) and a fresh one started; without, the damage is reported."""
    store = settings.get_vector_store()  # an unreachable server raises: nothing local to repair
    try:
        store.check()
        return store
    except Exception as exc:  # noqa: BLE001 - chromadb raises several types for a bad file
        if disk_full(exc):  # not damage: setting it aside and rebuilding needs more space
            raise _unwritable(settings, exc) from exc
        if settings.chroma_url:  # a server's database is its own to repair
            raise IndexStoreError(
                f"{store.where} cannot be read ({type(exc).__name__}: {exc}); see the server's log."
            ) from exc
        folder = chroma_dir(settings.store)
        if not rebuild:
            raise IndexCorruptError(
                f"The Chroma database in {folder}/ cannot be read ({type(exc).__name__}: {exc}). "
                "Run `qabot ingest --rebuild`: it moves the damaged folder aside and rebuilds."
            ) from exc
        aside = store.set_aside()
        log.warning(
            "the Chroma database in %s is damaged (%s); moved it to %s and rebuilding",
            folder,
            exc,
            aside,
        )
        manifest_path(settings.store).unlink(missing_ok=True)
        return store


def _unchanged(
    settings: Settings, store: VectorStore, old: Manifest, papers: list[Paper], model: str
) -> bool:
    if (old.embedding_model, old.chunk_size, old.chunk_overlap) != (
        model,
        settings.index.chunk_size,
        settings.index.chunk_overlap,
    ):
        return False
    if not old.files and not settings.chroma_url:
        log.info("the live generation has no recorded checksums; rebuilding its tables once")
        return False
    folder = generation_dir(settings.store, old.generation)
    if not (folder / PAPER_TABLE).exists():
        # An older generation's papers.jsonl (or a replica that never wrote this generation):
        # its tables are rebuilt, the vectors reused.
        log.info(
            "index generation %s has no Parquet paper table; rewriting its tables", old.generation
        )
        return False
    try:
        same = list(read_paper_table(folder)) == papers  # field by field, as pydantic compares
    except (OSError, ValueError):
        return False
    # The tables alone are not the index: the vectors must still be there too.
    try:
        return same and store.open(old.collection).count() == old.chunks
    except Exception:  # noqa: BLE001 - a missing or unreadable collection means "rebuild"
        return False


def _old_vectors(
    store: VectorStore, old: Manifest | None, model: str, settings: Settings, chunks: list[Chunk]
) -> dict[str, list[float]]:
    """Vectors of the live generation whose chunk text, model and chunking are unchanged."""
    if old is None or old.embedding_model != model:
        return {}
    try:
        old_index = store.open(old.collection)
        old_keys = dict(zip(*_chunk_keys(settings, old), strict=True))
    except Exception:  # noqa: BLE001 - a damaged old index only means nothing is reused
        log.warning("cannot read the previous generation; embedding everything again")
        return {}
    wanted = [c.id for c in chunks if old_keys.get(c.id) == c.content_key]
    vectors: dict[str, list[float]] = {}
    step = 2000
    for i in range(0, len(wanted), step):
        got = old_index.get(wanted[i : i + step], vectors=True)
        assert got.vectors is not None
        vectors.update(zip(got.ids, (list(map(float, v)) for v in got.vectors), strict=True))
    return vectors


def _chunk_keys(settings: Settings, manifest: Manifest) -> tuple[list[str], list[str]]:
    """(chunk ids, content keys) of a generation's chunk table."""
    table = read_chunk_table(generation_dir(settings.store, manifest.generation))
    return table["ids"], table["keys"]


def _write_vectors(
    settings: Settings,
    store: VectorStore,
    old: Manifest | None,
    model: str,
    index: VectorIndex,
    chunks: list[Chunk],
    embeddings: Embeddings,
    progress: Progress | None,
    documents: bool,
    stages: dict[str, float],
) -> tuple[int, PaperVectors]:
    """Embed (or reuse) and add all chunks in batches. Returns how many vectors were reused,
    and each paper's mean chunk vector (for the themes, while the vectors are at hand).
    `stages` gets the time spent embedding, and waiting for the writer thread (a full queue,
    and the last batches): what Chroma's writes add to the embedding."""
    reuse = _old_vectors(store, old, model, settings, chunks)
    means = VectorMeans(c.paper_id for c in chunks)
    batch = max(settings.index.batch_size, 1) * 4
    # Windows in the papers' order, so the writer thread gets work early and the memory held
    # in flight stays small. The ONNX backend embeds each text alone, so a chunk's vector does
    # not depend on its window (torch's batches pad, which changes nothing in fp32).
    done = 0
    with _VectorWriter(index, documents) as writer:
        for i in range(0, len(chunks), batch):
            part = chunks[i : i + batch]
            todo = [c for c in part if c.id not in reuse]
            with _timed(stages, "embedding"):
                fresh = embeddings.embed_documents([c.embed_text for c in todo]) if todo else []
            by_id = dict(zip((c.id for c in todo), fresh, strict=True))
            vectors = [reuse[c.id] if c.id in reuse else by_id[c.id] for c in part]
            with _timed(stages, WAITING):
                writer.add(part, vectors)
            for c, v in zip(part, vectors, strict=True):
                means.add(c.paper_id, v)
            done += len(part)
            if progress:
                progress(done, len(chunks))
        last_batches = time.perf_counter()  # leaving the `with` waits for the writer to finish
    stages[WAITING] = stages.get(WAITING, 0.0) + time.perf_counter() - last_batches
    return len(reuse), means.means()


class _VectorWriter:
    """Chroma's writes, in a thread beside the embedding. Both release the GIL, so the writes
    (HNSW inserts and SQLite, about a fifth of a 100k ingest when done in turn) fill the time
    the embedding leaves a core idle. The queue is short: a failed write stops the ingest at
    the next batch, and an interrupted one waits for at most a few batches in flight."""

    def __init__(self, index: VectorIndex, documents: bool, depth: int = 3) -> None:
        self._index, self._max_batch, self._documents = index, index.max_batch, documents
        self._queue: queue.Queue[tuple[list[Chunk], list[Any]] | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name="qabot-chroma-writer", daemon=True)

    def __enter__(self) -> _VectorWriter:
        self._thread.start()
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is not None:  # the ingest failed: batches still queued need not be written
            self._cancelled = True
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and kind is None:
            raise self._error
        if self._error is not None and value is not self._error:  # failing anyway: say it too
            log.warning("a Chroma write also failed: %s", self._error)

    def add(self, part: list[Chunk], vectors: list[Any]) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((part, vectors))

    def _run(self) -> None:
        # Keeps taking items after a failure, so that the embedding side never blocks on put().
        while (item := self._queue.get()) is not None:
            if self._error is not None or self._cancelled:
                continue
            part, vectors = item
            try:
                for j in range(0, len(part), self._max_batch):
                    rows = part[j : j + self._max_batch]
                    self._index.add(
                        [c.id for c in rows],
                        vectors[j : j + self._max_batch],
                        [c.metadata for c in rows],
                        [c.text for c in rows] if self._documents else None,
                    )
            except BaseException as exc:  # noqa: BLE001 - handed to the ingest's own thread
                self._error = exc


def _write_tables(
    folder: Any,
    papers: list[Paper],
    profiles: list[Profile],
    owner: str | None,
    chunks: list[Chunk],
) -> None:
    position = {p.paper_id: i for i, p in enumerate(papers)}
    write_paper_table(folder, papers, profiles, owner)
    # Where each chunk's text sits in its abstract (qabot.index.passages): a local store's Chroma
    # holds no texts. Written for every store; the manifest says which one is read.
    starts: list[int] = []
    ends: list[int] = []
    verbatim: dict[int, str] = {}
    row = 0
    for paper_id, group in itertools.groupby(chunks, key=lambda c: c.paper_id):
        texts = [c.text for c in group]
        first, last, kept = spans(papers[position[paper_id]].abstract, texts)
        starts += first
        ends += last
        verbatim.update({row + i: text for i, text in kept.items()})
        row += len(texts)
    write_chunk_table(
        folder,
        [c.id for c in chunks],
        [position[c.paper_id] for c in chunks],
        [c.content_key for c in chunks],
        (starts, ends, verbatim),
    )
    LexicalIndex.build([c.embed_text for c in chunks]).save(folder / LEXICAL_DIR)


def _repair_derived(
    settings: Settings,
    store: VectorStore,
    old: Manifest,
    papers: list[Paper],
    profiles: list[Profile],
    owner: str | None,
) -> None:
    """A live generation whose summary or router vocabulary is missing, damaged or computed
    differently by another version of qabot gets good ones (their checksums re-recorded);
    without them every start-up derives both from all the papers."""
    folder = generation_dir(settings.store, old.generation)
    updated: dict[str, FileSum] = {}
    for name, data in derived_files(papers, profiles, owner).items():
        path, recorded = folder / name, old.files.get(name)
        try:
            if path.read_bytes() == data and (
                recorded is None or check_file(folder, name, recorded, content=True) is None
            ):
                continue
        except OSError:
            pass
        try:
            replace_file(path, data)
            updated[name] = FileSum(size=len(data), xxh3=digest_bytes(data))
        except OSError as exc:  # the index itself is fine; only start-up stays slower
            log.warning("could not write %s in %s: %s", name, folder, exc)
    if updated and not (folder / LOCAL_FILES).exists():  # a replica records its own
        save_manifest(settings, old.model_copy(update={"files": {**old.files, **updated}}), store)


def _write_topics(
    folder: Path, papers: list[Paper], vectors: PaperVectors, inputs: str, previous: Path | None
) -> None:
    """The main themes, computed once here rather than by every app replica at start-up (at
    100k papers that is a minute), or taken from the `previous` generation when they were
    computed from the same `inputs` (`themes_digest`): an ingest that re-embeds nothing (a new
    owner, a corrected year) took 45 s at 4,000 papers to compute them again. A failure only
    means they get computed on first use."""
    try:
        topics = None
        if previous is not None and (previous / TOPICS).is_file():
            topics = stored_topics((previous / TOPICS).read_text("utf-8"), inputs)
        if topics is None:
            topics = find_topics(papers, vectors)
        else:
            log.info("the papers and their vectors are unchanged: the themes are kept")
    except Exception:  # noqa: BLE001 - themes are an extra; the index itself is complete
        log.warning(
            "could not compute the main themes now; they will be computed on first use",
            exc_info=True,
        )
        return
    (folder / TOPICS).write_text(topics_json(topics, inputs), "utf-8")


def _drop_generation(settings: Settings, store: VectorStore, generation: str) -> None:
    store.drop(collection_name(generation))  # it may never have been created
    shutil.rmtree(generation_dir(settings.store, generation), ignore_errors=True)


def _collect_garbage(settings: Settings, store: VectorStore, manifest: Manifest) -> None:
    """Drop generations the manifest no longer keeps, including leftovers of killed ingests."""
    keep = set(manifest.history) | {manifest.generation}
    stale = {n[len(COLLECTION_PREFIX) :] for n in store.names() if n.startswith(COLLECTION_PREFIX)}
    gens = generations_dir(settings.store)
    if gens.exists():
        stale |= {p.name for p in gens.iterdir()}
    for generation in sorted(stale - keep):
        log.info("removing old index generation %s", generation)
        _drop_generation(settings, store, generation)
    store.remove_leftovers()
