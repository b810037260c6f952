"""The router: does a question need exact portfolio statistics, or the papers' text?

Two implementations behind one `Route` result:
- `route_question`: deterministic patterns plus the metadata vocabulary (author names, years,
  categories). Used by the extractive and mock answerers, and as the LLM router's fallback.
- `LLMRouter`: the chat model picks a tool (`portfolio_statistic` or `search_papers`) by tool
  calling; any failure falls back to the deterministic router.

Labels: "statistic" (answered from metadata alone), "retrieval" (top-k search), "mixed" (search
restricted by metadata the question names, or a metadata list with per-paper summaries).

Shapes decide how broad the answer is: "focused" (one paper or a few, in depth: "what is X?"),
"survey" (every paper on a topic: "what has she done on X?", "which papers ...", "summarise
her work on X", "how has her work on X evolved"), "compare" (both sides of "compare A with B",
"how does A differ from B"), "metadata" (statistics).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from qabot.errors import LLMError
from qabot.lexical import tokenize
from qabot.llms import Deadline, llm_failure
from qabot.models import Filters
from qabot.portfolio import name_key
from qabot.prompts import ROUTER_SYSTEM
from qabot.taxonomy import AFFILIATION_ALIASES, category_names
from qabot.vocabulary import WORDS, Vocabulary

log = logging.getLogger(__name__)

_CLIENT_MODULES = {"openai", "httpx", "httpcore", "langchain_openai"}

Intent = Literal["count", "list", "summary", "coauthors", "earliest", "latest", "figures", "topics",
                 "years", "affiliations"]
_INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("figures", re.compile(r"h-?index|\bcitations?\b|\bcited\b|\bnovelty\b|\bai score\b|"
                           r"\bpapers? (does|do) [^?]{1,40}?\bprofile\b|\bprofiles? (lists?|states?|says?|shows?|claims?)\b",
                           re.I)),
    ("coauthors", re.compile(r"\bco-?authors\b|\b(most|top|frequent|main)\b[^?]*\bco-?author\b|"
                             r"\bwho\b[^?]*\b(co-?author|collaborat\w*)|\bcollaborators\b|"
                             r"\bwho\b[^?]*\b(publish|work|write|wrote)\w*\s+(the\s+)?(most\s+)?"
                             r"(often\s+)?with\b|\bwho\b.*\bwith\b.*\bmost\b", re.I)),
    ("affiliations", re.compile(r"\baffiliations?\b|\binstitutions?\b|\buniversities\b", re.I)),
    ("years", re.compile(r"\b(which|what) year\b[^?]*\b(most|fewest|least)\b|\bper year\b|"
                         r"\bby year\b|\beach year\b|\bover the years\b|\btimeline\b", re.I)),
    ("topics", re.compile(r"\b(themes?|topics|research areas|areas of (her |his |their )?research|"
                          r"research agenda)\b|\bwhat (does|do) (she|he|they|the group|this group|"
                          r"the lab) (mainly |mostly )?(work on|research|study)\b", re.I)),
    ("earliest", re.compile(r"\b(earliest|oldest|first)\b", re.I)),
    ("latest", re.compile(r"\b(latest|newest|most recent)\b", re.I)),
    ("count", re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.I)),
    ("summary", re.compile(r"\bsummari[sz]e|\bsummary of\b|\boverview of\b", re.I)),
    ("list", re.compile(r"\blist\b|\bshow (me )?\b|\b(which|what)\b[^?.]*\b(papers|publications)\b|"
                        r"\ball (of )?(the |her |his |their )?(papers|publications|work)\b|"
                        r"\beverything\b|\bpapers (by|from|with|in|that)\b|"
                        r"\bwhat (did|has|have) (she|he|they|\w+ \w+) (publish|published|written)\b",
                        re.I)),
]  # fmt: skip
Shape = Literal["focused", "survey", "compare", "metadata"]
_SURVEY = re.compile(
    r"\bwhat (has|have|did|does|do) (she|he|they|this group|the group|this lab|the lab|\w+ \w+) "
    r"(done|worked|work|published|publish|written|write|studied|study|researched)\b|"
    r"\b(which|what) (papers|publications|works)\b|\bsummari[sz]\w*\b|\bsummary of\b|"
    r"\boverview\b|\b(her|his|their|the group's|the lab's) (work|research|papers|publications) "
    r"(on|about|in)\b|\bevolv\w*|\bbody of work\b|\bpapers (on|about)\b|"
    r"\b(all|every|any) (of )?(her |his |their |the )?(papers|work|publications) (on|about)\b",
    re.I,
)  # fmt: skip
_CHRONOLOGICAL = re.compile(r"\bevolv\w*|\bover (time|the years)\b|\bdevelop\w* over\b|"
                            r"\bchanged? over\b|\btrajectory\b", re.I)  # fmt: skip
# The two sides of a comparison, tried in order. Anchored to how a comparison is asked, so
# "the visual difference between the start and goal images" stays a focused question.
_SIDES = [re.compile(p, re.I) for p in (
    r"^(?:please\s+|can you\s+|could you\s+)?compar\w*\s+(?P<a>.+?)\s+"
    r"(?:with|to|and|against|versus|vs\.?)\s+(?P<b>.+)",
    r"^how (?:does|do|did|is|are|was|were)\s+(?P<a>.+?)\s+(?:differ\w*\s+from|compare\s+"
    r"(?:to|with)|relate\s+to)\s+(?P<b>.+)",
    r"^(?:what|which)\s+(?:is|are|were)\s+the\s+differences?\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)",
    r"^(?P<a>[^,;]+?)\s+(?:versus|vs\.?)\s+(?P<b>.+)",
)]  # fmt: skip
_CODE = re.compile(r"\b(code|github|implementations?|open[- ]source)\b", re.I)
# Any four-digit year, so "in 1800" or "in 9999" becomes a filter that matches nothing instead
# of being ignored (which listed every paper). Not part of a longer number or a decimal.
_YEAR = r"(?<![\d.,])([1-9]\d{3})(?![\d]|[.,]\d)"
# Category names come from the arXiv taxonomy (qabot.taxonomy). Most are also research topics
# ("robotics", "machine learning", "security"), so a name means the category only when:
# - the question says "category", "arXiv" or "cs.": "papers in the robotics category";
# - it is a full arXiv name with "and", which nobody uses for a topic: "computation and language";
# - it qualifies the papers: "robotics papers", "NLP publications";
# - or it is all a "how many" question asks about: "how many papers on robotics?".
# Elsewhere it stays a topic: "what has she done on robotics?" searches the abstracts.
_CATEGORY_NAMES = category_names()
_PAPERS_NOUN = r"(?:papers?|publications?|articles?|preprints?|work)\b"
# Words that shape the request rather than name a research topic.
_FRAME = set(tokenize([
    "paper papers publish published publishes publication publications work works worked group lab "
    "she her he his they their them profile portfolio list show give name many number count total "
    "year years code github implementation implementations open source category categories "
    "written wrote write author authors earliest oldest first latest newest recent most summarise "
    "summarize summary overview theme themes topic topics main everything come came out release "
    "released appear appeared indexed index state stated listed coauthor coauthors co collaborator "
    "collaborators collaborate often frequently every all which what do did does done have has since "
    "after before between until through up from in on during tell me about researcher research "
    "arxiv lists person people h-index citations cited novelty score area areas agenda mainly mostly "
    "available links link release releases new old newer older time ever date dated dates how "
    "there are is was were be been any much when affiliation affiliations institution "
    "institutions universities per each timeline fewest least put fall falls under belong belongs "
    "classified filed authored produce produced contain contains those these ones above"
])[0])  # fmt: skip


class Route(BaseModel):
    kind: Literal["statistic", "retrieval"]
    label: Literal["statistic", "retrieval", "mixed"]
    intent: Intent | None = None
    filters: Filters = Field(default_factory=Filters)
    author_query: str | None = Field(default=None, description="Author as named in the question.")
    shape: Shape = "focused"
    chronological: bool = Field(default=False, description='A survey ordered by year ("evolved").')
    query: str | None = Field(
        default=None,
        description="What to search for instead of the question: a survey's topic without the "
        "framing, or the question without the people and institutions that became filters, so "
        "a name the abstracts do not contain does not dilute the search (None: the question).",
    )
    sides: list[str] = Field(default_factory=list, description="The two things a compare names.")


def _years(q: str) -> tuple[int | None, int | None]:
    if m := re.search(rf"\bbetween {_YEAR} and {_YEAR}\b|\bfrom {_YEAR} (?:to|through|until) {_YEAR}\b|\b{_YEAR}\s*[-–]\s*{_YEAR}\b", q):  # noqa: E501
        years = [int(y) for y in m.groups() if y]
        return min(years), max(years)
    if m := re.search(rf"\b{_YEAR}\s*[-–]\s*(\d{{2}})\b(?!\d)", q):  # "2023-24"
        start = int(m.group(1))
        end = start // 100 * 100 + int(m.group(2))
        return min(start, end), max(start, end)
    if m := re.search(rf"\bsince {_YEAR}\b|\bfrom {_YEAR} (?:on|onwards?)\b", q):
        return int(m.group(1) or m.group(2)), None
    if m := re.search(rf"\bafter {_YEAR}\b", q):
        return int(m.group(1)) + 1, None
    if m := re.search(rf"\bbefore {_YEAR}\b", q):
        return None, int(m.group(1)) - 1
    if m := re.search(rf"\b(?:until|through|up to) {_YEAR}\b", q):
        return None, int(m.group(1))
    if m := re.search(rf"\b{_YEAR}\b", q):
        return int(m.group(1)), int(m.group(1))
    return None, None


def _categories(q: str, vocab: Vocabulary, count: bool = False) -> list[str] | None:
    explicit = bool(re.search(r"categor|arxiv|\bcs\.", q, re.I))
    found = [c for c in sorted(vocab.categories)
             if (re.search(rf"(?<![\w.-]){c}(?![\w-])", q) and (c != "AI" or explicit))
             or re.search(rf"\b(?:cs|stat|eess|math)\.{c}\b", q, re.I)]  # fmt: skip
    lower = q.lower()
    for name, code in _CATEGORY_NAMES.items():
        at = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lower)
        if not at or code in found:
            continue
        rest = lower[at.end():]
        if (explicit or " and " in name or re.match(rf"\s+{_PAPERS_NOUN}", rest)
                or (count and not topic_words(lower.replace(name, " "), None))):  # fmt: skip
            found.append(code)
            lower = lower.replace(name, " ")  # "machine learning (statistics)" is not also LG
    return sorted(set(found)) or None


def _affiliation(q: str, vocab: Vocabulary) -> tuple[str | None, str | None]:
    """(affiliation as papers list it, as the question wrote it): "at Stanford", "with
    Google DeepMind". Known forms only: the vocabulary's, else the alias table's."""
    forms = vocab.affiliations or AFFILIATION_ALIASES
    lower = q.lower()
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        if at := re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", lower):
            return forms[form], q[at.start() : at.end()]
    return None, None


