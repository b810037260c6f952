"""Checksums of the files of an index generation, recorded in its manifest.

A bit flip or a stray write that keeps a file's size (say, inside the BM25 index's `indptr`
array) otherwise goes unnoticed: the file still loads, and lexical search quietly finds nothing.
So ingest records each file's size and xxh3-128 digest, and they are compared:

- sizes on every open (a `stat` per file, free);
- digests of the files that opening reads anyway (the chunk table, and the paper table when it
  is first parsed), as they are read, and of the memory-mapped BM25 arrays, which searching
  reads only in part (damage that keeps their size otherwise changes scores without a word;
  hashing them costs about 30 ms at 100k papers);
- every digest whenever `qabot ingest` decides whether the index is up to date, and in
  `qabot check`.

xxh3 is a non-cryptographic hash: it detects damage, not tampering, at about 4 GB/s (a
100k-paper generation, ~250 MB, verifies in well under a second once the files are cached).
It sits below the store (it imports only qabot.errors).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import xxhash
from pydantic import BaseModel

from qabot.errors import IndexCorruptError
from qabot.index.layout import DERIVED, LAZY, LEXICAL_DIR, LOCAL_FILES
from qabot.index.lexical import MAPPED_FILES

CHUNK = 1 << 20


class FileSum(BaseModel):
    """Size and xxh3-128 digest of one file of a generation."""

    size: int
    xxh3: str


@dataclass(frozen=True)
class FileProblem:
    """One recorded file that is missing, or whose size or content changed."""

    path: str  # relative to the generation folder
    kind: str  # "missing", "size" or "checksum"
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


def digest_bytes(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


def digest_file(path: Path) -> str:
    hasher = xxhash.xxh3_128()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            hasher.update(block)
    return hasher.hexdigest()


def generation_files(folder: Path) -> list[Path]:
    """The files of a generation, sorted. Dot-files are temporary or local bookkeeping."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def fingerprint(folder: Path) -> dict[str, FileSum]:
    """Size and digest of every file under `folder`, by relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): FileSum(size=p.stat().st_size, xxh3=digest_file(p))
        for p in generation_files(folder)
    }


def store_fingerprint(store: Path, paths: list[Path]) -> dict[str, FileSum]:
    """Size and digest of files inside the store folder (a vector index's), by POSIX path
    relative to it."""
    return {
        p.relative_to(store).as_posix(): FileSum(size=p.stat().st_size, xxh3=digest_file(p))
        for p in paths
    }


def check_file(folder: Path, name: str, expected: FileSum, *, content: bool) -> FileProblem | None:
    """Compare one file with its record: its size always, its digest when `content`."""
    path = folder / name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return FileProblem(name, "missing", f"missing ({exc.strerror or type(exc).__name__})")
    if size != expected.size:
        return FileProblem(name, "size", f"{size} bytes, recorded {expected.size}")
    if content:
        try:
            actual = digest_file(path)
        except OSError as exc:
            return FileProblem(
                name, "missing", f"unreadable ({exc.strerror or type(exc).__name__})"
            )
        if actual != expected.xxh3:
            return FileProblem(name, "checksum", "content changed (checksum differs, same size)")
    return None


def check_files(folder: Path, files: dict[str, FileSum], *, content: bool) -> list[FileProblem]:
    """Every recorded file that is missing or changed (digests compared only if `content`)."""
    problems = (check_file(folder, name, want, content=content) for name, want in files.items())
    return [p for p in problems if p is not None]


def check_bytes(name: str, data: bytes, files: dict[str, FileSum]) -> FileProblem | None:
    """Compare a file already read into memory with its record (None if none is recorded)."""
    expected = files.get(name)
    if expected is None:
        return None
    if len(data) != expected.size:
        return FileProblem(name, "size", f"{len(data)} bytes, recorded {expected.size}")
    if digest_bytes(data) != expected.xxh3:
        return FileProblem(name, "checksum", "content changed (checksum differs, same size)")
    return None


# Files verified whole in this process, as they were then (size, mtime, inode): each vector
# index is digested once per process, not by both the warm-up's early load and the snapshot.
_verified: set[tuple[object, ...]] = set()
_verified_lock = threading.Lock()


def check_vector_files(store: Path, files: dict[str, FileSum]) -> list[FileProblem]:
    """Every recorded file of a vector index that is missing or changed, digests included:
    a vector index is loaded whole and right away, so reading it first costs little more
    than the hash (about 0.2 s per 500 MB, a 100k-paper index), and a damaged one would
    crash the process that loads it (qabot.index.chroma, `ChromaStore.files`)."""
    if not files:
        return []
    with _verified_lock:  # the second caller waits, then finds the files verified
        try:
            state = tuple(
                (name, (s := os.stat(store / name)).st_size, s.st_mtime_ns, s.st_ino)
                for name in sorted(files)
            )
        except OSError:
            state = None
        key = (str(store.resolve()), tuple(sorted((n, f.xxh3) for n, f in files.items())), state)
        if state is not None and key in _verified:
            return []
        problems = check_files(store, files, content=True)
        if not problems and state is not None:
            _verified.add(key)
        return problems


VECTORS_FIX = (
    "run `qabot ingest` to repair it: it rebuilds the live generation and embeds its chunks "
    "again (a damaged vector index cannot be read back)"
)


def _listed(problems: list[FileProblem]) -> str:
    """The first three problems, and how many more."""
    more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
    return "; ".join(map(str, problems[:3])) + more


def vectors_damaged(where: str, problems: list[FileProblem]) -> IndexCorruptError:
    return IndexCorruptError(
        f"The vector index in {where} is damaged ({_listed(problems)}). "
        f"{VECTORS_FIX[0].upper()}{VECTORS_FIX[1:]}."
    )


def files_damaged(where: str, problems: list[FileProblem]) -> IndexCorruptError:
    return IndexCorruptError(
        f"The index in {where} is damaged: {_listed(problems)}. Run `qabot ingest` to repair it "
        "(it rebuilds the damaged generation, reusing the stored vectors); `qabot check` "
        "lists everything that is wrong."
    )


# Memory-mapped by search, which reads only the pages it needs: a damaged page is used as it
# is. The snapshot digests them whole at open (`check_on_open(mapped=True)`); the page's
# overview, which does not search, checks only their sizes.
MAPPED = frozenset(f"{LEXICAL_DIR}/{name}" for name in MAPPED_FILES)
# LAZY files (the paper table) are parsed on first use, not at open (a served page does not
# need them): only their presence is checked at open, their size and content when they are
# read (IndexSnapshot.papers). DERIVED files are cheap to derive again from the paper table:
# damage makes the reader recompute them (IndexSnapshot.summary) and ingest rewrite them,
# rather than failing the index (qabot.index.layout).


def recorded_files(folder: Path, files: dict[str, FileSum]) -> dict[str, FileSum]:
    """What the generation's files should be: the manifest's record, or, for tables a replica
    rebuilt from a Chroma server (which differ byte for byte from the ingesting machine's),
    the record the replica wrote beside them."""
    local = folder / LOCAL_FILES
    if local.is_file():
        try:
            data = json.loads(local.read_text("utf-8"))
            return {name: FileSum.model_validate(v) for name, v in data.items()}
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(
                f"{local} is unreadable ({type(exc).__name__}); delete {folder} and it is "
                "rebuilt from the Chroma server."
            ) from exc
    return files


def check_on_open(
    folder: Path, files: dict[str, FileSum], *, mapped: bool = True
) -> list[FileProblem]:
    """The file checks cheap enough for every open: each file's size, and the digests of the
    files opening reads whole anyway, and, with `mapped`, of the memory-mapped BM25 arrays
    (for whoever searches them: about 30 ms per 100k papers; LexicalIndex.inconsistency
    checks their structure)."""
    problems = []
    for name, want in files.items():
        if name in DERIVED:
            continue
        if name in LAZY:
            if not (folder / name).is_file():
                problems.append(FileProblem(name, "missing", "missing"))
            continue
        if problem := check_file(folder, name, want, content=mapped or name not in MAPPED):
            problems.append(problem)
    return problems
