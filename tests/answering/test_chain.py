"""The answer chain with the mock LLM: citations, invented markers, abstention, follow-ups."""

from __future__ import annotations

import re

from qabot import Answer, QABot
from qabot.answering.citations import CitationStreamFilter, parse_citations
from qabot.answering.followups import condense_heuristic
from qabot.answering.prompts import ABSTAIN_TEXT, CONDENSE_SYSTEM
from qabot.domain.records import SearchHit, date_order
from qabot.testing.mock_llm import MockChatModel
from tests.conftest import BPD_ID

BPD_QUESTION = "What is the Boltzmann policy distribution?"


def _hits(n: int) -> list[SearchHit]:
    return [
        SearchHit(paper_id=f"p{i}", title=f"T{i}", score=1.0, relevance=0.5)
        for i in range(1, n + 1)
    ]


def test_mock_answer_cites_the_right_paper(mock_bot: QABot, mock_llm: MockChatModel) -> None:
    answer = mock_bot.ask(BPD_QUESTION)
    assert not answer.abstained and answer.answerer == "mock"
    assert answer.citations[0].paper_id == BPD_ID
    for c in answer.citations:
        source = answer.sources[c.number - 1]
        assert (c.paper_id, c.title, c.year) == (source.paper_id, source.title, source.year)
        assert c.text and c.authors
        assert f"[{c.number}]" in answer.answer
    prompt = mock_llm.prompts[-1]
    assert '<source id="1">' in prompt and "Title: The Boltzmann Policy Distribution" in prompt


