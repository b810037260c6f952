"""Chroma behind the vector-index seam (qabot.index.vectors): a local folder or a Chroma server.

The only module that imports chromadb, and the only place a Chroma client is constructed
(`Settings.get_vector_store()` calls `ChromaStore.from_settings`). Chroma's private internals
are used in two places, each marked "CHROMA INTERNALS" below, and checked by
`check_internals()`, which tests/index/test_chroma_internals.py runs so that a Chroma upgrade
that changes them fails loudly there rather than quietly in production.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from qabot.errors import IndexStoreError, disk_full, disk_full_error
from qabot.index.layout import CHROMA_DATABASE, chroma_dir
from qabot.index.vectors import Metadata, VectorFilter, VectorMatch, VectorRecords

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from qabot.config import Settings

log = logging.getLogger(__name__)

# chromadb caches one system per folder and registers it before it has finished starting,
# without a lock: two threads making a client for one folder at once (the warm-up's head start
# and a first question) could get a half-started system, and the loser's clean-up stops it for
# both. Every client of this process is made under this lock.
_CLIENTS = threading.Lock()
# Records (`load_record`) are collections whose metadata holds the text under this key: the
# manifest was the first record, and servers written by earlier versions keep it so.
_RECORD_KEY = "manifest"
# The HNSW configuration of every index qabot creates. Chroma writes an index's HNSW files only
# every `sync_threshold` vectors (default 1000): the last ones of an ingest stay in its log, in
# chroma.sqlite3, and are replayed into memory at each open (`ChromaStore.files`).
HNSW_CONFIGURATION: dict[str, Any] = {"space": "cosine"}


class ChromaIndex:
    """One generation's vectors: a Chroma collection in cosine space."""

    def __init__(self, collection: Any, max_batch: int) -> None:
        self._collection = collection
        self._max_batch = max_batch

    @property
    def name(self) -> str:
        return str(self._collection.name)

    @property
    def max_batch(self) -> int:
        return self._max_batch

    @property
    def collection(self) -> Any:
        """The chromadb collection itself, for langchain-chroma (`ChromaStore.as_langchain`)."""
        return self._collection

    def add(
        self,
        ids: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
        documents: Sequence[str] | None = None,
    ) -> None:
        self._collection.add(
            ids=list(ids),
            embeddings=vectors,
            metadatas=list(metadatas),
            documents=list(documents) if documents is not None else None,
        )

    def query(
        self,
        vector: Sequence[float],
        n: int,
        *,
        within: Sequence[str] | None = None,
        where: VectorFilter | None = None,
        documents: bool = False,
    ) -> list[VectorMatch]:
        scope: dict[str, Any] = {}
        if within is not None:
            scope["ids"] = list(within)
        if where is not None and (clause := chroma_where(where)) is not None:
            scope["where"] = clause
        include = ["documents", "distances"] if documents else ["distances"]
        result = self._collection.query(
            query_embeddings=[vector], n_results=max(1, n), include=include, **scope
        )
        texts = result["documents"][0] if documents else [None] * len(result["ids"][0])
        # Cosine space: distance = 1 - cosine similarity.
        return [
            VectorMatch(cid, 1.0 - float(dist), doc)
            for cid, dist, doc in zip(result["ids"][0], result["distances"][0], texts, strict=True)
        ]

    def get(
        self,
        ids: Sequence[str] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        vectors: bool = False,
        documents: bool = False,
        metadatas: bool = False,
    ) -> VectorRecords:
        include = [
            name
            for name, wanted in (
                ("embeddings", vectors),
                ("documents", documents),
                ("metadatas", metadatas),
            )
            if wanted
        ]
        if ids is not None:
            got = self._collection.get(ids=list(ids), include=include)
        else:
            got = self._collection.get(include=include, limit=limit, offset=offset or None)
        return VectorRecords(
            ids=list(got["ids"]),
            vectors=np.asarray(got["embeddings"], dtype=np.float32) if vectors else None,
            documents=list(got["documents"]) if documents else None,
            metadatas=[dict(m or {}) for m in got["metadatas"]] if metadatas else None,
        )

    def count(self) -> int:
        return int(self._collection.count())

    def delete(self, ids: Sequence[str]) -> None:
        self._collection.delete(ids=list(ids))


