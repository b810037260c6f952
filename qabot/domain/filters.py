"""Metadata filters and the one decision "does this paper pass?", for one paper
(`paper_matches`) or for many at once (`PaperColumns`). Below retrieval and the portfolio
statistics, which both decide it."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from qabot.domain.genres import TYPE_NAMES, PaperType, paper_types, type_clause
from qabot.domain.records import Paper
from qabot.domain.taxonomy import (
    affiliation_matches,
    affiliation_name,
    category_title,
    normalise_category,
)


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


class Filters(BaseModel):
    """Metadata filters shared by search and ask. All are optional and combine with AND."""

    model_config = ConfigDict(extra="forbid")

    year_from: FilterYear | None = None
    year_to: FilterYear | None = None
    categories: list[str] | None = None
    author: str | None = Field(default=None, description="Case-insensitive substring.")
    affiliation: str | None = Field(
        default=None, description='An institution, or part of its name ("DeepMind", "stanford").'
    )
    profile: str | None = Field(
        default=None,
        description="Only papers this profile lists (its owner's name, or part of it).",
    )
    has_code: bool | None = None
    paper_ids: list[str] | None = Field(
        default=None,
        description="Only these papers, by id: e.g. the list a follow-up question refers to.",
    )
    exclude_ids: list[str] | None = Field(
        default=None,
        description="Not these papers, by id: e.g. the last answer's, for 'what else …?'.",
    )
    # Last: the tools and the web API take the filters by position, in this order.
    coauthors: list[str] | None = Field(
        default=None,
        description="Only papers that also list each of these authors (case-insensitive "
        'substrings): with `author`, the papers they wrote together ("papers by A and B").',
    )
    first_author: bool | None = Field(
        default=None,
        description="With `author`: only papers that list that author first (the papers they "
        'led: "papers with Vivek Myers as first author").',
    )
    month: Annotated[Whole, Field(ge=1, le=12)] | None = Field(
        default=None,
        description="Only papers dated in this month (1-12), of the years the year filters let "
        'through ("November 2024": month 11, year 2024). A paper dated by its year alone does '
        "not pass: its month is not known.",
    )
    paper_type: PaperType | None = Field(
        default=None,
        description="Only papers of this kind, as their title and abstract show it "
        "(qabot.domain.genres): 'report', a model's technical report; 'position', a position "
        "or perspective paper; 'survey', a survey or review.",
    )

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                raise ValueError("must be category codes such as LG, CL or physics.ao-ph")
            return [normalise_category(v) for v in value if v.strip()] or None
        return value

    @field_validator("author", mode="after")
    @classmethod
    def _author(cls, value: str | None) -> str | None:
        # "  " would match no name at all; an empty box means no author filter.
        return value.strip() or None if value is not None else None

    @field_validator("coauthors", mode="before")
    @classmethod
    def _coauthors(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                raise ValueError("must be author names")
            return [v.strip() for v in value if v.strip()] or None
        return value

    def authors(self) -> list[str]:
        """Every author a paper must list: `author`, then `coauthors`."""
        return [*([self.author] if self.author else []), *(self.coauthors or [])]

    def years_in_words(self) -> str:
        """The year range as a phrase: "from 2025", "from 2021 to 2024", "from 2025 on", "up
        to 2020", or "" without one; with a month, "from November 2024" or "from November
        (2021 to 2024)"."""
        if self.month is None:
            return self._years()
        month = calendar.month_name[self.month]
        if self.year_from is not None and self.year_from == self.year_to:
            return f"from {month} {self.year_from}"
        years = self._years().removeprefix("from ")
        return f"from {month}" + (f" ({years})" if years else "")

    def _years(self) -> str:
        if self.year_from is not None and self.year_from == self.year_to:
            return f"from {self.year_from}"
        if self.year_from is not None and self.year_to is not None:
            return f"from {self.year_from} to {self.year_to}"
        if self.year_from is not None:
            return f"from {self.year_from} on"
        if self.year_to is not None:
            return f"up to {self.year_to}"
        return ""

    def in_words(self, one: bool = False) -> str:
        """The filters as a phrase after "papers": "from 2025 on, in Machine Learning, by Ada
        Lovelace, that link their code" (paper ids are the previous answer's papers); with
        `one`, after "paper" ("no paper that links its code"). Categories and affiliations by
        name, never by code or slug: people read this."""
        return join_clauses(self.phrases(one))

    def phrases(self, one: bool = False) -> list[str]:
        """`in_words`' phrases, one per filter (the web chat shows each as a chip)."""
        parts = [years] if (years := self.years_in_words()) else []
        if self.categories:
            parts.append(f"in {' or '.join(category_title(c) for c in self.categories)}")
        if names := self.authors():
            led = "led by" if self.first_author and self.author else "by"
            parts.append(f"{led} {' and '.join(names)}")
        if self.affiliation:
            parts.append(f"with {affiliation_name(self.affiliation)}")
        if self.profile:
            parts.append(f"on {self.profile}'s profile")
        if self.paper_ids is not None:
            parts.append("of the previous answer")
        if self.exclude_ids:
            parts.append("besides the previous answer's")
        if self.paper_type is not None:
            parts.append(type_clause(self.paper_type, one))
        if self.has_code is not None:
            links = "that links its code" if one else "that link their code"
            parts.append(links if self.has_code else "without linked code")
        return parts

    def only_papers(self) -> bool:
        """Only a list of papers (a follow-up's "those"), with no other filter."""
        return self.paper_ids is not None and self.model_copy(update={"paper_ids": None}).is_empty()

    def is_empty(self) -> bool:
        # An empty `paper_ids` is a filter that lets nothing through, not "no filter".
        given = [v for k, v in self.model_dump().items() if k != "paper_ids"]
        return self.paper_ids is None and not any(v not in (None, [], "") for v in given)


