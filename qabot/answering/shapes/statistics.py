"""The statistic shapes: questions answered exactly from the metadata, one class per kind
("how many …", "who does she publish with most?", "which papers from 2024?"). Each answer's
citations are the papers counted or listed; every number comes from `Portfolio`, nothing from
a model. Each class carries the pattern the deterministic router recognises it by."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import ClassVar

from qabot.answering.extractive import word_pairs
from qabot.answering.framing import NEWEST_FIRST, STUDY_PEOPLE, without_asking_lead
from qabot.answering.route import Route
from qabot.answering.shapes.base import FRAMING, StatisticShape
from qabot.domain.filters import Filters, join_clauses
from qabot.domain.genres import type_clause, type_name
from qabot.domain.links import code_link, page_link
from qabot.domain.names import name_key
from qabot.domain.records import Answer, Citation, Evidence, Paper, SearchHit, Table, Topic
from qabot.domain.taxonomy import affiliation_matches, affiliation_name, category_title
from qabot.portfolio.statistics import JSONL_SOURCE, Portfolio, when_published, year_rows

MAX_LISTED = 60  # longer lists are cut (and say so); counts stay exact
_CUE = re.compile(r"\bwe (propose|introduce|present|show|find|develop|study|release)", re.I)


def _opening(paper: Paper, chars: int = 400) -> str:
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paper.abstract)
    return next((s for s in sentences if _CUE.search(s)), sentences[0])[:chars]


def _only_code(f: Filters) -> bool:
    """The code filter is all that is asked of the papers just discussed ("is there code for
    it?", "did they release code?")."""
    return (
        bool(f.has_code) and f.model_copy(update={"paper_ids": None, "has_code": None}).is_empty()
    )


class Facts:
    """What every statistic answer is built from: the portfolio's records and themes, with the
    wording they share (the filters in words, where the counts come from, "none")."""

    def __init__(self, portfolio: Portfolio, topics: Callable[[], list[Topic]]) -> None:
        self.pf = portfolio
        self.topics = topics

    def cite(self, question: str, text: str, papers: list[Paper]) -> Answer:
        hits = [
            SearchHit(
                paper_id=p.paper_id,
                title=p.title,
                year=p.year,
                authors=p.authors_display,
                category=p.category,
                has_code=p.has_code,
                url=p.url,
                venue=p.venue,
                score=1.0,
                evidence=[Evidence(chunk=0, text=_opening(p))],
            )
            for p in papers
        ]
        citations = [
            Citation(
                number=n,
                paper_id=h.paper_id,
                title=h.title,
                year=h.year,
                authors=h.authors,
                url=h.url,
                venue=h.venue,
                text=h.evidence[0].text,
            )
            for n, h in enumerate(hits, 1)
            if f"[{n}]" in text
        ]
        return Answer(
            question=question,
            standalone_question=question,
            answer=text,
            citations=citations,
            sources=hits,
            answerer="portfolio",
        )

    def scope(self, route: Route, one: bool = False) -> str:
        """The filters in words: "from 2024, in the LG category, that link their code"; with
        `one`, of one paper ("that links its code")."""
        f = route.filters
        parts = [years] if (years := f.years_in_words()) else []
        if f.categories:
            many = len(f.categories) > 1
            labels = " or ".join(category_title(c) for c in f.categories)
            parts.append(f"in the arXiv categor{'ies' if many else 'y'} {labels}")
        if authors := f.authors():
            # each asked name as the portfolio spells it ("Stuart Russell or Stuart J. Russell")
            listed = [
                " or ".join(sorted({self.pf.display[k] for k in self.pf.author_keys(a)})) or a
                for a in authors
            ]
            many = len(listed) > 1
            role = "authors" if many else "an author"
            if f.first_author and f.author:  # "papers with Vivek Myers as first author"
                role = f"authors, {listed[0]} first" if many else "first author"
            parts.append(f"listing {' and '.join(listed)} as {role}")
        if f.affiliation:
            listed = sorted(
                {
                    a
                    for p in self.pf.papers
                    for a in p.affiliations
                    if affiliation_matches(f.affiliation, a)
                }
            )
            parts.append(
                f"listing {' or '.join(affiliation_name(a) for a in listed)} as an affiliation"
                if listed
                else f"listing an affiliation that matches “{f.affiliation}”"
            )
        if f.profile:
            owner = self.pf.profile(f.profile)
            parts.append(f"listed on {owner.name if owner else f.profile}'s profile")
        if f.paper_type:  # "that are technical reports"
            parts.append(type_clause(f.paper_type, one))
        if f.has_code:
            parts.append("that links its code" if one else "that link their code")
        if f.paper_ids is not None:
            n = len(f.paper_ids)
            # ("among the paper just discussed", "among the 2 papers just discussed")
            parts.insert(0, f"among the {f'{n} papers' if n != 1 else 'paper'} just discussed")
        if f.exclude_ids:
            # "what else has that author done?": the count leaves the last answer's papers out
            parts.append("besides the previous answer's")
        return join_clauses(parts)

    def stated(self) -> str:
        """Where the indexed papers come from, per source: each profile's own stated and listed
        counts (never summed: a lab's profiles share papers) and the paper files'."""
        sources, n = self.pf.papers_by_source(), len(self.pf.papers)
        profiles = self.pf.profiles
        if len(profiles) == 1 and JSONL_SOURCE not in sources:
            stated = profiles[0].papers_stated
            if stated and stated != n:
                return f" (the profile states {stated} papers; only the {n} it lists are indexed)"
            return ""
        parts = []
        for p in profiles:
            stated = f"states {p.papers_stated} papers and " if p.papers_stated is not None else ""
            parts.append(f"{p.name}'s profile {stated}lists {sources.get(p.name, 0)}")
        if JSONL_SOURCE in sources:
            n_files = sources[JSONL_SOURCE]
            parts.append(f"{n_files} come{'s' if n_files == 1 else ''} from paper files")
        return f" ({'; '.join(parts)})" if parts else ""

    def none(self, question: str, route: Route) -> Answer:
        f = route.filters
        if unknown := [a for a in f.authors() if not self.pf.author_keys(a)]:
            text = f"None in the indexed portfolio: no listed author matches “{unknown[0]}”."
            if truncated := self.pf.truncated_author_lists:  # complete lists hide no one
                text += (
                    " Author statistics cover the listed authors only; "
                    f"{truncated} of the {len(self.pf.papers)} author lists end in “et al.”."
                )
        elif f.paper_ids is not None:
            wanted = set(f.paper_ids)
            picked = [p for p in self.pf.papers if p.paper_id in wanted]
            if len(picked) == 1 and _only_code(f):  # "is there code for it?"
                paper = picked[0]
                # … but a project page it links may hold the code ("minaek.github.io/…").
                page = page_link(paper.urls)
                also = f", but links a page: {page}" if page else ""
                text = f"“{paper.title}” ({paper.display_date}) does not link its code{also} [1]."
                return self.cite(question, text, picked)
            text = f"None in the indexed portfolio: there are no papers {self.scope(route)}."
        else:
            years = sorted(self.pf.counts_by_year())
            # (the span says why a year range found nothing; it says nothing of an author)
            dated = f.year_from is not None or f.year_to is not None
            span = f" (the indexed papers span {years[0]}–{years[-1]})" if years and dated else ""
            text = f"None in the indexed portfolio: there are no indexed papers {self.scope(route)}{span}."
        return self.cite(question, text, [])

    def listing(self, papers: list[Paper], summaries: bool = False, links: bool = False) -> str:
        """The papers as list lines; with `links`, each with its code link ("is there code
        for it?" wants the link, not only the title)."""
        lines = []
        for n, p in enumerate(papers[:MAX_LISTED], 1):
            line = f"- “{p.title}” ({p.display_date}) [{n}]"
            if links and (code := code_link(p.urls)):
                line += f": code at {code}"
            lines.append(f"{line}: {_opening(p, 300)}" if summaries else line)
        if len(papers) > MAX_LISTED:
            lines.append(f"- … and {len(papers) - MAX_LISTED} more (see `qabot stats --json`).")
        return "\n".join(lines)

    def total(self, route: Route) -> int:
        """What "n of N" counts against: the previous answer's papers, or all."""
        ids = route.filters.paper_ids
        return len(set(ids) & set(self.pf.by_id)) if ids is not None else len(self.pf.papers)

    def select(self, route: Route) -> list[Paper]:
        f = route.filters
        return self.pf.select(f)

    def author_note(self, route: Route) -> str:
        """The caveat of a count by author, when some author list is cut short: any paper's
        list, since a list cut short may hide the author on a paper not counted."""
        f = route.filters
        if not f.authors() or not self.pf.truncated_author_lists:
            return ""
        if f.first_author and not f.coauthors:
            return ""  # a list cut short still shows who is first
        return (
            " Listed authors only: author lists that end in “et al.” may hide more of their papers."
        )

    @staticmethod
    def author_basis(papers: list[Paper]) -> str:
        """What co-author counts over `papers` are: lower bounds when some author list ends in
        "et al.", exact when every list is complete."""
        n, truncated = len(papers), sum(p.authors_truncated for p in papers)
        if truncated:
            return (
                f"These counts cover the listed authors only: {truncated} of the {n} author "
                "lists end in “et al.”, so they are lower bounds."
            )
        lists = "the author list is" if n == 1 else f"all {n} author lists are"
        return f"These counts are exact: {lists} complete."


# Whose figures a question asks for: "Geoffrey Hinton's h-index", "the citations of Yann
# LeCun", "how many citations does Yann LeCun have?" (a capitalised name of two to four words)
_PERSON = r"([A-Z][\w'’-]+(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]+)){1,3})"
_WHOSE_FIGURES = re.compile(
    rf"{_PERSON}(?:'s|’s)\s+(?:h-?index|citations?|citation count|novelty|ai score)\b|"
    rf"\b(?:h-?index|citations?|citation count)\s+(?:of|for)\s+{_PERSON}|"
    rf"\b(?:does|has|did)\s+{_PERSON}\s+(?:have|get|got|received)\b"
)


def _someone_else(question: str, route: Route, pf: Portfolio) -> str | None:
    """The person a figures question names when no indexed profile is theirs (the figures
    are the profile owner's; a co-author's or a stranger's are not in the portfolio)."""
    named = route.author_query if route.filters.author else None
    if named is None and (match := _WHOSE_FIGURES.search(question)):
        # "What's Anca Dragan's h-index?": a capitalised asking word opens no name
        words = without_asking_lead(next(g for g in match.groups() if g).split())
        named = " ".join(words) if len(words) >= 2 else None
    if named is None:
        return None
    owners = {name_key(p.name) for p in pf.profiles}
    return None if name_key(named) in owners else named


class Figures(StatisticShape):
    name: ClassVar[str] = "figures"
    description: ClassVar[str] = "the profile's own figures: h-index, citations, stated paper count"
    whole_portfolio: ClassVar[bool] = True
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"h-?index|\bcitations?\b|\bcited\b|\bnovelty\b|\bai score\b|"
        r"\bpapers? (does|do) [^?]{1,40}?\bprofile\b|\bprofiles? (lists?|states?|says?|shows?|claims?)\b",
        re.I,
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        other = _someone_else(question, route, facts.pf)
        if other is not None:  # "What's Geoffrey Hinton's h-index?" is not the owner's
            owners = " and ".join(f"{p.name}'s" for p in facts.pf.profiles)
            text = f"The portfolio does not give {other}'s figures" + (
                f": the profile figures it has are {owners}." if owners else "."
            )
            return facts.cite(question, text, []).model_copy(update={"abstained": True})
        if not facts.pf.profiles:
            return facts.cite(
                question,
                "None in the indexed portfolio: no profile page with "
                "figures is indexed (JSONL papers carry none).",
                [],
            )
        parts = []
        for p in facts.pf.profiles:
            stated_facts = [
                f"an h-index of {p.h_index}" if p.h_index is not None else None,
                f"{p.citations:,} citations" if p.citations is not None else None,
                f"{p.papers_stated} papers" if p.papers_stated is not None else None,
            ]
            stated = ", ".join(f for f in stated_facts if f) or "no figures"
            extra = "; ".join(f"{k} {v}" for k, v in p.figures.items() if v)
            parts.append(
                f"{p.name}'s profile states {stated}"
                + (f" (also: {extra})" if extra else "")
                + f"; {p.papers_listed} of its papers are listed on the page and indexed."
            )
        return facts.cite(question, " ".join(parts), [])


class Coauthors(StatisticShape):
    name: ClassVar[str] = "coauthors"
    description: ClassVar[str] = "the most frequent co-authors"
    whole_portfolio: ClassVar[bool] = True
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        # "Who co-authored the paper on X?" asks for one paper's authors (who-when).
        r"^(?!.*\b(?:(?:co-?authored|wrote|written) it|(?:the|that|this)\b[^?]{0,60}?\b(?:paper|article|study))\b).*?(?:"
        r"\bco-?authors\b|\b(most|top|frequent|main)\b[^?]*\bco-?author\b|"
        r"\bwho\b[^?]*\b(co-?author|collaborat\w*)|\bcollaborators\b|"
        r"\bwho\b[^?]*\b(publish|work|write|wrote)\w*\s+(the\s+)?(most\s+)?"
        r"(often\s+)?with\b|\bwho\b.*\bwith\b.*\bmost\b)",
        re.I,
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        papers = facts.select(route)
        exclude = set(facts.pf.owner_keys)
        if route.filters.author:
            exclude |= set(facts.pf.author_keys(route.filters.author))
            if not facts.pf.author_keys(route.filters.author):
                return facts.none(question, route)
        counts: Counter[str] = Counter()
        shared: dict[str, list[Paper]] = {}
        for paper in papers:
            for author in dict.fromkeys(paper.authors):
                key = name_key(author)
                if key not in exclude:
                    counts[key] += 1
                    shared.setdefault(key, []).append(paper)
        if not counts:
            return facts.none(question, route)
        top = sorted(counts, key=lambda k: (-counts[k], facts.pf.display[k]))[:5]
        cited: list[Paper] = []
        for key in top[:3]:
            cited += [p for p in shared[key] if p not in cited]
        number = {p.paper_id: n for n, p in enumerate(cited, 1)}
        rows = []
        for rank, key in enumerate(top):
            # The top three are cited in full; the rest are named with their counts only.
            marks = "".join(f"[{number[p.paper_id]}]" for p in shared[key]) if rank < 3 else ""
            papers_word = "paper" if counts[key] == 1 else "papers"
            rows.append(
                f"{facts.pf.display[key]} ({counts[key]} {papers_word}{' ' + marks if marks else ''})"
            )
        owner = facts.pf.profiles[0].name if route.filters.profile and facts.pf.profiles else None
        # A file corpus's named owner is the one person whose co-authors these are; in a lab
        # (profiles besides her) the whole portfolio's are nobody's in particular.
        sole = facts.pf.owner if not facts.pf.profiles else None
        named = route.filters.author or owner or sole
        whose = f"{named}'s" if named else "The"
        # "how many co-authors does she have?": how many, then who most often
        many = (f"{len(counts)} different listed co-author{'s' if len(counts) != 1 else ''}. "
                if _PEOPLE_COUNTED.search(question) else "")  # fmt: skip
        text = (
            f"{many}{whose} most frequent listed co-authors{' ' + facts.scope(route) if route.filters.year_from else ''}: "
            f"{'; '.join(rows)}. {facts.author_basis(papers)}"
        )
        return facts.cite(question, text, cited)


class Affiliations(StatisticShape):
    name: ClassVar[str] = "affiliations"
    description: ClassVar[str] = "the affiliations the papers list, ranked"
    whole_portfolio: ClassVar[bool] = True
    ranks_affiliations: ClassVar[bool] = True
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"\baffiliations?\b|\binstitutions?\b|\buniversities\b", re.I
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        papers = facts.select(route)
        counts: Counter[str] = Counter(a for p in papers for a in dict.fromkeys(p.affiliations))
        if not counts:
            return facts.cite(
                question,
                "None in the indexed portfolio: no indexed paper lists an affiliation.",
                [],
            )
        top = sorted(counts, key=lambda a: (-counts[a], a))[:8]
        first = [p for p in papers if top[0] in p.affiliations]
        marks = "".join(f"[{n}]" for n in range(1, len(first) + 1))
        rows = "; ".join(f"{affiliation_name(a)} ({counts[a]})" for a in top)
        listed = sum(bool(p.affiliations) for p in papers)
        text = (
            f"Affiliations by number of papers: {rows}. The most frequent, "
            f"{affiliation_name(top[0])}, is on "
            f"{counts[top[0]]} papers {marks}. Only {listed} of the {len(papers)} papers "
            "list affiliations at all."
        )
        return facts.cite(question, text, first)


class Years(StatisticShape):
    name: ClassVar[str] = "years"
    description: ClassVar[str] = "papers per year, and the busiest year"
    whole_portfolio: ClassVar[bool] = True
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"\b(which|what) year\b[^?]*\b(most|fewest|least)\b|\bper year\b|"
        r"\bby year\b|\beach year\b|\btimeline\b|"
        # "How did their thinking about X evolve over the years?" is a survey in year order;
        # "how did her publication count / output change over the years?" is this.
        # ("How has their dialogue-agent research developed over the years?" is a survey too)
        r"^(?!.*\b(?:evolv\w*|changed?|shift\w*|develop\w*|progress\w*|matur\w*)\b).*\bover the years\b|"
        r"\b(?:publications?|papers?|output|count|number|productivity|rate)\b.*\b(?:evolv\w*|changed?|"
        r"develop\w*|grow\w*|grown)\b.*\bover the years\b",
        re.I,
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        papers = facts.select(route)
        counts: Counter[int] = Counter(p.year for p in papers if p.year is not None)
        if not counts:
            return facts.none(question, route)
        peak = max(counts.values())
        best = sorted(y for y, n in counts.items() if n == peak)
        top = [p for p in papers if p.year in best]
        # Every year of the span, 0 included, and the current one marked as the year so far.
        rows = year_rows(dict(counts))
        by_year = ", ".join(f"{label}: {n}" for label, n in rows)
        scope = f" {facts.scope(route)}" if facts.scope(route) else ""
        marks = "".join(f"[{n}]" for n in range(1, len(top) + 1))
        text = (
            f"Indexed papers per year{scope}: {by_year}{facts.stated()}. The most were in "
            f"{' and '.join(map(str, best))} ({peak} papers {marks})."
        )
        answer = facts.cite(question, text, top)
        table = Table(columns=["Year", "Papers"], rows=[[label, str(n)] for label, n in rows])
        return answer.model_copy(update={"table": table})


class Topics(StatisticShape):
    name: ClassVar[str] = "topics"
    description: ClassVar[str] = "the portfolio's main themes"
    whole_portfolio: ClassVar[bool] = True
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"\b(themes?|topics|research areas|areas of (her |his |their )?research|"
        r"research agenda)\b|\bwhat (does|do) (she|he|they|the group|this group|"
        r"the lab) (mainly |mostly )?(work on|research|study)\b",
        re.I,
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        # Themes are found over the whole index; a profile's are those of its papers.
        topics = [
            Topic(label=t.label, paper_ids=[i for i in t.paper_ids if i in facts.pf.by_id])
            for t in facts.topics()
        ]
        topics = [t for t in topics if t.paper_ids]
        if not topics:
            return facts.none(question, route)
        cited: list[Paper] = []
        rows = []
        for t in topics:
            marks = []
            for pid in t.paper_ids[:3]:
                cited.append(facts.pf.by_id[pid])
                marks.append(f"“{facts.pf.by_id[pid].title}” [{len(cited)}]")
            n = len(t.paper_ids)
            rows.append(f"- {t.label} ({n} paper{'s' if n > 1 else ''}), e.g. {'; '.join(marks)}")
        text = (
            "Main themes of the indexed papers (k-means clusters of the paper embeddings, "
            "named by their most distinctive words):\n" + "\n".join(rows)
        )
        return facts.cite(question, text, cited)


class Earliest(StatisticShape):
    name: ClassVar[str] = "earliest"
    description: ClassVar[str] = "the earliest paper"
    # … not "first author?" (who wrote it)
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        # (not an order asked for: "list them oldest to newest")
        r"\b(earliest|oldest|first)\b(?![\s-]*author)(?!\s+to\s+(?:the\s+)?(?:newest|latest|most recent))"
        r"(?<!listed first)(?<!named first)",
        re.I,
    )
    latest: ClassVar[bool] = False

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        dated = [p for p in facts.select(route) if when_published(p) is not None]
        if not dated:
            return facts.none(question, route)
        paper = dated[-1] if self.latest else dated[0]
        which = self.name
        scope = f" {facts.scope(route, one=True)}" if facts.scope(route) else ""
        text = f"The {which} indexed paper{scope} is “{paper.title}” ({paper.display_date}) [1]."
        if paper.date_inferred:
            text += (
                f" Its date was printed without a year; {paper.year} is the profile's "
                "snapshot year."
            )
        return facts.cite(question, text, [paper])


