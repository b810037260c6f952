"""What the review of round seventeen (issue 26) found and left: an order asked after an
answer that found nothing, an order said "from oldest" or "newest to oldest", a kind of
paper with what such papers are about, and a comma before a clause."""

from __future__ import annotations

import pytest

from qabot import QABot
from qabot.errors import QuestionError
from tests.answering.test_blind_classes import _chain


def test_an_order_after_nothing_found_has_no_list_to_order(extractive_bot: QABot) -> None:
    """It listed all 50 papers in date order."""
    with pytest.raises(
        QuestionError, match="listed no papers, so there is nothing to put in order"
    ):
        _chain(extractive_bot, ["any papers on protein folding?", "put them in date order"])


@pytest.mark.parametrize(
    ("question", "newest_first"),
    [
        ("list her Gemini papers from oldest", False),
        ("list her Gemini papers, oldest to newest", False),
        ("list her Gemini papers, newest to oldest", True),
        # (a topic's papers with an order read as a focused question about "oldest")
        ("Gemini papers, from newest to oldest", True),
        ("RLHF papers oldest first", False),
        ("Gemini papers from oldest", False),
        # (a list of the metadata too: "from oldest" gave the earliest paper alone)
        ("list her robotics papers from oldest", False),
        ("papers by Cassidy Laidlaw from newest", True),
    ],
)
def test_an_order_said_from_one_end_to_the_other(
    extractive_bot: QABot, question: str, newest_first: bool
) -> None:
    """ "from oldest" was read as nothing: the papers came by relevance."""
    answer = extractive_bot.ask(question)
    years = [c.year for c in answer.citations]
    assert len(years) >= 2 and years == sorted(years, reverse=newest_first), answer.answer
    # (a list of the metadata is in date order unless it says "newest first")
    assert ("newest first" in answer.answer) == newest_first, answer.answer


def test_position_papers_about_where_the_field_should_go(extractive_bot: QABot) -> None:
    """What a position paper is about is not a topic to search ("field go" abstained)."""
    answer = extractive_bot.ask(
        "how have they approached writing position papers about where the field should go"
    )
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("Indexed papers that are position papers (4 of 50)")


@pytest.mark.parametrize(
    "question",
    [
        "anything that argues a position rather than proposing a method?",
        "papers that make an argument rather than run experiments",
        "does she have any opinion pieces rather than new methods?",
        "opinion papers about the direction the field should take",
    ],
)
def test_a_position_paper_described(extractive_bot: QABot, question: str) -> None:
    """Described, not named: it searched "argue position method" and found 2 of the 4."""
    answer = extractive_bot.ask(question)
    assert answer.answer.startswith("Indexed papers that are position papers (4 of 50)"), (
        answer.answer
    )


def test_a_clause_after_one_filter_takes_no_comma(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("technical reports from 2024")
    assert answer.answer.startswith("Indexed papers from 2024 that are technical reports (3 of 50)")


@pytest.mark.parametrize(
    ("chain", "title"),
    [
        (
            [
                "papers on masking in sequential decision problems?",
                "the earlier of those two — who wrote it?",
            ],
            "Towards Flexible Inference in Sequential Decision Problems via Bidirectional Transformers",
        ),
        (
            ["papers from 2019?", "the later of the two: what is it about?"],
            "On the Utility of Learning about Humans for Human-AI Coordination",
        ),
    ],
)
def test_the_earlier_of_those_two(extractive_bot: QABot, chain: list[str], title: str) -> None:
    """ "Neither of the 2 papers just listed mentions that": the pair was searched for "earlier"."""
    *_, answer = _chain(extractive_bot, chain)
    assert answer.citations and answer.citations[0].title == title, answer.answer


@pytest.mark.parametrize("then", ["which of those have code?", "which is the oldest of those?"])
def test_a_pick_from_an_answer_that_found_nothing(extractive_bot: QABot, then: str) -> None:
    """The review of round eighteen: it answered of the whole portfolio (9 papers with code,
    the portfolio's oldest paper). The history says the turn found nothing (`as_turn`)."""
    first = extractive_bot.ask("any papers on protein folding?")
    assert first.abstained and first.as_turn()["abstained"] is True
    history = [{"role": "user", "content": "any papers on protein folding?"}, first.as_turn()]
    with pytest.raises(QuestionError, match="found no papers, so there are none of those"):
        extractive_bot.ask(then, history=history)