_NAME_SEQ = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]+)){1,3}")
# Phrases that make a capitalised name an author even when no paper lists it.
_AUTHOR_CUE = r"(?:\bby|\bof|\bfrom|\bwith)\s+{name}\b|\b{name}(?:'s|’s)?\s+(?:publish|wrote|writ|co-?author|papers?|work)"


def _author(q: str, vocab: Vocabulary) -> tuple[str | None, bool]:
    """(author name as written, is it the profile owner?), known names first."""
    lower = q.lower()
    for variant in vocab.variants_in(set(WORDS.findall(lower))):
        if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", lower):
            key = vocab.authors[variant]
            start = lower.index(variant)
            return q[start : start + len(variant)], key in vocab.owners
    for match in _NAME_SEQ.finditer(q):
        name = re.sub(r"(?:'s|’s)$", "", match.group(0))
        key = name_key(name)
        if key in vocab.keys:  # a variant spelling ("Stuart J. Russell")
            return name, key in vocab.owners
        if re.search(_AUTHOR_CUE.format(name=re.escape(name)), q):
            return name, False  # named as an author, but no paper lists them
    for last in vocab.last_names_in(set(WORDS.findall(q))):
        key = vocab.last_names[last]
        if re.search(rf"(?<!\w){re.escape(last)}(?!\w)", q) and q.strip().split()[0] != last:
            full = re.search(rf"(?:[A-Z][\w'’-]+\s+){{0,2}}{re.escape(last)}", q)
            return (full.group(0) if full else last), key in vocab.owners
    return None, False


