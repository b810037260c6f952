"""qabot in LangChain: `as_retriever` (hybrid search) and `as_runnable` (the answer chain),
checked by LangChain's own standard suites (langchain-tests) and by qabot's specifications."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnableParallel
from langchain_tests.integration_tests import (
    EmbeddingsIntegrationTests,
    RetrieversIntegrationTests,
)

from qabot import QABot
from qabot.domain.records import Answer
from qabot.embeddings.factory import SentenceTransformerEmbeddings
from qabot.embeddings.onnx import OnnxEmbeddings
from qabot.errors import QuestionError
from qabot.interfaces.langchain import QABotRetriever
from tests.conftest import BPD_ID

BPD_Q = "What is the Boltzmann policy distribution?"
DYNALANG_TITLE = "Learning to Model the World with Language"
# BM25 finds the paper that names this method; dense search alone ranks others first.
LEXICAL_Q = "occupancy measure regularization"
ORPO_ID = "correlated-proxies-a-new-definition-and-improved-mitiga-e39e0fa2"


# -- LangChain's standard suites ------------------------------------------------------------


class TestRetrieverStandard(RetrieversIntegrationTests):
    """`RetrieversIntegrationTests` against `bot.as_retriever()`'s class. Every test applies."""

    bot: QABot

    @pytest.fixture(autouse=True)
    def _bot(self, extractive_bot: QABot) -> None:
        # The suite builds retrievers from properties, which cannot take fixtures.
        type(self).bot = extractive_bot

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return QABotRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"bot": self.bot}

    @property
    def retriever_query_example(self) -> str:
        return "reward hacking"


class TestEmbeddingsStandard(EmbeddingsIntegrationTests):
    """`EmbeddingsIntegrationTests` against the bundled MiniLM through the default (ONNX)
    backend. Every test applies."""

    @property
    def embeddings_class(self) -> type[OnnxEmbeddings]:
        return OnnxEmbeddings

    @pytest.fixture
    def model(self, embeddings: OnnxEmbeddings) -> OnnxEmbeddings:
        # The session's instance of the same class: loading the model once per test would
        # add seconds each and test nothing more.
        assert type(embeddings) is self.embeddings_class
        return embeddings


class TestTorchEmbeddingsStandard(EmbeddingsIntegrationTests):
    """The same standard tests against the `torch` backend (sentence-transformers)."""

    @property
    def embeddings_class(self) -> type[SentenceTransformerEmbeddings]:
        return SentenceTransformerEmbeddings

    @pytest.fixture
    def model(
        self, torch_embeddings: SentenceTransformerEmbeddings
    ) -> SentenceTransformerEmbeddings:
        return torch_embeddings


# -- as_retriever ---------------------------------------------------------------------------


def test_retriever_runs_hybrid_search(extractive_bot: QABot) -> None:
    docs = extractive_bot.as_retriever(k=3).invoke(LEXICAL_Q)
    hybrid = [h.paper_id for h in extractive_bot.search(LEXICAL_Q, k=3)]
    dense = [h.paper_id for h in extractive_bot.search(LEXICAL_Q, k=3, mode="dense")]
    assert [d.metadata["paper_id"] for d in docs] == hybrid
    assert hybrid[0] == ORPO_ID and dense[0] != ORPO_ID, "BM25's find must come through fusion"
    dense_store = extractive_bot.as_vectorstore().similarity_search(LEXICAL_Q, k=1)
    assert dense_store[0].metadata["paper_id"] != ORPO_ID, "what the vector store alone misses"


def test_retriever_documents_carry_the_paper(extractive_bot: QABot) -> None:
    doc = extractive_bot.as_retriever(k=1).invoke(BPD_Q)[0]
    assert isinstance(doc, Document) and doc.id == BPD_ID
    meta = doc.metadata
    assert meta["paper_id"] == BPD_ID and meta["year"] == 2022 and meta["category"] == "AI"
    assert meta["title"].startswith("The Boltzmann Policy Distribution")
    assert meta["authors"] == "Cassidy Laidlaw, Anca Dragan" and "url" in meta
    assert meta["score"] > 0
    hit = extractive_bot.search(BPD_Q, k=1)[0]
    assert doc.page_content == hit.evidence[0].text, "the best passage is the content"


def test_retriever_k_and_filters(extractive_bot: QABot) -> None:
    retriever = extractive_bot.as_retriever(k=2, year_from=2025)
    assert len(retriever.invoke("reward hacking")) == 2
    docs = retriever.invoke("reward hacking", k=4)
    assert len(docs) == 4 and all(d.metadata["year"] >= 2025 for d in docs)
    narrowed = retriever.invoke("reward hacking", k=4, categories=["CL"])
    assert narrowed and all(
        d.metadata["category"] == "CL" and d.metadata["year"] >= 2025 for d in narrowed
    )
    assert len(asyncio.run(retriever.ainvoke("reward hacking", k=3))) == 3, "ainvoke passes k"
    assert len(extractive_bot.as_retriever().invoke("reward hacking")) == 5, "settings' k"


