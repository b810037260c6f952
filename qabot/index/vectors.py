"""The vector-index seam: what qabot needs from a vector store, as Protocols.

`VectorStore` is where the generations' vector indexes live (a Chroma folder or a Chroma
server); `VectorIndex` is one generation's vectors. qabot.index.chroma implements both, and is
the only module that imports chromadb; `Settings.get_vector_store()` builds it. Another store
(pgvector, Qdrant, ...) goes behind the same Protocols and passes the same contract suite
(qabot.testing.vector_store; docs/architecture.md, "Put another vector store behind the seam").

Similarities are cosine similarities (1 = same direction): every index is made in cosine space.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

# Metadata a chunk may carry, and a filter may name: paper_id, chunk, year, category,
# has_code (and, on a shared server, title, authors and paper_json for replicas).
Metadata = Mapping[str, Any]


@dataclass(frozen=True)
class VectorMatch:
    """One nearest neighbour of a query vector."""

    id: str
    similarity: float
    document: str | None = None


@dataclass
class VectorRecords:
    """Stored records, in the order asked for (by ids), or the store's order (paging)."""

    ids: list[str]
    vectors: np.ndarray | None = None  # float32, one row per id, when asked for
    documents: list[str | None] | None = None
    metadatas: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class VectorFilter:
    """The filters a vector store evaluates itself: year range, categories, code, papers.
    Retrieval decides author, affiliation and profile filters from the paper table and hands
    them over as `paper_ids`."""

    year_from: int | None = None
    year_to: int | None = None
    categories: Sequence[str] | None = None
    has_code: bool | None = None
    paper_ids: Sequence[str] | None = None

    def is_empty(self) -> bool:
        return all(
            v is None
            for v in (self.year_from, self.year_to, self.categories, self.has_code, self.paper_ids)
        )


@runtime_checkable
class VectorIndex(Protocol):
    """One generation's chunk vectors."""

    @property
    def name(self) -> str: ...

    @property
    def max_batch(self) -> int:
        """The most records one `add` may take."""
        ...

    def add(
        self,
        ids: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
        documents: Sequence[str] | None = None,
    ) -> None: ...

    def query(
        self,
        vector: Sequence[float],
        n: int,
        *,
        within: Sequence[str] | None = None,
        where: VectorFilter | None = None,
        documents: bool = False,
    ) -> list[VectorMatch]:
        """The `n` nearest records, most similar first; only among `within` (ids) and those
        passing `where`, when given; with their documents if asked (None where none is
        stored)."""
        ...

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
        """Records by id (those that exist, in the order asked), or a page of all of them."""
        ...

    def count(self) -> int: ...

    def delete(self, ids: Sequence[str]) -> None: ...


@runtime_checkable
class VectorStore(Protocol):
    """Where the generations' vector indexes live."""

    @property
    def where(self) -> str:
        """The store as messages name it: "vectorstore/", "the Chroma server at …"."""
        ...

    @property
    def shared(self) -> bool:
        """True for a server other machines read too: it keeps chunk texts and paper records
        for them (qabot.index.replica), and the manifest as a record (`load_record`)."""
        ...

    def check(self) -> None:
        """Raise if the store cannot be read (a damaged database, a server that is down)."""
        ...

    def create(self, name: str, metadata: Metadata) -> VectorIndex: ...

    def open(self, name: str) -> VectorIndex:
        """An existing index; raises if there is none of that name."""
        ...

    def drop(self, name: str) -> None:
        """Delete an index; nothing happens if there is none of that name."""
        ...

    def names(self) -> set[str]: ...

    def load_record(self, name: str) -> str | None:
        """A small named text kept with the vectors (a server keeps the manifest so)."""
        ...

    def save_record(self, name: str, text: str) -> None:
        """Replace a record in one step: readers see the old text or the new one."""
        ...

    def files(self, name: str) -> list[Path]:
        """The local files that hold index `name`'s vectors, once they are written for good
        (they no longer change when the index is read): ingest records their checksums, and
        opening the index verifies them before loading them, since a damaged one can crash
        the process in native code. Empty for a server, and while the store keeps the
        vectors elsewhere (Chroma's log)."""
        ...

    def leftovers(self) -> list[Path]:
        """Files of indexes dropped earlier that the store did not remove (none for a server)."""
        ...

    def remove_leftovers(self) -> list[Path]: ...

    def forget(self) -> None:
        """Drop what this process cached of the store, before its files are moved or replaced."""
        ...


@dataclass
class VectorStats:
    """What `qabot check` found of an index's vectors."""

    count: int
    problems: list[str] = field(default_factory=list)