def test_invented_markers_are_dropped_from_text_and_list(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    mock_llm.enqueue("The BPD models systematic suboptimality [1]. It was invented on Mars [9].")
    answer = mock_bot.ask(BPD_QUESTION)
    assert "[9]" not in answer.answer and answer.answer.endswith("on Mars.")
    assert [c.number for c in answer.citations] == [1]
    assert answer.dropped_citations == [9]


def test_parse_citations_handles_groups_and_ranges() -> None:
    text, citations, dropped = parse_citations("A [1, 2]. B [2][7]. C [3;0].", _hits(3))
    assert text == "A [1][2]. B [2]. C [3]."
    assert [c.number for c in citations] == [1, 2, 3]
    assert dropped == [7, 0]


def test_markers_with_spaces_or_signs_are_read_and_checked_like_any_other() -> None:
    """Issue 29: "[-1]" and "[ 2 ]" survived into the answer though source 2 did not exist;
    "[ 1 ]" was left unlinked. Read, checked and written as "[n]", after and while streaming."""
    llm_text = "Claim [-1]. Other [ 2 ]. Good [ 1 ]. Both [ 1 , -1 ]. Signed [+1]."
    text, citations, dropped = parse_citations(llm_text, _hits(1))
    assert text == "Claim. Other. Good [1]. Both [1]. Signed [1]."
    assert [c.number for c in citations] == [1] and dropped == [-1, 2, -1]
    guard = CitationStreamFilter(sources=1)
    streamed = "".join(guard.feed(piece) for piece in re.findall(r".{1,3}", llm_text))
    streamed += guard.flush()
    assert re.sub(r"\s+([.])", r"\1", streamed) == text, "the stream shows the same markers"
    assert parse_citations("Not markers: [1-3], [ ], [a], [1.5].", _hits(3))[0] == (
        "Not markers: [1-3], [ ], [a], [1.5]."
    )


def test_markers_with_spaces_are_dropped_from_an_answer(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    mock_llm.enqueue("The BPD models systematic suboptimality [ 1 ]. Also on Mars [ 9 ] [-1].")
    answer = mock_bot.ask(BPD_QUESTION)
    assert answer.answer.endswith("suboptimality [1]. Also on Mars."), answer.answer
    assert answer.dropped_citations == [9, -1]


def test_off_topic_questions_abstain_without_citations(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    answer = mock_bot.ask("What's a good recipe for sourdough bread with a stiff starter?")
    assert answer.abstained and answer.citations == [] and answer.answer == ABSTAIN_TEXT
    assert mock_llm.prompts == [], "the model is not even asked when retrieval finds nothing"


def test_model_saying_the_sources_do_not_answer_is_an_abstention(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    mock_llm.enqueue("NOT IN PORTFOLIO")
    answer = mock_bot.ask(BPD_QUESTION)
    assert answer.abstained and answer.citations == [] and answer.answer == ABSTAIN_TEXT


def test_follow_up_resolves_through_history(mock_bot: QABot, mock_llm: MockChatModel) -> None:
    first = mock_bot.ask(BPD_QUESTION)
    history = [
        {"role": "user", "content": BPD_QUESTION},
        {"role": "assistant", "content": first.answer},
    ]
    follow = mock_bot.ask("Who wrote it?", history=history)
    assert CONDENSE_SYSTEM in mock_llm.prompts[-2], "the condense prompt went to the model"
    assert "Boltzmann" in follow.standalone_question
    assert follow.citations[0].paper_id == BPD_ID
    assert "Cassidy Laidlaw" in follow.answer


def test_condense_leaves_standalone_questions_alone() -> None:
    from langchain_core.messages import HumanMessage

    history = [HumanMessage("What is the Boltzmann policy distribution?")]
    assert (
        condense_heuristic("Which papers study robot grasping in cluttered scenes?", history)
        == "Which papers study robot grasping in cluttered scenes?"
    )
    assert condense_heuristic("who wrote it?", history).startswith("What is the Boltzmann")
    assert condense_heuristic("who wrote it?", []) == "who wrote it?"


def test_stream_yields_pieces_then_the_answer(mock_bot: QABot) -> None:
    items = list(mock_bot.stream(BPD_QUESTION))
    pieces, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and len(pieces) > 1
    assert "".join(pieces).strip() == final.answer


def test_stream_never_shows_an_invalid_marker(mock_bot: QABot, mock_llm: MockChatModel) -> None:
    mock_llm.enqueue("Grounded [1]. Invented [12].")
    text = "".join(i for i in mock_bot.stream(BPD_QUESTION) if isinstance(i, str))
    assert "[12]" not in text and "[1]" in text


def test_citation_stream_filter_holds_partial_markers() -> None:
    f = CitationStreamFilter(sources=3)
    assert f.feed("Hello [") == "Hello "
    assert f.feed("2") == ""
    assert f.feed("] and [9] end") == "[2] and  end"
    assert f.flush() == ""
    g = CitationStreamFilter(sources=3)
    assert g.feed("NOT IN") == "" and g.feed(" PORTFOLIO") == "" and g.flush() == ""


def test_extractive_bot_answers_offline_and_labels_itself(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(BPD_QUESTION)
    assert answer.answerer == "extractive"
    assert answer.citations[0].paper_id == BPD_ID
    source_text = " ".join(e.text for h in answer.sources for e in h.evidence)
    assert "We introduce the Boltzmann policy distribution (BPD)" in answer.answer
    assert "We introduce the Boltzmann policy distribution (BPD)" in source_text


def test_multi_turn_follow_ups_keep_the_topic(extractive_bot: QABot) -> None:
    history: list[dict[str, str]] = []
    for question in ("What is Dynalang?", "who wrote it?", "when was it published?"):
        answer = extractive_bot.ask(question, history=history)
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.answer},
        ]
    assert "Dynalang" in answer.standalone_question
    assert answer.citations[0].title == "Learning to Model the World with Language"
    assert "is dated Jul 31, 2023 [1]" in answer.answer


def test_markers_inside_an_abstract_never_become_citations(
    tmp_path,
    embeddings,  # type: ignore[no-untyped-def]
    write_jsonl,
) -> None:
    from tests.conftest import make_settings, paper_record

    write_jsonl(
        [
            paper_record(
                1,
                abstract="We study violins in depth. We show violins resonate as "
                "reported in [2] and cite [5] for everything.",
            ),
            paper_record(2),
        ]
    )
    bot = QABot(
        make_settings(
            tmp_path / "store", corpus=tmp_path / "corpus", retrieval={"min_relevance": 0.0}
        ),
        embeddings=embeddings,
    )
    answer = bot.ask("Do violins resonate as reported?")
    assert "as reported in (2)" in answer.answer and "(5)" in answer.answer
    assert [c.number for c in answer.citations] == [1]


# -- shapes: surveys and comparisons ---------------------------------------------------------


def _cited_titles(answer: Answer) -> set[str]:
    return {c.title.split(":")[0] for c in answer.citations}


def _entries(answer: Answer) -> list[str]:
    return [line for line in answer.answer.splitlines() if line.startswith("- ")]


def test_a_survey_cites_every_relevant_paper_as_its_own_entry(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Which papers study recommender systems?")
    assert {
        "Estimating and Penalizing Induced Preference Shifts in Recommender Systems",
        "CTRL-Rec",
    } <= _cited_titles(answer)
    entries = _entries(answer)
    assert len(entries) == len(answer.citations), "one entry per cited paper"
    assert answer.answer.startswith(f"{len(entries)} papers in the portfolio match this question")
    for c in answer.citations:
        entry = next(e for e in entries if f"[{c.number}]" in e)
        assert entry.startswith(f"- “{c.title}” ({c.year}): ")


def test_issue_reproductions_cover_more_than_the_top_paper(extractive_bot: QABot) -> None:
    feedback = _cited_titles(
        extractive_bot.ask("Summarize her work on learning from human feedback")
    )
    assert {
        "Time-Efficient Reward Learning via Visually Assisted Cluster Ranking",
        "Learning Optimal Advantage from Preferences and Mistaking it for Reward",
        "When Your AIs Deceive You",
        "On Targeted Manipulation and Deception when Optimizing LLMs for User Feedback",
    } <= feedback
    rlhf = extractive_bot.ask("What did she publish on RLHF in 2024?")
    assert {"Correlated Proxies", "When Your AIs Deceive You"} <= _cited_titles(rlhf)
    assert {c.year for c in rlhf.citations} == {2024}
    compare = extractive_bot.ask("Compare AssistanceZero with earlier assistance approaches")
    assert _cited_titles(compare) == {
        "AssistanceZero",
        "Learning to Assist Humans without Inferring Rewards",
    }, "both sides, and only earlier work"


def test_how_work_evolved_is_told_oldest_first(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("How has her work on reward learning evolved?")
    years = [c.year for e in _entries(answer) for c in answer.citations if f"[{c.number}]" in e]
    assert "oldest first" in answer.answer.splitlines()[0]
    page = years[:10]  # the full entries; any rest is listed by title after them
    assert page == sorted(page) and len(set(page)) > 2


def test_newest_first_is_an_order_not_the_latest_paper(extractive_bot: QABot) -> None:
    # "first" read as "the earliest paper": it answered with one paper
    listed = extractive_bot.ask("list her papers from 2025, newest first")
    assert "newest first" in listed.answer.splitlines()[0] and len(listed.citations) > 2
    shown = re.findall(r"” \((\w{3} \d{1,2}, \d{4})\)", listed.answer)
    dates = [date_order(d, None) for d in shown]
    assert len(dates) == len(listed.citations) and len(set(dates)) > 2
    assert dates == sorted(dates, reverse=True)
    oldest = extractive_bot.ask("list her papers from 2025, oldest first")
    assert [c.paper_id for c in oldest.citations] == [c.paper_id for c in listed.citations][::-1]
    survey = extractive_bot.ask("list the papers on assistive agents, latest first")
    assert survey.answer.splitlines()[0].endswith("newest first:")
    years = [c.year for e in _entries(survey) for c in survey.citations if f"[{c.number}]" in e]
    assert years == sorted(years, reverse=True) and len(set(years)) > 1


def test_a_focused_question_gets_no_survey_list(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(BPD_QUESTION)
    assert answer.citations[0].paper_id == BPD_ID
    assert not _entries(answer) and "papers in the portfolio match" not in answer.answer


def test_a_comparison_says_which_side_the_portfolio_lacks(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Compare Dynalang with AlphaFold")
    assert answer.answer.startswith("The portfolio has no paper about AlphaFold.")
    assert _cited_titles(answer) == {"Learning to Model the World with Language"}
    assert extractive_bot.ask("Compare sourdough starters with AlphaFold").abstained


def test_the_mock_gets_the_survey_prompt_with_every_selected_source(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    answer = mock_bot.ask("Which papers study recommender systems? Cite [7] too")
    prompt = mock_llm.prompts[-1]
    assert "ALL the papers of the portfolio" in prompt and "most relevant first" in prompt
    assert len(re.findall(r'<source id="\d+">', prompt)) == len(answer.sources) >= 2
    assert "Cite (7) too" in prompt, "the question is neutralised as in a focused answer"
    assert len(_entries(answer)) == len(answer.citations) == len(answer.sources)


def test_invented_markers_are_dropped_from_a_survey(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    mock_llm.enqueue(
        "2 papers match:\n- “A” (2022): Recommenders shift preferences [1].\n"
        "- “B”: It was invented on Mars [42]."
    )
    answer = mock_bot.ask("Which papers study recommender systems?")
    assert "[42]" not in answer.answer and answer.dropped_citations == [42]
    assert [c.number for c in answer.citations] == [1]


def test_the_mock_gets_the_compare_prompt_naming_the_missing_side(
    mock_bot: QABot, mock_llm: MockChatModel
) -> None:
    answer = mock_bot.ask("Compare Dynalang with AlphaFold")
    prompt = mock_llm.prompts[-1]
    assert "You compare two things" in prompt and "<missing>\nAlphaFold\n</missing>" in prompt
    assert answer.answer.startswith("The portfolio has no paper about AlphaFold.")
    assert answer.citations and not answer.abstained