class Latest(Earliest):
    name: ClassVar[str] = "latest"
    description: ClassVar[str] = "the latest paper"
    # … or "which came out last?" (dev19: searched for "came out last" among the list)
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"(?<!oldest to )(?<!earliest to )(?<!oldest to the )\b(latest|newest|most recent(?:ly)?)\b|"
        r"\b(?:came|come|published|released|appeared)\s+"
        r"(?:out\s+)?last\b",
        re.I,
    )
    latest: ClassVar[bool] = True


class Count(StatisticShape):
    name: ClassVar[str] = "count"
    description: ClassVar[str] = "how many papers (match)"
    bare_categories: ClassVar[bool] = True
    lists_papers: ClassVar[bool] = True
    # … of papers, not of people in a study ("the one with a user study - how many people?")
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        rf"\b(?:how many|number of)\b(?!\s+(?:{STUDY_PEOPLE}|players|teachers|students)\b)"
        # … nor of one paper's authors ("how many authors?" after a paper: who wrote it)
        r"(?!\s+(?:authors|co-?authors)\s*(?:\?|$|(?:does|did|has|had|on|of|for|in)\s+"
        r"(?:it|that|this|the|“)))|\bcount\b",
        re.I,
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        papers, total = facts.select(route), facts.total(route)
        if _PEOPLE_COUNTED.search(question):
            return self.people(question, route, facts, papers)
        if route.filters.is_empty():
            by_year = ", ".join(f"{y}: {n}" for y, n in facts.pf.counts_by_year().items())
            text = f"{total} papers are indexed{facts.stated()}. By year: {by_year}."
            return facts.cite(question, text, [])
        if not papers:
            return facts.none(question, route)
        f = route.filters
        if f.only_papers():
            # "how many is that?" after a list: its size ("Indexed papers among the 5 papers
            # just discussed: 5 of 5")
            n = len(papers)
            text = f"That is {n} paper{'s' if n != 1 else ''}:\n{facts.listing(papers)}"
            return facts.cite(question, text, papers)
        text = (
            # (what the profile states is the portfolio's size: no part of a count of the papers
            # just discussed)
            f"Indexed papers {facts.scope(route)}: {len(papers)} of {total}"
            f"{facts.stated() if route.filters.paper_ids is None else ''}."
            f"{facts.author_note(route)}\n{facts.listing(papers, links=bool(route.filters.has_code))}"
        )
        return facts.cite(question, text, papers)

    @staticmethod
    def people(question: str, route: Route, facts: Facts, papers: list[Paper]) -> Answer:
        """How many different people the papers list ("how many authors are there?", "how many
        co-authors does she have?"): the owners left out, as listed (a list cut short hides
        names). It answered with the count of papers."""
        if not papers:
            return facts.none(question, route)
        owners = facts.pf.owner_keys
        people = {name_key(a) for p in papers for a in p.authors} - owners - {""}
        cut = sum(p.authors_truncated for p in papers)
        scope = facts.scope(route)
        text = (
            f"The {len(papers)} indexed papers{' ' + scope if scope else ''} list {len(people)} different "
            f"co-author{'s' if len(people) != 1 else ''} besides the portfolio's owner"
            + (f" (listed authors only: {cut} author lists end in “et al.”, so there are more)."
               if cut else ".")
        )  # fmt: skip
        return facts.cite(question, text, [])


