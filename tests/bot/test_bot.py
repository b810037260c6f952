"""The Python API: `from qabot import QABot`."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from qabot import IndexMissingError, QABot, QuestionError
from qabot.bot import clean_question
from qabot.index.manifest import read_manifest
from qabot.ingest.build import ingest
from tests.conftest import BPD_ID, make_settings


def test_search_returns_ranked_papers(extractive_bot: QABot) -> None:
    hits = extractive_bot.search("What is the Boltzmann policy distribution?", k=5)
    assert len(hits) == 5
    assert hits[0].paper_id == BPD_ID and hits[0].title and hits[0].score > 0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("question", ["", "   \n\t", "?!...", "\x00\x01"])
def test_empty_questions_raise_a_value_error(extractive_bot: QABot, question: str) -> None:
    with pytest.raises(QuestionError) as info:
        extractive_bot.ask(question)
    assert isinstance(info.value, ValueError)
    assert "question" in str(info.value).lower()


def test_long_questions_are_truncated_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        text = clean_question("robots " * 1000, max_chars=100)
    assert len(text) == 100 and "truncated" in caplog.text


def test_a_huge_question_still_gets_an_answer(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What is the Boltzmann policy distribution? " * 5000)
    assert not answer.abstained and answer.citations[0].paper_id == BPD_ID


def test_missing_index_is_built_on_first_use(tmp_path: Path, embeddings: Embeddings) -> None:
    settings = make_settings(tmp_path / "store")
    bot = QABot(settings, embeddings=embeddings)
    assert read_manifest(settings.store) is None
    assert bot.search("Boltzmann policy distribution", k=1)[0].paper_id == BPD_ID
    assert read_manifest(settings.store) is not None


def test_missing_index_without_auto_ingest_says_what_to_run(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    bot = QABot(make_settings(tmp_path / "store"), embeddings=embeddings, auto_ingest=False)
    with pytest.raises(IndexMissingError, match="qabot ingest"):
        bot.search("anything")


def test_a_running_bot_picks_up_a_new_index(
    tmp_path: Path, embeddings: Embeddings, write_jsonl
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import paper_record

    write_jsonl([paper_record(1)])
    settings = make_settings(tmp_path / "store", corpus=tmp_path / "corpus")
    bot = QABot(settings, embeddings=embeddings)
    assert {h.paper_id for h in bot.search("violins")} == {"p1"}
    write_jsonl([paper_record(1), paper_record(2)])
    ingest(settings, embeddings)
    assert {h.paper_id for h in bot.search("violins volcanoes")} == {"p1", "p2"}


def test_filters_pass_through_ask(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What is the Boltzmann policy distribution?", year_from=2024)
    assert all((s.year or 0) >= 2024 for s in answer.sources)
    assert BPD_ID not in {s.paper_id for s in answer.sources}


def test_the_index_is_usable_as_a_langchain_vectorstore(extractive_bot: QABot) -> None:
    store = extractive_bot.as_vectorstore()
    docs = store.similarity_search("What is the Boltzmann policy distribution?", k=1)
    assert docs[0].metadata["paper_id"] == BPD_ID
    # Chroma holds no texts, titles or authors of a local index: the store's reads fill them
    # in from qabot's tables (langchain-chroma would drop a result without a document).
    snapshot = extractive_bot.snapshot
    assert snapshot.passages is not None
    passage = snapshot.passage_texts([docs[0].id])[docs[0].id]
    assert (
        docs[0].page_content == passage
        and passage in snapshot.papers[snapshot.paper_index[BPD_ID]].abstract
    )
    assert docs[0].metadata["title"].startswith("The Boltzmann Policy Distribution")
    assert docs[0].metadata["authors"] == "Cassidy Laidlaw, Anca Dragan"
    got = store.get(ids=[docs[0].id])
    assert got["documents"] == [passage] and got["metadatas"][0]["chunk"] >= 0
    retrieved = store.as_retriever(search_kwargs={"k": 3}).invoke("reward hacking")
    assert len(retrieved) == 3 and all(d.page_content for d in retrieved)


def test_a_deferred_warm_up_builds_the_statistics_after_the_first_answer(
    bundled_store: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a server does at start-up: the index loads at once, the statistics (seconds of
    Python at 100k papers) once a first question is answered, unless a statistic one comes
    first."""
    monkeypatch.setattr(
        "qabot.bot.warmup.STATISTICS_DEFERRAL_MAX", 600.0
    )  # only the answer releases
    bot = QABot(make_settings(bundled_store), embeddings=embeddings)
    thread = bot.warm_up(defer_statistics=True)
    assert bot.warm_up(defer_statistics=True) is thread, "one warm-up at a time"
    deadline = time.monotonic() + 120
    while not bot.live.has_vocabulary and time.monotonic() < deadline:  # ready to answer
        time.sleep(0.02)
    time.sleep(0.3)
    assert bot.live.has_vocabulary and not bot.live.has_statistics and thread.is_alive()
    answer = bot.ask("What is the Boltzmann policy distribution?")
    assert answer.citations[0].paper_id == BPD_ID
    assert bot.papers_by_id([BPD_ID, "no-such-paper"])[BPD_ID].title == answer.citations[0].title
    thread.join(timeout=60)
    assert not thread.is_alive() and bot.live.has_statistics
    again = bot.warm_up()
    assert again is not thread, "a finished warm-up can run again"
    again.join(timeout=60)