def topic_words(q: str, author: str | None, categories: list[str] | None = None,
                affiliation: str | None = None) -> set[str]:  # fmt: skip
    """Content words left once the request's framing, years, names, categories and
    affiliations are out."""
    text = re.sub(rf"\b{_YEAR}\b", " ", q)
    for code in categories or []:
        text = re.sub(rf"\b(?:cs|stat|eess|math)\.{code}\b", " ", text, flags=re.I)
        text = re.sub(rf"(?<![\w-]){code}(?![\w-])", " ", text)
        for name, named in _CATEGORY_NAMES.items():
            if named == code:
                text = re.sub(re.escape(name), " ", text, flags=re.I)
    for name in (author, affiliation):
        if name:
            text = re.sub(re.escape(name), " ", text, flags=re.I)
    return {t for t in tokenize([text])[0] if t not in _FRAME and not t.isdigit() and len(t) > 1}


def topic_query(q: str, author: str | None) -> str:
    """The question's words minus its framing, years and author, in order: what a survey
    searches for ("What has this group done on reward hacking?" -> "reward hacking")."""
    text = re.sub(re.escape(author), " ", q, flags=re.I) if author else q
    text = _CHRONOLOGICAL.sub(" ", text)
    words = re.findall(r"[\w'’.-]*\w", text)
    keep = [w for w in words
            if not re.fullmatch(r"(19|20)\d{2}", w) and not set(tokenize([w])[0]) <= _FRAME]  # fmt: skip
    return " ".join(keep)


