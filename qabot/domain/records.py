"""Structured records: papers and profiles in, answers and citations out.

The UI, CLI and tests render these; nothing in qabot returns bare strings for results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# A citation marker's number as answers write it: "[1]", or each of a group "[1, 2]" / "[1; 3]".
_MARKER_GROUP = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def marker_order(text: str) -> list[int]:
    """The source numbers of the `[n]` markers in `text`, in order of first appearance."""
    numbers = (int(n) for m in _MARKER_GROUP.finditer(text) for n in re.split(r"\s*[,;]\s*", m[1]))
    return list(dict.fromkeys(numbers))


# A DOI link as the bibliography readers write it (https://doi.org/10.x/y); dx.doi.org too.
DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(?P<doi>10\.\S+)$", re.IGNORECASE)


def date_order(display: str | None, year: int | None) -> tuple[int, int, int]:
    """A `Paper.display_date` as a key to sort by ("Jul 31, 2024" -> (2024, 7, 31); "Mar 2024"
    and "2024" sort first in their month and year); undated last."""
    for fmt in ("%b %d, %Y", "%b %Y", "%Y"):
        try:
            when = dt.datetime.strptime(display or "", fmt)
        except ValueError:
            continue
        return (when.year, when.month if "%b" in fmt else 0, when.day if "%d" in fmt else 0)
    return (year or 9999, 0, 0)


class Paper(BaseModel):
    """One paper of the portfolio, as parsed from a profile page, a JSONL line or a
    bibliography entry (BibTeX, CSL-JSON, RIS).

    Fields added later have defaults, so a paper table written by an older version still
    reads; the next ingest rewrites it."""

    model_config = ConfigDict(frozen=True)

    paper_id: str = Field(description="Stable id: the JSONL `id`, else a slug of the title.")
    title: str
    authors: list[str] = Field(default_factory=list, description="Listed authors, in order.")
    authors_truncated: bool = Field(
        default=False, description='True when the source list ended in "et al.".'
    )
    affiliations: list[str] = Field(default_factory=list)
    category: str | None = Field(
        default=None,
        description="arXiv category: computer science's bare (LG, CL), another archive's "
        "whole (physics.ao-ph); see qabot.domain.taxonomy.normalise_category.",
    )
    date: dt.date | None = None
    date_precision: Literal["day", "month", "year"] | None = None
    date_inferred: bool = Field(
        default=False, description="True when the year was not printed and came from settings."
    )
    year: int | None = None
    has_code: bool = False
    abstract: str
    urls: list[str] = Field(default_factory=list, description="Links; a DOI as https://doi.org/...")
    venue: str | None = Field(default=None, description="Journal or proceedings it appeared in.")
    keywords: list[str] = Field(default_factory=list, description="Keywords from the source.")
    profile: str | None = Field(default=None, description="Name of the profile that lists it.")
    profiles: list[str] = Field(
        default_factory=list,
        description="Every profile that lists it (a lab's profiles share papers); `profile` is the first.",
    )
    source: str = Field(default="", description="File (and line) the record was read from.")

    @property
    def authors_display(self) -> str:
        """Authors joined for display, keeping the truncation visible."""
        text = ", ".join(self.authors) if self.authors else "unknown authors"
        return f"{text} et al." if self.authors_truncated else text

    @property
    def url(self) -> str | None:
        return self.urls[0] if self.urls else None

    @property
    def doi(self) -> str | None:
        """The DOI (lower-cased, as DOIs compare) of its first doi.org link, if any."""
        for url in self.urls:
            match = DOI_URL.match(url)
            if match:
                return match["doi"].lower()
        return None

    @property
    def display_date(self) -> str:
        """ "Jul 31, 2024", "Mar 2024" or "2024", as precise as the source was."""
        if self.date is None:
            return str(self.year) if self.year else "undated"
        if self.date_precision == "year":
            return str(self.date.year)
        if self.date_precision == "month":
            return self.date.strftime("%b %Y")
        return f"{self.date.strftime('%b')} {self.date.day}, {self.date.year}"

    def content_hash(self) -> str:
        """Hash of the text that is embedded: a change here means re-embedding."""
        return hashlib.sha1(f"{self.title}\x00{self.abstract}".encode()).hexdigest()


class Profile(BaseModel):
    """Profile-level figures as printed on the page. `papers_stated` may exceed what is listed."""

    name: str
    primary_category: str | None = None
    h_index: int | None = None
    papers_stated: int | None = Field(default=None, description="Paper count the page claims.")
    papers_listed: int = Field(default=0, description="Papers actually listed and parsed.")
    citations: int | None = None
    figures: dict[str, str] = Field(default_factory=dict, description="Other figures, verbatim.")
    paper_ids: list[str] = Field(default_factory=list, description="Ids of the papers it lists.")
    source: str = ""


class AuthorCount(BaseModel):
    name: str = Field(description="The most common spelling in the corpus.")
    papers: int
    paper_ids: list[str]


class Topic(BaseModel):
    label: str = Field(description="Most distinctive words of the cluster's titles and abstracts.")
    paper_ids: list[str]


class Evidence(BaseModel):
    """One chunk of a paper that matched the query."""

    chunk: int
    text: str
    score: float | None = Field(
        default=None, description="Dense cosine similarity; None when only BM25 matched it."
    )


class SearchHit(BaseModel):
    """A retrieved paper with its best chunks as evidence."""

    paper_id: str
    title: str
    year: int | None = None
    date: str | None = Field(
        default=None, description='As precise as its source: "Jul 31, 2024", "Mar 2024" or "2024".'
    )
    authors: str = ""
    category: str | None = None
    has_code: bool = False
    url: str | None = None
    venue: str | None = None
    score: float = Field(description="Fused rank score (reciprocal rank fusion); higher is better.")
    relevance: float | None = Field(
        default=None,
        description="Best dense cosine similarity of its chunks; None if only BM25 found it.",
    )
    lexical: float | None = Field(
        default=None,
        description="Best BM25 score of its chunks; None if only dense search found it.",
    )
    evidence: list[Evidence] = Field(default_factory=list)


class Citation(BaseModel):
    """A `[n]` marker in an answer, resolved to the paper and passage it points at."""

    number: int
    paper_id: str
    title: str
    year: int | None = None
    authors: str = ""
    url: str | None = None
    venue: str | None = None
    text: str = Field(description="The supporting passage shown to the model as source n.")


class Table(BaseModel):
    """A small table an answer carries as data (papers per year), for interfaces to draw."""

    columns: list[str]
    rows: list[list[str]]


# What opens a transcript's numbered source list (`Answer.transcript`).
SOURCES_LINE = "\nSources:"


def without_sources(transcript: str) -> str:
    """A transcript's answer text, without its numbered source list."""
    return transcript.split(SOURCES_LINE)[0]


