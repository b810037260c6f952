"""The vector-store contract (qabot.testing.vector_store) against both Chroma stores: a local
folder and a real `chroma run` server; and a loud failure when a Chroma upgrade changes the
internals the adapter relies on (qabot.index.chroma, "CHROMA INTERNALS")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qabot.index.chroma import ChromaStore, check_internals
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
