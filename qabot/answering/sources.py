"""Numbered sources: built from search hits and rendered into the prompt."""

from __future__ import annotations

from dataclasses import dataclass

from qabot.answering.prompts import SOURCE_TEMPLATE, neutralise
from qabot.domain.records import SearchHit
from qabot.domain.text import latex_to_text


@dataclass(frozen=True)
class SourceBlock:
    number: int
    paper_id: str
    title: str
    authors: str
    year: int | None
    text: str
    date: str | None = None  # "Jul 31, 2024", "Mar 2024", "2024": as precise as the source
    venue: str | None = None  # the journal or proceedings a paper file names, if any


def sources_from_hits(hits: list[SearchHit]) -> list[SourceBlock]:
    """Source n is the n-th hit; its text is the paper's best chunks, in evidence order.

    Text is neutralised here, once, for every answerer: an abstract saying "see [2]" must not
    become a citation of source 2, whether an LLM or the extractive answerer quotes it. Math
    written in LaTeX is rendered as text ("$10^{400}$" -> "10^400"), as a reader sees it."""
    return [
        SourceBlock(
            number=n,
            paper_id=h.paper_id,
            title=neutralise(latex_to_text(h.title)),
            authors=neutralise(h.authors),
            year=h.year,
            text=neutralise(latex_to_text(" … ".join(e.text for e in h.evidence))),
            date=h.date,
            venue=neutralise(h.venue) if h.venue else None,
        )
        for n, h in enumerate(hits, 1)
    ]


def format_sources(blocks: list[SourceBlock]) -> str:
    return "\n\n".join(
        SOURCE_TEMPLATE.format(
            number=b.number,
            title=b.title,
            authors=b.authors,
            year=b.year if b.year is not None else "unknown",
            date=b.date or (b.year if b.year is not None else "unknown"),
            venue=b.venue or "not given",
            text=b.text,
        )
        for b in blocks
    )
