"""How `qabot eval` grades statistic, affiliation and category questions: exactly."""

from __future__ import annotations

import pytest

from qabot.evaluation.runner import EvalItem, exact_match, load_dataset
from tests.conftest import DATA

ITEM = EvalItem(
    question="Which papers were written at Stanford?",
    gold_paper_ids=["a", "b"],
    expected_facts=["2 of 50"],
    kind="affiliation",
)


@pytest.mark.parametrize(
    ("text", "statistic", "cited", "expected"),
    [
        ("Indexed papers … (2 of 50).", True, ["a", "b"], True),
        ("Indexed papers … (2 of 50).", True, ["b", "a"], True),
        ("Indexed papers … (2 of 50).", True, ["a"], False),  # a gold paper missing
        ("Indexed papers … (2 of 50).", True, ["a", "b", "c"], False),  # an extra paper
        ("Indexed papers … (3 of 50).", True, ["a", "b"], False),  # the wrong count
        ("Two papers (2 of 50) [1][2].", False, ["a", "b"], False),  # searched, not counted
    ],
)
def test_metadata_questions_are_exact(
    text: str, statistic: bool, cited: list[str], expected: bool
) -> None:
    assert exact_match(ITEM, text, statistic, cited) is expected


def test_other_questions_only_need_their_facts() -> None:
    follow_up = EvalItem(
        question="Who wrote it?",
        gold_paper_ids=["a"],
        expected_facts=["Cassidy Laidlaw"],
        kind="follow-up",
    )
    assert exact_match(follow_up, "It is by Cassidy Laidlaw [1].", False, ["a"])


def test_the_eval_set_has_affiliation_and_category_questions_with_gold_sets() -> None:
    items = load_dataset(DATA / "eval_set.jsonl")
    for kind in ("affiliation", "category"):
        chosen = [i for i in items if i.kind == kind]
        assert len(chosen) >= 4 and all(i.expected_facts for i in chosen)
        assert sum(bool(i.gold_paper_ids) for i in chosen) >= 4
