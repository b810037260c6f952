"""Chunk texts of a local index, kept as spans of the paper table's abstracts, not in Chroma.

Every chunk is a piece of its paper's abstract, and the paper table already holds the
abstracts. Storing each chunk's text in Chroma as well cost more than half of Chroma's writing
at ingest: its SQLite rows, and the full-text index it builds over them, which qabot never
queries (20k chunks: 28.8 s as documents, 12.4-13.4 s as vectors with filter metadata only;
docs/measurements.md). So a local store gives Chroma only the vectors and the metadata that
filters need, and the chunk table records where each text sits in its abstract.

A Chroma server keeps the texts (and each paper's record) as documents, as before: a replica
rebuilds its local tables from the server alone (qabot.index.replica). The manifest says which of
the two a generation does (`Manifest.passages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from qabot.index.chunk_table import split_chunk_id

IN_CHROMA = "chroma"  # chunk texts are Chroma documents (a server; indexes built before this)
IN_TABLE = "chunk-table"  # spans of the abstracts, in chunks.json (a local store)
KINDS = (IN_CHROMA, IN_TABLE)  # what this version reads; a newer one may write others


def spans(abstract: str, texts: Sequence[str]) -> tuple[list[int], list[int], dict[int, str]]:
    """Where each of a paper's chunk texts sits in its abstract: start and end offsets, in
    order. A text that is not a verbatim piece of the abstract (a text splitter could join
    pieces with a separator) is returned in the third value by its position, to be stored
    as it is; start and end are then -1."""
    starts, ends, verbatim = [], [], {}
    cursor = 0
    for i, text in enumerate(texts):
        # Chunks overlap, so the next one starts after the previous one's start, not its end.
        at = abstract.find(text, cursor)
        if at < 0:
            at = abstract.find(text)
        if at < 0 or not text:
            starts.append(-1)
            ends.append(-1)
            verbatim[i] = text
            continue
        starts.append(at)
        ends.append(at + len(text))
        cursor = at + 1
    return starts, ends, verbatim


class Passages:
    """The chunk texts of a generation whose chunk table records spans (`IN_TABLE`)."""

    def __init__(
        self,
        chunk_ids: list[str],
        chunk_paper: np.ndarray,
        starts: Sequence[int],
        ends: Sequence[int],
        verbatim: Mapping[str, str],
    ) -> None:
        if not (len(starts) == len(ends) == len(chunk_ids)):
            raise ValueError(
                f"the chunk table lists {len(chunk_ids)} chunks but "
                f"{len(starts)} starts and {len(ends)} ends"
            )
        self.chunk_ids, self.chunk_paper = chunk_ids, chunk_paper
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.asarray(ends, dtype=np.int64)
        self.verbatim = {int(row): text for row, text in verbatim.items()}  # JSON keys are text
        # Cheap checks that make a writer's mistake a damaged index, not empty passages.
        spanless = set(np.flatnonzero(self.starts < 0).tolist())
        if spanless != set(self.verbatim) or bool(np.any(self.ends < self.starts)):
            raise ValueError("the chunk table's spans and stored texts do not agree")
        # Chunks are written in the papers' order, so a chunk's row is found by bisecting the
        # paper column: no id -> row dict of 326k entries (tens of MB) at 100k papers.
        self._sorted = bool(len(chunk_paper) == 0 or np.all(np.diff(chunk_paper) >= 0))
        self._rows: dict[str, int] | None = None

    @classmethod
    def from_chunk_table(
        cls, table: Mapping[str, Any], chunk_paper: np.ndarray | None = None
    ) -> Passages:
        """The spans recorded in a generation's chunks.json (as parsed); `chunk_paper`, its
        "paper" column as an array, if the caller has it already. Raises KeyError or
        ValueError for a table without consistent spans."""
        if chunk_paper is None:
            chunk_paper = np.asarray(table["paper"], dtype=np.int32)
        return cls(
            table["ids"], chunk_paper, table["start"], table["end"], table.get("verbatim", {})
        )

    def _row(self, chunk_id: str, paper_index: Mapping[str, int]) -> int | None:
        if self._sorted:
            paper_id, number = split_chunk_id(chunk_id)
            paper = paper_index.get(paper_id)
            if paper is None or not (number.isascii() and number.isdigit()):
                return None
            row = int(np.searchsorted(self.chunk_paper, paper)) + int(number)
            ok = row < len(self.chunk_ids) and self.chunk_ids[row] == chunk_id
            return row if ok else None
        if self._rows is None:  # not in the papers' order: a table no ingest of ours writes
            self._rows = {cid: i for i, cid in enumerate(self.chunk_ids)}
        return self._rows.get(chunk_id)

    def texts(
        self,
        chunk_ids: Iterable[str],
        paper_index: Mapping[str, int],
        abstract: Callable[[int], str],
    ) -> dict[str, str]:
        """Chunk id -> text, for the ids this generation has; `abstract(paper position)`."""
        out: dict[str, str] = {}
        for chunk_id in chunk_ids:
            row = self._row(chunk_id, paper_index)
            if row is None:
                continue
            if row in self.verbatim:
                out[chunk_id] = self.verbatim[row]
            else:
                out[chunk_id] = abstract(int(self.chunk_paper[row]))[
                    self.starts[row] : self.ends[row]
                ]
        return out