def test_a_statistic_question_does_not_wait_for_a_deferred_warm_up(
    bundled_store: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qabot.bot.warmup.STATISTICS_DEFERRAL_MAX", 600.0)
    bot = QABot(make_settings(bundled_store), embeddings=embeddings)
    thread = bot.warm_up(defer_statistics=True)
    start = time.monotonic()
    answer = bot.ask("How many papers are there?")
    assert answer.answerer == "portfolio" and "50" in answer.answer
    assert time.monotonic() - start < 30
    built = bot.live.built_portfolio
    assert built is not None, "built for the question itself"
    thread.join(timeout=60)
    assert not thread.is_alive() and bot.live.built_portfolio is built, "the warm-up reuses them"


def test_an_undeferred_warm_up_call_releases_a_waiting_one(
    bundled_store: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qabot.bot.warmup.STATISTICS_DEFERRAL_MAX", 600.0)
    bot = QABot(make_settings(bundled_store), embeddings=embeddings)
    thread = bot.warm_up(defer_statistics=True)
    assert bot.warm_up() is thread
    thread.join(timeout=60)
    assert not thread.is_alive() and bot.live.has_statistics


def test_warm_up_loads_in_the_background_and_builds_a_missing_index_once(
    tmp_path: Path, embeddings: Embeddings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="qabot.bot")
    store = tmp_path / "store"
    bot = QABot(make_settings(store), embeddings=embeddings)
    thread = bot.warm_up()
    papers = bot.snapshot.papers  # the server builds its page meanwhile
    thread.join(timeout=120)
    assert not thread.is_alive() and len(papers) == 50
    manifest = read_manifest(store)
    assert manifest is not None and len(manifest.history) == 1
    builds = [r for r in caplog.records if "building it from" in r.getMessage()]
    assert len(builds) == 1, "one thread builds the index, the other waits for it"
    assert bot.ask("What is the Boltzmann policy distribution?").citations[0].paper_id == BPD_ID


def test_stopping_a_warm_up_skips_the_deferred_statistics(
    bundled_store: Path, embeddings: Embeddings
) -> None:
    bot = QABot(make_settings(bundled_store), embeddings=embeddings)
    thread = bot.warm_up(defer_statistics=True)
    start = time.monotonic()
    bot.stop_warm_up()
    assert not thread.is_alive() and time.monotonic() - start < 30
    assert not bot.live.has_statistics, "stopped before the statistics"


def test_stopping_a_warm_up_that_builds_the_index_ends_the_build_at_its_next_batch(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    """Ctrl-C on a first start: the server does not wait for the whole build, and nothing
    half-built goes live."""

    class Slow(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            time.sleep(0.3)
            return embeddings.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return embeddings.embed_query(text)

    settings = make_settings(tmp_path / "store")
    settings = settings.model_copy(
        update={"index": settings.index.model_copy(update={"batch_size": 2})}
    )  # windows of 8 chunks: about 7 s for the 180
    bot = QABot(settings, embeddings=Slow())
    thread = bot.warm_up()
    time.sleep(1.0)
    assert thread.is_alive(), "still building"
    start = time.monotonic()
    bot.stop_warm_up()
    assert not thread.is_alive() and time.monotonic() - start < 3
    assert read_manifest(settings.store) is None, "nothing half-built is live"
    later = QABot(settings, embeddings=embeddings)  # the next start builds it
    assert later.ask("What is the Boltzmann policy distribution?").citations[0].paper_id == BPD_ID


def test_a_warm_up_whose_early_index_load_fails_or_is_stale_loads_the_live_one(
    bundled_store: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up opens Chroma's collection ahead of the index and loads its vectors on a
    second thread; that head start failing, or meeting a generation an ingest has since
    replaced, must not fail the warm-up."""

    class Stale:
        name = "qabot_an_old_generation"

        def query(self, *_: object, **__: object) -> None:
            raise RuntimeError("this generation was dropped")

    monkeypatch.setattr("qabot.bot.warmup.live_vectors", lambda settings: Stale())
    bot = QABot(make_settings(bundled_store), embeddings=embeddings)
    thread = bot.warm_up(defer_statistics=True)
    assert bot.warmed.wait(timeout=120), "ready to answer all the same"
    bot.stop_warm_up()
    assert not thread.is_alive()
    assert bot.ask("What is the Boltzmann policy distribution?").citations[0].paper_id == BPD_ID