def compare_sides(q: str) -> list[str]:
    """["A", "B"] from "compare A with B", "how does A differ from B", "A vs B"; else []."""
    for pattern in _SIDES:
        if m := pattern.search(q):
            sides = [re.sub(r"^(the|a|an)\s+|[?.!\s]+$", "", m[g].strip(), flags=re.I) for g in "ab"]
            if all(sides):
                return sides
    return []


def question_shape(q: str) -> tuple[Shape, bool, list[str]]:
    """(shape, chronological, compare sides) of a question that goes to the papers' text."""
    if sides := compare_sides(q):
        return "compare", False, sides
    if _SURVEY.search(q):
        return "survey", bool(_CHRONOLOGICAL.search(q)), []
    return "focused", False, []
def search_text(q: str, names: list[str]) -> str | None:
    """The question's topic, in its own words, once the names that became filters and the
    request's framing are out: "Which papers did Sergey Levine co-author about dialogue?" ->
    "dialogue". A question embeds poorly next to the abstracts when most of it is a name and
    "which papers did …" (measured: 0.32 vs 0.57 cosine for the dialogue paper)."""
    for name in names:
        q = re.sub(rf"{re.escape(name)}(?:'s|’s)?", " ", q, flags=re.I)
    kept = [w for w in re.findall(r"[\w'’-]+", q)
            if (tokens := tokenize([w])[0]) and not set(tokens) <= _FRAME]  # fmt: skip
    return " ".join(kept) or None


def route_question(question: str, vocab: Vocabulary) -> Route:
    """Deterministic routing from patterns and the metadata vocabulary."""
    q = " ".join(question.split())
    year_from, year_to = _years(q)
    affiliation, written = _affiliation(q, vocab)
    # "with Google DeepMind" names an institution, not an author called Google DeepMind.
    author, is_owner = _author(q.replace(written, " ") if written else q, vocab)
    intent = next((name for name, pattern in _INTENTS if pattern.search(q)), None)
    if intent == "affiliations" and affiliation:
        # "How many papers list Berkeley as an affiliation?" counts one, not the ranking.
        intent = next((n for n, p in _INTENTS if n in ("count", "list") and p.search(q)), "list")
    # In a lab (several profiles) the owner a question names scopes it to that profile; with
    # one profile every paper is the owner's, so naming her filters nothing.
    profile = vocab.profiles.get(name_key(author)) if author and is_owner else None
    filters = Filters(
        year_from=year_from, year_to=year_to,
        categories=_categories(q, vocab, count=intent == "count"),
        author=None if (author is None or is_owner) else author, affiliation=affiliation,
        profile=profile if len(vocab.profiles) > 1 else None,
        has_code=True if _CODE.search(q) else None,
    )  # fmt: skip
    topical = topic_words(q, author, filters.categories, written)
    if intent in ("figures", "coauthors", "topics", "years", "affiliations"):
        return Route(kind="statistic", label="statistic", intent=intent, filters=filters,  # type: ignore[arg-type]
                     author_query=author, shape="metadata")  # fmt: skip
    if intent is not None and not topical:
        return Route(kind="statistic", label="mixed" if intent == "summary" else "statistic",
                     intent=intent, filters=filters, author_query=author, shape="metadata")  # type: ignore[arg-type]  # fmt: skip
    if intent is None and not topical and not filters.is_empty():
        # "What was published between 2020 and 2022?": metadata names the whole answer.
        return Route(kind="statistic", label="statistic", intent="list", filters=filters,
                     author_query=author, shape="metadata")  # fmt: skip
    shape, chronological, sides = question_shape(q)
    query = None
    if shape == "survey":
        query = topic_query(q.replace(written, " ") if written else q, author) or None
    elif filters.author or filters.affiliation or filters.profile:
        query = search_text(q, [n for n in (author, written) if n])
    return Route(kind="retrieval", label="retrieval" if filters.is_empty() else "mixed",
                 filters=filters, author_query=author, shape=shape, chronological=chronological,
                 query=query, sides=sides)  # fmt: skip


