"""Follow-ups that point into the previous list: "tell me more about the second one",
"which of those have code?", resolved from the history the API, CLI and UI pass."""

from __future__ import annotations

import pytest

from qabot import QABot
from qabot.answering.followups import previous_papers, resolve_follow_up
from qabot.domain.records import Paper
from qabot.errors import QuestionError

PAPERS = [
    Paper(paper_id=f"p{n}", title=title, abstract="An abstract.", has_code=n % 2 == 0)
    for n, title in enumerate(
        [
            "Alpha Paper on Reward Models",
            "Beta Study of Dialogue Agents",
            "Gamma Results for Robot Learning",
        ],
        1,
    )
]


def history(answer: str) -> list[dict[str, str]]:
    return [
        {"role": "user", "content": "Which papers …?"},
        {"role": "assistant", "content": answer},
    ]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            "Papers (2 of 3).\n- “Beta Study of Dialogue Agents” (2023) [1]\n"
            "- “Gamma Results for Robot Learning” (2024) [2]",
            id="list-lines",
        ),
        pytest.param(
            "Dialogue agents [1] and robots [2].\n\nSources:\n"
            "[1] Beta Study of Dialogue Agents (2023) — A. Author\n"
            "[2] Gamma Results for Robot Learning (n.d.) — B. Author",
            id="source-list",
        ),
        pytest.param(
            "Dialogue agents [1] and robots [2].\n\nSources:\n"
            "[1] Beta Study of Dialogue Agents (Proc. ACL (Long Papers), 2023) — A. Author\n"
            "[2] Gamma Results for Robot Learning (J. Robots, n.d.) — B. Author",
            id="source-list-with-venues",
        ),
        pytest.param(
            "“Beta Study of Dialogue Agents” (2023): text [1]. “Gamma Results for Robot "
            "Learning” (2024): more [2].",
            id="quoted-titles",
        ),
    ],
)
def test_the_previous_papers_are_recovered_in_order(answer: str) -> None:
    assert [p.paper_id for p in previous_papers(history(answer), PAPERS)] == ["p2", "p3"]


def test_titles_that_are_not_indexed_are_ignored() -> None:
    answer = "- “Some Paper Nobody Indexed” (2020) [1]\n- “Alpha Paper on Reward Models” [2]"
    assert [p.paper_id for p in previous_papers(history(answer), PAPERS)] == ["p1"]
    assert previous_papers([{"role": "assistant", "content": "No list here."}], PAPERS) == []
    assert previous_papers(None, PAPERS) == [] and previous_papers(["junk"], PAPERS) == []  # type: ignore[list-item]


LIST = history(
    "- “Alpha Paper on Reward Models” [1]\n- “Beta Study of Dialogue Agents” [2]\n"
    "- “Gamma Results for Robot Learning” [3]"
)


@pytest.mark.parametrize(
    ("question", "paper"),
    [
        ("tell me more about the second one", "p2"),
        ("What about the 3rd paper?", "p3"),
        ("and the last one?", "p3"),
        ("more on number 1 please", "p1"),
        ("explain #2", "p2"),
        ("who wrote the first of those?", "p1"),
    ],
)
def test_an_ordinal_names_one_paper_by_its_title(question: str, paper: str) -> None:
    follow = resolve_follow_up(question, LIST, PAPERS)
    assert follow is not None and follow.paper_ids == [paper]
    title = next(p.title for p in PAPERS if p.paper_id == paper)
    assert f"“{title}”" in follow.question


@pytest.mark.parametrize(
    "question",
    [
        "which of those have code?",
        "Which of these are from 2024?",
        "any of those papers about robots?",
        "summarise these papers",
    ],
)
def test_a_set_reference_keeps_all_the_listed_papers(question: str) -> None:
    follow = resolve_follow_up(question, LIST, PAPERS)
    assert follow is not None and follow.paper_ids == ["p1", "p2", "p3"]
    assert follow.question == question


