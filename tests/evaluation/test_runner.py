"""How `qabot eval` grades statistic, affiliation and category questions: exactly."""

from __future__ import annotations

import json

import pytest

from qabot import QABot
from qabot.evaluation.runner import EvalItem, exact_match, load_dataset
from tests.conftest import DATA, ROOT

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


def test_the_committed_eval_figures_are_what_a_fresh_run_gives(extractive_bot: QABot) -> None:
    """docs/evaluation.md shows docs/eval-figures.json (cog checks that in CI); this checks
    that the figures themselves are current: the default answerer's, from a fresh run."""
    from qabot.evaluation.runner import metrics_json, run_eval

    figures = json.loads((ROOT / "docs" / "eval-figures.json").read_text(encoding="utf-8"))
    items = load_dataset(DATA / "eval_set.jsonl")
    report = run_eval(extractive_bot, items, dataset=figures["dataset"])
    committed = figures["answerers"]["extractive"]
    fresh = {**metrics_json(report), "by_kind": report.by_kind}
    assert committed["questions"] == len(items), "the eval set changed: run scripts/docs.sh"
    assert json.loads(json.dumps(fresh)) == committed, (
        "the default answerer's eval figures moved: run `bash scripts/docs.sh` and commit them"
    )


def test_the_worst_phrasing_of_each_kind_is_reported() -> None:
    from qabot.evaluation.runner import worst_phrasings

    by_kind = {
        "survey": {"coverage": 0.8},
        "survey:yes-no": {"coverage": 0.6},
        "survey:imperative": {"coverage": 0.9},
        "survey/dev": {"coverage": 0.1},  # a split, not a phrasing
        "focused": {"coverage": None},
        "yes-no:yes-no": {"coverage": None},
    }
    assert worst_phrasings(by_kind) == {"survey": ("yes-no", 0.6)}
