"""Classes of question from tests/data/blind/dev22.jsonl (round seventeen of issue 26): a
list narrowed by its metadata, a pick from the list before, a model of the last paper by its
size, where a paper was published, and a long question that says "that" of itself."""

from __future__ import annotations

import pytest

from qabot import QABot
from qabot.domain.records import Answer
from tests.answering.test_blind_classes import _chain


def _titles(answer: Answer) -> list[str]:
    return [c.title.split(":")[0] for c in answer.citations]


@pytest.mark.parametrize(
    ("narrowed", "titles"),
    [
        (
            "just the ones where Vivek Myers is first author",
            ["Learning Temporal Distances", "Learning to Assist Humans without Inferring Rewards"],
        ),
        (
            "which of those list Vivek Myers as first author?",
            ["Learning Temporal Distances", "Learning to Assist Humans without Inferring Rewards"],
        ),
        (
            "only those by Micah Carroll",
            ["On Targeted Manipulation and Deception when Optimizing LLMs for User Feedback"],
        ),
    ],
)
def test_a_list_narrowed_by_its_authors(
    extractive_bot: QABot, narrowed: str, titles: list[str]
) -> None:
    """It searched the portfolio for the words ("none of its papers answers this"), or left
    the list out ("besides the previous answer's")."""
    _, answer = _chain(extractive_bot, ["papers from 2024?", narrowed])
    assert _titles(answer) == titles, answer.answer
    assert "among the 16 papers just discussed" in answer.answer


def test_the_described_one_of_the_list_before(extractive_bot: QABot) -> None:
    """After the 2025 papers and the one of them for a coding assistant, "the recommender one"
    is the 2025 recommender paper (it answered with the 2022 one)."""
    *_, answer = _chain(
        extractive_bot,
        [
            "papers from 2025",
            "which of these is most relevant to someone building a coding assistant?",
            "who did the recommender one?",
        ],
    )
    assert _titles(answer) == ["CTRL-Rec"], answer.answer
    assert "Micah Carroll" in answer.answer


def test_a_model_of_the_last_paper_by_its_size(extractive_bot: QABot) -> None:
    """ "the 9B model" after Gemma 2 is Gemma 2's (Gemma Scope's abstract names a 9B model
    too), and "We also train the 2B and 9B models …" gives no context window."""
    *_, answer = _chain(
        extractive_bot,
        ["What is the Gemma 2 paper about?", "what's the context window of the 9B model?"],
    )
    assert _titles(answer) == ["Gemma 2"], answer.answer
    assert answer.unstated and "context window" in answer.unstated


@pytest.mark.parametrize("asked", ["which conference was it at?", "what venue?"])
def test_where_a_paper_was_published_is_its_metadata(extractive_bot: QABot, asked: str) -> None:
    *_, answer = _chain(
        extractive_bot,
        ["When was 'Preferences Implicit in the State of the World' published?", asked],
    )
    assert "does not say where it is published" in answer.answer, answer.answer
    assert _titles(answer) == ["Preferences Implicit in the State of the World"]


def test_a_long_question_that_says_that_of_itself_is_self_contained(extractive_bot: QABot) -> None:
    """Issue 26: an unrelated earlier turn never changes the answer to a self-contained
    question ("uses that as a prior" read as the Boltzmann paper of the turns before)."""
    question = (
        "Which paper argues people act closer to optimal than to random, and uses that as a prior?"
    )
    alone = extractive_bot.ask(question)
    *_, after = _chain(
        extractive_bot,
        [
            "Explain the main idea of the Boltzmann policy distribution paper",
            "what does it compare against?",
            question,
        ],
    )
    assert _titles(alone) == _titles(after) == ["Optimal Behavior Prior"], after.answer


def test_how_big_an_improvement_over_something(extractive_bot: QABot) -> None:
    """ "how big was the improvement over not doing active perception?" read "big" as what was
    asked, and found no sentence stating it."""
    *_, answer = _chain(
        extractive_bot,
        [
            "Tell me about the MessySurfaces dataset",
            "how big was the improvement over not doing active perception?",
        ],
    )
    assert "12.9%" in answer.answer and not answer.unstated, answer.answer


def test_a_company_s_model_is_no_author(extractive_bot: QABot) -> None:
    """dev15: "with Google's Gemini/Gemma model families" filtered on an author "Google's
    Gemini" ("No indexed paper matches these filters")."""
    route = extractive_bot.route(
        "What's their involvement with Google's Gemini/Gemma model families?"
    )
    assert route.filters.author is None


def test_the_owner_named_as_a_joint_author_filters_nothing(extractive_bot: QABot) -> None:
    """ "papers by Stuart Russell and Anca": she is on every paper; it searched for the words
    "papers by Stuart Russell and Anca" among his papers, and abstained."""
    answer = extractive_bot.ask("papers by Stuart Russell and Anca")
    assert not answer.abstained and "listing Stuart Russell as an author" in answer.answer, (
        answer.answer
    )


