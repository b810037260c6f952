"""Portfolio statistics computed exactly from the parsed `Paper` and `Profile` records.

Top-k retrieval cannot count, list or rank a whole portfolio, so these questions are answered
from metadata. Author statistics cover the *listed* authors only: a list that ends in "et al."
is partial, and every figure that depends on authors says so when some list is.

The portfolio's owners are the people whose papers it holds, never their own co-authors: each
profile page's researcher, and the owner named for paper files (QABOT_OWNER or the corpus's
owner.txt), since a bibliography's entries say only who wrote each paper.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from pydantic import BaseModel, Field

from qabot.domain.filters import Filters, paper_matches
from qabot.domain.genres import paper_types
from qabot.domain.names import name_key
from qabot.domain.records import AuthorCount, Paper, Profile, Topic
from qabot.portfolio.themes import PaperVectors, find_topics


def when_published(paper: Paper) -> dt.date | None:
    """The paper's date, else the first day of its year (a JSONL record may give only a
    year), else None."""
    if paper.date is not None:
        return paper.date
    return dt.date(paper.year, 1, 1) if paper.year is not None and 1 <= paper.year <= 9999 else None


# Papers no profile lists: JSONL, BibTeX, CSL-JSON or RIS files.
JSONL_SOURCE = "paper files"


def year_rows(counts: dict[int, int], this_year: int | None = None) -> list[tuple[str, int]]:
    """Papers per year as (label, count) for every year from the first to the last, 0 for a
    year without papers (a chart or table that skipped it would hide the gap), the current
    year labelled as partial: its count is of the year so far."""
    if not counts:
        return []
    this_year = dt.date.today().year if this_year is None else this_year
    return [
        (f"{year} (so far)" if year == this_year else str(year), counts.get(year, 0))
        for year in range(min(counts), max(counts) + 1)
    ]


def owner_names(profiles: list[Profile], owner: str | None) -> list[str]:
    """Whose portfolio it is: each profile's researcher, then the named owner of the paper
    files unless she is one of them (her profile already names her)."""
    names = [p.name for p in profiles]
    if owner and name_key(owner) not in {name_key(n) for n in names}:
        names.append(owner)
    return names


class PortfolioReport(BaseModel):
    """What `bot.portfolio()` and `qabot stats --json` return."""

    profiles: list[Profile]
    owner: str | None = Field(
        default=None,
        description="The named owner of the paper files (QABOT_OWNER or owner.txt), if any.",
    )
    papers_indexed: int
    papers_stated: int | None = Field(
        description="The stated paper count of the one indexed profile. With several profiles "
        "it is None: each states its own (see `profiles`), and they share papers, so a sum "
        "would mean nothing."
    )
    papers_by_source: dict[str, int] = Field(
        default_factory=dict,
        description='Indexed papers per source: each profile\'s name, and "paper files" (JSONL, BibTeX, CSL-JSON, RIS) for '
        "papers no profile lists. A paper two profiles list counts for both.",
    )
    counts_by_year: dict[int, int]
    counts_by_category: dict[str, int]
    counts_by_affiliation: dict[str, int]
    papers_with_code: list[str] = Field(description="Titles of the papers that link their code.")
    top_coauthors: list[AuthorCount] = Field(
        description="Listed co-authors, owners left out: exact counts when "
        "truncated_author_lists is 0, else lower bounds."
    )
    truncated_author_lists: int = Field(description='Papers whose author list ends in "et al.".')
    earliest: str | None
    latest: str | None
    undated: int
    topics: list[Topic] = Field(default_factory=list, description="Main themes (k-means).")

    @property
    def owners(self) -> list[str]:
        """Whose portfolio it is: the profiles' researchers and the named owner."""
        return owner_names(self.profiles, self.owner)


