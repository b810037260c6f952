"""Numbered sources: built from search hits, rendered into the prompt, and read back by the mocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qabot.models import SearchHit
from qabot.prompts import SOURCE_TEMPLATE, neutralise

# A citation marker as answers write it: "[1]", or a group such as "[1, 2]" or "[1; 3]".
CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def marker_numbers(group: str) -> list[int]:
    """The source numbers in one marker's group ("1, 2" -> [1, 2])."""
    return [int(n) for n in re.split(r"\s*[,;]\s*", group)]


@dataclass(frozen=True)
class SourceBlock:
    number: int
    paper_id: str
    title: str
    authors: str
    year: int | None
    text: str


def sources_from_hits(hits: list[SearchHit]) -> list[SourceBlock]:
    """Source n is the n-th hit; its text is the paper's best chunks, in evidence order.

    Text is neutralised here, once, for every answerer: an abstract saying "see [2]" must not
    become a citation of source 2, whether an LLM or the extractive answerer quotes it."""
    return [
        SourceBlock(
            number=n, paper_id=h.paper_id, title=neutralise(h.title),
            authors=neutralise(h.authors), year=h.year,
            text=neutralise(" … ".join(e.text for e in h.evidence)),
        )  # fmt: skip
        for n, h in enumerate(hits, 1)
    ]


def format_sources(blocks: list[SourceBlock]) -> str:
    return "\n\n".join(
        SOURCE_TEMPLATE.format(
            number=b.number, title=b.title, authors=b.authors,
            year=b.year if b.year is not None else "unknown", text=b.text,
        )  # fmt: skip
        for b in blocks
    )


_BLOCK = re.compile(
    r'<source id="(?P<n>\d+)">\s*Title: (?P<title>.*?)\nAuthors: (?P<authors>.*?)\n'
    r"Year: (?P<year>.*?)\nText: (?P<text>.*?)\n</source>",
    re.DOTALL,
)
_QUESTION = re.compile(r"<question>\n(?P<q>.*?)\n</question>", re.DOTALL)


def parse_prompt(prompt: str) -> tuple[str, list[SourceBlock]]:
    """Read the question and sources back out of a rendered answer prompt (for mock models)."""
    match = _QUESTION.search(prompt)
    question = match["q"] if match else prompt
    blocks = [
        SourceBlock(
            number=int(m["n"]), paper_id="", title=m["title"], authors=m["authors"],
            year=int(m["year"]) if m["year"].isdigit() else None, text=m["text"],
        )  # fmt: skip
        for m in _BLOCK.finditer(prompt)
    ]
    return question, blocks
