"""Opening a local vector index in a child process, where a native crash cannot take the
caller down.

Chroma loads an index's HNSW files in native code, and some damage to them crashes the process
that loads them: a segfault, exit 139, no message. Checksums find damage to the files ingest
recorded (`VectorStore.files`), but not in an index built before they were recorded, nor what a
checksum cannot see. So `qabot check`, and `qabot ingest` before it reads vectors back from an
index whose files were never recorded, ask a child: `python -m qabot.index.probe CHROMA_DIR
COLLECTION CHUNKS` opens the index, counts it and queries a stored vector, then prints what it
found as JSON. A child killed by a signal means the index is damaged.

A Chroma server loads its indexes in its own process: `vector_problems` runs in-process there.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from qabot.index.vectors import VectorIndex

# What repairs it: "ingest" (rebuilding the generation, reusing vectors), "embed" (rebuilding it
# and embedding again: the vectors cannot be read back), "rebuild" (`qabot ingest --rebuild`).
Fix = Literal["ingest", "embed", "rebuild"]
TIMEOUT = 600.0  # seconds; loading a 100k-paper index takes a few


@dataclass(frozen=True)
class VectorProblem:
    what: str
    fix: Fix


def vector_problems(index: VectorIndex, chunks: int) -> list[VectorProblem]:
    """What is wrong with an opened index: the wrong number of vectors, or a stored vector
    that does not find itself (a damaged graph)."""
    try:
        count = index.count()
    except Exception as exc:  # noqa: BLE001 - a damaged segment raises several types
        return [VectorProblem(f"cannot be counted ({type(exc).__name__}: {exc})", "ingest")]
    if count != chunks:
        return [VectorProblem(f"holds {count} vectors, the manifest says {chunks}", "ingest")]
    try:
        got = index.get(limit=1, vectors=True)
        if got.ids and got.vectors is not None:
            found = index.query(got.vectors[0].tolist(), 1)
            if got.ids[0] not in [m.id for m in found] and 1.0 - found[0].similarity > 1e-4:
                what = "a stored vector does not find itself: the vector index is damaged"
                return [VectorProblem(what, "rebuild")]
    except Exception as exc:  # noqa: BLE001
        return [VectorProblem(f"cannot be queried ({type(exc).__name__}: {exc})", "rebuild")]
    return []


def probe(chroma: Path, collection: str, chunks: int) -> list[VectorProblem]:
    """`vector_problems` of a local Chroma folder's index, found by a child process."""
    root = str(Path(__file__).resolve().parents[2])  # where this qabot is imported from
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "qabot.index.probe", str(chroma), collection, str(chunks)]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return [VectorProblem(f"loading it did not finish within {TIMEOUT:.0f} s", "rebuild")]
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        what = f"loading it crashes the process ({name}): its HNSW files are damaged"
        return [VectorProblem(what, "embed")]
    lines = done.stdout.strip().splitlines()
    try:
        return [VectorProblem(**p) for p in json.loads(lines[-1])]
    except (IndexError, ValueError, TypeError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        what = f"cannot be checked: the check's process failed ({done.returncode}: {last})"
        return [VectorProblem(what, "rebuild")]


def main(argv: list[str]) -> None:
    from qabot.index.chroma import ChromaStore  # the child's own client, on the folder given

    chroma, collection, chunks = Path(argv[0]), argv[1], int(argv[2])
    try:
        index = ChromaStore(path=chroma).open(collection)
    except Exception as exc:  # noqa: BLE001 - "does not exist" has no stable exception type
        problems = [VectorProblem(f"cannot be opened ({type(exc).__name__}: {exc})", "ingest")]
    else:
        problems = vector_problems(index, chunks)
    print(json.dumps([asdict(p) for p in problems]))


if __name__ == "__main__":
    main(sys.argv[1:])