@pytest.mark.parametrize(
    ("before", "question", "title"),
    [
        # round seventeen's review: "that" is the paper the question itself describes first
        (
            "How many papers are from 2022?",
            "There's a paper on a Minecraft assistance game, what algorithm does that extend?",
            "AssistanceZero",
        ),
        (
            "who wrote Imagen 3?",
            "I remember something about a robot teaching people to teleoperate better by modelling "
            "how they learn, what kind of robot arm did that study use?",
            "Towards Modeling and Influencing the Dynamics of Human Learning",
        ),
        (
            "what's ARCA?",
            "There is also a paper about an agent that learns a multimodal world model to predict "
            "future text and image representations; when was that published and who wrote it?",
            "Learning to Model the World with Language",
        ),
    ],
)
def test_a_question_that_describes_its_own_paper(
    extractive_bot: QABot, before: str, question: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, [before, question])
    assert _titles(answer)[:1] == [title], answer.answer


def test_a_question_about_the_last_paper_still_leans_on_it(extractive_bot: QABot) -> None:
    """… but "is there interpretability work built on top of it?" is about Gemma 2."""
    *_, answer = _chain(
        extractive_bot,
        [
            "What architecture changes went into Gemma 2?",
            "is there interpretability work built on top of it?",
        ],
    )
    assert "Gemma Scope" in _titles(answer), answer.answer


@pytest.mark.parametrize(
    "order", ["sort by date, oldest first", "oldest to newest please", "newest first"]
)
def test_an_order_alone_reorders_the_last_list(extractive_bot: QABot, order: str) -> None:
    first, answer = _chain(extractive_bot, ["Papers with Stuart Russell", order])
    assert sorted(_titles(answer)) == sorted(_titles(first)) and len(_titles(first)) == 5, (
        answer.answer
    )
    years = [c.year for c in answer.citations]
    assert years == sorted(years, reverse=order.startswith("newest")), years


@pytest.mark.parametrize(
    ("about", "question", "said"),
    [
        (
            "what is the AI mediation deliberation paper about?",
            "is it a position paper?",
            "Yes: “Can AI",
        ),
        ("what's B-Pref?", "is it a survey?", "No: “B-Pref"),
    ],
)
def test_is_it_a_kind_of_paper(extractive_bot: QABot, about: str, question: str, said: str) -> None:
    *_, answer = _chain(extractive_bot, [about, question])
    assert answer.answer.startswith(said), answer.answer


def test_most_recently_is_the_latest(extractive_bot: QABot) -> None:
    assert extractive_bot.route("What did she publish most recently?").intent == "latest"


@pytest.mark.parametrize(
    "question", ["how many papers list Anca first?", "how many papers have Anca as first author?"]
)
def test_the_owner_by_her_first_name_as_first_author(extractive_bot: QABot, question: str) -> None:
    """The review: "Anca" alone was no author (a search for the words); Dragan leads none of
    the 50."""
    answer = extractive_bot.ask(question)
    assert "no indexed papers listing Anca Dragan as first author" in answer.answer, answer.answer


def test_an_author_put_first_is_no_earliest_paper(extractive_bot: QABot) -> None:
    """ "which of those list Vivek Myers first?" read "first" as the earliest paper."""
    *_, answer = _chain(
        extractive_bot,
        [
            "what has she done on robot instruction following?",
            "which of those list Vivek Myers first?",
        ],
    )
    assert "earliest" not in answer.answer and len(answer.citations) == 2, answer.answer


def test_a_size_written_out_in_the_abstract(extractive_bot: QABot) -> None:
    """ "and the 27B?" after Gemma 2's 9B: "from 2 billion to 27 billion parameters" is Gemma
    2's (it answered about Gemma Scope)."""
    *_, answer = _chain(
        extractive_bot,
        ["tell me about the Gemma 2 paper", "how was the 9B model trained?", "and the 27B?"],
    )
    assert _titles(answer) == ["Gemma 2"], answer.answer


@pytest.mark.parametrize(
    ("chain", "lead"),
    [
        (
            ["papers by Joey Hong", "which of those did he lead?"],
            "Of the 7 papers just listed, 7 list Joey Hong first:",
        ),
        (
            ["What has she done on offline RL?", "which of those aren't about language models?"],
            "Of the 5 papers just listed, 2 do not mention “language models”:",
        ),
    ],
)
def test_a_lead_heads_its_list_alone(extractive_bot: QABot, chain: list[str], lead: str) -> None:
    """The review: a second header followed the lead ("Indexed papers among the 7 papers just
    discussed (7 of 7).")."""
    *_, answer = _chain(extractive_bot, chain)
    assert answer.answer.startswith(f"{lead}\n- “"), answer.answer
    assert "Indexed papers among" not in answer.answer
