"""Checking a built index, and the Chroma folders nothing uses any more.

`check_index` is what `qabot check` runs: it verifies every recorded checksum of the live
generation, those of its vector index's files, that Chroma opens and holds the collection the
manifest names with the right number of vectors, and that a stored vector finds itself. It lists
each problem with its fix.

Chroma's HNSW files (`VectorStore.files`) are checksummed by ingest once Chroma has written them
for good, and loading a damaged one can crash the process in native code: so the collection is
opened and queried in a child process (qabot.index.probe), and a crash is reported as damage.
Chroma's SQLite file is not checksummed (Chroma writes to it at every open); opening and
querying checks it.

Chroma keeps a folder per vector segment in `chroma/` and does not remove it when its collection
is deleted; each ingest removes the folders no segment names (`VectorStore.remove_leftovers`),
and `qabot check` notes them.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from qabot.errors import DiskFullError, IndexMismatchError, IndexStoreError
from qabot.index.checksums import VECTORS_FIX, check_files, recorded_files
from qabot.index.layout import (
    CHUNK_TABLE,
    COLLECTION_PREFIX,
    MANIFEST,
    chroma_dir,
    collection_name,
    generation_dir,
)
from qabot.index.manifest import (
    PASSAGES_FIX,
    Manifest,
    check_passages,
    describe_store,
    load_manifest,
)
from qabot.index.passages import IN_CHROMA, IN_TABLE, Passages
from qabot.index.probe import probe, vector_problems
from qabot.index.snapshot import open_lexical

if TYPE_CHECKING:
    from qabot.config import Settings
    from qabot.index.vectors import VectorStore

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
FIXES = {"ingest": REPAIR, "embed": VECTORS_FIX, "rebuild": REBUILD}


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_index(settings: Settings) -> IndexCheck:
    """Verify the live index in `settings.store` (or on the Chroma server) without changing it,
    apart from what Chroma itself writes when it opens a collection."""
    start = time.perf_counter()
    result = IndexCheck(store=describe_store(settings))
    store: VectorStore | None = None
    try:
        store = settings.get_vector_store()
        store.check()
        manifest = load_manifest(settings, store)
    except IndexStoreError as exc:
        fix = (
            "see the message"
            if "read-only" in str(exc) or isinstance(exc, DiskFullError)
            else REBUILD
        )
        result.problems.append(Problem(part="chroma/", what=str(exc), fix=fix))
        store, manifest = None, None
    except Exception as exc:  # noqa: BLE001 - a damaged database raises several types
        result.problems.append(
            Problem(
                part="chroma/",
                what=f"Chroma cannot open its database ({type(exc).__name__}: {exc})",
                fix=REBUILD,
            )
        )
        store, manifest = None, None
    if manifest is None:
        if store is not None:
            result.problems.append(
                Problem(part=MANIFEST, what="no index has been built", fix="run `qabot ingest`")
            )
        result.seconds = time.perf_counter() - start
        return result
    result.generation = manifest.generation
    _check_files(settings, manifest, result)
    try:  # written by a newer qabot: opening refuses it, with the same message
        check_passages(manifest, result.store)
    except IndexMismatchError as exc:
        result.problems.append(Problem(part=MANIFEST, what=str(exc), fix=PASSAGES_FIX))
    if store is not None and _check_vector_files(settings, manifest, result):
        _check_vectors(settings, store, manifest, result)
        keep = {collection_name(g) for g in [*manifest.history, manifest.generation]}
        try:
            names = store.names()
        except Exception:  # noqa: BLE001 - already reported by _check_chroma if it matters
            names = set()
        if stale := sorted(n for n in names if n.startswith(COLLECTION_PREFIX) and n not in keep):
            result.notes.append(
                f"{len(stale)} Chroma collection(s) of killed ingests or pruned "
                f"generations ({', '.join(stale[:3])}); the next `qabot ingest` "
                "removes them."
            )
    orphans = store.leftovers() if store is not None else []
    if orphans:
        size = sum(_folder_size(f) for f in orphans) / 1e6
        result.notes.append(
            f"{len(orphans)} unused Chroma segment folder(s) ({size:.1f} MB) in "
            f"{settings.store / 'chroma'}/; the next `qabot ingest` removes them."
        )
    result.seconds = time.perf_counter() - start
    return result


def _check_files(settings: Settings, manifest: Manifest, result: IndexCheck) -> None:
    folder = generation_dir(settings.store, manifest.generation)
    if not folder.is_dir():
        if settings.chroma_url:
            result.notes.append(
                f"{folder}/ is not built on this machine yet; the first question "
                "builds it from the Chroma server."
            )
            return
        result.problems.append(
            Problem(part=f"{folder}/", what="the live generation's folder is missing", fix=REPAIR)
        )
        return
    try:
        files = recorded_files(folder, manifest.files)
    except IndexStoreError as exc:
        result.problems.append(Problem(part=str(folder), what=str(exc), fix="see the message"))
        return
    if not files:
        result.notes.append(
            "this index was built before checksums were recorded; the next "
            "`qabot ingest` rebuilds its tables once and records them."
        )
    fix = f"delete {folder}/ (it is rebuilt from the server)" if settings.chroma_url else REPAIR
    for problem in check_files(folder, files, content=True):
        result.problems.append(
            Problem(part=f"{folder.name}/{problem.path}", what=problem.detail, fix=fix)
        )
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
                result.problems.append(
                    Problem(
                        part=f"{folder.name}/{CHUNK_TABLE}",
                        fix=fix,
                        what=f"its chunk text spans cannot be read ({type(exc).__name__}: {exc})",
                    )
                )
    if manifest.passages == IN_CHROMA and not settings.chroma_url:
        result.notes.append(
            "this local index keeps its chunk texts in Chroma, as qabot did "
            "before; the next `qabot ingest` rewrites it leaner from its "
            "vectors, without embedding anything."
        )


def _check_vector_files(settings: Settings, manifest: Manifest, result: IndexCheck) -> bool:
    """Compare the vector index's files with their checksums; False when they differ (then
    loading them is not tried: it could crash even the child process's check, or worse,
    quietly answer from a truncated index)."""
    if settings.chroma_url:
        return True  # the server's files are its own
    files = manifest.vector_files
    if files is None:
        result.notes.append(
            "the vector index's files were not checksummed (an index built by an earlier "
            "qabot); the next `qabot ingest` checks them and records their checksums."
        )
        return True
    problems = check_files(settings.store, files, content=True)
    for problem in problems:
        result.problems.append(Problem(part=problem.path, what=problem.detail, fix=VECTORS_FIX))
    result.files_checked += len(files)
    result.bytes_checked += sum(f.size for f in files.values())
    return not problems


def _check_vectors(
    settings: Settings, store: VectorStore, manifest: Manifest, result: IndexCheck
) -> None:
    part = f"Chroma collection {manifest.collection}"
    if settings.chroma_url:
        try:
            found = vector_problems(store.open(manifest.collection), manifest.chunks)
        except Exception as exc:  # noqa: BLE001 - "does not exist" has no stable exception type
            what = f"cannot be opened ({type(exc).__name__}: {exc})"
            result.problems.append(Problem(part=part, what=what, fix=REPAIR))
            return
    else:  # in a child process: loading a damaged HNSW file can crash the process
        found = probe(chroma_dir(settings.store), manifest.collection, manifest.chunks)
    for problem in found:
        result.problems.append(Problem(part=part, what=problem.what, fix=FIXES[problem.fix]))
