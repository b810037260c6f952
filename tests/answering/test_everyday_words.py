"""Questions in everyday words for the field's terms (round eighteen of issue 26): "fool the
people grading it" is deception, "poke holes in RLHF" its limitations, "what people want"
their preferences. The scope rule read the everyday words as a subject no paper has and
refused them; the portfolio answers them."""

from __future__ import annotations

import pytest

from qabot import QABot


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Which papers poke holes in RLHF?", "Open Problems and Fundamental Limitations"),
        ("im interested in the downsides of rlhf, what should i read", "Open Problems and Fundamental Limitations"),
        ("Has Anca's lab looked at AI that learns to fool the very people grading it?", "When Your AIs Deceive You"),
        ("How do they go about recovering what people want from what they do?", "Preferences Implicit in the State"),
        ("How do they go about studying whether an AI's sway over people is helpful or manipulative?",
         "On Targeted Manipulation and Deception"),
        ("Recommend me a paper on training assistants that keep the human in the driver's seat.",
         "Training LLM Agents to Empower Humans"),
        ("what have they done about AI models that cheat on their objective?", "Correlated Proxies"),
        ("how have they approached situations where the agent or the human can't see everything?",
         "When Your AIs Deceive You"),
        ("what has she done about the stuff social media decides to show you?", "CTRL-Rec"),
        ("which work checks whether chatbots make stuff up?", "The FACTS Leaderboard"),
        ("is there one about reading an AI's scratchpad notes to catch it plotting something bad?",
         "Chain of Thought Monitorability"),
    ],
)  # fmt: skip
def test_everyday_words_find_the_papers_in_the_fields_terms(
    extractive_bot: QABot, question: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained, answer.answer
    assert any(c.title.startswith(title) for c in answer.citations), answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Any papers on lidar perception for self-driving cars?",
        # "cheat" of an objective only, "fool" of people only (a review: all three were
        # answered with the reward-hacking or deception papers)
        "AI that cheats at chess",
        "AI that cheats on school exams",
        "AI that fools spam filters",
        "Which papers train agents to play chess?",
    ],
)
def test_a_subject_the_portfolio_lacks_is_still_refused(
    extractive_bot: QABot, question: str
) -> None:
    """Self-driving cars are not put as "autonomous driving", which one abstract mentions in
    passing (the scope rule would take it for the subject: 7 blind sets' lidar question); an
    everyday verb is put in the field's terms only of what the papers say it of."""
    assert extractive_bot.ask(question).abstained


def test_the_search_api_searches_what_it_is_given(extractive_bot: QABot) -> None:
    """Only answering puts everyday words in the field's terms: `search` is a retriever for
    other people's questions (SciFact's claims are searched as written)."""
    retriever = extractive_bot.retriever
    assert (
        retriever.spelled("fool the graders", respell=False, everyday=False) == "fool the graders"
    )
    assert retriever.spelled("fool the graders") == "deceive the evaluators"
