"""How answers look in the chat: markers that jump to their source, cards, a statistic's table
and sources group, the quoted sentence marked, and separate Paper and Code links."""

from __future__ import annotations

import re

from qabot.domain.records import Answer, Citation, Paper, SearchHit, Table
from qabot.interfaces.web.render import (
    answer_messages,
    filter_chips,
    passage_html,
    quoted_sentence,
    table_markdown,
)

PASSAGE = (
    "Reward hacking is common. We define reward hacking by the correlation between proxy and "
    "true reward. Reward models are everywhere."
)


def _answer(answerer: str = "extractive", n: int = 2, **extra: object) -> Answer:
    citations = [
        Citation(number=i, paper_id=f"p{i}", title=f"Paper {i}", text=PASSAGE, authors="Ada")
        for i in range(1, n + 1)
    ]
    return Answer(
        question="q",
        standalone_question="q",
        answer="“Paper 1”: We define reward hacking by the correlation between proxy and true "
        "reward [1]. Also [2].",
        citations=citations,
        sources=[
            SearchHit(paper_id=f"p{i}", title=f"Paper {i}", score=1.0) for i in range(1, n + 1)
        ],
        answerer=answerer,
        **extra,  # type: ignore[arg-type]
    )


def test_each_marker_links_to_its_own_card_and_ids_are_unique_per_answer() -> None:
    first = answer_messages(_answer(), "reward hacking", turn=1)
    second = answer_messages(_answer(), "reward hacking", turn=2)
    text, cards = first[0]["content"], first[1]["content"]
    targets = re.findall(r'class="qabot-cite" href="#([^"]+)"', text)
    ids = re.findall(r'<details class="qabot-card" id="([^"]+)"', cards)
    assert targets == ids == ["qabot-t1-s1", "qabot-t1-s2"], (targets, ids)
    assert not set(ids) & set(re.findall(r'id="([^"]+)"', second[1]["content"]))
    assert cards.count(" open>") == 1, "the first card starts open"


def test_a_marker_without_a_source_stays_plain_text() -> None:
    answer = _answer(n=1)
    text = answer_messages(answer, "q", turn=1)[0]["content"]
    assert text.count("qabot-cite") == 1 and "\\[2\\]" in text


def test_the_quoted_sentence_is_marked_not_every_matching_word() -> None:
    answer = _answer()
    marked = passage_html(PASSAGE, answer.answer, "reward hacking")
    assert re.findall(r"<mark>(.*?)</mark>", marked) == [
        "We define reward hacking by the correlation between proxy and true reward."
    ]
    # An answer that quotes nothing: the sentence closest to the question instead.
    assert quoted_sentence(PASSAGE, "unrelated words", "reward models") == (
        "Reward models are everywhere."
    )
    assert quoted_sentence(PASSAGE, "", "zebra") is None


def test_of_two_quoted_sentences_the_one_the_answer_leads_with_is_marked() -> None:
    # A definition may quote the idea it rests on after it, though the abstract gives it first.
    passage = "Our key insight is that X holds. We introduce the thing that does Y."
    answer = "“P”: We introduce the thing that does Y [1]. Our key insight is that X holds [1]."
    assert quoted_sentence(passage, answer, "what is the thing?") == (
        "We introduce the thing that does Y."
    )


def test_a_statistic_shows_a_table_and_its_sources_as_one_closed_group() -> None:
    table = Table(
        columns=["Year", "Papers"], rows=[["2019", "2"], ["2020", "0"], ["2026 (so far)", "1"]]
    )
    answer = _answer(answerer="portfolio", n=16, table=table)
    text, sources = (m["content"] for m in answer_messages(answer, "How many per year?", turn=3))
    assert "| Year | Papers |\n|---|---:|\n| 2019 | 2 |\n| 2020 | 0 |" in text
    assert "| 2026 (so far) | 1 |" in text
    assert sources.startswith('<details class="qabot-sources"><summary>Sources (16)</summary>')
    assert " open" not in sources and "<blockquote>" not in sources, "no card or passage open"
    assert sources.count('class="qabot-card"') == 16, "each [n] still has a card to jump to"


def test_cards_link_the_paper_and_the_code_separately() -> None:
    paper = Paper(
        paper_id="p1",
        title="Paper 1",
        abstract="x",
        category="LG",
        has_code=True,
        urls=["https://github.com/a/b", "https://doi.org/10.1/x", "https://a.github.io/p"],
    )
    cards = answer_messages(_answer(n=1), "q", {"p1": paper}, turn=1)[1]["content"]
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">([^<]+)</a>', cards)
    assert [(url, name) for url, _, name in links] == [
        ("https://doi.org/10.1/x", "Paper"),
        ("https://github.com/a/b", "Code"),
        ("https://a.github.io/p", "Project page"),
    ]
    assert all(label.endswith("Paper 1") for _, label, _ in links), "each link says whose it is"
    assert "Machine Learning" in cards and ">code<" in cards


def test_tables_escape_their_cells_and_chips_their_words() -> None:
    md = table_markdown(Table(columns=["Name"], rows=[["a|b <i>"]]))
    assert md.splitlines()[2] == "| a\\|b &lt;i&gt; |"
    assert filter_chips([]) == ""
    chips = filter_chips(["from 2025 on", "in Machine Learning", "that link their code"])
    assert chips.count('class="qabot-chip"') == 3 and "<i>" not in filter_chips(["<i>"])
    # one chip a filter, though a clause joins its phrase without a comma
    assert (
        filter_chips(["from 2024", "that are technical reports"]).count('class="qabot-chip"') == 2
    )