class Portfolio:
    """Exact statistics over one index generation's papers. `owner` names the researcher the
    paper files belong to (see the module's docstring)."""

    def __init__(
        self, papers: list[Paper], profiles: list[Profile], owner: str | None = None
    ) -> None:
        self.papers = papers
        self.profiles = profiles
        self.owner = owner
        self.by_id = {p.paper_id: p for p in papers}
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self._author_papers: dict[str, list[str]] = defaultdict(list)
        for paper in papers:
            keys: set[str] = set()  # two spellings of one name on a paper count it once
            for author in dict.fromkeys(paper.authors):
                key = name_key(author)
                spellings[key][author] += 1
                if key not in keys:
                    keys.add(key)
                    self._author_papers[key].append(paper.paper_id)
        # The most common spelling names the person; ties go to the fuller form.
        self.display = {k: max(c, key=lambda s: (c[s], len(s))) for k, c in spellings.items()}
        self.owner_keys = {name_key(n) for n in owner_names(profiles, owner)}
        self._kinds: dict[str, frozenset[str]] | None = None

    # -- profiles (a lab indexes several) ------------------------------------------------------

    def profile(self, name: str) -> Profile | None:
        """The profile whose owner `name` names: the same person, else a part of the name."""
        key, needle = name_key(name), name.casefold().strip()
        return next((p for p in self.profiles if name_key(p.name) == key), None) or next(
            (p for p in self.profiles if needle and needle in p.name.casefold()), None
        )

    def scoped(self, name: str) -> Portfolio:
        """The portfolio of one profile: the papers its page lists, and its figures only. The
        named owner of the paper files is one of its co-authors there, unless she is its
        researcher."""
        profile = self.profile(name)
        if profile is None:
            return Portfolio([], [])
        papers = [p for p in self.papers if paper_matches(p, Filters(profile=profile.name))]
        return Portfolio(papers, [profile])

    def papers_by_source(self) -> dict[str, int]:
        """Indexed papers per profile, then those from paper files (no profile lists them)."""
        counts = {p.name: 0 for p in self.profiles}
        jsonl = 0
        for paper in self.papers:
            names = paper.profiles or ([paper.profile] if paper.profile else [])
            listed = [n for n in names if n in counts]
            for n in listed:
                counts[n] += 1
            jsonl += not listed
        return counts | ({JSONL_SOURCE: jsonl} if jsonl else {})

    # -- counts --------------------------------------------------------------------------------

    def counts_by_year(self) -> dict[int, int]:
        return dict(sorted(Counter(p.year for p in self.papers if p.year is not None).items()))

    def counts_by_category(self) -> dict[str, int]:
        counts = Counter(p.category for p in self.papers if p.category)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def counts_by_affiliation(self) -> dict[str, int]:
        counts = Counter(a for p in self.papers for a in dict.fromkeys(p.affiliations))
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def papers_stated(self) -> int | None:
        """The one profile's stated count; None with several (never a sum, see the report)."""
        return self.profiles[0].papers_stated if len(self.profiles) == 1 else None

    @property
    def truncated_author_lists(self) -> int:
        return sum(p.authors_truncated for p in self.papers)

    # -- selections ----------------------------------------------------------------------------

    def with_code(self) -> list[Paper]:
        return self.chronological([p for p in self.papers if p.has_code])

    def chronological(self, papers: list[Paper]) -> list[Paper]:
        """Oldest first; undated papers last, by title. A paper known only by its year sorts
        at the start of that year."""

        def key(p: Paper) -> tuple[bool, dt.date, str]:
            when = when_published(p)
            return when is None, when or dt.date.max, p.title

        return sorted(papers, key=key)

    def dated(self) -> list[Paper]:
        """Papers with a date or at least a year, oldest first."""
        return self.chronological([p for p in self.papers if when_published(p) is not None])

    def earliest(self) -> Paper | None:
        dated = self.dated()
        return dated[0] if dated else None

    def latest(self) -> Paper | None:
        dated = self.dated()
        return dated[-1] if dated else None

    def in_range(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Paper]:
        return [
            p
            for p in self.dated()
            if (start is None or when_published(p) >= start)  # type: ignore[operator]
            and (end is None or when_published(p) <= end)
        ]  # type: ignore[operator]

    def select(self, filters: Filters | None = None) -> list[Paper]:
        """Papers matching every filter, oldest first. Authors match as `papers_by` does
        (name variants are one person); the other filters decide as retrieval does."""
        filters = filters or Filters()
        names = filters.model_copy(update={"author": None, "coauthors": None, "paper_type": None})
        chosen = [p for p in self.papers if paper_matches(p, names)]
        if filters.paper_type:  # (`paper_matches` would read every abstract on every question)
            kinds = self.kinds()
            chosen = [p for p in chosen if filters.paper_type in kinds[p.paper_id]]
        for name in filters.authors():  # "papers by A and B": each of them listed
            ids = set(self.papers_by(name))
            chosen = [p for p in chosen if p.paper_id in ids]
        if filters.first_author and filters.author:  # … listed first: the papers they led
            keys = set(self.author_keys(filters.author))
            chosen = [p for p in chosen if p.authors and name_key(p.authors[0]) in keys]
        return self.chronological(chosen)

    def kinds(self) -> dict[str, frozenset[str]]:
        """Each paper's kinds (qabot.domain.genres), read from the abstracts on the first
        question that asks for a kind."""
        if self._kinds is None:
            self._kinds = {p.paper_id: paper_types(p.title, p.abstract) for p in self.papers}
        return self._kinds

    # -- authors -------------------------------------------------------------------------------

    def author_keys(self, query: str) -> list[str]:
        """Author identities matching a name: exact variant first, else a name part."""
        key = name_key(query)
        if key in self._author_papers:
            return [key]
        needle = query.casefold().strip()
        return sorted(
            k
            for k, shown in self.display.items()
            if needle and (needle in shown.casefold() or needle in k)
        )

    def papers_by(self, author: str) -> list[str]:
        ids: dict[str, None] = {}  # ordered and O(1) membership: an author may have thousands
        for key in self.author_keys(author):
            ids.update(dict.fromkeys(self._author_papers[key]))
        return list(ids)

    def coauthors(self, limit: int | None = 10, exclude_owner: bool = True) -> list[AuthorCount]:
        """Listed co-authors by number of shared papers (the owners left out)."""
        keys = [k for k in self._author_papers if not (exclude_owner and k in self.owner_keys)]
        # Rank on plain tuples and build records for the top only: a field has 100k+ authors.
        keys.sort(key=lambda k: (-len(self._author_papers[k]), self.display[k]))
        return [
            AuthorCount(
                name=self.display[k],
                papers=len(self._author_papers[k]),
                paper_ids=self._author_papers[k],
            )
            for k in keys[: limit or None]
        ]

    # -- topics --------------------------------------------------------------------------------

    def topics(self, vectors: PaperVectors, max_topics: int = 8) -> list[Topic]:
        return find_topics(self.papers, vectors, max_topics)

    # -- report --------------------------------------------------------------------------------

    def report(self, coauthors: int = 10) -> PortfolioReport:
        first, last = self.earliest(), self.latest()
        return PortfolioReport(
            profiles=self.profiles,
            owner=self.owner,
            papers_indexed=len(self.papers),
            papers_stated=self.papers_stated,
            papers_by_source=self.papers_by_source(),
            counts_by_year=self.counts_by_year(),
            counts_by_category=self.counts_by_category(),
            counts_by_affiliation=self.counts_by_affiliation(),
            papers_with_code=[p.title for p in self.with_code()],
            top_coauthors=self.coauthors(coauthors),
            truncated_author_lists=self.truncated_author_lists,
            earliest=f"{first.title} ({first.date or first.year})" if first else None,
            latest=f"{last.title} ({last.date or last.year})" if last else None,
            undated=sum(when_published(p) is None for p in self.papers),
        )
