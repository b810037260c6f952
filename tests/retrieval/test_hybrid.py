"""Hybrid retrieval quality on the gold question set, filters, and the abstention gate."""

from __future__ import annotations

import pytest

from qabot import QABot
from qabot.domain.filters import Filters, PaperColumns, paper_matches
from qabot.evaluation.grounding import (
    hit_at_k,
    load_questions,
    recall_at_k,
    reciprocal_rank,
    retrieval_report,
)
from qabot.index.chunk_table import paper_of
from qabot.ingest.corpus import load_corpus
from qabot.retrieval.hybrid import vector_filter
from qabot.retrieval.relevance import is_relevant, named_terms
from tests.conftest import BPD_ID, CORPUS, DATA

QUESTIONS = load_questions(DATA / "retrieval_questions.jsonl")
ANSWERABLE = [q for q in QUESTIONS if q.answerable]


def test_question_set_is_big_enough_and_its_gold_ids_exist() -> None:
    ids = {p.paper_id for p in load_corpus(CORPUS).papers}
    paraphrases = [q for q in QUESTIONS if q.kind == "paraphrase"]
    assert len(paraphrases) >= 40
    assert len({g for q in ANSWERABLE for g in q.gold_paper_ids}) >= 40
    assert all(set(q.gold_paper_ids) <= ids for q in QUESTIONS), "every gold id is a real paper"
    assert sum(not q.answerable for q in QUESTIONS) >= 15, "off-topic questions for calibration"


