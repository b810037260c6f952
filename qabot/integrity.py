"""Checking a built index, and the Chroma folders nothing uses any more.

`check_index` is what `qabot check` runs: it verifies every recorded checksum of the live
generation, that Chroma opens and holds the collection the manifest names with the right number
of vectors, and that a stored vector finds itself. It lists each problem with its fix.

Chroma's own files are not checksummed: Chroma rewrites its SQLite file and the vector segment
files of a collection whenever it opens them, even to answer a query, so a recorded digest would
be stale after the first question. They are checked by opening and querying them instead.

Chroma keeps a folder per vector segment in `chroma/` and does not remove it when its collection
is deleted; `remove_orphan_segments` does, after each ingest, for exactly the folders that no
segment in Chroma's database names.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from qabot.checksums import check_files, recorded_files
from qabot.config import Settings
from qabot.errors import IndexMismatchError, IndexStoreError
from qabot.passages import IN_CHROMA, IN_TABLE, Passages
from qabot.store import (
    COLLECTION_PREFIX,
    PASSAGES_FIX,
    Manifest,
    check_passages,
    describe_store,
    generation_dir,
    load_manifest,
    make_chroma_client,
    open_lexical,
)

log = logging.getLogger(__name__)


class Problem(BaseModel):
    """One thing wrong with an index, and what fixes it."""

    part: str = Field(description="The file, folder or Chroma object concerned.")
    what: str
    fix: str


class IndexCheck(BaseModel):
    """The result of `qabot check`."""

    store: str
    generation: str | None = None
    files_checked: int = 0
    bytes_checked: int = 0
    seconds: float = 0.0
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Not wrong, but worth knowing.")

    @property
    def ok(self) -> bool:
        return not self.problems


REPAIR = "run `qabot ingest`: it rebuilds the live generation, reusing the stored vectors"
REBUILD = "run `qabot ingest --rebuild`: it moves the damaged Chroma folder aside and rebuilds"


def segment_folders(chroma: Path) -> list[Path]:
    """Chroma's per-segment folders: the sub-folders named by a UUID."""
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


def referenced_segments(chroma: Path) -> set[str]:
    """The ids of every segment Chroma's database names, read without writing to it."""
    db = chroma / "chroma.sqlite3"
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM segments")}


def orphan_segments(settings: Settings) -> list[Path]:
    """Segment folders in the local Chroma folder that no segment of any collection names:
    left by deleted collections (pruned generations, killed ingests)."""
    if settings.chroma_url:
        return []  # a server keeps its own disk
    chroma = settings.store / "chroma"
    folders = segment_folders(chroma)
    if not folders:
        return []
    try:
        used = referenced_segments(chroma)
    except sqlite3.Error as exc:  # cannot tell what is used: remove nothing
        log.warning("cannot read Chroma's segment list in %s (%s); keeping its folders", chroma, exc)
        return []
    return [f for f in folders if f.name not in used]


def remove_orphan_segments(settings: Settings) -> list[Path]:
    """Delete the orphaned segment folders; returns them."""
    removed = []
    for folder in orphan_segments(settings):
        log.info("removing Chroma segment folder %s (its collection was deleted)", folder)
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            log.warning("could not remove %s: %s", folder, exc)
            continue
        removed.append(folder)
    return removed


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_index(settings: Settings) -> IndexCheck:
    """Verify the live index in `settings.store` (or on the Chroma server) without changing it,
    apart from what Chroma itself writes when it opens a collection."""
    start = time.perf_counter()
    result = IndexCheck(store=describe_store(settings))
    try:
        client = make_chroma_client(settings)
        manifest = load_manifest(settings, client)
    except IndexStoreError as exc:
        fix = "see the message" if "read-only" in str(exc) else REBUILD
        result.problems.append(Problem(part="chroma/", what=str(exc), fix=fix))
        client, manifest = None, None
    except Exception as exc:  # noqa: BLE001 - a damaged database raises several types
        result.problems.append(Problem(part="chroma/", what=f"Chroma cannot open its database "
                                       f"({type(exc).__name__}: {exc})", fix=REBUILD))  # fmt: skip
        client, manifest = None, None
    if manifest is None:
        if client is not None:
            result.problems.append(Problem(part="manifest.json", what="no index has been built",
                                           fix="run `qabot ingest`"))  # fmt: skip
        result.seconds = time.perf_counter() - start
        return result
    result.generation = manifest.generation
    _check_files(settings, manifest, result)
    try:  # written by a newer qabot: opening refuses it, with the same message
        check_passages(manifest, result.store)
    except IndexMismatchError as exc:
        result.problems.append(Problem(part="manifest.json", what=str(exc), fix=PASSAGES_FIX))
    if client is not None:
        _check_chroma(client, manifest, result)
        keep = {COLLECTION_PREFIX + g for g in [*manifest.history, manifest.generation]}
        try:
            names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        except Exception:  # noqa: BLE001 - already reported by _check_chroma if it matters
            names = set()
        if stale := sorted(n for n in names if n.startswith(COLLECTION_PREFIX) and n not in keep):
            result.notes.append(f"{len(stale)} Chroma collection(s) of killed ingests or pruned "
                                f"generations ({', '.join(stale[:3])}); the next `qabot ingest` "
                                "removes them.")  # fmt: skip
    orphans = orphan_segments(settings)
    if orphans:
        size = sum(_folder_size(f) for f in orphans) / 1e6
        result.notes.append(f"{len(orphans)} unused Chroma segment folder(s) ({size:.1f} MB) in "
                            f"{settings.store / 'chroma'}/; the next `qabot ingest` removes them.")  # fmt: skip
    result.seconds = time.perf_counter() - start
    return result


