"""The extractive answerer copies cited sentences from its sources and nothing else."""

from __future__ import annotations

import re

from qabot.extractive import extractive_answer, extractive_sentences, split_sentences
from qabot.sources import SourceBlock

SOURCES = [
    SourceBlock(1, "a", "Robots That Ask", "Ann Lee, Bo Chen", 2023,
                "Robots often act without asking. We propose a robot that asks clarifying "
                "questions when a command is ambiguous. It halves the error rate in a kitchen."),
    SourceBlock(2, "b", "Kitchen Benchmarks", "Cy Dee", 2021,
                "We release a benchmark of kitchen tasks for household robots to be evaluated."),
]  # fmt: skip


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


def test_no_sources_no_answer() -> None:
    assert extractive_sentences("anything", []) == []


def test_sentence_splitting_keeps_abbreviations() -> None:
    parts = split_sentences("We use attention (Beltagy et al., 2020a) here. Then we test it well.")
    assert parts == ["We use attention (Beltagy et al., 2020a) here.", "Then we test it well."]