def join_clauses(parts: list[str]) -> str:
    """Phrases after "papers", with commas between; a clause after one phrase follows it
    without one ("from 2024 that are technical reports", not "from 2024, that are …")."""
    if len(parts) == 2 and parts[1].startswith("that "):
        return " ".join(parts)
    return ", ".join(parts)


def paper_matches(paper: Paper, filters: Filters) -> bool:
    """Does `paper` pass every filter? `PaperColumns.mask` decides the same for many at once."""
    if filters.year_from is not None and (paper.year is None or paper.year < filters.year_from):
        return False
    if filters.year_to is not None and (paper.year is None or paper.year > filters.year_to):
        return False
    if filters.categories and paper.category not in filters.categories:
        return False
    if filters.month is not None and known_month(paper.date, paper.date_precision) != filters.month:
        return False
    if filters.has_code is not None and paper.has_code != filters.has_code:
        return False
    for name in filters.authors():
        needle = name.casefold()
        if not any(needle in a.casefold() for a in paper.authors):
            return False
    led = paper.authors[0].casefold() if paper.authors else ""
    if filters.first_author and filters.author and filters.author.casefold() not in led:
        return False
    if filters.affiliation and not any(
        affiliation_matches(filters.affiliation, a) for a in paper.affiliations
    ):
        return False
    if filters.profile:
        needle = filters.profile.casefold()
        if not any(needle in p.casefold() for p in _profiles_of(paper.profiles, paper.profile)):
            return False
    if filters.exclude_ids and paper.paper_id in filters.exclude_ids:
        return False
    if filters.paper_type and filters.paper_type not in paper_types(paper.title, paper.abstract):
        return False
    return filters.paper_ids is None or paper.paper_id in filters.paper_ids


def known_month(date: dt.date | None, precision: str | None) -> int:
    """The month a paper is dated in, 0 when its date gives the year alone (or none)."""
    return date.month if date is not None and precision in ("day", "month") else 0


def _profiles_of(profiles: list[str], profile: str | None) -> list[str]:
    """A paper's profiles: papers indexed before `profiles` existed carry only `profile`."""
    return profiles or ([profile] if profile else [])


