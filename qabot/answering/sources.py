"""Numbered sources: built from search hits and rendered into the prompt."""

from __future__ import annotations

from dataclasses import dataclass

from qabot.answering.prompts import SOURCE_TEMPLATE, neutralise, unmarked
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

    Markers are taken out here, once, for every answerer: an abstract saying "see [2]" must
    not become a citation of source 2, whether an LLM or the extractive answerer quotes it.
    Tags are neutralised only in the prompt (`format_sources`): the extractive answer quotes
    "> 90%" as written, not "› 90%". Math written in LaTeX is rendered as text ("$10^{400}$"
    -> "10^400"), as a reader sees it."""
    return [
        SourceBlock(
            number=n,
            paper_id=h.paper_id,
            title=unmarked(latex_to_text(h.title)),
            authors=unmarked(h.authors),
            year=h.year,
            text=unmarked(latex_to_text(" … ".join(e.text for e in h.evidence))),
            date=h.date,
            venue=unmarked(h.venue) if h.venue else None,
        )
        for n, h in enumerate(hits, 1)
    ]


def format_sources(blocks: list[SourceBlock]) -> str:
    return "\n\n".join(
        SOURCE_TEMPLATE.format(
            number=b.number,
            title=neutralise(b.title),
            authors=neutralise(b.authors),
            year=b.year if b.year is not None else "unknown",
            date=b.date or (b.year if b.year is not None else "unknown"),
            venue=neutralise(b.venue) if b.venue else "not given",
            text=neutralise(b.text),
        )
        for b in blocks
    )