def test_retriever_rejects_a_bad_filter(extractive_bot: QABot) -> None:
    with pytest.raises(QuestionError, match="Invalid filter.*year_form"):
        extractive_bot.as_retriever(year_form=2020)


@pytest.mark.parametrize("k", [0, -1, 101, "many"])
def test_retriever_refuses_a_bad_k_in_one_message(extractive_bot: QABot, k: object) -> None:
    """Issue 29: `as_retriever(k=0)` raised pydantic's own ValidationError (a report of its
    model's fields); `invoke(q, k=0)` searched with the retriever's k instead."""
    with pytest.raises(QuestionError, match=r"^Invalid parameter: k .*\.$"):
        extractive_bot.as_retriever(k=k)  # type: ignore[arg-type]
    with pytest.raises(QuestionError, match=r"^Invalid parameter: k "):
        extractive_bot.as_retriever(k=2).invoke("reward hacking", k=k)


def test_retriever_composes_with_lcel(extractive_bot: QABot) -> None:
    titles = extractive_bot.as_retriever(k=2) | RunnableLambda(
        lambda docs: [d.metadata["title"] for d in docs]
    )
    assert titles.invoke("What is Dynalang?")[0] == DYNALANG_TITLE


# -- as_runnable ----------------------------------------------------------------------------


def test_runnable_invoke_returns_an_answer(extractive_bot: QABot) -> None:
    answer = extractive_bot.as_runnable().invoke(BPD_Q)
    assert isinstance(answer, Answer) and answer.citations[0].paper_id == BPD_ID
    assert answer == extractive_bot.ask(BPD_Q), "the same chain as ask"


def test_runnable_takes_history_and_filters(extractive_bot: QABot) -> None:
    runnable = extractive_bot.as_runnable()
    history = [HumanMessage("What is Dynalang?"), AIMessage("Dynalang is an agent [1].")]
    follow = runnable.invoke({"question": "Who wrote it?", "history": history})
    assert "Dynalang" in follow.standalone_question, "the follow-up is resolved with history"
    as_dicts = runnable.invoke(
        {
            "question": "Who wrote it?",
            "history": [
                {"role": "user", "content": "What is Dynalang?"},
                {"role": "assistant", "content": "Dynalang is an agent [1]."},
            ],
        }
    )
    assert as_dicts.standalone_question == follow.standalone_question
    filtered = runnable.invoke({"question": BPD_Q, "year_from": 2025, "k": 2})
    assert all((s.year or 0) >= 2025 for s in filtered.sources) and len(filtered.sources) <= 2


def test_runnable_streams_text_then_the_answer(extractive_bot: QABot) -> None:
    chunks = list(extractive_bot.as_runnable().stream(BPD_Q))
    assert all(isinstance(c, str) for c in chunks[:-1]) and len(chunks) > 1
    assert isinstance(chunks[-1], Answer) and chunks[-1].citations[0].paper_id == BPD_ID


def test_runnable_batches_and_composes(extractive_bot: QABot) -> None:
    runnable = extractive_bot.as_runnable()
    answers = runnable.batch(["What is Dynalang?", "How do I bake sourdough bread?"])
    assert [a.abstained for a in answers] == [False, True]

    chain = runnable | RunnableLambda(lambda a: a.citations[0].title)
    assert chain.invoke("What is Dynalang?") == DYNALANG_TITLE
    assert list(chain.stream("What is Dynalang?")) == [DYNALANG_TITLE], "streams through LCEL"
    both = RunnableParallel(answer=runnable, papers=extractive_bot.as_retriever(k=1))
    out = both.invoke("What is Dynalang?")
    assert out["answer"].citations[0].title == out["papers"][0].metadata["title"]
    assert asyncio.run(runnable.ainvoke("What is Dynalang?")).citations[0].title == DYNALANG_TITLE


def test_runnable_rejects_bad_input(extractive_bot: QABot) -> None:
    runnable = extractive_bot.as_runnable()
    with pytest.raises(QuestionError, match='a dict with "question"'):
        runnable.invoke({"query": BPD_Q})
    with pytest.raises(QuestionError, match="The question is empty"):
        runnable.invoke("  ")
    with pytest.raises(QuestionError, match="Invalid filter"):
        runnable.invoke({"question": BPD_Q, "year_form": 2020})
