"""Questions that ask for a kind of paper ("which papers are model technical reports?", "any
position papers on AI risk?"): the router reads the kind as a filter (qabot.domain.genres).

Blind sets dev to dev21 asked for the model reports (Gemma 2, Gemini 1.5, Gemini 2.5, Imagen 3)
77 times; "large foundation model releases" abstained in seven of them, and "position papers"
in four."""

from __future__ import annotations

import pytest

from qabot import QABot

REPORTS = {"Gemma 2", "Gemini 1.5", "Gemini 2.5", "Imagen 3"}
POSITION = {
    "Managing extreme AI risks amid rapid progress",
    "An Approach to Technical AGI Safety and Security",
    "Chain of Thought Monitorability",
    "Can AI mediation improve democratic deliberation?",
}


def _names(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.title.split(":")[0] for c in answer.citations}


@pytest.mark.parametrize(
    "question",
    [
        "Which papers are model technical reports?",
        "Has she been part of any big model launch reports?",
        "what has she done on google's flagship ai models",
        "What has she done on large foundation model releases?",
        "How has this researcher been involved in building large foundation models?",
        "Foundation model releases: what's been covered here?",
        "is she on any of the big google model reports, like gemini / gemma / imagen?",
        "Which foundation-model technical reports does Anca show up on as a coauthor?",
        "What's their involvement in technical reports for big models such as Gemma, Gemini or Imagen?",
        "How has the big-model work evolved over the years?",
    ],
)
def test_the_model_reports_in_any_words(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained, answer.answer
    assert _names(answer) == REPORTS, answer.answer
    assert "technical reports" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Position papers / perspective pieces: what's here?",
        "Which papers are position or perspective pieces rather than experimental work?",
        "Can you recommend their opinion or perspective pieces rather than the empirical work?",
    ],
)
def test_the_position_papers(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert {c.title.split(":")[0] for c in answer.citations} == POSITION, answer.answer


def test_a_kind_and_a_topic_is_the_kind_on_the_topic(extractive_bot: QABot) -> None:
    route = extractive_bot.route("Any position papers on AI governance or extreme risk?")
    assert (route.shape, route.filters.paper_type) == ("survey", "position")
    assert route.query is not None and "AI" in route.query  # the topic keeps its words
    answer = extractive_bot.ask("Any position papers on AI governance or extreme risk?")
    assert _names(answer) <= POSITION and "Managing extreme AI risks amid rapid progress" in _names(
        answer
    )


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        # one paper of the kind: the kind narrows the search, the question stays about it
        ("Who wrote the consensus paper on managing extreme AI risks?", "who-when"),
        ("Is there a survey of RLHF's problems?", "focused"),
    ],
)
def test_one_paper_of_a_kind_is_asked_of(extractive_bot: QABot, question: str, shape: str) -> None:
    route = extractive_bot.route(question)
    assert route.shape == shape and route.filters.paper_type is not None


@pytest.mark.parametrize(
    "question",
    [
        # big models as where a topic is studied, not as a kind
        "What's their thinking on dangerous capabilities and misuse of frontier models?",
        "How do they make big models safer?",
        "What is the approach to RL theory and sample complexity in this portfolio?",
    ],
)
def test_words_for_big_models_with_a_topic_name_no_kind(
    extractive_bot: QABot, question: str
) -> None:
    assert extractive_bot.route(question).filters.paper_type is None


@pytest.mark.parametrize(
    "question",
    [
        "Did the lab publish a technical report on Gemini 3 Ultra?",
        "what are the main findings of the Gemma 3 tech report",
        "has the lab published anything on protein language models or biology foundation models?",
    ],
)
def test_a_report_the_portfolio_lacks_is_not_there(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.ask(question).abstained


def test_oldest_to_newest_is_an_order_not_the_oldest(extractive_bot: QABot) -> None:
    """dev21: "list them oldest to newest" gave the one earliest paper (then, with the kind
    read, the latest: "newest")."""
    answer = extractive_bot.ask(
        "How have the model reports changed over time? list them oldest to newest"
    )
    assert [c.title.split(":")[0] for c in answer.citations] == [
        "Gemini 1.5",
        "Gemma 2",
        "Imagen 3",
        "Gemini 2.5",
    ], answer.answer
    route = extractive_bot.route("list her papers from 2019 oldest to newest")
    assert route.intent == "list"
    assert extractive_bot.route("what's the oldest paper?").intent == "earliest"
    assert extractive_bot.route("and the newest one?").intent == "latest"


def test_one_paper_of_a_kind_reads_as_one(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("which is the latest technical report?")
    assert "The latest indexed paper that is a technical report is “Gemini 2.5" in answer.answer


def test_a_review_of_something_is_a_survey(extractive_bot: QABot) -> None:
    """The review: "is there a review of what's wrong with RLHF?" abstained ("review" was a
    subject no abstract has)."""
    answer = extractive_bot.ask("is there a review of what's wrong with RLHF?")
    assert [c.title.split(":")[0] for c in answer.citations][:1] == [
        "Open Problems and Fundamental Limitations of Reinforcement Learning from Human Feedback"
    ], answer.answer


def test_model_launches_are_the_reports(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What has she done on big foundation model launches?")
    assert _names(answer) == REPORTS, answer.answer


def test_no_paper_of_a_kind_on_a_subject_no_paper_covers(extractive_bot: QABot) -> None:
    """ "any literature review on chess?" said "1 paper on it is outside these filters": a paper
    the search found, though none is about chess."""
    answer = extractive_bot.ask("any literature review on chess?")
    assert answer.abstained and "outside these filters" not in answer.answer, answer.answer
    answer = extractive_bot.ask("position papers on recommender systems?")
    assert "2 papers on it are outside these filters" in answer.answer, answer.answer
