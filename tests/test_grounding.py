"""Grounding metrics: the support check's calibration, the metric definitions, and the proof
that they tell each misbehaving mock apart from the faithful one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot
from qabot.evaluation import EvalReport, load_dataset, run_eval
from qabot.grounding import (
    DEFAULT_SUPPORT_THRESHOLD,
    LexicalJudge,
    LLMJudge,
    answer_sentences,
    grade_answer,
)
from qabot.llms import MockChatModel
from qabot.mocks import MOCKS
from qabot.models import Answer, Citation, Evidence, SearchHit
from tests.conftest import DATA, make_settings

LABELS = [json.loads(x) for x in (DATA / "support_labels.jsonl").read_text().splitlines() if x.strip()]


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
    assert judge.check("BRIDGE has 155 deterministic MDPs from deep RL benchmarks [1].", passage).supported
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
    hits = [SearchHit(paper_id=f"p{i}", title=f"Paper {i}", score=1.0, year=2020,
                      evidence=[Evidence(chunk=0, text=p)]) for i, p in enumerate(passages, 1)]  # fmt: skip
    citations = [Citation(number=i, paper_id=f"p{i}", title=f"Paper {i}", text=p)
                 for i, p in enumerate(passages, 1) if f"[{i}]" in text]  # fmt: skip
    return Answer(question="q", standalone_question="q", answer=text, citations=citations,
                  sources=hits, answerer="test", dropped_citations=dropped or [])  # fmt: skip


def test_metric_definitions_on_a_worked_example() -> None:
    a = "Robots ask clarifying questions when commands are ambiguous."
    b = "The benchmark contains kitchen tasks for household robots."
    answer = _answer(
        "Robots ask clarifying questions when commands are ambiguous [1][2]. "
        "The benchmark contains kitchen tasks for household robots [1]. "
        "It won a prize in Paris.",
        [a, b], dropped=[7],
    )  # fmt: skip
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
    g = grade_answer(_answer("Robots ask clarifying questions when commands are ambiguous [1, 2].",
                             [a, "Unrelated text about kitchens and benchmarks."]))  # fmt: skip
    assert g.citation_recall == 1.0 and g.citation_precision == 0.5
