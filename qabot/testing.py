"""pytest support for checking that a bot's answers stay grounded in the papers.

Installing qabot registers this module as a pytest plugin (entry point `qabot`), so any test
suite gets these fixtures without imports:

- `qabot_embeddings`: the bundled offline MiniLM, loaded once per session;
- `qabot_mock_llm`: a fresh deterministic `MockChatModel` (script replies with `.enqueue()`);
- `qabot_bot_factory(corpus, llm=None, **settings)`: a `QABot` over a temporary index of a
  corpus file or folder; the index is built on first use, in pytest's tmp folder.

and these assertion helpers, whose failures show the offending sentence and its passages:

    from qabot.testing import assert_abstains, assert_cites, assert_grounded
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
from qabot.grounding import Judge, LexicalJudge, grade_answer, is_refusal, source_passages
from qabot.llms import MockChatModel
from qabot.mocks import MOCKS
from qabot.models import Answer

__all__ = ["MOCKS", "MockChatModel", "assert_abstains", "assert_cites", "assert_grounded"]


def _passages_text(answer: Answer) -> str:
    return "\n".join(f"  [{n}] {text[:400]}" for n, text in source_passages(answer).items())


def assert_grounded(answer: Answer, min_faithfulness: float = 0.95, *,
                    min_citation_recall: float | None = None, judge: Judge | None = None) -> None:  # fmt: skip
    """Fail unless enough of the answer's sentences are supported by the retrieved passages
    (and, if asked, carry citations that support them)."""
    if is_refusal(answer):
        raise AssertionError(f"expected a grounded answer, got a refusal: {answer.answer!r}")
    grading = grade_answer(answer, judge or LexicalJudge())
    problems = []
    if grading.faithfulness is not None and grading.faithfulness < min_faithfulness:
        problems.append(f"faithfulness {grading.faithfulness:.2f} < {min_faithfulness}")
    if min_citation_recall is not None and (grading.citation_recall or 0.0) < min_citation_recall:
        problems.append(f"citation recall {grading.citation_recall} < {min_citation_recall}")
    if problems:
        sentences = "\n".join(f"  - {s!r}: {why}" for s, why in grading.unsupported)
        raise AssertionError(
            f"answer not grounded ({'; '.join(problems)}).\nQuestion: {answer.question}\n"
            f"Unsupported sentences:\n{sentences or '  (none; citations do not support)'}\n"
            f"Passages they were checked against:\n{_passages_text(answer)}"
        )


def assert_cites(answer: Answer, title_or_id: str) -> None:
    """Fail unless a citation's paper id equals, or its title contains, `title_or_id`."""
    needle = title_or_id.casefold()
    for c in answer.citations:
        if c.paper_id == title_or_id or needle in c.title.casefold():
            return
    cited = "\n".join(f"  [{c.number}] {c.title} ({c.paper_id})" for c in answer.citations)
    raise AssertionError(
        f"answer does not cite {title_or_id!r}.\nQuestion: {answer.question}\nAnswer: "
        f"{answer.answer}\nCitations:\n{cited or '  (none)'}"
    )


def assert_abstains(answer: Answer) -> None:
    """Fail unless the bot declined to answer (the portfolio does not cover the question)."""
    if not is_refusal(answer):
        raise AssertionError(
            f"expected an abstention, got an answer.\nQuestion: {answer.question}\nAnswer: "
            f"{answer.answer}\nRetrieved:\n{_passages_text(answer)}"
        )


@pytest.fixture(scope="session")
def qabot_embeddings(tmp_path_factory: pytest.TempPathFactory) -> Embeddings:
    """The configured embeddings (by default the bundled MiniLM through ONNX Runtime, exported
    once per session unless QABOT_INDEX__ONNX_CACHE names a cache to reuse)."""
    settings = Settings()
    if settings.index.onnx_cache is None:
        cache = tmp_path_factory.mktemp("qabot-onnx")
        settings = settings.model_copy(
            update={"index": settings.index.model_copy(update={"onnx_cache": cache})})
    return settings.get_embeddings()


@pytest.fixture
def qabot_mock_llm() -> MockChatModel:
    return MockChatModel()


@pytest.fixture
def qabot_bot_factory(tmp_path_factory: pytest.TempPathFactory,
                      qabot_embeddings: Embeddings) -> Callable[..., QABot]:  # fmt: skip
    """Build bots over temporary indexes; each call gets its own store folder."""

    def factory(corpus: str | Path, llm: BaseChatModel | None = None, **settings: Any) -> QABot:
        store = tmp_path_factory.mktemp("qabot-store")
        config = Settings(corpus=Path(corpus), store=store,
                          llm=settings.pop("llm_name", "mock" if llm else "extractive"), **settings)  # fmt: skip
        return QABot(config, llm=llm, embeddings=qabot_embeddings)

    return factory
