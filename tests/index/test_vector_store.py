"""The vector-store contract (qabot.testing.vector_store) against both Chroma stores: a local
folder and a real `chroma run` server; and a loud failure when a Chroma upgrade changes the
internals the adapter relies on (qabot.index.chroma, "CHROMA INTERNALS")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qabot.index.chroma import ChromaStore, check_internals
from qabot.index.vectors import VectorFilter, VectorMatch, VectorRecords
from qabot.testing.vector_store import VectorStoreContract
from tests.integration.test_chroma_server import start_chroma


class TestLocalChroma(VectorStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> ChromaStore:
        return ChromaStore(path=tmp_path / "chroma")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = start_chroma(tmp_path_factory.mktemp("contract-server"))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.slow
class TestChromaServer(VectorStoreContract):
    @pytest.fixture
    def store(self, server: str) -> Iterator[ChromaStore]:
        store = ChromaStore(url=server)
        yield store
        for name in store.names():  # each test starts from an empty server
            store.drop(name)


def test_a_local_index_lists_its_hnsw_files_once_chroma_has_written_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "qabot.index.chroma.HNSW_CONFIGURATION", {"space": "cosine", "sync_threshold": 10}
    )
    store = ChromaStore(path=tmp_path / "chroma")
    rng = np.random.default_rng(0)
    few = store.create("qabot-few", {})
    few.add([f"f{n}" for n in range(5)], rng.standard_normal((5, 8)).tolist(), [{"n": 1}] * 5)
    few.query([1.0] * 8, 2)
    assert store.files("qabot-few") == [], "all in Chroma's log: no HNSW file holds them yet"
    many = store.create("qabot-many", {})
    many.add([f"m{n}" for n in range(25)], rng.standard_normal((25, 8)).tolist(), [{"n": 1}] * 25)
    files = store.files("qabot-many")
    assert {"data_level0.bin", "header.bin", "index_metadata.pickle"} <= {p.name for p in files}
    assert len({p.parent for p in files}) == 1 and files[0].parent.parent == tmp_path / "chroma"


def test_the_chroma_internals_the_adapter_uses_still_hold(tmp_path: Path) -> None:
    """If this fails after upgrading chromadb, qabot.index.chroma's "CHROMA INTERNALS" need
    revisiting: forgetting a replaced folder, and finding the segment folders of dropped
    collections, rely on them."""
    assert check_internals(tmp_path / "chroma") == []


def test_the_internals_check_notices_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    monkeypatch.setattr(SharedSystemClient, "_identifier_to_refcount", None)
    assert "SharedSystemClient._identifier_to_refcount is no longer a dict" in check_internals(
        tmp_path / "c"
    )


# -- the recipe "put another vector store behind the seam", tried ------------------------------


class ListIndex:
    """A vector index in a Python list: exact cosine search, nothing persisted. It exists to
    show that the contract, not Chroma, is what qabot relies on (docs/architecture.md)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.rows: dict[str, tuple[np.ndarray, dict[str, Any], str | None]] = {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def max_batch(self) -> int:
        return 1000

    def add(self, ids, vectors, metadatas, documents=None) -> None:  # type: ignore[no-untyped-def]
        for i, cid in enumerate(ids):
            text = documents[i] if documents is not None else None
            self.rows[cid] = (np.asarray(vectors[i], dtype=np.float32), dict(metadatas[i]), text)

    def _passes(self, meta: dict[str, Any], where: VectorFilter | None) -> bool:
        if where is None:
            return True
        year = meta.get("year")
        return not (
            (where.year_from is not None and (year is None or year < where.year_from))
            or (where.year_to is not None and (year is None or year > where.year_to))
            or (where.categories and meta.get("category") not in where.categories)
            or (where.has_code is not None and meta.get("has_code") != where.has_code)
            or (where.paper_ids is not None and meta.get("paper_id") not in where.paper_ids)
        )

    def query(self, vector, n, *, within=None, where=None, documents=False):  # type: ignore[no-untyped-def]
        query = np.asarray(vector, dtype=np.float32)
        scored = []
        for cid, (row, meta, text) in self.rows.items():
            if (within is None or cid in within) and self._passes(meta, where):
                sim = float(row @ query / (np.linalg.norm(row) * np.linalg.norm(query)))
                scored.append(VectorMatch(cid, sim, text if documents else None))
        return sorted(scored, key=lambda m: -m.similarity)[: max(1, n)]

    def get(
        self, ids=None, *, limit=None, offset=0, vectors=False, documents=False, metadatas=False
    ):  # type: ignore[no-untyped-def]
        chosen = [i for i in ids if i in self.rows] if ids is not None else list(self.rows)
        if ids is None:
            chosen = chosen[offset : offset + limit if limit is not None else None]
        rows = [self.rows[i] for i in chosen]
        return VectorRecords(
            ids=chosen,
            vectors=np.stack([r[0] for r in rows]) if vectors and rows else None,
            documents=[r[2] for r in rows] if documents else None,
            metadatas=[dict(r[1]) for r in rows] if metadatas else None,
        )

    def count(self) -> int:
        return len(self.rows)

    def delete(self, ids) -> None:  # type: ignore[no-untyped-def]
        for cid in ids:
            self.rows.pop(cid, None)


class ListStore:
    """The store of `ListIndex`es."""

    where = "a list in memory"
    shared = False

    def __init__(self) -> None:
        self.indexes: dict[str, ListIndex] = {}
        self.records: dict[str, str] = {}

    def check(self) -> None:
        pass

    def create(self, name, metadata):  # type: ignore[no-untyped-def]
        self.indexes[name] = ListIndex(name)
        return self.indexes[name]

    def open(self, name):  # type: ignore[no-untyped-def]
        return self.indexes[name]

    def drop(self, name) -> None:  # type: ignore[no-untyped-def]
        self.indexes.pop(name, None)

    def names(self) -> set[str]:
        return set(self.indexes)

    def load_record(self, name):  # type: ignore[no-untyped-def]
        return self.records.get(name)

    def save_record(self, name, text) -> None:  # type: ignore[no-untyped-def]
        self.records[name] = text

    def files(self, name) -> list[Path]:  # type: ignore[no-untyped-def]
        return []

    def leftovers(self) -> list[Path]:
        return []

    def remove_leftovers(self) -> list[Path]:
        return []

    def forget(self) -> None:
        pass


class TestListStore(VectorStoreContract):
    @pytest.fixture
    def store(self) -> ListStore:
        return ListStore()


def test_qabot_answers_through_another_store(
    tmp_path: Path, embeddings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `Settings.get_vector_store` returning another store, ingest and questions work
    unchanged: nothing above the seam knows it is not Chroma."""
    from qabot import QABot
    from qabot.config import Settings
    from tests.conftest import BPD_ID, make_settings

    store = ListStore()
    monkeypatch.setattr(Settings, "get_vector_store", lambda self: store)
    bot = QABot(make_settings(tmp_path / "store"), embeddings=embeddings)
    answer = bot.ask("What is the Boltzmann policy distribution?")
    assert answer.citations[0].paper_id == BPD_ID
    assert [n for n in store.names() if n.startswith("qabot-")], "the vectors went into the list"
    assert bot.search("reward", year_from=2025), "filtered search through the seam too"
