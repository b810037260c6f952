"""The extractive answerer copies cited sentences from its sources and nothing else."""

from __future__ import annotations

import re
from dataclasses import replace

from qabot.answering.extractive import (
    SURVEY_PAGE,
    THEMES_FROM,
    best_sentence,
    compare_lines,
    extractive_answer,
    extractive_sentences,
    split_sentences,
    survey_lines,
)
from qabot.answering.sources import SourceBlock

SOURCES = [
    SourceBlock(
        1,
        "a",
        "Robots That Ask",
        "Ann Lee, Bo Chen",
        2023,
        "Robots often act without asking. We propose a robot that asks clarifying "
        "questions when a command is ambiguous. It halves the error rate in a kitchen.",
    ),
    SourceBlock(
        2,
        "b",
        "Kitchen Benchmarks",
        "Cy Dee",
        2021,
        "We release a benchmark of kitchen tasks for household robots to be evaluated.",
    ),
]


def _strip(sentence: str) -> str:
    sentence = re.sub(r"^“[^”]+”( \(\d{4}\))?: ", "", sentence)
    return re.sub(r" \[\d+\]", "", sentence)


def test_every_sentence_is_copied_from_its_cited_source() -> None:
    for sentence in extractive_sentences("When does the robot ask clarifying questions?", SOURCES):
        number = int(re.search(r"\[(\d+)\]", sentence).group(1))  # type: ignore[union-attr]
        assert _strip(sentence) in SOURCES[number - 1].text


def test_the_best_matching_sentence_comes_first() -> None:
    answer = extractive_answer("Does asking clarifying questions help?", SOURCES)
    assert answer.startswith("“Robots That Ask” (2023): We propose a robot that asks clarifying")


def test_author_and_year_questions_use_the_source_header() -> None:
    assert "is by Ann Lee, Bo Chen [1]" in extractive_answer("Who wrote it?", SOURCES)
    assert "dates from 2023 [1]" in extractive_answer("What year was it published?", SOURCES)
    # dev16: a paper's day, where its metadata gives one ("When was Gemma Scope released?")
    dated = [replace(SOURCES[0], date="Aug 9, 2023"), *SOURCES[1:]]
    assert "is dated Aug 9, 2023 [1]" in extractive_answer("When did it come out?", dated)


def test_no_sources_no_answer() -> None:
    assert extractive_sentences("anything", []) == []


def test_sentence_splitting_keeps_abbreviations() -> None:
    parts = split_sentences("We use attention (Beltagy et al., 2020a) here. Then we test it well.")
    assert parts == ["We use attention (Beltagy et al., 2020a) here.", "Then we test it well."]


# -- surveys and comparisons ---------------------------------------------------------------


def _block(n: int, year: int = 2020, text: str = "") -> SourceBlock:
    text = text or (
        f"Robots are everywhere in study {n}. We propose method {n} for reward "
        f"learning from human preferences. It works well on task {n}."
    )
    return SourceBlock(n, f"p{n}", f"Paper {n}", "Ann Lee", year, text)


def _entries(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("- ")]


def test_a_survey_has_one_cited_entry_per_paper_with_its_title_and_year() -> None:
    lines = survey_lines("What has she done on reward learning?", SOURCES)
    assert lines[0] == "2 papers in the portfolio match this question, most relevant first:"
    entries = _entries(lines)
    assert entries[0].startswith("- “Robots That Ask” (2023): ") and entries[0].endswith("[1].")
    assert entries[1].startswith("- “Kitchen Benchmarks” (2021): ") and entries[1].endswith("[2].")
    for entry, block in zip(entries, SOURCES, strict=True):
        sentence = re.sub(r"^- “[^”]+” \(\d{4}\): | \[\d+\]", "", entry)
        assert sentence in split_sentences(block.text), "only sentences of the abstract"


def test_the_entry_sentence_is_the_contribution_on_the_topic_not_the_opening() -> None:
    block = _block(1)
    assert best_sentence("her work on reward learning", block) == (
        "We propose method 1 for reward learning from human preferences."
    )
    opening = SourceBlock(
        2,
        "q",
        "T",
        "A",
        2020,
        "Reward learning from people is hard to scale. "
        "Results are shown on three benchmark suites today.",
    )
    assert best_sentence("reward learning", opening).startswith("Reward learning"), (
        "the opening sentence is still chosen when it is the only one on the topic"
    )


def test_a_long_survey_shows_a_page_and_says_how_many_more() -> None:
    blocks = [_block(n) for n in range(1, SURVEY_PAGE + 4)]
    lines = survey_lines("reward learning", blocks)
    assert lines[0].startswith(f"{SURVEY_PAGE + 3} papers in the portfolio match")
    assert "3 more papers matched less closely:" in lines
    tail = lines[lines.index("3 more papers matched less closely:") + 1 :]
    assert tail == [f"- “Paper {n}” (2020) [{n}]." for n in range(SURVEY_PAGE + 1, SURVEY_PAGE + 4)]
    assert len(_entries(lines)) == SURVEY_PAGE + 3, "every paper is cited"


def test_many_entries_are_grouped_under_theme_headings() -> None:
    blocks = [_block(n) for n in range(1, THEMES_FROM + 2)]
    themes = {
        b.paper_id: ("reward, preferences" if b.number % 2 else "robots, tasks") for b in blocks
    }
    lines = survey_lines("reward learning", blocks, themes=themes)
    assert "### Reward, preferences" in lines and "### Robots, tasks" in lines
    assert lines.index("### Reward, preferences") < lines.index("### Robots, tasks"), (
        "the theme of the most relevant paper comes first"
    )
    few = survey_lines("reward learning", blocks[:THEMES_FROM], themes=themes)
    assert not any(line.startswith("###") for line in few), "a short list needs no headings"


def test_how_work_evolved_is_ordered_by_year() -> None:
    blocks = [_block(1, 2024), _block(2, 2019), _block(3, 2022)]
    lines = survey_lines("reward learning", blocks, chronological=True)
    assert lines[0].endswith("oldest first:")
    assert [e.split("”")[0] for e in _entries(lines)] == ["- “Paper 2", "- “Paper 3", "- “Paper 1"]
    lines = survey_lines("reward learning", blocks, chronological=True, newest_first=True)
    assert lines[0].endswith("newest first:")
    assert [e.split("”")[0] for e in _entries(lines)] == ["- “Paper 1", "- “Paper 3", "- “Paper 2"]


def test_a_comparison_cites_each_side_and_names_a_missing_one() -> None:
    lines = compare_lines("Compare robots that ask with AlphaFold", SOURCES, ["AlphaFold"])
    assert lines[0] == "The portfolio has no paper about AlphaFold."
    entries = _entries(lines)
    assert [e[-4:] for e in entries] == ["[1].", "[2]."]