def test_metric_definitions() -> None:
    ranked = ["a", "b", "c"]
    assert hit_at_k(ranked, ["b"], 1) == 0.0 and hit_at_k(ranked, ["b"], 2) == 1.0
    assert recall_at_k(ranked, ["a", "z"], 3) == 0.5
    assert reciprocal_rank(ranked, ["c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, ["z"]) == 0.0


@pytest.fixture(scope="module")
def reports(extractive_bot: QABot) -> dict[str, dict[str, float]]:
    out = {}
    for mode in ("dense", "lexical", "hybrid"):
        rankings = [
            [h.paper_id for h in extractive_bot.search(q.question, k=10, mode=mode)]  # type: ignore[arg-type]
            for q in ANSWERABLE
        ]
        out[mode] = retrieval_report(rankings, ANSWERABLE, k=5)
    return out


def test_hybrid_meets_the_quality_floor(reports: dict[str, dict[str, float]]) -> None:
    # Floors sit a little under what the current code measures (docs/measurements.md: hit@1 0.80, R@5 0.97).
    hybrid = reports["hybrid"]
    assert hybrid["hit@1"] >= 0.75, reports
    assert hybrid["recall@5"] >= 0.93, reports


def test_hybrid_beats_dense_and_lexical_on_mrr(reports: dict[str, dict[str, float]]) -> None:
    assert reports["hybrid"]["mrr"] > reports["dense"]["mrr"], reports
    assert reports["hybrid"]["mrr"] > reports["lexical"]["mrr"], reports


def test_search_returns_papers_with_evidence(extractive_bot: QABot) -> None:
    hits = extractive_bot.search("What is the Boltzmann policy distribution?", k=3)
    assert len(hits) == 3 and len({h.paper_id for h in hits}) == 3, "papers, not raw chunks"
    top = hits[0]
    assert top.title.startswith("The Boltzmann Policy Distribution")
    assert top.score > hits[1].score
    assert top.evidence and all(e.text for e in top.evidence)
    assert len(top.evidence) <= extractive_bot.settings.retrieval.evidence_per_paper


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_filters_are_respected_by_every_mode(extractive_bot: QABot, mode: str) -> None:
    papers = {p.paper_id: p for p in extractive_bot.snapshot.papers}
    hits = extractive_bot.search(
        "reinforcement learning from human feedback",
        k=10,
        mode=mode,  # type: ignore[arg-type]
        year_from=2023,
        year_to=2024,
        categories=["lg", "AI"],
    )
    assert hits
    for h in hits:
        assert 2023 <= papers[h.paper_id].year <= 2024
        assert papers[h.paper_id].category in {"LG", "AI"}
    coded = extractive_bot.search("learning from people", k=10, mode=mode, has_code=True)  # type: ignore[arg-type]
    assert coded and all(papers[h.paper_id].has_code for h in coded)
    by_author = extractive_bot.search("language models", k=10, mode=mode, author="jessy lin")  # type: ignore[arg-type]
    assert by_author and all(
        any("jessy lin" in a.lower() for a in papers[h.paper_id].authors) for h in by_author
    )
    assert extractive_bot.search("anything", mode=mode, author="Nobody Atall") == []  # type: ignore[arg-type]


def test_abstention_gate_is_calibrated(extractive_bot: QABot) -> None:
    threshold = extractive_bot.settings.retrieval.min_relevance
    correct = 0
    for q in QUESTIONS:
        hits = extractive_bot.search(q.question, k=5)
        correct += is_relevant(q.question, hits, threshold) == q.answerable
    accuracy = correct / len(QUESTIONS)
    assert accuracy >= 0.93, f"gate accuracy {accuracy:.3f}"


def test_named_terms_skip_the_sentence_start() -> None:
    assert named_terms("What is Dynalang?") == {"dynalang"}
    assert named_terms("How does the SQIRL algorithm work?") == {"sqirl"}
    assert named_terms("How do robots learn?") == set()


def test_category_filters_ignore_case_and_arxiv_prefixes(tmp_path, embeddings, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_settings, paper_record

    write_jsonl(
        [
            paper_record(1, category="lg"),
            paper_record(2, category="cs.RO"),
            paper_record(3, category="stat.ML"),
        ]
    )
    bot = QABot(
        make_settings(tmp_path / "store", corpus=tmp_path / "corpus"), embeddings=embeddings
    )
    for mode in ("dense", "lexical", "hybrid"):
        assert [h.paper_id for h in bot.search("violins", mode=mode, categories=["LG"])] == ["p1"]
        assert [h.paper_id for h in bot.search("volcanoes", mode=mode, categories="ro")] == ["p2"]
    assert bot.search("glaciers", categories=["ML"])[0].category == "ML"


def test_unknown_filters_are_a_clear_error(extractive_bot: QABot) -> None:
    from qabot import QuestionError

    with pytest.raises(
        QuestionError,
        match="Invalid filter: category is not a filter "
        r"\(did you mean categories\?\)\. The filters are year_from",
    ):
        extractive_bot.search("robots", category="LG")


FILTER_CASES = [
    Filters(year_from=2021, year_to=2021),
    Filters(year_from=2023),
    Filters(year_to=2019),
    Filters(categories=["CL"]),
    Filters(categories=["LG", "AI"], has_code=True),
    Filters(has_code=False),
    Filters(author="dragan"),
    Filters(author="Stuart Russell", year_from=2020),
    Filters(author="nobody by this name"),
    Filters(affiliation="DeepMind"),
    Filters(affiliation="Google DeepMind", year_from=2024),
    Filters(affiliation="berkeley", author="Micah Carroll"),
    Filters(author="Micah Carroll", coauthors=["Stuart Russell"]),
    Filters(author="Laidlaw", coauthors=["Russell", "Dragan"], year_from=2023),
    Filters(author="Micah Carroll", coauthors=["Geoffrey Hinton"]),
    Filters(author="Vivek Myers", first_author=True),
    Filters(author="micah", first_author=True, year_from=2022),
    Filters(author="Stuart Russell", first_author=True),
    Filters(first_author=True),
    Filters(affiliation="nowhere university"),
    Filters(profile="anca"),
    Filters(paper_ids=["learning-to-model-the-world-with-language", BPD_ID]),
    Filters(paper_ids=[]),
    Filters(exclude_ids=["learning-to-model-the-world-with-language", BPD_ID]),
    Filters(exclude_ids=[BPD_ID], year_from=2022),
    Filters(month=11, year_from=2024, year_to=2024),
    Filters(month=3),
    Filters(month=2, year_to=2019, author="dragan"),
]


def test_a_month_filter_keeps_the_papers_dated_in_it() -> None:
    import datetime as dt

    from qabot.domain.records import Paper

    def paper(date: dt.date | None, precision: str | None) -> Paper:
        return Paper(paper_id="p", title="T", abstract="A.", date=date, year=2024,
                     date_precision=precision)  # type: ignore[arg-type]  # fmt: skip

    november = Filters(month=11, year_from=2024, year_to=2024)
    assert paper_matches(paper(dt.date(2024, 11, 7), "day"), november)
    assert paper_matches(paper(dt.date(2024, 11, 1), "month"), november)
    assert not paper_matches(paper(dt.date(2024, 3, 5), "day"), november)
    # a paper dated by its year alone is not known to be from November
    assert not paper_matches(paper(dt.date(2024, 1, 1), "year"), november)
    assert not paper_matches(paper(None, None), november)
    assert november.years_in_words() == "from November 2024"
    assert Filters(month=3, year_from=2021).years_in_words() == "from March (2021 on)"
    assert Filters(month=3).in_words() == "from March"
    with pytest.raises(ValueError, match="month"):
        Filters(month=13)


@pytest.mark.parametrize("filters", FILTER_CASES, ids=str)
def test_filter_columns_decide_as_paper_matches(extractive_bot: QABot, filters: Filters) -> None:
    papers = extractive_bot.snapshot.papers
    expected = [paper_matches(p, filters) for p in papers]
    assert PaperColumns(papers).mask(filters).tolist() == expected


@pytest.mark.parametrize("path", ["exact", "overfetch", "ids", "where"])
@pytest.mark.parametrize("filters", FILTER_CASES, ids=str)
def test_every_filtered_dense_path_matches_chromas_own_filter(
    extractive_bot: QABot, monkeypatch: pytest.MonkeyPatch, path: str, filters: Filters
) -> None:
    """Exact scoring, over-fetching, an id scope and Chroma's `where`: four ways to one answer."""
    import qabot.retrieval.hybrid as retrieval

    if path != "exact":
        monkeypatch.setattr(retrieval, "EXACT_MAX", 0)
    if path not in ("exact", "overfetch"):
        monkeypatch.setattr(retrieval, "OVERFETCH_MAX", 0)
    if path == "where":
        monkeypatch.setattr(retrieval, "IDS_MAX", 0)
    retriever = extractive_bot.retriever
    question = "How can robots learn what people want from their feedback?"
    got = retriever.dense(question, 8, filters)
    where = vector_filter(filters, extractive_bot.snapshot)
    allowed = sum(
        PaperColumns(extractive_bot.snapshot.papers).mask(filters)[
            extractive_bot.snapshot.chunk_paper
        ]
    )
    if allowed == 0:
        assert got == []
        return
    vector = extractive_bot.embeddings.embed_query(question)
    reference = retriever._dense_query(vector, min(8, int(allowed)), where=where)
    assert [cid for cid, _, _ in got] == [cid for cid, _, _ in reference]
    assert [text for _, _, text in got] == [text for _, _, text in reference], "texts come too"
    papers = extractive_bot.snapshot.papers
    index = extractive_bot.snapshot.paper_index
    assert all(paper_matches(papers[index[paper_of(cid)]], filters) for cid, _, _ in got)


def test_unfiltered_dense_search_asks_the_index_twice_as_deep(
    extractive_bot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HNSW's tail is approximate and, under CPU load, not the same run to run; the best n of
    a search 2n deep are stable. The kept n are the exact best by cosine, with their texts."""
    import numpy as np

    retriever = extractive_bot.retriever
    asked: list[int] = []
    query = retriever.snapshot.vectors.query

    def spy(vector, n, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(n)
        return query(vector, n, **kwargs)

    monkeypatch.setattr(retriever.snapshot.vectors, "query", spy)
    question = "use empowerment for assistance"
    got = retriever.dense(question, 40, Filters())
    assert asked == [80]
    everything = retriever.snapshot.vectors.get(vectors=True)
    matrix = np.asarray(everything.vectors, dtype=np.float32)
    vector = np.asarray(extractive_bot.embeddings.embed_query(question), dtype=np.float32)
    cosine = matrix @ vector / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector))
    best = [everything.ids[i] for i in np.argsort(-cosine, kind="stable")[:40]]
    assert [cid for cid, _, _ in got] == best
    texts = retriever._texts(best)
    assert [text for _, _, text in got] == [texts[cid] for cid in best] and all(texts.values())
    asked.clear()
    chunks = retriever.snapshot.manifest.chunks
    assert len(retriever.dense(question, chunks, Filters())) == chunks
    assert asked == [chunks], "the whole index needs no deeper search"