# "how many authors are there?", "number of co-authors": people, not papers
_PEOPLE_COUNTED = re.compile(
    r"\b(?:how many|number of)\s+(?:different\s+|distinct\s+|unique\s+)?(?:authors|co-?authors|"
    r"collaborators|researchers)\b(?!\s*(?:\?|$|(?:does|did|has|had|on|of|for|in)\s+"
    r"(?:it|that|this|the\s+(?:paper|study|work)|“)))",
    re.I,
)


class List(StatisticShape):
    name: ClassVar[str] = "list"
    description: ClassVar[str] = "the matching papers"
    lists_papers: ClassVar[bool] = True
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"\blist\b|\bshow (me )?\b|\b(which|what)\b[^?.]*\b(papers|publications)\b|"
        # "now sort them newest first", "put them in order" (the last list, reordered)
        r"\b(?:sort|order|arrange|rank|re-?order|put)\s+(?:them|those|these)\b|"
        r"\ball (of )?(the |her |his |their )?(papers|publications|work)\b|"
        r"\beverything\b|\bpapers (by|from|with|in|that)\b|"
        r"\bwhat (did|has|have) (she|he|they|\w+ \w+) (publish|published|written)\b",
        re.I,
    )
    summaries: ClassVar[bool] = False

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        papers = facts.select(route)
        f = route.filters
        if f.paper_type and f.paper_ids is not None and len(set(f.paper_ids)) == 1:
            # "is it a position paper?" of the one paper just discussed: yes or no, said of it
            # (it listed "Indexed papers among the paper just discussed, that are …")
            kind = type_name(f.paper_type, many=False)
            if papers:
                text = f"Yes: “{papers[0].title}” ({papers[0].display_date}) is a {kind}"
            else:
                plain = route.model_copy(
                    update={"filters": f.model_copy(update={"paper_type": None})}
                )
                if not (papers := facts.select(plain)):
                    return facts.none(question, route)
                text = f"No: “{papers[0].title}” ({papers[0].display_date}) is not a {kind}"
            return facts.cite(question, f"{text}, as its title and abstract read [1].", papers)
        if not papers:
            return facts.none(question, route)
        one = _only_code(f) and f.paper_ids is not None and len(set(f.paper_ids)) == 1
        if one and (link := code_link(papers[0].urls)):
            # "did they release code?" of the one paper just discussed: its link, said of it
            # (as `Facts.none` says it has none)
            paper = papers[0]
            text = f"“{paper.title}” ({paper.display_date}) links its code: {link} [1]."
            return facts.cite(question, text, papers)
        scope = f" {facts.scope(route)}" if facts.scope(route) else ""
        newest = bool(NEWEST_FIRST.search(question)) and len(papers) > 1
        if newest:  # "list her papers from 2025, newest first" (they are oldest first)
            papers = papers[::-1]
        if f.only_papers() and _REORDER.search(question):
            # "list them newest first" after a list: those papers ("Indexed papers among the 5
            # papers just discussed (5 of 5, newest first).")
            n = len(papers)
            order = "newest first" if newest else "oldest first"
            head = (
                f"The {n} papers just discussed, {order}:" if n > 1 else "The paper just discussed:"
            )
            return facts.cite(question, f"{head}\n{facts.listing(papers, self.summaries)}", papers)
        text = (
            f"Indexed papers{scope} ({len(papers)} of {facts.total(route)}"
            f"{', newest first' if newest else ''})."
            f"{facts.author_note(route)}\n"
            f"{facts.listing(papers, self.summaries, links=bool(route.filters.has_code))}"
        )
        return facts.cite(question, text, papers)


