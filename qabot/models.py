"""Structured records: papers and profiles in, answers and citations out.

The UI, CLI and tests render these; nothing in qabot returns bare strings for results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _not_bool(value: object) -> object:
    # pydantic takes True for 1; a flag where a number belongs is a caller's mistake.
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    return value


# A whole number: 2020 and 2020.0 pass, 1.5, "abc", NaN and True do not.
Whole = Annotated[int, BeforeValidator(_not_bool)]
# A year a question or filter may name: any four-digit year. Only 1..9999 fit a date, and
# larger numbers must not reach numpy's int columns or Chroma's int64 metadata.
FilterYear = Annotated[Whole, Field(ge=1, le=9999)]


class Paper(BaseModel):
    """One paper of the portfolio, as parsed from a profile page or a JSONL line."""

    model_config = ConfigDict(frozen=True)

    paper_id: str = Field(description="Stable id: the JSONL `id`, else a slug of the title.")
    title: str
    authors: list[str] = Field(default_factory=list, description="Listed authors, in order.")
    authors_truncated: bool = Field(
        default=False, description='True when the source list ended in "et al.".'
    )
    affiliations: list[str] = Field(default_factory=list)
    category: str | None = Field(default=None, description="arXiv-style code such as LG or CL.")
    date: dt.date | None = None
    date_precision: Literal["day", "month", "year"] | None = None
    date_inferred: bool = Field(
        default=False, description="True when the year was not printed and came from settings."
    )
    year: int | None = None
    has_code: bool = False
    abstract: str
    urls: list[str] = Field(default_factory=list)
    profile: str | None = Field(default=None, description="Name of the profile that lists it.")
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
    def display_date(self) -> str:
        """"Jul 31, 2024", "Mar 2024" or "2024", as precise as the source was."""
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
    source: str = ""


def normalise_category(code: str) -> str:
    """arXiv codes as the profile pages print them: "cs.LG" / "lg" -> "LG", "stat.ML" -> "ML"."""
    return code.strip().rsplit(".", 1)[-1].upper()


class Filters(BaseModel):
    """Metadata filters shared by search and ask. All are optional and combine with AND."""

    model_config = ConfigDict(extra="forbid")

    year_from: FilterYear | None = None
    year_to: FilterYear | None = None
    categories: list[str] | None = None
    author: str | None = Field(default=None, description="Case-insensitive substring.")
    has_code: bool | None = None

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                raise ValueError("must be category codes such as LG or CL")
            return [normalise_category(v) for v in value if v.strip()] or None
        return value

    @field_validator("author", mode="after")
    @classmethod
    def _author(cls, value: str | None) -> str | None:
        # "  " would match no name at all; an empty box means no author filter.
        return value.strip() or None if value is not None else None

    def is_empty(self) -> bool:
        return not any(v not in (None, [], "") for v in self.model_dump().values())


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
    authors: str = ""
    category: str | None = None
    has_code: bool = False
    url: str | None = None
    score: float = Field(description="Fused rank score (reciprocal rank fusion); higher is better.")
    relevance: float | None = Field(
        default=None, description="Best dense cosine similarity of its chunks; None if only BM25 found it."
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
    text: str = Field(description="The supporting passage shown to the model as source n.")


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

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")