class PortfolioStatistic(BaseModel):
    """Answer exactly from the portfolio's metadata: counts, lists, co-authors, dates, figures,
    themes. Use it for questions about how many, which papers, who, when, earliest or latest."""

    intent: Intent
    year_from: int | None = None
    year_to: int | None = None
    categories: list[str] | None = None
    author: str | None = None
    affiliation: str | None = Field(default=None, description="An institution, e.g. DeepMind.")
    has_code: bool | None = None


class SearchPapers(BaseModel):
    """Search the papers' abstracts for a topic, method or finding, optionally restricted by
    year, category, author or code availability."""

    query: str = Field(description="What to search for: the topic, without the question's framing.")
    shape: Literal["focused", "survey", "compare"] = Field(
        default="focused",
        description="focused: one thing in depth ('what is X?'). survey: every paper on a topic "
        "('what has she done on X', 'which papers ...', 'summarise her work on X'). compare: "
        "two things side by side ('compare A with B', 'how does A differ from B').",
    )
    chronological: bool = Field(default=False, description="Survey ordered by year ('how has X evolved').")
    sides: list[str] | None = Field(default=None, description="compare: the two things compared.")
    year_from: int | None = None
    year_to: int | None = None
    categories: list[str] | None = None
    author: str | None = None
    affiliation: str | None = Field(default=None, description="An institution, e.g. DeepMind.")
    has_code: bool | None = None


class LLMRouter:
    """Routes with the chat model's tool calling; falls back to `route_question` on failure."""

    def __init__(self, llm: BaseChatModel, vocab: Vocabulary, endpoint: str = "") -> None:
        self.vocab = vocab
        self.endpoint = endpoint
        try:
            self.bound: Any = llm.bind_tools([PortfolioStatistic, SearchPapers], tool_choice="any")
        except NotImplementedError:
            self.bound = None

    def route(self, question: str, deadline: Deadline | None = None) -> Route:
        if self.bound is None:
            return route_question(question, self.vocab)
        prompt = [SystemMessage(ROUTER_SYSTEM), HumanMessage(question)]
        try:
            if deadline is None:
                message = self.bound.invoke(prompt)
            else:
                message = deadline.call(lambda: self.bound.invoke(prompt))
        except LLMError:  # the question's deadline is spent: answering would fail too
            raise
        except Exception as exc:
            # An endpoint that is down will fail the answer too: say so now, once.
            if {c.__module__.split(".")[0] for c in type(exc).__mro__} & _CLIENT_MODULES:
                raise llm_failure(exc, self.endpoint or "the configured endpoint") from exc
            log.warning("LLM routing failed (%s); using the deterministic router", exc)
            return route_question(question, self.vocab)
        try:
            call = message.tool_calls[0]
            args = {k: v for k, v in call["args"].items() if v not in (None, [], "")}
            filters = Filters(**{k: args[k] for k in ("year_from", "year_to", "categories",
                                                       "affiliation", "has_code") if k in args})  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - no or bad tool call: decide without the model
            log.warning("LLM routing gave no usable tool call (%s); using the deterministic "
                        "router", exc)  # fmt: skip
            return route_question(question, self.vocab)
        author = args.get("author")
        if author and name_key(author) not in self.vocab.owners:
            filters = filters.model_copy(update={"author": author})
        elif author and len(self.vocab.profiles) > 1:  # a lab: the owner scopes to her profile
            filters = filters.model_copy(update={"profile": self.vocab.profiles[name_key(author)]})
        if call["name"] == "PortfolioStatistic":
            return Route(kind="statistic", label="statistic", intent=args.get("intent", "list"),
                         filters=filters, author_query=author, shape="metadata")  # fmt: skip
        # The model's shape when it gave one; the patterns' otherwise (and the sides of a
        # compare the model named without splitting them).
        shape, chronological, sides = question_shape(" ".join(question.split()))
        shape = args.get("shape", shape)
        if shape not in ("focused", "survey", "compare"):
            shape = "focused"
        sides = [str(s) for s in args.get("sides", [])][:2] or sides
        if shape == "compare" and len(sides) < 2:
            shape = "focused"
        names = filters.author or filters.affiliation or filters.profile
        return Route(kind="retrieval", label="retrieval" if filters.is_empty() else "mixed",
                     filters=filters, author_query=author, shape=shape,
                     chronological=bool(args.get("chronological", chronological)),
                     query=str(args.get("query") or "") or None if shape == "survey" or names
                     else None,
                     sides=sides if shape == "compare" else [])  # fmt: skip