# An order asked of the last list ("list them newest first", "sort those by date")
_REORDER = re.compile(
    r"\b(?:newest|latest|most recent|recent|oldest|earliest)\b[^?.]*\bfirst\b|\border\b|\bsort|"
    r"\bchronolog|\b(?:oldest|earliest) to (?:newest|latest)\b|\barrange|\brank",
    re.I,
)


_CODE_THINGS = re.compile(r"programs?|functions?|implementations?|code|snippets?|scripts?")


class Writing(StatisticShape):
    name: ClassVar[str] = "writing"
    description: ClassVar[str] = "a request to write something (a tweet, a poem, code): not done"
    whole_portfolio: ClassVar[bool] = True  # whatever it is about
    # "Write a tweet summarizing why AI is dangerous", "can you write me Python code to train
    # PPO?": what qabot answers from the papers is what they say, not new text of any kind
    # (a summary or an overview of the papers is a listing: the Summary shape).
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"^(?:(?:please|hey|ok|okay|so),?\s+)?(?:(?:can|could|would|will) you\s+(?:please\s+)?)?"
        r"(?:write|compose|draft|generate|create|produce|code up|implement)\s+(?:me\s+|us\s+)?"
        r"(?:(?:a|an|some|the|my|our)\s+)?(?:[\w-]+\s+){0,3}?(?P<thing>tweets?|poems?|haikus?|"
        r"limericks?|songs?|jokes?|stor(?:y|ies)|essays?|e-?mails?|letters?|speech(?:es)?|scripts?|"
        r"programs?|functions?|implementations?|code|snippets?|blog posts?|posts?|press releases?|"
        r"slogans?|raps?|sonnets?)\b",
        re.I,
    )

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        found = self.pattern.search(question)
        thing = found["thing"].lower() if found else "text"
        many = (thing if thing.endswith("s") or thing == "code"
                else thing[:-1] + "ies" if thing.endswith("y") else thing + "es" if thing.endswith("ch")
                else thing + "s")  # fmt: skip
        text = (f"qabot does not write {many}: it answers from what the portfolio's papers say, "
                "and cites them. Ask what the papers say about the subject instead.")  # fmt: skip
        # … but code a paper on it released is there to use ("write python code that computes
        # the effective horizon of an MDP": "Bridging RL Theory and Practice with the
        # Effective Horizon" links its code): papers whose title has two of the request's
        # words in a row, and that link code
        coded: list[Paper] = []
        if _CODE_THINGS.match(thing):
            asked = {p for p in word_pairs(question) if not set(p) & FRAMING}
            # (a title without the pairs' first stems is passed over unread: at 100,000
            # papers, reading every title's word pairs took seconds)
            firsts = {a for a, _ in asked}
            coded = [p for p in facts.pf.papers
                     if any(a in p.title.lower() for a in firsts)
                     and asked & word_pairs(p.title) and code_link(p.urls)]  # fmt: skip
        if coded:
            text += f"\nThe portfolio's papers on it that link their code:\n{facts.listing(coded, links=True)}"
        return facts.cite(question, text, coded).model_copy(update={"abstained": True})