@pytest.mark.parametrize(
    ("question", "hist"),
    [
        ("What is the first paper on reward hacking?", []),  # no conversation yet
        ("What is reward hacking?", LIST),
    ],  # no reference at all
)
def test_no_follow_up_without_a_reference_into_a_list(
    question: str, hist: list[dict[str, str]]
) -> None:
    assert resolve_follow_up(question, hist, PAPERS) is None


@pytest.mark.parametrize(
    "question",
    [
        "tell me more about the 7th one",
        "tell me more about the fifth one",
        "what about paper #4?",
        "more on number 9 please",
    ],
)
def test_an_ordinal_past_the_end_of_the_list_says_so(question: str) -> None:
    """Issue 29: "the 7th one" after a three-paper list is not answered about another paper
    (condensed onto the last topic, it used to be); it says the list is shorter."""
    with pytest.raises(QuestionError, match=r"The last answer listed 3 papers, so there is no “"):
        resolve_follow_up(question, LIST, PAPERS)
    one = history("- “Beta Study of Dialogue Agents” [1]")
    with pytest.raises(QuestionError, match=r"listed 1 paper, .*Ask about it by its title"):
        resolve_follow_up(question, one, PAPERS)


@pytest.mark.parametrize("question", ["and?", "no", "a b c", "...and"])
def test_a_line_with_no_words_is_not_read_as_about_the_last_paper(question: str) -> None:
    """Issue 29: a line with nothing to search for and no reference back (in `qabot chat`,
    typed by mistake) was answered as a question about the last answer's paper, cited."""
    turn = {"role": "assistant", "content": "about p1", "citations": ["p1"]}
    with pytest.raises(QuestionError, match="has no words to search for"):
        resolve_follow_up(question, [{"role": "user", "content": "q"}, turn], PAPERS)
    # Follow-ups that say little but ask something keep their meaning.
    for asked in ("what year?", "who wrote it?", "and the authors?", "which of those?"):
        assert resolve_follow_up(asked, [turn], PAPERS) is not None, asked


# -- through the bot, with the history the API takes ------------------------------------------


def test_which_of_those_have_code_filters_the_list_just_given(extractive_bot: QABot) -> None:
    first = extractive_bot.ask("Which papers came out in 2019?")
    listed = [c.paper_id for c in first.citations]
    assert len(listed) == 2
    turns = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.answer},
    ]  # the answer text alone is enough
    answer = extractive_bot.ask("which of those have code?", history=turns)
    papers = extractive_bot.portfolio_records().by_id
    expected = {i for i in listed if papers[i].has_code}
    assert answer.answerer == "portfolio", answer.answer
    assert {c.paper_id for c in answer.citations} == expected and expected
    assert "just discussed" in answer.answer and answer.question == "which of those have code?"


def test_tell_me_more_about_the_second_one_answers_about_that_paper(extractive_bot: QABot) -> None:
    first = extractive_bot.ask("What did she publish with DeepMind?")
    second = first.citations[1]
    turns = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.transcript()},
    ]
    answer = extractive_bot.ask("tell me more about the second one", history=turns)
    assert not answer.abstained, answer.answer
    assert {c.paper_id for c in answer.citations} == {second.paper_id}
    assert {s.paper_id for s in answer.sources} == {second.paper_id}, "only that paper is searched"
    assert second.title in answer.standalone_question


def test_the_seventh_of_two_papers_is_refused_through_the_bot(extractive_bot: QABot) -> None:
    """The issue's reproduction: a two-paper list, then "the 7th one"."""
    first = extractive_bot.ask("Which papers came out in 2019?")
    assert len(first.citations) == 2
    history = [{"role": "user", "content": first.question}, first.as_turn()]
    with pytest.raises(QuestionError, match="listed 2 papers, so there is no “the 7th one”"):
        extractive_bot.ask("tell me more about the 7th one", history)


