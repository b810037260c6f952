"""The chunk table (`chunks.json`) and the one definition of a chunk's id, content key and
embedded text.

A chunk is identified by its paper and its number within the paper's abstract; its content key
says which vector it has (the same key means the same vector, so ingest reuses it); and what is
embedded, and what BM25 indexes, is the paper's title above the chunk's text. Ingest and the
replica rebuild (qabot.index.replica) both write the table through `write_chunk_table`, and
retrieval reads chunk ids with `paper_of` and `chunk_number`.

    {"ids": [chunk id, ...],              in the papers' order, then by chunk number
     "paper": [paper position, ...],      the paper's row in the paper table
     "keys": [content key, ...],
     "start": [...], "end": [...],        each text's span in its abstract (qabot.index.passages)
     "verbatim": {row: text}}             texts that are not a verbatim piece of their abstract
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qabot.index.layout import CHUNK_TABLE

SEPARATOR = "::"


def chunk_id(paper_id: str, number: int) -> str:
    return f"{paper_id}{SEPARATOR}{number}"


def paper_of(chunk: str) -> str:
    """The paper id of a chunk id."""
    return chunk.rsplit(SEPARATOR, 1)[0]


def chunk_number(chunk: str) -> int:
    """The chunk's number within its paper's abstract."""
    return int(chunk.rsplit(SEPARATOR, 1)[1])


def split_chunk_id(chunk: str) -> tuple[str, str]:
    """(paper id, number as written), without checking the number: for ids from outside."""
    paper_id, _, number = chunk.rpartition(SEPARATOR)
    return paper_id, number


def chunking_config(model: str, chunk_size: int, chunk_overlap: int) -> str:
    """What else decides a chunk's vector besides its text: the model and the chunking."""
    return f"{model}|{chunk_size}|{chunk_overlap}"


def content_key(config: str, paper_digest: str, number: int) -> str:
    """Same key, same vector: the chunking config, the paper's content hash
    (`Paper.content_hash`: title and abstract) and the chunk's number."""
    return f"{config}|{paper_digest}|{number}"


def embedded_text(title: str, text: str) -> str:
    """What is embedded and BM25-indexed for a chunk: its paper's title above its text, so a
    short chunk keeps its paper's context."""
    return f"{title}\n\n{text}"


def write_chunk_table(
    folder: Path,
    ids: Sequence[str],
    paper: Sequence[int],
    keys: Sequence[str],
    spans: tuple[list[int], list[int], dict[int, str]] | None = None,
) -> None:
    """Write `chunks.json`; `spans` (starts, ends, verbatim texts by row) where the chunk texts
    are kept as spans of the abstracts."""
    table: dict[str, Any] = {"ids": list(ids), "paper": list(paper), "keys": list(keys)}
    if spans is not None:
        table["start"], table["end"], table["verbatim"] = spans
    (folder / CHUNK_TABLE).write_text(json.dumps(table), "utf-8")


def read_chunk_table(folder: Path) -> dict[str, Any]:
    """The parsed `chunks.json` (raises OSError, ValueError)."""
    return json.loads((folder / CHUNK_TABLE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
