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
    ],
)
def test_an_order_said_from_one_end_to_the_other(
    extractive_bot: QABot, question: str, newest_first: bool
) -> None:
    """ "from oldest" was read as nothing: the papers came by relevance."""
    answer = extractive_bot.ask(question)
    years = [c.year for c in answer.citations]
    assert len(years) >= 2 and years == sorted(years, reverse=newest_first), answer.answer
    assert ("newest first" if newest_first else "oldest first") in answer.answer


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