def _check_files(settings: Settings, manifest: Manifest, result: IndexCheck) -> None:
    folder = generation_dir(settings.store, manifest.generation)
    if not folder.is_dir():
        if settings.chroma_url:
            result.notes.append(f"{folder}/ is not built on this machine yet; the first question "
                                "builds it from the Chroma server.")  # fmt: skip
            return
        result.problems.append(Problem(part=f"{folder}/", what="the live generation's folder is "
                                       "missing", fix=REPAIR))  # fmt: skip
        return
    try:
        files = recorded_files(folder, manifest.files)
    except IndexStoreError as exc:
        result.problems.append(Problem(part=str(folder), what=str(exc), fix="see the message"))
        return
    if not files:
        result.notes.append("this index was built before checksums were recorded; the next "
                            "`qabot ingest` rebuilds its tables once and records them.")  # fmt: skip
    fix = f"delete {folder}/ (it is rebuilt from the server)" if settings.chroma_url else REPAIR
    for problem in check_files(folder, files, content=True):
        result.problems.append(Problem(part=f"{folder.name}/{problem.path}", what=problem.detail,
                                       fix=fix))  # fmt: skip
    result.files_checked = len(files)
    result.bytes_checked = sum(f.size for f in files.values())
    if not result.problems:
        try:
            chunks, lexical = open_lexical(folder)
            reason = lexical.inconsistency()
        except Exception as exc:  # noqa: BLE001 - any failure means the tables are unusable
            chunks, reason = None, f"cannot be loaded ({type(exc).__name__}: {exc})"
        if reason:
            result.problems.append(Problem(part=f"{folder.name}/lexical/", what=reason, fix=fix))
        if chunks is not None and manifest.passages == IN_TABLE:
            try:  # the chunk texts' spans, as opening the index reads them
                Passages.from_chunk_table(chunks)
            except Exception as exc:  # noqa: BLE001
                result.problems.append(Problem(
                    part=f"{folder.name}/chunks.json", fix=fix,
                    what=f"its chunk text spans cannot be read ({type(exc).__name__}: {exc})"))  # fmt: skip
    if manifest.passages == IN_CHROMA and not settings.chroma_url:
        result.notes.append("this local index keeps its chunk texts in Chroma, as qabot did "
                            "before; the next `qabot ingest` rewrites it leaner from its "
                            "vectors, without embedding anything.")  # fmt: skip


def _check_chroma(client: Any, manifest: Manifest, result: IndexCheck) -> None:
    part = f"Chroma collection {manifest.collection}"
    try:
        collection = client.get_collection(manifest.collection)
        count = collection.count()
    except Exception as exc:  # noqa: BLE001 - "does not exist" has no stable exception type
        result.problems.append(Problem(part=part, what=f"cannot be opened ({type(exc).__name__}: "
                                       f"{exc})", fix=REPAIR))  # fmt: skip
        return
    if count != manifest.chunks:
        result.problems.append(Problem(part=part, what=f"holds {count} vectors, the manifest says "
                                       f"{manifest.chunks}", fix=REPAIR))  # fmt: skip
        return
    try:
        got = collection.get(limit=1, include=["embeddings"])
        if got["ids"]:
            found = collection.query(query_embeddings=[got["embeddings"][0]], n_results=1,
                                     include=["distances"])  # fmt: skip
            if got["ids"][0] not in found["ids"][0] and found["distances"][0][0] > 1e-4:
                result.problems.append(Problem(part=part, what="a stored vector does not find "
                                               "itself: the vector index is damaged", fix=REBUILD))  # fmt: skip
    except Exception as exc:  # noqa: BLE001
        result.problems.append(Problem(part=part, what=f"cannot be queried ({type(exc).__name__}: "
                                       f"{exc})", fix=REBUILD))  # fmt: skip
