"""The pytest plugin (entry point `qabot`): installing qabot gives any test suite these
fixtures without imports:

- `qabot_embeddings`: the bundled offline MiniLM, loaded once per session;
- `qabot_mock_llm`: a fresh deterministic `MockChatModel` (script replies with `.enqueue()`);
- `qabot_bot_factory(corpus, llm=None, **settings)`: a `QABot` over a temporary index of a
  corpus file or folder; the index is built on first use, in pytest's tmp folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from qabot.bot import QABot
from qabot.config import Settings
from qabot.testing.mock_llm import MockChatModel


@pytest.fixture(scope="session")
def qabot_embeddings(tmp_path_factory: pytest.TempPathFactory) -> Embeddings:
    """The configured embeddings (by default the bundled MiniLM through ONNX Runtime, exported
    once per session unless QABOT_INDEX__ONNX_CACHE names a cache to reuse)."""
    settings = Settings()
    if settings.index.onnx_cache is None:
        cache = tmp_path_factory.mktemp("qabot-onnx")
        settings = settings.model_copy(
            update={"index": settings.index.model_copy(update={"onnx_cache": cache})}
        )
    return settings.get_embeddings()


@pytest.fixture
def qabot_mock_llm() -> MockChatModel:
    return MockChatModel()


@pytest.fixture
def qabot_bot_factory(
    tmp_path_factory: pytest.TempPathFactory, qabot_embeddings: Embeddings
) -> Callable[..., QABot]:
    """Build bots over temporary indexes; each call gets its own store folder."""

    def factory(corpus: str | Path, llm: BaseChatModel | None = None, **settings: Any) -> QABot:
        store = tmp_path_factory.mktemp("qabot-store")
        config = Settings(
            corpus=Path(corpus),
            store=store,
            llm=settings.pop("llm_name", "mock" if llm else "extractive"),
            **settings,
        )
        return QABot(config, llm=llm, embeddings=qabot_embeddings)

    return factory
