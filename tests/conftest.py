"""Shared fixtures: the real offline MiniLM (through the default backend, ONNX Runtime, exported
once per session), real Chroma in tmp folders, and a mock chat model.

Nothing here touches the repository's own `vectorstore/` or the network.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot, Settings
from qabot.domain.records import Paper
from qabot.embeddings.factory import SentenceTransformerEmbeddings
from qabot.ingest.build import ingest
from qabot.ingest.corpus import load_corpus
from qabot.testing.mock_llm import MockChatModel

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PROFILE = CORPUS / "anca-dragan.profile.txt"
DATA = Path(__file__).resolve().parent / "data"
# A second profile page in the same format, for a lab portfolio: Jessy Lin's page, listing 11
# of the seed's papers. A test fixture: its figures are made up, and it is not in corpus/.
LAB_PROFILE = DATA / "jessy-lin.profile.txt"
BPD_ID = "the-boltzmann-policy-distribution-accounting-for-system-beea56f0"


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX export per test session, shared by every test's settings."""
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, onnx_cache: Path) -> None:
    """No test sees the developer's QABOT_*/OPENAI_* variables or .env file."""
    import os

    for name in list(os.environ):
        if name.startswith(("QABOT_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("QABOT_INDEX__ONNX_CACHE", str(onnx_cache))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embeddings(onnx_cache: Path) -> Embeddings:
    """The bundled MiniLM through the default backend, loaded once per test session (offline)."""
    return Settings(index={"onnx_cache": onnx_cache}).get_embeddings()  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def torch_embeddings() -> SentenceTransformerEmbeddings:
    """sentence-transformers itself: the reference the other backends are checked against."""
    return SentenceTransformerEmbeddings()


@pytest.fixture(scope="session")
def corpus_papers() -> list[Paper]:
    return load_corpus(CORPUS).papers


def make_settings(store: Path, corpus: Path = CORPUS, **extra: Any) -> Settings:
    return Settings(corpus=corpus, store=store, **extra)


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Path:
    """An index of the bundled corpus, built once; tests copy it before writing to it."""
    store = tmp_path_factory.mktemp("bundled") / "vectorstore"
    ingest(make_settings(store), embeddings)
    return store


@pytest.fixture
def store_copy(bundled_store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "vectorstore"
    shutil.copytree(bundled_store, target)
    return target


@pytest.fixture(scope="session")
def extractive_bot(bundled_store: Path, embeddings: Embeddings) -> QABot:
    """A read-only bot over the bundled index with the offline extractive answerer."""
    return QABot(make_settings(bundled_store, llm="extractive"), embeddings=embeddings)


@pytest.fixture(scope="session")
def lab_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lab: the seed profile plus Jessy Lin's (11 papers, all shared with the seed)."""
    folder = tmp_path_factory.mktemp("lab") / "corpus"
    folder.mkdir()
    shutil.copy(PROFILE, folder)
    shutil.copy(LAB_PROFILE, folder)
    return folder


@pytest.fixture(scope="session")
def lab_bot(
    bundled_store: Path,
    lab_corpus: Path,
    embeddings: SentenceTransformerEmbeddings,
    tmp_path_factory: pytest.TempPathFactory,
) -> QABot:
    """A read-only extractive bot over the lab; its index reuses the bundled one's vectors."""
    store = tmp_path_factory.mktemp("lab-store") / "vectorstore"
    shutil.copytree(bundled_store, store)
    settings = make_settings(store, corpus=lab_corpus, llm="extractive")
    ingest(settings, embeddings)
    return QABot(settings, embeddings=embeddings)


@pytest.fixture
def mock_llm() -> MockChatModel:
    return MockChatModel()


@pytest.fixture
def mock_bot(bundled_store: Path, embeddings: Embeddings, mock_llm: MockChatModel) -> QABot:
    return QABot(make_settings(bundled_store, llm="mock"), llm=mock_llm, embeddings=embeddings)


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Write records (dicts, or raw strings for malformed lines) to a JSONL file."""

    def write(records: list[Any], name: str = "papers.jsonl", folder: Path | None = None) -> Path:
        folder = folder or tmp_path / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def paper_record(n: int, **extra: Any) -> dict[str, Any]:
    """A small valid JSONL paper with distinct content per n."""
    topics = ["glaciers", "violins", "volcanoes", "beekeeping", "lighthouses", "cartography"]
    topic = topics[n % len(topics)]
    return {
        "id": f"p{n}",
        "title": f"A study of {topic} number {n}",
        "abstract": f"We study {topic} in depth. Our analysis of {topic} reveals patterns "
        f"that earlier work on {topic} missed. We release a dataset of {topic} observations.",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "date": f"202{n % 5}-0{1 + n % 9}-1{n % 9}",
        "category": "LG",
        **extra,
    }
