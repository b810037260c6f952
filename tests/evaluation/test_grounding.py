"""Grounding metrics: the support check's calibration, the metric definitions, and the proof
that they tell each misbehaving mock apart from the faithful one."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot
from qabot.answering.shapes.survey import Survey
from qabot.domain.records import Answer, Citation, Evidence, SearchHit
from qabot.evaluation.grounding import (
    DEFAULT_SUPPORT_THRESHOLD,
    LexicalJudge,
    LLMJudge,
    answer_sentences,
    coverage,
    grade_answer,
    is_framing,
    ndcg_at_k,
    paper_precision,
    recall_at_k,
)
from qabot.evaluation.runner import EvalReport, load_dataset, run_eval
from qabot.testing.misbehaving import MOCKS
from qabot.testing.mock_llm import MockChatModel
from tests.conftest import DATA, make_settings

LABELS = [
    json.loads(x) for x in (DATA / "support_labels.jsonl").read_text().splitlines() if x.strip()
]


def test_support_check_accuracy_on_labelled_sentences() -> None:
    judge = LexicalJudge(DEFAULT_SUPPORT_THRESHOLD)
    right = [judge.check(r["sentence"], r["passages"]).supported == r["supported"] for r in LABELS]
    accuracy = sum(right) / len(right)
    print(f"support check accuracy {accuracy:.3f} on {len(right)} labelled sentences")
    assert len(LABELS) >= 60
    assert accuracy >= 0.8, accuracy  # docs/evaluation.md: 0.838 at the default threshold


@pytest.mark.parametrize("kind", ["number_swap", "unrelated"])
def test_support_check_catches_number_swaps_and_unrelated_claims(kind: str) -> None:
    judge = LexicalJudge()
    rows = [r for r in LABELS if r["kind"] == kind]
    assert rows and all(not judge.check(r["sentence"], r["passages"]).supported for r in rows)


def test_support_check_rules() -> None:
    judge = LexicalJudge()
    passage = ["We release 155 deterministic MDPs, called BRIDGE, from common deep RL benchmarks."]
    assert judge.check(
        "BRIDGE has 155 deterministic MDPs from deep RL benchmarks [1].", passage
    ).supported
    swapped = judge.check("BRIDGE has 175 deterministic MDPs from deep RL benchmarks.", passage)
    assert not swapped.supported and swapped.missing_numbers == ("175",)
    renamed = judge.check("The MuZero suite has 155 deterministic MDPs from benchmarks.", passage)
    assert not renamed.supported and "muzero" in renamed.missing_names
    negated = judge.check("We do not release deterministic MDPs from deep RL benchmarks.", passage)
    assert not negated.supported and negated.polarity_flip


def test_llm_judge_is_pluggable() -> None:
    yes, no = MockChatModel(), MockChatModel()
    yes.enqueue("YES")
    no.enqueue("NO, the number differs")
    assert LLMJudge(yes).check("x", ["y"]).supported
    assert not LLMJudge(no).check("x", ["y"]).supported
    assert "Sentence:\nx" in no.prompts[0]


def _answer(text: str, passages: list[str], dropped: list[int] | None = None) -> Answer:
    hits = [
        SearchHit(
            paper_id=f"p{i}",
            title=f"Paper {i}",
            score=1.0,
            year=2020,
            evidence=[Evidence(chunk=0, text=p)],
        )
        for i, p in enumerate(passages, 1)
    ]
    citations = [
        Citation(number=i, paper_id=f"p{i}", title=f"Paper {i}", text=p)
        for i, p in enumerate(passages, 1)
        if f"[{i}]" in text
    ]
    return Answer(
        question="q",
        standalone_question="q",
        answer=text,
        citations=citations,
        sources=hits,
        answerer="test",
        dropped_citations=dropped or [],
    )


def test_metric_definitions_on_a_worked_example() -> None:
    a = "Robots ask clarifying questions when commands are ambiguous."
    b = "The benchmark contains kitchen tasks for household robots."
    answer = _answer(
        "Robots ask clarifying questions when commands are ambiguous [1][2]. "
        "The benchmark contains kitchen tasks for household robots [1]. "
        "It won a prize in Paris.",
        [a, b],
        dropped=[7],
    )
    g = grade_answer(answer)
    assert answer_sentences(answer.answer)[2] == "It won a prize in Paris."
    assert g.sentences == 3
    assert g.citation_validity_before_cleanup == pytest.approx(3 / 4)
    # Sentence 1 is supported by [1] jointly; sentence 2 cites the wrong source; 3 cites nothing.
    assert g.citation_recall == pytest.approx(1 / 3)
    # [1] is needed for sentence 1, [2] is not (it does not support it, and [1] alone does);
    # sentence 2's [1] does not support it, so it is not needed either.
    assert g.citation_precision == pytest.approx(1 / 3)
    assert g.faithfulness == pytest.approx(2 / 3), "sentences 1 and 2 are in the passages"
    assert g.unsupported[0][0] == "It won a prize in Paris."


def test_ndcg_and_recall_on_a_hand_computed_ranking() -> None:
    """The BEIR metrics (benchmarks/beir_scifact.py), worked by hand: relevant a, b, c; the
    ranking finds a at rank 1 and b at rank 3."""
    ranked, gold = ["a", "x", "b", "y"], {"a", "b", "c"}
    dcg = 1 / math.log2(2) + 1 / math.log2(4)  # 1.5
    ideal = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)  # three relevant in the top 3
    assert ndcg_at_k(ranked, gold, 3) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(ranked, gold, 3) == pytest.approx(0.703918, abs=1e-6)
    assert ndcg_at_k(ranked, gold, 10) == pytest.approx(0.703918, abs=1e-6), "the ideal stops at 3"
    assert ndcg_at_k(ranked, gold, 1) == 1.0, "one slot, filled with a relevant paper"
    assert ndcg_at_k(["x", "a"], {"a"}, 10) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(["a", "a"], {"a", "b"}, 2) == pytest.approx(1 / (1 + 1 / math.log2(3))), (
        "a paper listed twice counts once"
    )
    assert ndcg_at_k(["x", "y"], {"a"}, 10) == 0.0
    assert ndcg_at_k(["a"], set(), 10) == 0.0
    assert recall_at_k(ranked, gold, 2) == pytest.approx(1 / 3)
    assert recall_at_k(ranked, gold, 100) == pytest.approx(2 / 3)


def test_refusals_are_not_graded_and_nothing_is_nan() -> None:
    g = grade_answer(_answer("The indexed portfolio doesn't say.", ["x"]))
    assert (g.citation_recall, g.citation_precision, g.faithfulness) == (None, None, None)


@pytest.fixture(scope="module")
def eval_reports(bundled_store: Path, embeddings: Embeddings) -> dict[str, EvalReport]:
    """The shipped eval set through the faithful mock and each misbehaving one."""
    items = load_dataset(DATA / "eval_set.jsonl")
    reports = {}
    for name, cls in MOCKS.items():
        bot = QABot(make_settings(bundled_store, llm="mock"), llm=cls(), embeddings=embeddings)
        reports[name] = run_eval(bot, items)
    reports["extractive"] = run_eval(
        QABot(make_settings(bundled_store, llm="extractive"), embeddings=embeddings), items
    )
    return reports


def test_extractive_default_meets_the_targets(eval_reports: dict[str, EvalReport]) -> None:
    m = eval_reports["extractive"].metrics
    assert m["citation_validity"] == 1.0
    assert m["citation_precision"] >= 0.95 and m["citation_recall"] >= 0.95, m
    assert m["faithfulness"] >= 0.95 and m["abstention_accuracy"] >= 0.95, m
    assert m["statistics_exact_match"] == 1.0, m


@pytest.mark.parametrize(
    ("mock", "metric"),
    [
        ("mock-invent-citation", "citation_validity_before_cleanup"),
        ("mock-wrong-source", "citation_recall"),
        ("mock-wrong-source", "citation_precision"),
        ("mock-unsupported-sentence", "faithfulness"),
        ("mock-number-swap", "faithfulness"),
        ("mock-no-citations", "citation_recall"),
        ("mock-refuse", "abstention_accuracy"),
    ],
)
def test_each_misbehaving_mock_scores_lower_on_what_it_breaks(
    eval_reports: dict[str, EvalReport], mock: str, metric: str
) -> None:
    faithful = eval_reports["mock"].metrics[metric]
    broken = eval_reports[mock].metrics[metric] or 0.0
    assert faithful is not None and faithful - broken >= 0.2, (faithful, broken)


def test_metrics_never_nan(eval_reports: dict[str, EvalReport]) -> None:
    for report in eval_reports.values():
        assert all(v is None or v == v for v in report.metrics.values())  # NaN != NaN


def test_grouped_markers_count_as_citations() -> None:
    a = "Robots ask clarifying questions when commands are ambiguous."
    g = grade_answer(
        _answer(
            "Robots ask clarifying questions when commands are ambiguous [1, 2].",
            [a, "Unrelated text about kitchens and benchmarks."],
        )
    )
    assert g.citation_recall == 1.0 and g.citation_precision == 0.5


def test_coverage_and_paper_precision_score_a_cited_set_against_a_gold_set() -> None:
    gold = ["a", "b", "c", "d"]
    assert coverage(["a", "b", "x"], gold) == pytest.approx(0.5)
    assert paper_precision(["a", "b", "x"], gold) == pytest.approx(2 / 3)
    assert coverage([], gold) == 0.0 and paper_precision([], gold) == 0.0, "never NaN"


def test_a_surveys_framing_lines_are_not_graded_as_claims() -> None:
    a = "Robots ask clarifying questions when commands are ambiguous."
    b = "The benchmark contains kitchen tasks for household robots."
    answer = _answer(
        "2 papers in the portfolio match this question, most relevant first:\n\n"
        "### Robots, kitchens\n"
        f"- “T1” (2020): {a[:-1]} [1].\n- “T2” (2020): {b[:-1]} [2].\n"
        "The portfolio has no paper about AlphaFold.",
        [a, b],
    )
    g = grade_answer(answer)
    assert g.sentences == 2 and g.citation_recall == 1.0 and g.faithfulness == 1.0
    assert is_framing("### Theme") and is_framing("12 papers match this question:")
    assert not is_framing("Robots ask questions [1]:"), "a cited line is a claim"
    assert not is_framing("It won a prize in Paris."), "an uncited claim is still graded"


def test_survey_questions_are_scored_for_coverage_per_kind(
    eval_reports: dict[str, EvalReport],
) -> None:
    report = eval_reports["extractive"]
    survey, focused = report.by_kind["survey"], report.by_kind["retrieval"]
    assert survey["questions"] >= 12 and survey["coverage"] is not None
    # Measured 0.82 / 0.85 (docs/measurements.md); the floors catch a return to top-1 answers
    # (0.28 coverage before this change).
    assert survey["coverage"] >= 0.75 and survey["paper_precision"] >= 0.8, survey
    assert focused["hit@1"] >= 0.87, "focused questions keep their hit@1"
    assert report.by_kind["compare"]["coverage"] == 1.0
    for item in report.items:
        if item.kind == "retrieval" and "papers in the portfolio match" in item.answer:
            # Asked as an overview ("Is there work on …?"): every paper, the asked-for one first.
            assert Survey().detect(item.question), item.question
            assert item.metrics["hit@1"] == 1.0, item.question