class Answer(BaseModel):
    """What `QABot.ask` returns; `answer` keeps the `[n]` markers that `citations` resolve."""

    question: str
    standalone_question: str = Field(description="The question after follow-up condensing.")
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    sources: list[SearchHit] = Field(default_factory=list)
    abstained: bool = False
    answerer: str = Field(description="Which backend answered: openai, extractive, mock, ...")
    dropped_citations: list[int] = Field(
        default_factory=list, description="Markers removed because they pointed at no source."
    )
    shape: str | None = Field(
        default=None,
        description="The registered answer shape that answered it (focused, survey, count, …).",
    )
    unstated: str | None = Field(
        default=None,
        description="The detail asked for that the cited abstracts do not give (the answer "
        "says so), or None.",
    )

    table: Table | None = Field(
        default=None, description="The figures of a statistic answer as a table, or None."
    )

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")

    def cited_paper_ids(self) -> list[str]:
        """The cited papers in reading order: by where their first `[n]` marker stands."""
        by_number = {c.number: c.paper_id for c in self.citations}
        ordered = [by_number[n] for n in marker_order(self.answer) if n in by_number]
        ordered += [c.paper_id for c in self.citations]  # any marker the text lost
        return list(dict.fromkeys(ordered))

    def as_turn(self) -> dict[str, object]:
        """This answer as a chat-history turn that keeps its citations as data: the content is
        `transcript()` (for a model condensing a follow-up, and for callers that keep text
        only), and `citations` the cited papers' ids in reading order, which follow-ups such
        as "tell me more about the second one" resolve against."""
        turn: dict[str, object] = {
            "role": "assistant",
            "content": self.transcript(),
            "citations": self.cited_paper_ids(),
        }
        if self.shape:  # "how big was the study?" is about a focused answer's paper, not a list's
            turn["shape"] = self.shape
        if self.abstained:  # "which of those have code?" then has no list to pick from
            turn["abstained"] = True
        return turn

    def transcript(self) -> str:
        """The answer with its numbered source list, as plain text: what the `/chat` endpoint
        returns and what chat histories keep, so a follow-up ("the second one") can be
        resolved against the papers even when the answer itself only says [2]."""
        lines = [self.answer]
        if self.citations:
            lines.append(SOURCES_LINE)
            for c in self.citations:
                url = f" — {c.url}" if c.url else ""
                venue = f"{c.venue}, " if c.venue else ""
                lines.append(
                    f"[{c.number}] {c.title} ({venue}{c.year or 'n.d.'}) — {c.authors}{url}"
                )
        return "\n".join(lines)
