"""Chunking: each abstract split into passages that carry the metadata filters need. The one
definition of a chunk's id, its content key (same key, same vector) and the text it embeds."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qabot.domain.records import Paper
from qabot.index.chunk_table import chunk_id, chunking_config, content_key, embedded_text

if TYPE_CHECKING:
    from qabot.config import Settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Chunk:
    id: str
    paper_id: str
    number: int
    text: str
    title: str  # the paper's own string, shared by its chunks, not a copy per chunk
    metadata: dict[str, Any]
    content_key: str  # same key = same vector, so it can be reused

    @property
    def embed_text(self) -> str:
        """Title header + text: the header gives short chunks their paper's context. Made when
        needed: held for all 326k chunks of a 100k-paper ingest it cost ~200 MB."""
        return embedded_text(self.title, self.text)


def chunk_papers(
    papers: list[Paper], settings: Settings, model: str, records: bool = True
) -> list[Chunk]:
    """Split each abstract into chunks carrying the paper metadata that filters need, and with
    `records` (a Chroma server: see qabot.index.passages) the title, authors and the paper's whole
    record, which a replica rebuilds its tables from."""
    # Here, not at the top: it imports LangChain's messages, which a served page need not wait for.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=settings.index.chunk_size,
        chunk_overlap=settings.index.chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    chunks: list[Chunk] = []
    config = chunking_config(model, settings.index.chunk_size, settings.index.chunk_overlap)
    for paper in papers:
        digest = paper.content_hash()  # once per paper
        authors = paper.authors_display if records else ""
        for number, text in enumerate(splitter.split_text(paper.abstract)):
            meta: dict[str, Any] = {
                "paper_id": paper.paper_id,
                "chunk": number,
                "has_code": paper.has_code,
            }
            if records:
                meta["title"], meta["authors"] = paper.title, authors
            # Chroma metadata cannot hold None; a missing key simply fails year/category filters.
            if paper.year is not None:
                meta["year"] = paper.year
            if paper.category:
                meta["category"] = paper.category
            if number == 0 and records:
                # The whole record rides on the first chunk, so a replica can rebuild the paper
                # table from a Chroma server alone (qabot.index.replica).
                meta["paper_json"] = paper.model_dump_json()
            chunks.append(
                Chunk(
                    id=chunk_id(paper.paper_id, number),
                    paper_id=paper.paper_id,
                    number=number,
                    text=text.strip(),
                    title=paper.title,
                    metadata=meta,
                    content_key=content_key(config, digest, number),
                )
            )
    return chunks