def chroma_where(where: VectorFilter) -> dict[str, Any] | None:
    """A `VectorFilter` as Chroma's `where` (None when it filters nothing)."""
    clauses: list[dict[str, Any]] = []
    if where.year_from is not None:
        clauses.append({"year": {"$gte": where.year_from}})
    if where.year_to is not None:
        clauses.append({"year": {"$lte": where.year_to}})
    if where.categories:
        # Stored categories are normalised at parse time, as Filters normalises these.
        clauses.append({"category": {"$in": sorted(set(where.categories))}})
    if where.has_code is not None:
        clauses.append({"has_code": where.has_code})
    if where.paper_ids is not None:
        clauses.append({"paper_id": {"$in": list(where.paper_ids)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaStore:
    """A local Chroma folder (`path`) or a Chroma server (`url`). The client is made at once,
    so an unreachable server or an unwritable folder is reported where the store is asked for;
    a local database Chroma cannot open is reported by the first use (`check`), so that
    `set_aside` can still move it out of the way."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, where: str | None = None
    ) -> None:
        if (path is None) == (url is None):
            raise ValueError("a Chroma store is a folder or a server: give path or url")
        self.path, self.url = path, url
        self._where = where or (f"the Chroma server at {url}" if url else f"{path}/")
        self._broken: Exception | None = None
        with _CLIENTS:
            self._client = self._connect()

    @property
    def client(self) -> Any:
        """The chromadb client; raises what opening the local database raised, if it failed."""
        if self._broken is not None:
            raise self._broken
        return self._client

    @classmethod
    def from_settings(cls, settings: Settings) -> ChromaStore:
        if settings.chroma_url:
            return cls(url=settings.chroma_url)
        return cls(path=chroma_dir(settings.store), where=f"{settings.store}/")

    @property
    def where(self) -> str:
        return self._where

    @property
    def shared(self) -> bool:
        return self.url is not None

    def _connect(self) -> Any:
        import chromadb

        if self.url is not None:
            url = urlparse(self.url if "//" in self.url else f"http://{self.url}")
            try:
                client = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1",
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=chromadb.Settings(anonymized_telemetry=False),
                )
                client.heartbeat()
                return client
            except Exception as exc:  # noqa: BLE001 - connection errors come in several types
                raise IndexStoreError(
                    f"The Chroma server at {self.url} is unreachable ({type(exc).__name__}: "
                    f"{exc}). Start it (`chroma run --host HOST --port PORT --path DIR`) or unset "
                    "QABOT_CHROMA_URL to use the local folder."
                ) from exc
        assert self.path is not None
        if not (self.path / CHROMA_DATABASE).exists():
            _forget(self.path)  # deleted since this process last opened it, or new
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(
                path=str(self.path), settings=chromadb.Settings(anonymized_telemetry=False)
            )
        except Exception as exc:  # noqa: BLE001 - chromadb raises InternalError, OSError, ...
            if disk_full(exc):  # opening writes a lock row: not damage, and not for set_aside
                raise disk_full_error(f"{self.path.parent}/", "Chroma opened its database") from exc
            reason = unwritable_reason(self.path)
            if reason is None:  # a damaged database: reported where the client is used
                self._broken = exc
                return None
            raise IndexStoreError(
                f"The index in {self.path.parent}/ is read-only ({reason}), and Chroma writes to "
                "its folder even to answer a question (it records a lock row in chroma.sqlite3 on "
                f"every open). Make {self.path}/ writable again (`chattr -R -i`, `chmod -R u+w`), "
                "or copy the store to a writable folder and point QABOT_STORE at the copy."
            ) from exc

    # -- indexes ---------------------------------------------------------------------------

    def check(self) -> None:
        self.client.list_collections()

    def create(self, name: str, metadata: Metadata) -> ChromaIndex:
        collection = self.client.create_collection(
            name,
            configuration={"hnsw": dict(HNSW_CONFIGURATION)},
            metadata=dict(metadata) or None,  # Chroma refuses an empty mapping
            embedding_function=None,  # Chroma's default downloads a model; qabot brings vectors
        )
        return ChromaIndex(collection, self.client.get_max_batch_size())

    def open(self, name: str) -> ChromaIndex:
        return ChromaIndex(self.client.get_collection(name), self.client.get_max_batch_size())

    def drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # noqa: BLE001 - "does not exist" has no stable exception type
            log.debug("no collection %s to drop", name)

    def names(self) -> set[str]:
        return {c if isinstance(c, str) else c.name for c in self.client.list_collections()}

    def files(self, name: str) -> list[Path]:
        """CHROMA INTERNALS: the HNSW files of index `name`, once Chroma has written them.

        Chroma keeps an index's HNSW graph in its vector segment's folder (`data_level0.bin`,
        `header.bin`, `length.bin`, `link_lists.bin`, `index_metadata.pickle`, ...); loading a
        damaged one can crash the process in native code. It writes them every
        `sync_threshold` vectors, synchronously within `add`, and never when only reading:
        once an ingest's last `add` has returned, they stay as they are. An index that never
        reached the threshold has no `index_metadata.pickle`: its vectors are all in Chroma's
        log, and Chroma rewrites the folder's empty HNSW files at every open, so there is
        nothing to checksum (and nothing there to damage). None for a server."""
        if self.path is None:
            return []
        try:
            segment = _vector_segment(self.path, name)
        except sqlite3.Error as exc:
            log.warning("cannot read Chroma's segment list in %s (%s)", self.path, exc)
            return []
        folder = self.path / segment if segment else None
        if folder is None or not (folder / _PERSISTED).is_file():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

    # -- records ---------------------------------------------------------------------------

    def load_record(self, name: str) -> str | None:
        try:
            collection = self.client.get_collection(name)
        except Exception:  # noqa: BLE001 - "does not exist" has no stable exception type
            return None
        text = (collection.metadata or {}).get(_RECORD_KEY)
        return str(text) if text else None

    def save_record(self, name: str, text: str) -> None:
        # One metadata update: readers (other replicas) see the old text or the new one.
        collection = self.client.get_or_create_collection(
            name, embedding_function=None, metadata={_RECORD_KEY: "{}"}
        )
        collection.modify(metadata={_RECORD_KEY: text})

    # -- the local folder ------------------------------------------------------------------

    def leftovers(self) -> list[Path]:
        """Segment folders in the local Chroma folder that no segment of any collection names:
        Chroma does not remove a deleted collection's folder (pruned generations, killed
        ingests)."""
        if self.path is None:
            return []  # a server keeps its own disk
        folders = _segment_folders(self.path)
        if not folders:
            return []
        try:
            used = _referenced_segments(self.path)
        except sqlite3.Error as exc:  # cannot tell what is used: remove nothing
            log.warning(
                "cannot read Chroma's segment list in %s (%s); keeping its folders", self.path, exc
            )
            return []
        return [f for f in folders if f.name not in used]

    def remove_leftovers(self) -> list[Path]:
        removed = []
        for folder in self.leftovers():
            log.info("removing Chroma segment folder %s (its collection was deleted)", folder)
            try:
                shutil.rmtree(folder)
            except OSError as exc:
                log.warning("could not remove %s: %s", folder, exc)
                continue
            removed.append(folder)
        return removed

    def forget(self) -> None:
        if self.path is not None:
            forget_cached_client(self.path)

    def set_aside(self) -> Path | None:
        """Move a local folder that cannot be read aside (nothing is deleted) and start an
        empty one; returns where it went. None for a server: nothing local to move."""
        if self.path is None:
            return None
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
        self.forget()
        self.path.rename(aside)
        self._broken = None
        with _CLIENTS:
            self._client = self._connect()
        return aside

    # -- LangChain -------------------------------------------------------------------------

    def as_langchain(
        self,
        name: str,
        embeddings: Embeddings,
        fill: Callable[[list[str], list[Any] | None, list[Any] | None], None] | None = None,
    ) -> Any:
        """Index `name` as langchain-chroma's `Chroma` VectorStore. `fill(ids, documents,
        metadatas)` completes what each read returns (a local index keeps its chunk texts in
        qabot's tables, not in Chroma, and langchain-chroma drops results without a document)."""
        from langchain_chroma import Chroma

        class FilledChroma(Chroma):
            @property
            def _collection(self) -> Any:
                collection = super()._collection
                return collection if fill is None else _FilledCollection(collection, fill)

        return FilledChroma(
            client=self.client,
            collection_name=name,
            embedding_function=embeddings,
            create_collection_if_not_exists=False,
        )


class _FilledCollection:
    """A Chroma collection whose reads pass through `fill`; everything else, writes included,
    goes to the collection itself."""

    def __init__(self, collection: Any, fill: Callable[..., None]) -> None:
        self._collection, self._fill = collection, fill

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    def query(self, *args: Any, **kwargs: Any) -> Any:
        result = self._collection.query(*args, **kwargs)
        for n, ids in enumerate(result["ids"]):
            self._fill(
                ids,
                (result.get("documents") or [None] * (n + 1))[n],
                (result.get("metadatas") or [None] * (n + 1))[n],
            )
        return result

    def get(self, *args: Any, **kwargs: Any) -> Any:
        result = self._collection.get(*args, **kwargs)
        self._fill(result["ids"], result.get("documents"), result.get("metadatas"))
        return result


def unwritable_reason(path: Path) -> str | None:
    """Why Chroma cannot write in `path` (its database file or the folder), or None.

    Asked only after Chroma failed to open, so the probe file costs nothing on the normal path.
    Permission bits alone do not tell: root ignores them but not the immutable flag."""
    for probe in (path / CHROMA_DATABASE, path):
        try:
            if probe.is_dir():
                with tempfile.TemporaryFile(dir=probe):
                    pass
            elif probe.exists():
                os.close(os.open(probe, os.O_WRONLY | os.O_APPEND))
        except OSError as exc:
            return f"{exc.strerror or type(exc).__name__}: {probe}"
    return None


def forget_cached_client(path: Path) -> None:
    """Drop what this process cached of the local Chroma folder `path` (`ChromaStore.forget`
    without opening a client first: for a folder about to be replaced or damaged)."""
    with _CLIENTS:
        _forget(path)


# -- CHROMA INTERNALS ------------------------------------------------------------------------
# Each use below depends on how chromadb works inside, not on its API; `check_internals`
# verifies every one of them.


def _forget(path: Path) -> None:
    """CHROMA INTERNALS: drop chromadb's per-process cached system for `path`.

    chromadb keeps one system per folder for the life of the process, in the class attributes
    `SharedSystemClient._identifier_to_system` and `_identifier_to_refcount`, keyed by the path
    as given; after the folder is deleted or replaced it would keep using the stale one
    ("readonly database"). There is no public way to drop it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    for key in (str(path), str(path.resolve())):
        system = SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)
        if system is not None:
            try:
                system.stop()
            except Exception:  # noqa: BLE001 - it is being discarded either way
                log.debug("stopping a stale chroma system failed", exc_info=True)


def _segment_folders(chroma: Path) -> list[Path]:
    """CHROMA INTERNALS: a local Chroma folder keeps each vector segment in a sub-folder named
    by the segment's UUID."""
    if not chroma.is_dir():
        return []
    found = []
    for path in sorted(chroma.iterdir()):
        try:
            uuid.UUID(path.name)
        except ValueError:
            continue
        if path.is_dir() and not path.is_symlink():
            found.append(path)
    return found


# CHROMA INTERNALS: written last when Chroma persists an HNSW index (the id map), so its
# presence says the segment's HNSW files hold the index rather than placeholders.
_PERSISTED = "index_metadata.pickle"


def _vector_segment(chroma: Path, name: str) -> str | None:
    """CHROMA INTERNALS: the id of collection `name`'s vector segment, which names its folder,
    read from Chroma's `collections` and `segments` tables without writing to them."""
    db = chroma / CHROMA_DATABASE
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
            "WHERE c.name = ? AND s.scope = 'VECTOR'",
            (name,),
        ).fetchone()
    return str(row[0]) if row else None


def _referenced_segments(chroma: Path) -> set[str]:
    """CHROMA INTERNALS: the ids of every segment Chroma's SQLite database names, in its
    `segments` table, read without writing to it."""
    db = chroma / CHROMA_DATABASE
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM segments")}


def check_internals(folder: Path) -> list[str]:
    """What no longer holds of the internals above, on a scratch store in `folder` (empty
    list: all hold). Run by the test suite after every Chroma upgrade."""
    from chromadb.api.shared_system_client import SharedSystemClient

    broken = []
    for name in ("_identifier_to_system", "_identifier_to_refcount"):
        if not isinstance(getattr(SharedSystemClient, name, None), dict):
            broken.append(f"SharedSystemClient.{name} is no longer a dict")
    if broken:  # the rest would fail on them
        return broken
    store = ChromaStore(path=folder)
    index = store.create("qabot-internals-probe", {"probe": True})
    index.add(["a"], [[1.0, 0.0, 0.0]], [{"paper_id": "a"}])
    index.query([1.0, 0.0, 0.0], 1)  # makes Chroma write the vector segment to disk
    key = str(folder)
    if key not in SharedSystemClient._identifier_to_system:
        broken.append("the cached system is not keyed by the folder's path")
    try:
        referenced = _referenced_segments(folder)
    except sqlite3.Error as exc:
        broken.append(f"Chroma's database has no readable segments table ({exc})")
        referenced = set()
    folders = {p.name for p in _segment_folders(folder)}
    if not folders:
        broken.append("no segment folder named by a UUID after adding a vector")
    elif not folders <= referenced:
        broken.append("segment folders are not named by ids in the segments table")
    try:
        if _vector_segment(folder, "qabot-internals-probe") not in folders:
            broken.append("the collection's vector segment does not name its folder")
    except sqlite3.Error as exc:
        broken.append(f"Chroma's database has no readable collections table ({exc})")
    broken += _check_persisted_files(store)
    store.drop("qabot-internals-probe")
    store.forget()
    if key in SharedSystemClient._identifier_to_system:
        broken.append("forgetting the folder did not drop its cached system")
    return broken


def _check_persisted_files(store: ChromaStore) -> list[str]:
    """What no longer holds of `ChromaStore.files`: an index past its sync threshold has its
    HNSW files and id map, and reading it leaves them as they are."""
    name = "qabot-internals-persisted"
    collection = store.client.create_collection(
        name,
        configuration={"hnsw": {"space": "cosine", "sync_threshold": 10}},
        embedding_function=None,
    )
    vectors = np.random.default_rng(0).standard_normal((12, 3))
    collection.add(ids=[str(i) for i in range(12)], embeddings=vectors.tolist())
    files = store.files(name)
    try:
        if {"data_level0.bin", "header.bin", _PERSISTED} - {p.name for p in files}:
            return [f"no HNSW files and {_PERSISTED} once past the sync threshold ({files})"]
        before = {p: p.read_bytes() for p in files}
        store.open(name).query([1.0, 0.0, 0.0], 3)
        if {p: p.read_bytes() for p in store.files(name)} != before:
            return ["reading an index changed its HNSW files"]
        return []
    finally:
        store.drop(name)