def test_an_answer_that_only_cites_numbers_is_resolved_through_its_transcript(
    extractive_bot: QABot,
) -> None:
    first = extractive_bot.ask("How can robots learn what people want from their feedback?")
    assert len(first.citations) >= 1
    turns = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.transcript()},
    ]
    answer = extractive_bot.ask("tell me more about the first one", history=turns)
    assert [c.paper_id for c in answer.citations] == [first.citations[0].paper_id]


# -- citations kept as data ------------------------------------------------------------------


def test_a_turn_that_carries_its_citations_is_read_from_them_not_its_text() -> None:
    """Structured history: the papers are the turn's `citations`, whatever its text says."""
    turn = {
        "role": "assistant",
        "content": "- “Alpha Paper on Reward Models” [1]",
        "citations": ["p3", "p2", "missing-id", "p3"],
    }
    assert [p.paper_id for p in previous_papers([turn], PAPERS)] == ["p3", "p2"]
    follow = resolve_follow_up("tell me more about the first one", [turn], PAPERS)
    assert follow is not None and follow.paper_ids == ["p3"], "the text's list is not consulted"
    nothing = {
        "role": "assistant",
        "content": "- “Alpha Paper on Reward Models” [1]",
        "citations": [],
    }
    assert previous_papers([nothing], PAPERS) == [], "an empty citation list means no papers"


def test_an_answer_as_a_turn_lists_its_papers_in_reading_order() -> None:
    from qabot.domain.records import Answer, Citation

    answer = Answer(
        question="q",
        standalone_question="q",
        answerer="extractive",
        answer="Gamma [3]; alpha [1], and again [3]; beta [2, 3].",
        citations=[
            Citation(number=n, paper_id=f"p{n}", title=f"T{n}", text="x") for n in (1, 2, 3)
        ],
    )
    turn = answer.as_turn()
    assert turn["role"] == "assistant" and turn["citations"] == ["p3", "p1", "p2"]
    assert turn["content"] == answer.transcript(), "text-only callers keep the same content"


def test_follow_ups_through_the_api_use_the_turns_citations(extractive_bot: QABot) -> None:
    """The turn's text names no paper the text fallback could find; its citations do."""
    first = extractive_bot.ask("Which papers study recommender systems?")
    turn = first.as_turn()
    opaque = {**turn, "content": "(an answer kept by a client that rewrote its text)"}
    history = [{"role": "user", "content": first.question}, opaque]
    second = extractive_bot.ask("tell me more about the second one", history)
    assert [c.paper_id for c in second.citations] == [turn["citations"][1]]  # type: ignore[index]
    text_only = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": "(an answer kept by a client that rewrote its text)"},
    ]
    assert (
        extractive_bot.ask("tell me more about the second one", text_only).citations
        != second.citations
    )


def test_title_names_are_read_once_per_paper_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A follow-up looks a title's name up by the words it uses: the table of names is built
    once per paper table (a snapshot's), not once per question over every title."""
    from qabot.answering import followups
    from qabot.index.paper_table import PaperTable

    table = PaperTable.of(
        [
            Paper(paper_id="g2", title="Gemma 2: Improving Open Language Models", abstract="x"),
            Paper(paper_id="g25", title="Gemini 2.5: Pushing the Frontier", abstract="x"),
            Paper(paper_id="s", title="A Study of Many Things in Reward Learning", abstract="x"),
        ]
    )
    read: list[str] = []
    real = followups.name_in_title

    def counting(title: str) -> str | None:
        read.append(title)
        return real(title)

    monkeypatch.setattr(followups, "name_in_title", counting)
    first = followups._names_another("and gemini 2.5?", table[0], table)
    built = len(read)
    second = followups._names_another("and GEMINI 2.5 then?", table[0], table)
    assert first and second  # named in any case, as the question types it
    assert not followups._names_another("and gemma 2?", table[0], table)  # its own name
    assert not followups._names_another("and gemini 2.55?", table[0], table)  # not whole
    # the first call read every title; the three after it, only their own paper's
    assert built == len(table) + 1 and len(read) == built + 3
