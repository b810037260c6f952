"""What makes a follow-up turn right (`qabot.evaluation.kinds.turn_correct`)."""

from __future__ import annotations

from qabot.domain.records import Answer, Citation
from qabot.evaluation.kinds import states, turn_correct
from qabot.evaluation.runner import EvalTurn


def _answer(*paper_ids: str) -> Answer:
    text = " ".join(f"Sentence [{i}]." for i in range(1, len(paper_ids) + 1))
    citations = [Citation(number=i, paper_id=p, title=p, text="t")
                 for i, p in enumerate(paper_ids, 1)]  # fmt: skip
    return Answer(question="q", standalone_question="q", answer=text, citations=citations,
                  answerer="extractive")  # fmt: skip


def test_previous_is_the_paper_the_last_answer_was_about() -> None:
    turn = EvalTurn(question="who wrote it?", refers_to="previous", gold_paper_ids=["a"])
    assert turn_correct(turn, _answer("a"), False, _answer("a"))
    assert not turn_correct(turn, _answer("b"), False, _answer("a"))


def test_gold_that_leaves_the_previous_paper_out_asks_for_others() -> None:
    # "what else did they do on this?": the gold is the other papers, not the last one
    turn = EvalTurn(question="what else?", refers_to="previous", gold_paper_ids=["b", "c"])
    assert turn_correct(turn, _answer("b", "c"), False, _answer("a"))
    assert not turn_correct(turn, _answer("a", "b"), False, _answer("a"))


def test_an_unanswerable_turn_about_a_paper_is_right_when_it_says_the_abstract_does_not_say() -> (
    None
):
    # dev9: "how many parameters does it have?" after Dynalang: the honest answer names the
    # paper and says its abstract does not give the figure; quoting something else is wrong.
    turn = EvalTurn(question="how many parameters does it have?", refers_to="previous",
                    gold_paper_ids=["a"], answerable=False)  # fmt: skip
    honest = _answer("a").model_copy(update={"unstated": "how many parameters"})
    assert turn_correct(turn, honest, False, _answer("a"))
    assert turn_correct(turn, _answer(), True, _answer("a"))
    assert not turn_correct(turn, _answer("a"), False, _answer("a"))
    other = _answer("b").model_copy(update={"unstated": "how many parameters"})
    assert not turn_correct(turn, other, False, _answer("a"))


def test_a_date_fact_is_stated_in_either_form() -> None:
    answer = Answer(question="q", standalone_question="q", answerer="extractive",
                    answer="“Gemma Scope” (2024) is dated Aug 9, 2024 [1].")  # fmt: skip
    assert states(answer, ["2024-08-09"]) and states(answer, ["Aug 9, 2024"])
    assert not states(answer, ["2024-08-19"]) and not states(answer, ["2024-09-08"])