class Person(List):
    name: ClassVar[str] = "person"
    description: ClassVar[str] = "who someone is: not said; the papers listing them as an author"
    # Chosen by the router for "Who is Jessy Lin?" (an author asked about by name alone),
    # never by a pattern of its own.
    pattern: ClassVar[re.Pattern[str]] = re.compile(r"(?!)")

    def answer(self, question: str, route: Route, facts: Facts) -> Answer:
        listed = super().answer(question, route, facts)
        who = route.author_query or route.filters.author or "this person"
        who = who.title() if who.islower() else who  # "micah carroll" as typed
        # The question is not answered (the portfolio has no biographies), so it abstains,
        # and says what the portfolio does have of them, cited.
        # ("how old is Micah Carroll?": nor anything personal)
        personal = re.match(r"(?i)\s*(?:so,? )?(?:how old|when|where|what|is)\b", question)
        said = f"anything personal about {who}" if personal else f"who {who} is"
        text = f"The portfolio does not say {said}; it has what they published.\n{listed.answer}"
        return listed.model_copy(update={"answer": text, "abstained": True})


class Summary(List):
    name: ClassVar[str] = "summary"
    description: ClassVar[str] = "the matching papers, each with its contribution sentence"
    label: ClassVar[str] = "mixed"
    lists_papers: ClassVar[bool] = False
    pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"\bsummari[sz]e|\bsummary of\b|\boverview of\b", re.I
    )
    summaries: ClassVar[bool] = True


def answer_statistic(
    shape: StatisticShape,
    question: str,
    route: Route,
    portfolio: Portfolio,
    topics: Callable[[], list[Topic]],
) -> Answer:
    """`shape`'s exact answer. In a lab (several profiles) a question naming one profile's owner
    is about that profile: every count, figure and co-author is that profile's."""
    if route.filters.profile and len(portfolio.profiles) > 1:
        scoped = portfolio.scoped(route.filters.profile)
        if not scoped.profiles:
            names = ", ".join(p.name for p in portfolio.profiles)
            return Facts(portfolio, topics).cite(
                question,
                "None in the indexed portfolio: no indexed "
                f"profile matches “{route.filters.profile}” "
                f"(indexed: {names}).",
                [],
            )
        portfolio = scoped
    return shape.answer(question, route, Facts(portfolio, topics))