class PaperColumns:
    """A snapshot's filterable fields as arrays, so a filter over 100k papers is a few numpy
    operations rather than 100k Python calls on every filtered question."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.size = len(papers)
        # A stored paper table hands over its columns (qabot.index.paper_table): no `Paper` is made.
        column: Callable[[str], list[Any]] = getattr(papers, "column", None) or (
            lambda name: [getattr(p, name) for p in papers]
        )
        self.year = np.array([y if y is not None else -1 for y in column("year")], dtype=np.int64)
        self.category = np.array([c or "" for c in column("category")], dtype=object)
        self.has_code = np.array(column("has_code"), dtype=bool)
        self.paper_id = np.array(column("paper_id"), dtype=object)
        dates = zip(column("date"), column("date_precision"), strict=True)
        self.month = np.array([known_month(d, p) for d, p in dates], dtype=np.int8)
        # Each name-like field: its distinct values -> the papers that have them. A filter is
        # tested once per distinct value (a few thousand), not once per paper.
        self._values: dict[str, dict[str, list[int]]] = {
            "author": defaultdict(list),
            "first_author": defaultdict(list),
            "affiliation": defaultdict(list),
            "profile": defaultdict(list),
        }
        rows = zip(
            column("authors"),
            column("affiliations"),
            column("profiles"),
            column("profile"),
            strict=True,
        )
        for i, (authors, affiliations, profiles, profile) in enumerate(rows):
            for name in {a.casefold() for a in authors}:
                self._values["author"][name].append(i)
            if authors:
                self._values["first_author"][authors[0].casefold()].append(i)
            for name in set(affiliations):
                self._values["affiliation"][name].append(i)
            for name in {p.casefold() for p in _profiles_of(profiles, profile)}:
                self._values["profile"][name].append(i)
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._column = column
        self._kind_masks: dict[str, np.ndarray] | None = None

    def _mask(self, field: str, query: str) -> np.ndarray:
        needle = query.casefold()
        if (mask := self._masks.get((field, needle))) is None:
            mask = np.zeros(self.size, dtype=bool)
            for value, rows in self._values[field].items():
                hit = (
                    affiliation_matches(query, value) if field == "affiliation" else needle in value
                )
                if hit:
                    mask[rows] = True
            if len(self._masks) > 256:  # a small cache: the UI offers the same names
                self._masks.clear()
            self._masks[(field, needle)] = mask
        return mask

    def type_mask(self, paper_type: str) -> np.ndarray:
        """The papers of a kind (qabot.domain.genres), read from their texts on the first
        question that asks for a kind: most never do, and it reads every abstract."""
        if self._kind_masks is None:  # every kind's at once: one pass over the abstracts
            pairs = zip(self._column("title"), self._column("abstract"), strict=True)
            kinds = [paper_types(str(t or ""), str(a or "")) for t, a in pairs]
            self._kind_masks = {
                kind: np.array([kind in found for found in kinds], dtype=bool)
                for kind in TYPE_NAMES
            }
        return self._kind_masks[paper_type]

    def author_mask(self, author: str) -> np.ndarray:
        return self._mask("author", author)

    def names_mask(self, filters: Filters) -> np.ndarray | None:
        """The filters Chroma's metadata cannot express (authors, affiliation, profile, paper
        ids, month, kind), or None."""
        keep = self.month == filters.month if filters.month is not None else None
        if filters.paper_type is not None:
            kind = self.type_mask(filters.paper_type)
            keep = kind if keep is None else keep & kind
        asked = [("author", name) for name in filters.authors()]
        if filters.first_author and filters.author:
            asked.append(("first_author", filters.author))
        asked += [(field, getattr(filters, field)) for field in ("affiliation", "profile")]
        for field, query in asked:
            if query:
                mask = self._mask(field, query)
                keep = mask if keep is None else keep & mask
        if filters.paper_ids is not None:
            mask = np.isin(self.paper_id, list(filters.paper_ids))
            keep = mask if keep is None else keep & mask
        if filters.exclude_ids:
            mask = ~np.isin(self.paper_id, list(filters.exclude_ids))
            keep = mask if keep is None else keep & mask
        return keep

    def mask(self, filters: Filters) -> np.ndarray:
        """Which papers pass, the same decision as `paper_matches`."""
        keep = np.ones(self.size, dtype=bool)
        if filters.year_from is not None:
            keep &= self.year >= filters.year_from  # an unknown year (-1) fails
        if filters.year_to is not None:
            keep &= (self.year >= 0) & (self.year <= filters.year_to)
        if filters.categories:
            keep &= np.isin(self.category, list(filters.categories))
        if filters.has_code is not None:
            keep &= self.has_code == filters.has_code
        if (names := self.names_mask(filters)) is not None:
            keep &= names
        return keep
