"""Follow-ups that point into the list just given: "tell me more about the second one",
"which of those have code?".

The conversation arrives as `{"role", "content"}` dicts (the API's, the CLI chat's and the web
chat's history alike). An assistant turn made by `Answer.as_turn()` carries the papers it cited
as data (`citations`: paper ids in reading order), and those are the previous answer's papers.
For a turn kept as text only, they are recovered from its text, in order:
1. its numbered source list, `[n] Title (year) — authors` (what `Answer.transcript()`,
   the `/chat` endpoint and text-only histories keep, so an answer that only says [2] works;
   numbered in reading order, so "the first one" is [1] even when a list follows the answer);
2. else its list lines, `- “Title” (date) [n]` (statistic lists);
3. else the titles it quotes, “Title”, in order of first appearance.
The reference then becomes a filter on those papers' ids.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage

from qabot.answering.extractive import word_pairs
from qabot.answering.framing import (
    ASKING,
    FIRST_AUTHOR,
    FRAME,
    FUNCTION_WORDS,
    OVERVIEW_FRAME,
    STUDY_PEOPLE,
)
from qabot.answering.shapes.base import PerSnapshot, paper_column
from qabot.answering.shapes.detail import asked, in_paper
from qabot.answering.shapes.survey import Survey
from qabot.domain.filters import Filters, paper_matches
from qabot.domain.names import normalise_title
from qabot.domain.records import Paper, without_sources
from qabot.embeddings.words import is_english
from qabot.errors import QuestionError
from qabot.index.lexical import tokenize
from qabot.retrieval.relevance import (
    PAPER_REFERENCE,
    figures,
    name_in_title,
    names_in,
    reference_words,
)

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "last": -1,
}
_ORDINAL = re.compile(
    rf"\b(?:the\s+)?(?P<word>{'|'.join(_ORDINALS)}|\d+th)\s+(?:one|paper|result|item|entry|"
    r"publication|of (?:those|these|them))\b|"
    # … or "and the third?", "what about the 2nd?" (the noun left out, at the question's end,
    # or before a dash: "the 2nd — what's its core assumption?")
    rf"(?<=\bthe )(?P<bare>{'|'.join(w for w in _ORDINALS if w != 'last')})"
    r"(?=\s*[?.!]*\s*$|\s*(?:[—–:]|-\s))|"
    r"\b(?:paper|number|no\.|item|source)\s*#?\s*(?P<num>\d{1,2})\b"
    r"|(?<!\w)#(?P<hash>\d{1,2})\b",
    re.I,
)
_YOU_MENTIONED = re.compile(
    r"\s*(?:that\s+)?(?:you|u)\s+(?:just\s+)?(?:mentioned|said|listed|gave|named|cited|"
    r"brought up|talked about)\b",
    re.I,
)
_ORDINAL_WORDS = "|".join(w for w in _ORDINALS if w.isalpha())
# "compare the first and the second", "the first one vs the last one"
_TWO_ORDINALS = re.compile(
    rf"\b(?:the\s+)?(?P<a>{_ORDINAL_WORDS})(?:\s+(?:one|paper))?\s+(?:and|with|to|vs\.?|versus|"
    rf"against)\s+(?:the\s+)?(?P<b>{_ORDINAL_WORDS})(?:\s+(?:one|paper))?\b",
    re.I,
)
# "sort by date, oldest first", "oldest to newest please", "newest first", "in date order": an
# order asked of the last list, and nothing else
_ORDER_ONLY = re.compile(
    r"^(?:(?:so|and|ok(?:ay)?|now|please|can you|could you)[,]?\s+)*(?:(?:re-?)?(?:sort|order|arrange|"
    r"rank|list|show|put)(?:\s+(?:me\s+)?(?:them|those|these|it|the list))?\s*)?(?:by (?:date|year)|"
    r"chronologically|in (?:date|chronological|time|year) order|(?:from )?(?:the )?(?:oldest|earliest|"
    r"newest|latest|most recent)(?: ones?)?(?: to (?:the )?(?:newest|latest|most recent|oldest|"
    r"earliest)| first)?)(?:[,\s]+(?:from )?(?:the )?(?:oldest|earliest|newest|latest|most recent)"
    r"(?: ones?)?(?: to (?:the )?\w+(?: \w+)?| first))?(?:[,\s]+(?:please|pls|plz|thanks|thx))?\s*[?.!]*$",
    re.I,
)
_SET = re.compile(
    r"\b(?:of|among|from)\s+(?:those|these|them|the above|that list|this list)\b|"
    r"\b(?:those|these)\s+(?:papers|ones|publications|results)\b|"
    r"\bwhich of (?:those|these|them)\b|"
    # "which one is about dialogue?": the list's papers on it
    r"\bwhich ones?\s+(?:is|are|was|were)\s+(?:about|on|related to|concerned with)\b|"
    r"\bwhich ones?\s+(?:uses?|studies|study|deals? with|covers?|looks? at)\b|"
    # "which one should I read first if I care about reward hacking?": the list's paper on it
    r"\bwhich ones?\s+(?:should|would|could|can|do)\s+(?:i|we|you)\s+(?:read|start with|pick|"
    r"look at|recommend|choose)\b|\bwhich ones?\s+(?:is|are)\s+(?:best|most relevant)\s+(?:for|if)\b|"
    # … or any verb said of it: "which one casts Q-learning as supervised fine-tuning?"
    r"\bwhich ones?\s+(?!(?:is|was|does|as|this|us)\b)[a-z]{2,}(?:s|ed)\b|"
    # "list the ones about RLHF", "just the ones from Berkeley": the list's papers on it
    r"\b(?:the|those|just the|only the) ones\s+(?:about|on|that|which|with|from|related to|"
    r"concerning|using|where|by|in|for|written|led)\b|"
    # "just the 2024 ones", "only the robot ones", "only those from 2024": the list, narrowed
    r"\b(?:just|only)\s+the\s+(?:[\w-]+\s+){1,3}?ones\b|\b(?:just|only)\s+(?:those|these)\b|"
    # "list them newest first", "sort those by date", "show me them again": the list itself
    r"^(?:so,? |and,? |ok,? |now,? |please,? )?(?:(?:can|could) you )?(?:re-?)?(?:list|show|sort|order|"
    r"rank|arrange|put)\s+(?:me\s+)?(?:them|those|these)\b|" + _ORDER_ONLY.pattern + "|"
    # "the two — which came first?": the list's pair
    r"^(?:so,? |and,? |ok,? )?(?:of )?the two\b(?!\s+(?:most|best|main|key|papers? on)\b)|"
    # "which is the oldest?", "which one came out first?": of the list just given
    r"^(?:so,? |and,? )?which(?: one)?\s+(?:is|was)\s+(?:the\s+)?(?:oldest|newest|latest|earliest|"
    r"most recent|first|last)\s*\??$|^(?:so,? |and,? )?which(?: one)?\s+came (?:out )?(?:first|last)\s*\??$|"
    r"^(?:so,? |and,? )?which(?: one| of the two)?\s+(?:is|was) (?:older|newer|earlier|more recent)\s*\??$|"
    # "and the most recent?" after "which of those came out earliest?": of the same list
    r"^(?:and|so|what about|how about)\s*,?\s+(?:the\s+)?(?:most recent|newest|latest|oldest|earliest)"
    r"(?:\s+one)?\s*\??$|"
    # "when were those published?", "who wrote these?": the list itself, without a noun
    # (not "where do those distances come from?", a thing of the last paper)
    # (not "those are great, now what is X?": a new question)
    r"\b(?:those|these)(?=\s*[?.!]|\s*$|\s+(?:published|released|written|come|came|appear|"
    r"appeared|from|by)\b)",
    re.I,
)
# Several papers pointed back at ("any of those", "which of them"), not one ("which one")
_PLURAL_SET = re.compile(r"\b(?:those|these|them|the above|that list|this list)\b", re.I)
# "the one that rewrites conversations in hindsight", "the one about stochastic environments":
# a paper of the last list picked by what it is about; the description runs to the
# question's next clause (" - what dataset …", ": which domains …", "?").
_DESCRIBED = re.compile(
    r"\b(?:the|that) one\s+(?:that|which|where|about|on|with|using|from|in|for|introducing|"
    r"proposing|called|named|known as|set in|based on|tested on|evaluated on|run on|built on)\b(?P<desc>.+?)(?=\s+-\s+|\s*[?:;,—–]|\s+and\s+(?:which|what|how|who|when|"
    r"where|did|does|do|is|are|was|were)\b|"
    # … how to say it is no description: "summarize the one that isn't about X in one line"
    r"\s+(?:in (?:one|a|1|two|2|a few) (?:lines?|sentences?|words?)|briefly|for me|please)\b|$)",
    re.I,
)
# "the hindsight one", "the Overcooked one": a paper of the last list picked by a word or two
# of what it is about, before "one".
# ("the consensus paper" too: a paper of the last list that calls itself one)
_TAGGED = re.compile(
    r"\b(?:the|that) (?P<desc>(?:[\w'’.-]+\s+){0,2}?[\w'’.-]+) (?:one|paper)\b", re.I
)
# … but not "the same one", "the other one", "the right one", "the best one".
_NOT_TAGS = re.compile(
    r"^(?:same|other|next|previous|only|right|wrong|best|worst|main|last|first|this|that|"
    r"which|new|old|good|bad|real|actual|correct|very)$",
    re.I,
)
# "the newer one", "the older one": a paper of the last list picked by date.
_DATED = re.compile(
    r"\b(?:the|that) (?P<when>newer|newest|later|latest|more recent|most recent|older|oldest|"
    # … "the earlier of those two" (the review of round seventeen: "neither mentions that")
    # (a comparative: "the earliest of these" is the list's statistic, which gives its date)
    r"earlier|earliest) (?:one\b|(?<=er )of (?:the|those|these) (?:two|2|papers|ones)\b|(?<=er )of (?:them|those|these)\b)|"
    # "which one is the newest?", "which of those came out first?", "which one is newer?"
    # … or "which is newer?" alone (not "which is the newest paper on X?", of the portfolio)
    r"\bwhich (?:(?:one|of (?:them|those|these|the two))\s+(?:is|was|are|were)|(?:is|was)(?=\s+(?:the\s+)?"
    r"(?:newest|latest|most recent|oldest|earliest|newer|older|more recent|earlier)\s*[?.!]*\s*$))\s+(?:the\s+)?"
    r"(?P<which>newest|latest|most recent|oldest|earliest|newer|older|more recent|earlier)\b|"
    # "and the newer gemini report, …" (a comparative: "the latest paper on X" asks the portfolio)
    # … or "is there a newer Gemini report in her list?" (dev21: it answered about Gemini 1.5)
    r"\b(?:the|that|a|any) (?P<than>newer|older|more recent|earlier|later) (?:(?P<kind>[\w-]+) )?"
    r"(?:paper|report|work)\b(?!\s+(?:on|about|from|by)\b|\s+in\b(?!\s+(?:her|his|their|the|this|your|"
    r"that) (?:list|portfolio)\b))",
    re.I,
)
_IS_THERE = re.compile(r"^\s*(?:so,? |and,? |ok,? )?(?:is there|are there|any|has she|have they|did "
                       r"(?:she|they) (?:do|write|publish))\b", re.I)  # fmt: skip
_COMPARES = re.compile(r"\b(?:compare[sd]?|comparison|versus|vs\.?|differ(?:s|ent|ence)?)\b", re.I)
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+“(?P<title>[^”]+)”", re.M)
# "[2] Title (Venue, 2021) — Authors": the venue is optional and may hold one level of brackets.
_SOURCE_LINE = re.compile(
    r"^\[(?P<n>\d+)\]\s+(?P<title>.+?)\s+\((?:(?:[^()\n]|\([^()\n]*\))*,\s)?(?:\d{4}|n\.d\.)\)(?:\s+—|$)",
    re.M,
)
_QUOTED = re.compile(r"“(?P<title>[^”]{8,})”")


@dataclass
class FollowUp:
    """A question that refers to the previous answer's papers."""

    paper_ids: list[str] | None  # only these papers (None: any)
    question: str  # standalone: an ordinal reference replaced by the paper's quoted title
    title: str | None = None  # the one paper an ordinal names
    # What the router reads: the reference as "it", since a title's words could read as
    # metadata ("… Dynamics of Human Learning" as an author); the ids already say which paper.
    route_text: str = ""

    # Not these: "what else did they do on this?" asks for papers besides the last answer's.
    exclude_ids: list[str] | None = None
    # From this year on: "is there a follow-up?", "any later papers?" come after the last one
    since: int | None = None
    # Up to this year: "what did the second author work on before?"
    until: int | None = None
    # Said before the answer: which paper was picked and why ("which one is older?": the
    # dates of the two)
    lead: str | None = None

    def __post_init__(self) -> None:
        self.route_text = self.route_text or self.question


# "Unrelated: …", "New question - …", "Switching topics, …": the question says it does not
# follow from the conversation, so nothing earlier is read into it.
_AFRESH = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|also|and|btw|so|now)[,:]?\s+)?(?:(?:totally |completely |something )?"
    r"unrelated(?: question)?|(?:a |one )?(?:new|different|separate|unrelated|other) (?:question|topic)|"
    r"switching (?:topics?|gears)|changing (?:the )?(?:topic|subject)|on (?:a|another) (?:note|topic)|"
    r"different subject)\s*(?:[:;,.!—–-]+|\s-\s)\s*(?=\S)",
    re.I,
)


# "There's a paper on a Minecraft assistance game, what algorithm does that extend?", "I read
# about an attack where …; what did that work produce?", "The paper that uses Overcooked to …
# — what did the user study find in that one?": the question describes its paper first, and
# its "that" is that paper, not the last answer's.
_OWN_PAPER = re.compile(
    r"^\s*(?:(?:so|also|and|ok(?:ay)?|separately|btw|hmm|oh)[,:]?\s+)?(?:there(?:'s|’s| is| was| are)"
    r"(?: also)?|i (?:read|heard|saw|came across)(?: about| of)?|i (?:remember|recall)|"
    r"i(?:'m|’m| am) (?:curious|asking|wondering) about|is there|was there|"
    r"the (?:paper|work|study|article) (?:that|which|where|on|about|with|using))\b",
    re.I,
)
_NOT_ITS_OWN = re.compile(
    r"\b(?:follow[- ]?ups?|newer|later|earlier|older|other|another|related|similar|else)\b", re.I
)
_OWN_DESCRIPTION_WORDS = 3


def _describes_its_own(question: str) -> bool:
    match = _OWN_PAPER.match(question)
    refs = list(_ANAPHORA.finditer(question, match.end())) if match else []
    if not refs:
        return False
    described = question[match.end() : refs[-1].start()]  # type: ignore[union-attr]
    # … in a clause of its own before the one that asks ("…, what algorithm does that
    # extend?"), not "is there interpretability work built on top of it?", which is about it
    clause = re.search(
        r"[,;:—–?]|\s-\s|\band\s+(?:what|which|who|when|how|where|did|does|do|is|was)\b", described
    )
    own = set(tokenize([described[: clause.start()] if clause else ""])[0]) - _NO_SUBJECT
    return len(own) >= _OWN_DESCRIPTION_WORDS and not _NOT_ITS_OWN.search(described)


def started_afresh(question: str) -> str | None:
    """The question without its "Unrelated:" (or "New question:", "Switching topics,") when it
    opens with one, or whole when it describes the paper it then calls "that" (`_OWN_PAPER`),
    else None: such a question is answered as if it were the first."""
    match = _AFRESH.match(question)
    if match:
        return question[match.end() :]
    return question if _describes_its_own(question) else None


def _answers(history: Sequence[Any] | None) -> list[dict[str, Any]]:
    """The assistant turns of a chat history, in order."""
    return [t for t in history or [] if isinstance(t, dict) and t.get("role") == "assistant"]


def last_answer(history: Sequence[Any] | None) -> dict[str, Any] | None:
    """The last assistant turn of a chat history, if there is one."""
    answers = _answers(history)
    return answers[-1] if answers else None


def previous_papers(
    history: list[dict[str, Any]] | None,
    papers: Sequence[Paper],
    index: Mapping[str, int] | None = None,
) -> list[Paper]:
    """The papers of the last assistant turn, in the order it gave them: its `citations`
    (paper ids, as `Answer.as_turn()` keeps them); for a turn kept as text only, the titles
    its text lists (`_text_papers`). `index`: paper id -> position in `papers`."""
    last = last_answer(history)
    if last is None:
        return []
    cited = last.get("citations")
    if isinstance(cited, list):
        if index is None:
            index = {p.paper_id: i for i, p in enumerate(papers)}
        return [papers[index[pid]] for pid in dict.fromkeys(cited) if pid in index]
    content = last.get("content")
    return _text_papers(content, papers) if isinstance(content, str) and content.strip() else []


def _text_papers(text: str, papers: Sequence[Paper]) -> list[Paper]:
    """For history kept as text only (callers that have nothing else): the papers of its
    numbered source list, else of its list lines, else the titles it quotes. Titles are matched
    against the paper table, so nothing a user typed can name a paper that is not indexed."""
    by_title = {normalise_title(p.title): p for p in papers}
    for pattern in (_SOURCE_LINE, _LIST_LINE, _QUOTED):
        found = [by_title.get(normalise_title(m.group("title"))) for m in pattern.finditer(text)]
        ordered = list(dict.fromkeys(p.paper_id for p in found if p is not None))
        if ordered:
            by_id = {p.paper_id: p for p in papers}
            return [by_id[i] for i in ordered]
    return []


# A side of a comparison that is the last answer's paper: "how does it compare to FlexiBiT?"
_IT_SIDE = re.compile(
    r"(?:it|this|that|they|them|(?:this|that|the same) (?:one|paper|work|study|method|approach)|"
    r"(?:the )?(?:last|previous) (?:one|paper))",
    re.I,
)


def comparing_it(follow: FollowUp, sides: list[str]) -> tuple[FollowUp, list[str]]:
    """A comparison with the last answer's paper as one side ("is it related to the FlexiBiT
    paper?"): that side is the paper's title, and the comparison is not limited to it."""
    if follow.title is None:
        return follow, sides
    named = [follow.title if _IT_SIDE.fullmatch(s.strip()) else s for s in sides]
    return (follow, sides) if named == sides else (replace(follow, paper_ids=None), named)


def resolve_follow_up(
    question: str,
    history: list[dict[str, Any]] | None,
    papers: Sequence[Paper],
    index: Mapping[str, int] | None = None,
) -> FollowUp | None:
    """A `FollowUp` when `question` points into the previous answer's list ("the second one",
    "which of those …"), or at the paper it was about ("who wrote it?": its first citation,
    for a turn that keeps its citations as data), else None. Raises QuestionError when it
    points past the end of the list ("the 7th one" after two papers)."""
    ordinal, subset = _ORDINAL.search(question), _SET.search(question)
    if not history:
        return None
    if _ORDER_ONLY.match(question) and not previous_papers(history, papers, index):
        # "put them in date order" after an answer that found nothing: no list to order (it
        # listed all 50 papers in date order; the review of round seventeen)
        raise QuestionError(NOTHING_TO_ORDER)
    if subset and (last_answer(history) or {}).get("abstained"):
        # "which of those have code?", "which is the oldest of those?" after an answer that
        # found nothing: none of "those" (it answered of the whole portfolio; the review of
        # round eighteen)
        raise QuestionError(NOTHING_LISTED)
    if (other_end := _other_end(question, history, papers, index)) is not None:
        return other_end
    if (two := _TWO_ORDINALS.search(question)) and _COMPARES.search(question):
        # "compare the first and the second": two papers of the last list side by side (it
        # searched for a paper about "first")
        listed = _last_list(history, papers, index)
        at = [_ORDINALS[w.lower()] for w in (two["a"], two["b"])]
        if listed and all(n <= len(listed) for n in at):
            a, b = (listed[n - 1] if n > 0 else listed[-1] for n in at)
            if a.paper_id != b.paper_id:
                return FollowUp(paper_ids=None, question=f"compare “{a.title}” with “{b.title}”")
    dated, desc = _DATED.search(question), _DESCRIBED.search(question)
    if desc is None and dated is None and (tag := _TAGGED.search(question)):
        words = tag["desc"].split()
        # ("the X paper" picks from a list only: after one paper, "how does that compare with
        # the optimal-behavior-prior paper?" names another)
        listing = (
            not tag.group(0).endswith("paper") or len(previous_papers(history, papers, index)) > 1
        )
        # (… nor one whose name opens another paper's title: "what about the optimal behavior
        # prior paper?" after the Boltzmann policy papers is "Optimal Behavior Prior: …")
        # (… the list before counts as shown: "who did the recommender one?" after the 2025
        # papers, then the one of them for a coding assistant)
        shown = {p.paper_id for p in previous_papers(history, papers, index)} | {
            p.paper_id for p in _list_before_last(history, papers, index)
        }
        another = any(n.paper_id not in shown for n in _named_papers(tag.group(0), papers, re.I))
        if (listing and not another
                and not any(_NOT_TAGS.match(w) or w.lower() in _ORDINALS for w in words)):  # fmt: skip
            desc = tag
    if not ordinal and (pair := _the_two_compared(question, history, papers, index)):
        return pair
    if _COUNT_OF_LIST.search(question) and (listed := previous_papers(history, papers, index)):
        # "how many is that?" after a list: its papers, counted (it counted "that" as the
        # first paper: "1 of 1")
        return FollowUp(paper_ids=[p.paper_id for p in listed], question="How many papers?",
                        route_text="How many papers?")  # fmt: skip
    if not ordinal and (other := _other_one(question, history, papers, index)):
        return other
    if not ordinal and (built := _built_on_it(question, history, papers, index)):
        return built
    if not ordinal and (named := _named_in_last(question, history, papers, index)):
        return named
    if not ordinal and (sized := _sized_in_last(question, history, papers, index)):
        return sized
    if not ordinal and (quoting := _quoted_from_last(question, history, papers, index)):
        return quoting
    if (
        not ordinal
        and dated is not None
        and (pair := _dated_against_it(question, dated, history, papers, index))
    ):
        return pair
    if not ordinal and (either := which_of_two(question, history, papers, index)):
        return either
    if not (ordinal or subset) and (sibling := _newer_one(question, history, papers, index)):
        return sibling
    if not ordinal and (described := dated or desc):
        listed = _last_list(history, papers, index)
        beyond = False
        if dated is not None:
            if dated["which"] and len(listed) == 1:
                # "which one is older?" after the Boltzmann policy paper, then the optimal
                # behavior prior one: of the papers of the last two answers
                listed = _first_papers(_recent_papers(history, papers, index)) or listed
            paper = _dated_paper(dated["when"] or dated["than"] or dated["which"], listed)
            if paper is None and dated["kind"] and len(listed) == 1:
                # "and the newer gemini report, …" after one paper: the next Gemini report
                paper = _dated_sibling(dated["than"], dated["kind"], listed[0], papers)
            rest = question[: dated.start()] + question[dated.end() :]
            if (paper is None and len(listed) == 1 and _COMPARES.search(question)
                    and not _IT_REF.search(rest)):  # fmt: skip
                # "how does the stochastic-environments paper compare with the earlier one?"
                # after one paper: that paper is the one the other is set against (not "how
                # does it compare with the earlier one?", which would set it against itself)
                paper = listed[0]
        elif (unlike := _NEGATED.match(described["desc"])) is not None:
            # "the one that's not about Overcooked": the one listed paper that does not have
            # the words (it picked the one that does)
            rest = [p for p in listed if not _has_words(unlike["x"], p)]
            paper = rest[0] if len(rest) == 1 else None
        else:
            paper = _described_paper(described["desc"], listed)
            if (
                paper is None
                and desc is not None
                and not any(_has_words(described["desc"], p) for p in listed)
            ):
                # … of the list before, when the last answer was one of its papers (and its
                # neighbours): "who did the recommender one?"
                paper = _described_paper(
                    described["desc"], _list_before_last(history, papers, index)
                )
            # "what about the imagined conversations one?" after the hindsight paper: a
            # description that is another paper's title, not half of this one's abstract
            if (titled := _titled_elsewhere(described["desc"], listed, papers)) is not None and (
                paper is None or not _title_words(described["desc"]) <= _title_words(paper.title)
            ):
                paper = titled
            if re.fullmatch(r"(?:19|20)\d\d", described["desc"].strip()):
                # "how does the 2023 one work?": the one paper of the list from that year
                of_year = [p for p in listed if str(p.year) == described["desc"].strip()]
                paper = of_year[0] if len(of_year) == 1 else _by_what_is_asked(question, of_year)
            elif paper is None and desc is not None and len(listed) >= 2:
                # "and the one about red-teaming beyond single models, …" that no listed paper
                # has half the words of: the portfolio's paper it fits, saying so (the list may
                # have missed it; it answered about the last paper)
                words = set(tokenize([described["desc"]])[0])
                if words and all(2 * len(words & _words_of(p)) < len(words) for p in listed):
                    paper = _described_paper(described["desc"], papers)
                    beyond = paper is not None
        if paper is not None:
            before, after = question[: described.start()], question[described.end() :]
            # "the one about X - what algorithm do they propose?": the question is the clause
            # after the reference, routed on its own ("X: which …" reads as an overview).
            asked = _clause_after(question, described)
            if dated and dated["than"] and _IS_THERE.match(question):
                # "is there a newer Gemini report in her list?": yes, that one, and what it is
                # (read as "is there it in her list?", it listed the paper as a statistic)
                return _yes_it_is(paper, dated["than"])
            return FollowUp(
                paper_ids=[paper.paper_id],
                title=paper.title,
                question=" ".join(f"{before}“{paper.title}”{after}".split()),
                route_text=asked or " ".join(f"{before}it{after}".split()),
                lead=_dated_lead(dated["which"], paper, listed)
                if dated and dated["which"]
                else f"Not one of the {len(listed)} papers just listed:"
                if beyond
                else None,
            )
    if not ordinal and (led := _led_by_them(question, history, papers, index)):
        return led
    if not (ordinal or subset) and (same := _same_group(question, history, papers, index)):
        return same
    if not (ordinal or subset) and (by := _by_its_author(question, history, papers, index)):
        return by
    if not (ordinal or subset) and (others := _others(question, history, papers, index)):
        return others
    if _GO_ON.match(question):
        question = "tell me more"  # "go on", "keep going": more of the same (it abstained)
    if not (tokenize([question])[0] or ordinal or subset or _IT.search(question)):
        # "and?", "no", "a b c": no word to search for and none that points back. Read as
        # "about the last paper" (or condensed onto the last topic) it was answered with
        # that paper, cited, as if it had been asked about.
        raise QuestionError(
            f"“{question}” has no words to search for and refers to nothing in the last "
            "answer. Ask about a topic, a paper, an author or a year, or point back at the "
            "last answer (“who wrote it?”, “tell me more about the second one”)."
        )
    if not (ordinal or subset):
        return _about_it(question, history, papers, index)
    listed = previous_papers(history, papers, index)
    if not listed:
        return None
    if subset and not ordinal and len(listed) == 1 and _WHICH_FIRST.search(question):
        # "which came first?" after UniMASK, then FlexiBiT: the two papers of the last two
        # answers, not the one just given
        recent = _recent_papers(history, papers, index)
        listed = _first_papers(recent)[::-1]
        if len(listed) < 2:
            # … or, when those two answers were about one paper (a list, then its first), the
            # list ("any work on goal-directed dialogue?", "what's the key idea?")
            listed = next((papers_of for papers_of in recent if len(papers_of) >= 2), listed)
    elif subset and not ordinal and len(listed) == 1 and _PLURAL_SET.search(question):
        # "is any of those about generating images?" after "the 3rd — what sizes does it come
        # in?": of the list the paper was picked from (dev21: "the paper just listed does not
        # mention that")
        earlier = _last_list(history, papers, index)
        if len(earlier) >= 2 and listed[0] in earlier:
            listed = earlier
    if ordinal:
        word = (ordinal.group("word") or ordinal.group("bare") or "").lower()
        n = _ORDINALS.get(word) or int(
            ordinal.group("num") or ordinal.group("hash") or re.sub(r"\D", "", word) or 0
        )
        before, after = question[: ordinal.start()], question[ordinal.end() :]
        it = listed[0] if len(listed) == 1 else None
        compares = _COMPARES.search(question) and _IT_REF.search(before + after)
        earlier = _last_list(history, papers, index) if it is not None else []
        if _YOU_MENTIONED.match(after):
            # "that last one you mentioned": of the papers the last answer gave, even when that
            # was one (it counted in the list before, and answered about another paper)
            earlier = []
        if _BACK.search(before) and (back := _list_before_last(history, papers, index)):
            # "go back to the first one you listed — …" after a narrower answer: the list before
            # it (dev21: the first of the last answer's two)
            listed, earlier, it = back, [], None
        if it is not None and len(earlier) >= 2 and (compares or it in earlier):
            # "and the third?" after "tell me about the second one", "how is it different from
            # the first one?" after a list, then one of it: the ordinal counts in the list
            # (it said the last answer had one paper, or compared that paper with itself)
            listed = earlier
        elif it is not None and compares:
            # … or, with no list, in the papers the conversation went through ("what is
            # FlexiBiT?", "anything newer on that?", "how is it different from the first one?")
            listed = _first_papers(_recent_papers(history, papers, index, turns=4))[::-1]
        if n == 0 or n > len(listed):
            # Not another paper, and not the question without its reference (condensed onto
            # the last topic, it answered about a paper of the list): say there is no such one.
            raise QuestionError(beyond_the_list(ordinal.group(0).strip(), len(listed)))
        paper = listed[n - 1] if n > 0 else listed[-1]
        if compares and it is not None and paper.paper_id != it.paper_id:
            # "it" is the last answer's paper, set against the one the ordinal picks
            asked = _IT_REF.sub(f"“{it.title}”", f"{before}“{paper.title}”{after}", count=1)
            return FollowUp(paper_ids=None, question=" ".join(asked.split()))
        # "(go back to) the first one (you listed) — what's its title again?": the clause after
        # the reference is what is asked (routed whole, "go back to it you listed — …" missed
        # the title question)
        clause = re.match(
            rf"(?:{_YOU_MENTIONED.pattern})?\s*[-:;,—–]\s*(?P<rest>\S.*)", after, re.I
        )
        opens = re.fullmatch(r"\W*(?:(?:and|ok|so|now),?\s+)?(?:go(?:ing)?\s+)?(?:back to\s+)?(?:the\s+)?",
                             before, re.I)  # fmt: skip
        pointed = _BACK.search(before) or _YOU_MENTIONED.match(after)
        return FollowUp(
            paper_ids=[paper.paper_id],
            title=paper.title,
            question=" ".join(f"{before}“{paper.title}”{after}".split()),
            route_text=clause["rest"]
            if clause and opens and pointed
            else " ".join(f"{before}it{after}".split()),
        )
    if subset and (unlike := _NOT_ABOUT.search(question)) and len(listed) >= 2:
        # "which of those aren't about language models?": the listed papers without the words,
        # listed (a search among them put the ones about it first)
        rest = [p for p in listed if not _has_words(unlike["x"], p)]
        n, x = len(listed), unlike["x"].strip()
        if not rest:  # "which of those don't use language?" after papers on language
            raise QuestionError(
                f"None: {'both' if n == 2 else f'all {n}'} papers just listed mention “{x}”."
            )
        if len(rest) < len(listed):
            said = (f"Of the {n} papers just listed, {len(rest)} do not mention “{x}”:"
                    if len(rest) > 1 else f"Of the {n} papers just listed, 1 does not mention “{x}”:")  # fmt: skip
            return FollowUp(paper_ids=[p.paper_id for p in rest], question="Which papers?",
                            route_text="Which papers?", lead=said)  # fmt: skip
    if subset and (elsewhere := _not_in_the_list(question, listed, history)):
        return elsewhere
    # ("the two — which came first?": what is asked of the pair, routed without the lead)
    asked = re.sub(
        r"^\s*(?:so,? |and,? |ok,? )?(?:of )?the two\s*[—–:,-]*\s*", "", question, flags=re.I
    )
    if _ORDER_ONLY.match(question):  # "sort by date, oldest first": the list, in that order
        return FollowUp(paper_ids=[p.paper_id for p in listed], question=question,
                        route_text=f"list them, {question}")  # fmt: skip
    return FollowUp(paper_ids=[p.paper_id for p in listed], question=asked or question)


def _words_of(paper: Paper) -> set[str]:
    return set(tokenize([f"{paper.title} {paper.abstract}"])[0])


# A pick by what a paper is not: "the one that's not about Overcooked" (the description after
# "the one that"), "which of those aren't about language models?", "… don't use robots?"
_NEGATED = re.compile(
    r"^\s*(?:['’]s|is|was)?\s*(?:not|n['’]t)\s+(?:about|on|using|with|in|for|from)?\s*(?P<x>.+)$",
    re.I,
)
_NOT_ABOUT = re.compile(
    r"\b(?:are not|aren['’]t|is not|isn['’]t|were not|weren['’]t|do not|don['’]t|does not|"
    r"doesn['’]t|did not|didn['’]t)\s+(?:(?:about|on|use|using|involve|study|cover|deal with|mention)\s+"
    # … or what they are not: "which of those aren't benchmarks?"
    r"|(?<=n['’]t )(?:an?\s+)?(?=\w+s?\s*[?.!]*$)|(?<=not )(?:an?\s+)?(?=\w+s?\s*[?.!]*$))"
    r"(?P<x>[^?.!]+)",
    re.I,
)


def _has_words(phrase: str, paper: Paper) -> bool:
    """Every word of `phrase` (stemmed, function words aside) is in the paper's title or
    abstract: "language models" in one that says "large language models"."""
    words = set(tokenize([phrase])[0]) - FUNCTION_WORDS
    return bool(words) and words <= _words_of(paper)


# "how many is that?", "how many are there?", "how many of them?": the last list, counted
_COUNT_OF_LIST = re.compile(
    r"^\s*(?:so,? |and,? |ok,? )?how many (?:(?:is|was) that|(?:are|were) (?:those|these|they|there|them)|"
    r"of (?:them|those|these)|(?:papers|ones) (?:is|are|was|were) (?:that|those|these|there)|in total|"
    r"altogether|total)\s*"
    r"(?:in total|altogether|then)?\s*[?.!]*\s*$",
    re.I,
)


# "what's the difference between the two?", "how do they differ?", "compare them": the two
# papers the last answer listed, set side by side
_TWO_COMPARED = re.compile(
    r"\b(?:differences?|differ|different|compare|comparison|contrast|distinguish\w*|apart)\b", re.I
)
_THE_TWO = re.compile(
    r"\b(?:the two|these two|those two|both|the pair|each other|one another)\b|"
    # "how do they differ?", "how are these different?", "compare them" (not "which algorithms
    # did they compare against?": a detail of one paper)
    r"\bhow (?:do|does|did|are|were) (?:they|these|those) (?:\w+ )?(?:differ|different|compare)\b|"
    r"\b(?:difference|differences) between (?:them|these|those)\b|"
    r"\b(?:compare|contrast) (?:them|these|those)\b",
    re.I,
)


def _the_two_compared(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                      index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """A comparison of the two papers the last answer listed, asked with no names: "How does
    “A” compare with “B”?" (not "how does it differ from X?", which names its other side)."""
    if not (_TWO_COMPARED.search(question) and _THE_TWO.search(question)) or re.search(
        r"\bit\b|“", question, re.I
    ):
        return None
    listed = previous_papers(history, papers, index)
    if len(listed) != 2:
        # … or the papers of the last two answers ("is there another one on X?" after one
        # paper: "how do the two differ?")
        listed = _first_papers(_recent_papers(history, papers, index))[::-1]
        if len(listed) != 2 or listed[0].paper_id == listed[1].paper_id:
            return None
    a, b = listed
    asked = f"How does “{a.title}” compare with “{b.title}”?"
    return FollowUp(paper_ids=[a.paper_id, b.paper_id], question=asked, route_text=asked)


def _by_what_is_asked(question: str, candidates: list[Paper]) -> Paper | None:
    """Of several papers a pick fits ("the 2025 one" when two are from 2025), the one whose
    title and abstract share the most of what the question asks ("what does it use instead of
    search?": "Planning without Search"), if one shares more than the others."""
    wanted = set(tokenize([question])[0]) - _OTHERS_WORDS - _BARE_WORDS - FUNCTION_WORDS - ASKING
    wanted = {w for w in wanted if not w.isdigit()}
    shared = sorted(((len(wanted & _words_of(p)), p) for p in candidates), key=lambda x: -x[0])
    if shared and shared[0][0] and (len(shared) == 1 or shared[0][0] > shared[1][0]):
        return shared[0][1]
    return None


def _on_last_topic(question: str, history: list[dict[str, Any]]) -> str:
    """`question` searched for with what the last question asked about ("which task did they
    test on?" after "is there work on inferring what people want from what they say?")."""
    before = _last_question(history) or ""
    topic = [w for w in re.findall(r"[\w'’-]+", before) if not set(tokenize([w])[0]) <= _NO_SUBJECT]
    return f"{question.rstrip(' ?')} on {' '.join(topic)}?" if topic else question


_CARES = re.compile(
    r"\bif (?:i|we)(?:['’]m| am| are)? (?:mostly |mainly |really |only |just )?(?:care|cared|interested|"
    r"want to (?:learn|know|read)) (?:about |in |on )?(?P<x>[^?.!]+)",
    re.I,
)


_AUTHORSHIP = frozenset(tokenize(["first author authors lead led wrote written co-authored"])[0])


def _not_in_the_list(
    question: str, listed: list[Paper], history: list[dict[str, Any]]
) -> FollowUp | None:
    """A pick from the last list ("which one uses a flight booking task?") that no listed
    paper mentions half the words of: searched for in the rest of the portfolio, saying so
    first (the person misremembered the list, or the list missed the paper)."""
    # ("which one should I start with if I mostly care about LLMs?": what they care about)
    cares = _CARES.search(question)
    # (… not its authors: "which of those list Vivek Myers as first author?" narrows the list
    # by its metadata, which the router reads)
    authors = set(tokenize([" ".join(a for p in listed for a in p.authors)])[0]) | _AUTHORSHIP
    wanted = {
        w for w in tokenize([cares["x"] if cares else _SET.sub(" ", question)])[0]
        if not any(c.isdigit() for c in w)
    } - _OTHERS_WORDS - _BARE_WORDS - FUNCTION_WORDS - _FRAMING - ASKING - authors  # fmt: skip

    def has(paper: Paper) -> int:  # (a plural the paper writes singular: "LLMs", "LLM")
        words = _words_of(paper)
        return sum(
            w in words or (len(w) > 3 and w.endswith("s") and w[:-1] in words) for w in wanted
        )

    # (a listed paper with half the words is one: "which of those involve robots?")
    if not wanted or any(2 * has(p) >= len(wanted) for p in listed):
        return None
    n = len(listed)
    said = (
        "The paper just listed does not mention that."
        if n == 1
        else f"{'Neither' if n == 2 else 'None'} of the {n} papers just listed mentions that."
    )
    # one word asked is searched for with what the list was of ("which of those is a
    # benchmark?" after papers on preference learning: a benchmark for that); more say what
    # they want on their own ("a flight booking task", which the list's subject would outweigh)
    searched = _on_last_topic(question, history) if len(wanted) == 1 else question
    return FollowUp(paper_ids=None, question=searched, route_text=question,
                    exclude_ids=[p.paper_id for p in listed],
                    lead=said)  # fmt: skip


# "is there a follow-up that handles stochastic environments?", "did any later paper use
# Overcooked too?" (tests/data/blind/dev8.jsonl): another paper, searched for without these
# words ("follow-up" is no subject the papers must cover).
_LATER = (
    # … a follow-up that is another paper, not "quick follow-up: …", "the follow-up experiment"
    r"\b(?:is there|was there|are there|were there|any)\s+(?:an?\s+|other\s+)?follow[- ]?ups?"
    r"(?:\s+(?:papers?|works?|publications?))?\b(?!\s*[:,—–-]|\s+(?:questions?|experiments?|"
    r"analys[ie]s|study|studies|surveys?|questionnaires?|interviews?|evaluations?|results?)\b)|"
    # "and the follow-up on stochastic environments, what algorithm did that one introduce?"
    r"\bthe\s+follow[- ]?up(?:\s+(?:paper|work))?\s+(?=(?:on|about|with|in|that|which)\b)|"
    r"\b(?:later|subsequent|newer)\s+(?:[\w-]+\s+){0,2}?(?:papers?|publications?|work|works|studies|versions?)\b|"
    # "anything newer on recommenders?", "something more recent?"
    r"\b(?:anything|something)\s+(?:newer|more recent|later)\b|"
    # "same topic but newer?", "newer ones on the same subject?"
    r"\bsame (?:topic|subject|area|theme|problem)\b[\w\s,]{0,20}?\b(?:newer|more recent|later)\b|"
    r"\b(?:newer|more recent|later)\b[\w\s,]{0,30}?\bsame (?:topic|subject|area|theme|problem)\b|"
    # "did they follow up on stochastic environments?" (tests/data/blind/dev5.jsonl)
    r"\b(?:did|do|does|have|has)\s+(?:they|she|he|the (?:group|lab|team|authors?))\s+(?:ever\s+|later\s+)?"
    r"follow(?:ed)?[- ]?up\s+(?:on|with)\b"
)

# "What else did they do on this?", "any other papers like it?", "anything similar?": papers
# besides the last answer's ("the other one" picks from a list of two instead).
# (… "anything newer on recommenders?", "any later papers on it?": other papers, on a subject)
_OWN_OTHER = re.compile(r"\b(?:anything|something|any)\s+(?:newer|more recent|later|older|earlier)"
                        r"\s+(?:on|about|in)\b|\b(?:papers|works|publications|studies)\b", re.I)  # fmt: skip
# "was there an earlier version?", "any earlier work on this?": before the last paper
_EARLIER = (
    r"(?<![\w-])(?:earlier|previous|prior|older|original|first)\s+versions?\b|"
    r"\b(?:anything|something)\s+(?:older|earlier)\b|\bprecursors?\b|\bpredecessors?\b|"
    r"\bsame (?:topic|subject|area|theme|problem)\b[\w\s,]{0,20}?\b(?:older|earlier)\b|"
    # "was there any earlier work?" (not "the earlier empowerment paper that used Overcooked",
    # "what earlier dialogue work did Joey Hong do …?": a description, or a question of its own)
    r"\b(?:any|an)\s+(?:earlier|previous|prior|older)\s+(?:papers?|works?|publications?)"
    r"(?:\s+(?:on|about)\s+(?:it|this|that))?\s*[?.!]*\s*$"
)
# … but a version the paper is set against asks what the paper changed
_AGAINST_EARLIER = re.compile(
    r"\s*\b(?:vs\.?|versus|compared (?:to|with)|relative to|over|than|from)\s+(?:the|its|their)\s+"
    r"(?:previous|earlier|prior|older|original|last)\s+(?:version|model|generation|release)s?\b",
    re.I,
)
_OTHERS = re.compile(
    r"\b(?:what|anything|something|who) else\b|\bothers\b|\bsimilar\b(?!\s+to\b)|"
    # "more like this?", "more like that one" (dev20: condensed, it answered the same paper)
    r"^\W*(?:any\s+)?more\s+like\s+(?:this|that|it)\b|"
    # … "what other big-picture safety papers are there?": words between
    # (not "tell me more about their work")
    r"\b(?:other|another|more|similar)\s+(?:(?!about\b|on\b|of\b|regarding\b)[\w-]+\s+){0,3}?"
    r"(?:papers?|work|works|ones|publications?|"
    r"studies|research)\b|"
    # "is there a follow-up that handles stochastic environments?", "did any later paper use
    # Overcooked too?" (tests/data/blind/dev8.jsonl)
    rf"{_LATER}|{_EARLIER}",
    re.I,
)
# … and what such a question says besides asking for more ("on this", "like that one").
_OTHERS_WORDS = set(tokenize(["else other others another similar like related more this that it "
                              "same topic subject line kind sort ones follow followed up later "
                              "subsequent newer too also version versions updated earlier previous prior older "
                              "original precursor predecessor"])[0])  # fmt: skip


# "what else has that author done?", "other papers by the first author?": the last paper's
# author (its first, or its last for "senior"/"last author")
_ITS_AUTHOR = re.compile(
    r"\b(?:that|the|this|its|their) (?:same )?(?P<which>first |lead |main |senior |last |second |"
    r"third )?author\b",
    re.I,
)


# An author of the last answer's paper as a pronoun: "papers by her", "what else has he written?"
_BY_PRONOUN = re.compile(
    r"\b(?:by|from) (?:her|him)\b|\b(?:she|he) (?:has |have |had )?"
    r"(?:written|wrote|write|done|did|do|publish\w*|work\w*|authored|co-?authored)\b",
    re.I,
)

# Later than the last answer's paper: "anything more recent by him?", "newer work from her?"
_NEWER = re.compile(
    r"\b(?:more recent|newer|later|since then|after that)\b|\bsince\s*[?.!]*$", re.I
)
# … or earlier: "what did the second author work on before?"
_OLDER = re.compile(
    r"\b(?:before|earlier|older|previously|prior)\s*(?:that|this|it|then)?\s*[?.!]*$|"
    # "anything earlier by the first author on recommender systems?"
    r"\b(?:anything|something|work|papers?)\s+(?:earlier|older|before that)\b",
    re.I,
)

# Where the papers are ("… in the collection?", "… in this database?"): no topic.
_HERE_WORDS = set(tokenize(["collection corpus database library list site index indexed set"])[0])


# "just the ones he led", "which of those is she first author on?": the last list's papers
# that list the person asked about first (tests/data/blind/dev19.jsonl: it abstained)
def _led_by_them(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                 index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The last list's papers led by the person the list was of (named in the last question,
    and an author of every listed paper), said as such."""
    listed = previous_papers(history, papers, index)
    if not FIRST_AUTHOR.search(question) or len(listed) < 2:
        return None
    # (the person named last whom every listed paper lists: "What has Micah Carroll worked on?")
    named = names_in(_last_question(history) or "")
    who = next((n for n in named
                if all(paper_matches(p, Filters(author=n)) for p in listed)), None)  # fmt: skip
    if who is None:
        return None
    led = [p for p in listed if paper_matches(p, Filters(author=who, first_author=True))]
    n = len(listed)
    said = f"Of the {n} papers just listed, {len(led)} list {who} first:"
    if not led:
        raise QuestionError(f"None of the {n} papers just listed lists {who} first.")
    return FollowUp(paper_ids=[p.paper_id for p in led], question="Which papers?",
                    route_text="Which papers?", lead=said)  # fmt: skip


# "is that the same group as before?", "same authors as the BRIDGE paper?": who wrote the last
# paper and the other one (tests/data/blind/dev19.jsonl: it searched for "group")
SAME_GROUP = re.compile(
    r"\bsame (?:group|team|authors?|people|lab|researchers|folks|crew)\b|"
    # "any overlap in authors between those two?", "do they share authors?"
    r"\boverlap (?:in|of|between|among) (?:the )?(?:authors?|people|teams?)\b|\bauthors? overlap\b|"
    r"\b(?:authors?|anyone|people) in common\b|\b(?:common|shared) authors?\b|"
    r"\bshare (?:any |some )?(?:authors?|co-?authors?)\b",
    re.I,
)


def _same_group(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """Both papers' authors, when the question asks whether the last answer's paper is by the
    same group as another: the one it names ("the BRIDGE / effective horizon paper"), else
    the one discussed before it."""
    if not SAME_GROUP.search(question) or not (last := previous_papers(history, papers, index)):
        return None
    it = last[0]
    others = [p for p in papers if p.paper_id != it.paper_id]
    # (what follows "as" names it: "as the BRIDGE / effective horizon paper", "as Dynalang")
    named = re.search(r"\bsame \w+ as (?!before|earlier|previously|the (?:last|previous|other) one)"
                      r"(?:the )?(?P<x>[^?]+?)(?:\s+(?:paper|work|one|study|report))?\s*[?.!]*$",
                      question, re.I)  # fmt: skip
    ref = PAPER_REFERENCE.search(question)
    said = named["x"] if named else reference_words(ref) if ref else None
    # … by the name its title gives it ("the Gemma 2 paper"), else by its words
    # (… or named anywhere: "and UniMASK — any overlap in authors between those two?")
    by_name = {n.paper_id for n in _named_papers(said or question, others, re.I)}
    if len(by_name) == 1:
        other = next(p for p in others if p.paper_id in by_name)
    else:
        other = _described_paper(said, others) if said else None
    if other is None:
        seen = [p for turn in reversed(_answers(history)[-3:])
                for p in previous_papers([turn], papers, index)]  # fmt: skip
        other = next((p for p in seen if p.paper_id != it.paper_id), None)
    if other is None:
        return None
    asked = f"Are “{it.title}” and “{other.title}” by the same group? Who wrote them?"
    return FollowUp(paper_ids=[it.paper_id, other.paper_id], question=asked,
                    route_text="who wrote them?")  # fmt: skip


def _said_she(history: list[dict[str, Any]]) -> bool:
    """A user turn said "she" or "he" (then the portfolio's owner, as in "what has she done")."""
    return any(isinstance(t, dict) and t.get("role") == "user"
               and re.search(r"\b(?:she|her|he|him|his)\b", str(t.get("content") or ""), re.I)
               for t in history)  # fmt: skip


def _first_cited(turn: dict[str, Any]) -> str | None:
    """The paper id an assistant turn cites first (None for a turn kept as text only)."""
    cited = turn.get("citations")
    return cited[0] if isinstance(cited, list) and cited else None


def _by_its_author(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                   index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """Other papers by an author of the paper the last answer was about: a listing of that
    author's papers, without it."""
    found = _ITS_AUTHOR.search(question)
    # "any other papers by her here?" after "… is by Jessy Lin, Daniel Fried, …": the author
    # that answer named first (else "her" is the portfolio's owner, as in "what has she done")
    # … or the answer before it, on the same paper ("who wrote it?", "what did it build on?",
    # "anything more recent by him?")
    answers = _answers(history)[-2:]
    who_turn = next((a for a in reversed(answers) if a.get("shape") == "who-when"), None)
    same = who_turn is not None and (
        who_turn is answers[-1] or _first_cited(who_turn) == _first_cited(answers[-1])
    )
    last_turn = answers[-1] if answers else None
    last = who_turn if same else last_turn
    pronoun = (found is None and same and _BY_PRONOUN.search(question))  # fmt: skip
    # "anything more recent by him?": later papers by that author are other papers too
    newer, older = _NEWER.search(question), _OLDER.search(question)
    if (found is None and not pronoun and (newer or older) and last_turn is not None
            and last_turn.get("shape") not in (None, "survey", "compare")
            and not _said_she(history)):  # fmt: skip
        # … and with no author named before, "anything more recent by her?" after an answer on
        # one paper: its first author's (the header names whom), not the owner's whole list
        # (unless "she" already meant the owner: "what has she done on X?")
        pronoun = _BY_PRONOUN.search(question)
    if (found is None and not pronoun) or not (_OTHERS.search(question) or newer or older):
        return None
    listed = previous_papers(history, papers, index)
    if not listed or not listed[0].authors:
        return None
    paper = listed[0]
    since, until = (paper.year if newer else None), (paper.year if older else None)
    which = (found["which"] or "").strip().lower() if found else ""
    at = {"senior": -1, "last": -1, "second": 1, "third": 2}.get(which, 0)
    if at >= len(paper.authors):
        return None
    name = paper.authors[at]
    if pronoun and last is not None:
        said = without_sources(str(last.get("content") or ""))
        named = [(said.find(a), a) for a in paper.authors if a and a in said]
        name = min(named)[1] if named else name
    # "any other dialogue RL papers from the same first author?", "what else did the first
    # author do on reward hacking?": that author's papers on what the question names
    # … a subject said as one ("on X", "about X"), up to what would be a filter or an
    # exception ("since 2023", "with Sergey Levine", "at Berkeley", "besides dialogue")
    said = re.search(
        r"\b(?:on|about|regarding|related to)\s+(?P<topic>.+?)\s*(?=\b(?:with|since|after|before|"
        r"besides|except|other than|at|in|from|by|during)\b|[?.!]|$)",
        _BY_PRONOUN.sub(" ", _ITS_AUTHOR.sub(" ", question)),
        re.I,
    )
    # … or as what the papers are ("any other dialogue RL papers from the same first author?")
    kind = re.search(r"\b(?:other|more|another)\s+(?P<topic>(?:[\w-]+\s+){1,4}?)(?:papers?|works?|"
                     r"publications?)\b", question, re.I)  # fmt: skip
    rest = said["topic"] if said else kind["topic"] if kind else ""
    # ("following" is a subject's word in "instruction following", not "a follow-up")
    others = _OTHERS_WORDS if re.search(r"\bfollow(?:ed)?[- ]?ups?\b", rest, re.I) else (
        _OTHERS_WORDS - {"follow"})  # fmt: skip
    own = (set(tokenize([rest])[0]) - others - _BARE_WORDS - FUNCTION_WORDS - _FRAMING
           - _HERE_WORDS)  # fmt: skip
    topic = " ".join(w for w in re.findall(r"[\w'’-]+", rest) if set(tokenize([w])[0]) & own)
    if topic:  # asked as its own question, which the router reads (the author a filter)
        asked = f"What has {name} written on {topic}?"
        return FollowUp(paper_ids=None, question=asked, route_text=asked,
                        exclude_ids=[paper.paper_id], since=since, until=until)  # fmt: skip
    return FollowUp(paper_ids=None, question=f"Which other papers did {name} write?",
                    route_text=f"Which papers did {name} write?",
                    exclude_ids=[paper.paper_id], since=since, until=until)  # fmt: skip


# "that game", "that benchmark": a thing the last answer named
_THAT_NAMED = re.compile(
    r"\b(?:that|this|the same) (?P<noun>game|environment|benchmark|dataset|domain|simulator|task|"
    r"framework|algorithm|model)\b",
    re.I,
)


def _others(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
            index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """A request for papers besides the last answer's ("what else did they do on this?"):
    those are left out, and a question with no subject of its own is about theirs (searched
    for by their titles: "Dynalang" alone finds nothing else on world models)."""
    # … not "what else can it do?", "is it similar to ILQL?", "what other baselines …": more
    # of the same paper, or a thing of it
    dated = re.search(f"{_LATER}|{_EARLIER}", question, re.I) is not None
    if (against := _AGAINST_EARLIER.search(question)) and (
        listed := previous_papers(history, papers, index)
    ):
        # "what changed architecturally vs the previous version?" after Gemma 2: what the
        # paper says it changed (it searched for earlier papers, and compared two empty sides)
        paper = listed[0]
        asked = " ".join((question[: against.start()] + question[against.end() :]).split())
        return FollowUp(paper_ids=[paper.paper_id], title=paper.title,
                        question=in_paper(asked, paper.title), route_text=asked)  # fmt: skip
    if not _OTHERS.search(question) or (_IT.search(question) and not dated):
        return None  # ("the follow-up on X, what did that one introduce?": "that one" is it)
    listed = previous_papers(history, papers, index)
    if not listed:
        return None
    if _IT.search(question) or (dated and not _OWN_OTHER.search(question)):
        # "did they follow up on it?", "is there a follow-up?", "an earlier version?": of the
        # paper the last answer was about; the others it listed ("Also in the portfolio: …",
        # the rest of a list) may be the follow-up
        listed = listed[:1]
    # "any others like that?" after a focused answer: like the paper it was about, not like
    # the others it listed after it (which are left out all the same)
    last = last_answer(history)
    like = listed[:1] if last is not None and last.get("shape") == "focused" else listed[:3]
    own = set(tokenize([question])[0]) - _OTHERS_WORDS - _BARE_WORDS - FUNCTION_WORDS - _FRAMING
    # … searched for, and said, by their titles
    asked = (
        " ".join(re.sub(f"{_LATER}|{_EARLIER}", " ", question, flags=re.I).split())
        if own
        else " and ".join(p.title for p in like)
    )
    if own and (that := _THAT_NAMED.search(asked)) and last is not None:
        # "any later work using that game?": the game the last answer named ("the popular
        # game Overcooked"), searched for by its name
        said = without_sources(str(last.get("content") or ""))
        noun = that["noun"]
        named = re.search(rf"\b{noun}s?,?\s+(?:called\s+|named\s+)?(?P<a>[A-Z][\w-]+)|"
                          rf"\b(?P<b>[A-Z][\w-]+)\s+{noun}\b", said)  # fmt: skip
        if named:
            asked = asked.replace(that.group(0), named["a"] or named["b"])
    later = re.search(_LATER, question, re.I) is not None and listed[0].year is not None
    earlier = re.search(_EARLIER, question, re.I) is not None and listed[0].year is not None
    return FollowUp(paper_ids=None, question=asked, route_text=question,
                    exclude_ids=[p.paper_id for p in listed],
                    since=listed[0].year if later else None,
                    until=listed[0].year if earlier and not later else None)  # fmt: skip


def _described_paper(description: str, listed: Sequence[Paper]) -> Paper | None:
    """The paper of `listed` a description fits best ("that works with language models"):
    the description's words found in its abstract, and again in its title (what a paper is
    about, when both abstracts use the words), each weighted by how few of the listed papers
    use it (what tells them apart). None when none fits or two fit alike."""
    # A word only one listed paper has as written, in its title or else its abstract, is that
    # paper ("the Q-learning one": tokenized, "Q-learning" is "learn", which every paper has)
    said = description.strip()
    # … and so is a figure only one listed abstract states ("the one with the 2% number")
    for figure in figures(said):
        written = re.compile(rf"(?<![\w.]){re.escape(figure)}(?!\d|\.\d)")
        having = [p for p in listed if written.search(p.abstract or "")]
        if len(having) == 1:
            return having[0]
    if said and " " not in said:
        word = re.compile(rf"(?<![\w-]){re.escape(said)}(?![\w-])", re.I)
        for field in ("title", "abstract"):
            having = [p for p in listed if word.search(getattr(p, field) or "")]
            if len(having) == 1:
                return having[0]
    words = set(tokenize([description])[0])
    if not words or not listed:
        return None
    titles = [set(tokenize([p.title])[0]) for p in listed]
    texts = [t | set(tokenize([p.abstract or ""])[0]) for t, p in zip(titles, listed, strict=True)]
    weight = {w: math.log(1 + len(listed) / n) for w in words
              if (n := sum(w in t for t in texts))}  # fmt: skip
    scores = sorted(
        ((sum(weight.get(w, 0.0) for w in words & t) + sum(weight.get(w, 0.0) for w in words & h), i)
         for i, (t, h) in enumerate(zip(texts, titles, strict=True))),
        reverse=True,
    )  # fmt: skip
    best, at = scores[0]
    second = scores[1][0] if len(scores) > 1 else 0.0
    # Half the description's words at least must be the paper's: "the one on reward hacking
    # in language models" is none of a list on instruction following, though one says language.
    if len(words & texts[at]) * 2 < len(words):
        return None
    return listed[at] if best > 0 and best > second else None


# "and the other one?", "what about the other paper?" (tests/data/blind/dev5.jsonl): of a
# list of two, the one the last answer was not about.
_OTHER_ONE = re.compile(r"\bthe other (?:one|paper)\b", re.I)
_ELLIPSIS = {"and", "what", "about", "how", "so", "then", "ok", "okay", "now", "for", "same"}


# "is there a paper on that model itself?", "and the underlying model family, is there a
# paper on that too?" (dev5 and dev6 alike, after Gemma Scope): a thing the last answer
# named, asked about as a paper of its own
_ITS_THING = re.compile(
    r"\b(?:that|the|this|its|their)\s+(?:underlying\s+|base\s+)?(?:model(?:\s+family)?|models|"
    r"benchmark|dataset|environment|game|framework|algorithm|method|system)\b"
    r"(?=[^?]*\b(?:paper|report|work|publication)s?\b)|"
    r"\b(?:paper|report|work|publication)s?\b[^?]*\b(?:on|about|for)\s+(?:that|the|this|its|their)\s+"
    r"(?:underlying\s+|base\s+)?(?:model(?:\s+family)?|models|benchmark|dataset|environment|game|"
    r"framework|algorithm|method|system)\b",
    re.I,
)


# … asked as whether there is one ("what dataset is used in the paper?" asks of the last one)
_A_PAPER_ON = re.compile(
    r"\b(?:is there|are there|any|does (?:she|the group|the lab|it) have|did (?:they|she) (?:write|publish))"
    r"\b[^?]*\b(?:paper|report|work|publication)s?\b",
    re.I,
)


# A phrase the question quotes: "what's 'feedback gaming'?"
_QUOTED_PHRASE = re.compile(r"(?<!\w)['‘\"“]([^'’\"”]{3,60})['’\"”](?!\w)")


def _quoted_from_last(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                      index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The paper whose sentence in the last answer has the phrase the question quotes ("what's
    'feedback gaming'?" after a list quoting "Extreme forms of "feedback gaming" such as
    manipulation … [1]"): the citation that closes the sentence says whose it is."""
    found, last = _QUOTED_PHRASE.search(question), last_answer(history)
    if found is None or last is None:
        return None
    said = without_sources(str(last.get("content") or ""))
    at = said.lower().find(found[1].lower())
    marker = re.compile(r"\[(\d+)\]").search(said, at) if at >= 0 else None
    listed = previous_papers(history, papers, index)
    if marker is None or not 1 <= int(marker[1]) <= len(listed):
        return None
    paper = listed[int(marker[1]) - 1]
    return FollowUp(paper_ids=[paper.paper_id], title=paper.title, question=question,
                    route_text=question)  # fmt: skip


# Work that uses the last answer's paper: "is there interpretability work built on it?"
_BUILT_ON_IT = re.compile(
    r"\b(?:work|papers?|research|anything|something|studies)\s+(?:\w+\s+){0,2}?(?:built|based|"
    r"building|that builds?|that (?:uses?|used)|using|which uses?)\s*(?:on\s+(?:top\s+of\s+)?|upon\s+)?"
    r"(?P<it>it|that|this|them)\b",
    re.I,
)


def _built_on_it(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                 index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """Other papers that use what the last answer's paper introduced, by its name ("is there
    interpretability work built on it?" after Gemma 2: Gemma Scope, "… on Gemma 2"); that
    paper itself is left out."""
    found = _BUILT_ON_IT.search(question)
    listed = previous_papers(history, papers, index) if found else []
    if not found or not listed or not (name := name_in_title(listed[0].title)):
        return None
    # … only when another abstract uses the name ("any papers that use it?" after the
    # Boltzmann policy distribution found papers that use other things)
    lower, own = name.lower(), listed[0].paper_id
    ids, abstracts = paper_column(papers, "paper_id"), paper_column(papers, "abstract")
    if not any(
        pid != own and lower in (a or "").lower() for pid, a in zip(ids, abstracts, strict=True)
    ):
        return None
    asked = f"{question[: found.start('it')]}{name}{question[found.end('it') :]}"
    return FollowUp(paper_ids=None, question=asked, route_text=asked,
                    exclude_ids=[listed[0].paper_id])  # fmt: skip


def _named_in_last(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                   index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The paper whose title's name the last answer's text uses, other than the papers it
    cites ("… JumpReLU SAEs trained on … Gemma 2 2B and 9B" names "Gemma 2", whose paper
    "Gemma 2: Improving Open Language Models …" is in the portfolio), when the question asks
    for the paper on a thing of the last one ("is there a paper on that model itself?")."""
    last = last_answer(history)
    # … or asks of the thing a detail answer named ("which model is it trained on?", then
    # "how big is that model?": Gemma 2's size, from its own paper)
    that = (
        _THAT_THING.search(question) if last is not None and last.get("shape") == "detail" else None
    )
    if last is None or not (that or (_ITS_THING.search(question) and _A_PAPER_ON.search(question))):
        return None
    text = str(last.get("content") or "")
    cited = {p.paper_id for p in previous_papers(history, papers, index)}
    # … outside the quoted titles, whose words would name the cited paper itself
    said = re.sub(r"“[^”]*”", " ", text)
    # (the name a title gives before its colon, "Gemma 2: …")
    found = {n.paper_id for n in _named_papers(said, papers) if n.colon and n.paper_id not in cited}
    if len(found) != 1:
        return None
    (pid,) = found
    paper = (
        papers[index[pid]] if index is not None else next(p for p in papers if p.paper_id == pid)
    )
    if that is not None:
        before, after = question[: that.start()], question[that.end() :]
        return FollowUp(paper_ids=[paper.paper_id], title=paper.title,
                        question=f"{before}“{paper.title}”{after}", route_text=f"{before}it{after}")  # fmt: skip
    return FollowUp(paper_ids=[paper.paper_id], title=paper.title,
                    question=f"What is “{paper.title}” about?", route_text="What is it about?")  # fmt: skip


# "the 9B model", "the 2.5 Pro version": a model of the last answer's paper by the size or
# version its abstract gives ("We also train the 2B and 9B models …")
_SIZED_THING = re.compile(
    r"\bthe\s+(?P<name>\d+(?:\.\d+)?[BMK]|\d+(?:\.\d+)?\s+[A-Z][\w-]*)\s+(?:models?|versions?|"
    r"variants?|ones?)\b|\bthe\s+(?P<size>\d+(?:\.\d+)?[BMK])\b(?=\s*(?:one|model)?\s*[?.!,]|\s*$)"
)
_MAGNITUDE = {"B": "billion", "M": "million", "K": "thousand"}


def _sized_in_last(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                   index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The last answer's one paper, when the question asks of a model of it by a size or
    version its abstract gives ("what's the context window of the 9B model?" after Gemma 2:
    Gemma Scope's abstract says "9B" too, and the search ranked it first)."""
    found = _SIZED_THING.search(question)
    listed = previous_papers(history, papers, index) if found else []
    if found is None or len(listed) != 1:
        return None
    (paper,) = listed
    name = found["name"] or found["size"]
    # ("the 27B?" of "from 2 billion to 27 billion parameters")
    number, unit = (
        (name[:-1], name[-1].upper()) if re.fullmatch(r"[\d.]+[BMK]", name) else (name, "")
    )
    said = re.escape(name) + (rf"|{re.escape(number)}\s*{_MAGNITUDE[unit]}" if unit else "")
    if not re.search(rf"(?<![\w.])(?:{said})(?![\w])", paper.abstract, re.I):
        return None
    return FollowUp(paper_ids=[paper.paper_id], title=paper.title, question=question)


_THAT_THING = re.compile(
    r"\b(?:that|this)\s+(?:model|dataset|benchmark|environment|game|algorithm|method|system)\b",
    re.I,
)


def _other_one(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
               index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The other paper of a list of two, after an answer about one of them; asked what the
    last question asked of its paper ("the one about hindsight - what domains did they
    use?") when it asks nothing of its own."""
    found = _OTHER_ONE.search(question)
    if found is None:
        return None
    listed, last = _last_list(history, papers, index), previous_papers(history, papers, index)
    ids = [p.paper_id for p in listed]
    if (
        len(listed) != 2
        or not last
        or last[0].paper_id not in ids
        or ids == [p.paper_id for p in last]
    ):
        return None  # not a list of two, or the last answer is the list itself
    paper = listed[1 - ids.index(last[0].paper_id)]
    before, after = question[: found.start()], question[found.end() :]
    asked = " ".join(f"{before}it{after}".split())
    # … only "(and / what about) the other one?" asks the last question again ("who wrote the
    # other one?" asks its own)
    if set(re.findall(r"[a-z']+", (before + after).lower())) <= _ELLIPSIS:
        asked = _asked_before(history) or asked
    return FollowUp(paper_ids=[paper.paper_id], title=paper.title,
                    question=in_paper(asked, paper.title), route_text=asked)  # fmt: skip


# "and the latest one?" after "what's her earliest paper (on X)?": the same question, asked of
# the other end
_BARE_END = re.compile(
    r"^\W*(?:(?:and|so|ok|what about|how about),?\s+)?(?:the\s+|her\s+)?(?P<w>most recent|newest|latest|"
    r"oldest|earliest|first|last)(?:\s+(?:one|paper))?\s*[?.!]*\s*$",
    re.I,
)
_ENDS = {"most recent": "earliest", "newest": "oldest", "latest": "earliest", "last": "first",
         "oldest": "newest", "earliest": "latest", "first": "last"}  # fmt: skip
_AN_END = re.compile(r"\b(?:most recent|newest|latest|oldest|earliest|first|last)\b", re.I)


def _other_end(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
               index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The last question asked of the other end ("and the latest one?" after "what's her
    earliest paper on X?"), when its answer gave one paper (after a list, "and the latest?"
    picks from the list). It said "The latest indexed paper among the paper just discussed
    is" the earliest one."""
    asked, last = _BARE_END.match(question), _last_question(history)
    if asked is None or last is None or len(previous_papers(history, papers, index)) != 1:
        return None
    if not (end := _AN_END.search(last)) or end.group(0).lower() == asked["w"].lower():
        return None
    if _SET.search(last) or _ORDINAL.search(last):
        return None  # "which of those came out earliest?": "and the most recent?" is of that list
    again = f"{last[: end.start()]}{asked['w'].lower()}{last[end.end() :]}"
    return FollowUp(paper_ids=None, question=again, route_text=again)


def _last_question(history: list[dict[str, Any]]) -> str | None:
    """The last question the person asked, if the history keeps it as text."""
    users = [t for t in history if isinstance(t, dict) and t.get("role") == "user"]
    last = users[-1].get("content") if users else None
    return last if isinstance(last, str) else None


def _asked_before(history: list[dict[str, Any]]) -> str | None:
    """What the last question asked of the paper it picked, without the pick ("the one about
    hindsight - what domains did they use?": "what domains did they use?"), if anything."""
    last = _last_question(history)
    if last is None:
        return None
    for pattern in (_DESCRIBED, _TAGGED, _DATED, _ORDINAL):
        found = pattern.search(last)
        rest = _clause_after(last, found) if found else None
        if rest and set(tokenize([rest])[0]) - _BARE_WORDS - FUNCTION_WORDS:
            return rest
        # … or the question the pick ends ("who's the first author of the older one?": "who's
        # the first author of it?")
        if found and not last[found.end() :].strip(" ?.!"):
            asked = last[: found.start()].rstrip(" ,:-—–")
            if set(tokenize([asked])[0]) - FUNCTION_WORDS:
                return f"{asked} it?"
    return None


def _clause_after(question: str, reference: re.Match[str]) -> str | None:
    """The clause after a reference that opens the question ("the one about X - what
    algorithm do they propose?": "what algorithm do they propose?"), if there is one."""
    if question[: reference.start()].strip():
        return None
    rest = re.match(r"\s*(?:[-:;,—–]|and\b)\s*(?P<rest>\S.*)", question[reference.end() :])
    return rest["rest"] if rest else None


# "go back to the first one", "back to your earlier list": not the last answer's papers
_BACK = re.compile(
    r"\bback to\b|\b(?:the|your|that) (?:first|earlier|original|previous|other) list\b", re.I
)


def _latest_list(answers: list[dict[str, Any]], papers: Sequence[Paper],
                 index: Mapping[str, int] | None) -> list[Paper]:  # fmt: skip
    """The papers of the latest of `answers` that listed several ([] when none did)."""
    for turn in reversed(answers):
        listed = previous_papers([turn], papers, index)
        if len(listed) >= 2:
            return listed
    return []


def _list_before_last(history: list[dict[str, Any]], papers: Sequence[Paper],
                      index: Mapping[str, int] | None) -> list[Paper]:  # fmt: skip
    """The papers of the latest answer before the last one that listed several."""
    return _latest_list(_answers(history)[:-1], papers, index)


def _last_list(history: list[dict[str, Any]], papers: Sequence[Paper],
               index: Mapping[str, int] | None) -> list[Paper]:  # fmt: skip
    """The papers of the latest answer that listed several: "for the 1.5 one, …", then "and
    the newer one?" picks from the list two answers back, not from the one-paper answer."""
    return _latest_list(_answers(history), papers, index) or previous_papers(history, papers, index)


# Which of them is older or newer: "which came first?", "which one is more recent?"
_WHICH_FIRST = re.compile(
    r"\b(?:first|last|oldest|newest|latest|earliest|older|newer|earlier|more recent|most recent)\b",
    re.I,
)

# The last answer's paper as a side of a comparison: "how does it compare with …?"
_IT_REF = re.compile(r"\b(?:it|this (?:one|paper)|that (?:one|paper))\b", re.I)


def _recent_papers(history: list[dict[str, Any]], papers: Sequence[Paper],
                   index: Mapping[str, int] | None, turns: int = 2) -> list[list[Paper]]:  # fmt: skip
    """The papers of each of the last `turns` answers, the latest answer first."""
    return [previous_papers([t], papers, index) for t in reversed(_answers(history)[-turns:])]


def _first_papers(recent: list[list[Paper]]) -> list[Paper]:
    """The paper each of those answers was about (its first), each once, in their order."""
    return list({listed[0].paper_id: listed[0] for listed in recent if listed}.values())


def _dated_against_it(question: str, dated: re.Match[str], history: list[dict[str, Any]],
                      papers: Sequence[Paper], index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """A comparison of "it" with "the earlier one" (or "the latest one"): the dated one is
    picked from the list of the last two answers (the recommender papers, then "which is the
    most recent?", then "how does it compare with the earlier one?"), or from the two papers
    those answers were about ("what did the first author do before?" gave an earlier paper);
    "it" is the last answer's paper, or, when that is the dated one, the one before it. Both
    are written as titles, so the comparison reads two sides."""
    rest = question[: dated.start()] + " " * (dated.end() - dated.start()) + question[dated.end() :]
    it = _IT_REF.search(rest)
    when = dated["when"] or dated["than"] or dated["which"]
    if not _COMPARES.search(question) or it is None or not when:
        return None
    recent = _recent_papers(history, papers, index)
    firsts = _first_papers(recent)
    lists = [listed for listed in recent if len(listed) >= 2]
    pool = lists[0] if lists else firsts
    paper = _dated_paper(when, pool)
    other = next((p for p in firsts if paper is not None and p.paper_id != paper.paper_id), None)
    if paper is None or other is None:
        return None
    spans = sorted([(dated.start(), dated.end(), paper.title), (it.start(), it.end(), other.title)])
    asked, at = "", 0
    for start, end, title in spans:
        asked += f"{question[at:start]}“{title}”"
        at = end
    asked = " ".join((asked + question[at:]).split())
    return FollowUp(paper_ids=None, question=asked, route_text=asked)


# "which is newer, the auditing one or the misuse one?", "which came out first, that one or
# the CoT monitorability paper?": two papers named, each by a reference or a description
_WHICH_OF_TWO = re.compile(
    r"^\s*(?:so,? |and,? |ok,? )?which (?:one |paper )?(?:is|was|came out|came|appeared) (?:the )?"
    r"(?P<which>newer|older|more recent|earlier|newest|oldest|first|last)\s*[,:—–-]?\s*"
    r"(?P<a>[^,?]+?),? or (?P<b>[^?]+?)\s*\??$",
    re.I,
)
_THAT_ONE = re.compile(
    r"(?:that|this|it|that one|this one|that paper|this paper|the last one|the one you (?:just )?"
    r"mentioned)",
    re.I,
)


def which_of_two(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
                 index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The newer (or older) of two papers the question names ("which is newer, the auditing
    one or the misuse one?"): "that one" is the last answer's paper, a description picks from
    the last list or, failing that, the portfolio. None unless both sides name one paper each
    (dev21: it answered about the last paper)."""
    asked = _WHICH_OF_TWO.match(question)
    if asked is None:
        return None
    last, listed = previous_papers(history, papers, index), _last_list(history, papers, index)

    def side(text: str, other: Paper | None = None) -> Paper | None:
        if _THAT_ONE.fullmatch(text.strip()):
            return last[0] if len(last) == 1 else None
        desc = re.sub(
            r"^(?:the|that)\s+|\s+(?:one|paper|work|report|study)$", "", text.strip(), flags=re.I
        )
        # (from the last list when there was one, else from the whole portfolio)
        pool = [p for p in (listed if len(listed) >= 2 else papers) if p != other]
        return _described_paper(desc, pool) or _titled_elsewhere(desc, listed, papers)

    a = side(asked["a"])
    b = side(asked["b"], a)
    if a is None or b is None or a.paper_id == b.paper_id:
        return None
    which = {"first": "earlier", "last": "newer"}.get(asked["which"].lower(), asked["which"])
    paper = _dated_paper(which, [a, b])
    if paper is None and a.year is not None and a.date == b.date and a.year == b.year:
        # "which is newer, that one or the hindsight regenerations paper?" (both Nov 7, 2024)
        return FollowUp(paper_ids=[a.paper_id, b.paper_id], question="When were they published?",
                        route_text="when were they published?",
                        lead=f"Neither: “{a.title}” and “{b.title}” are both from {a.display_date}.")  # fmt: skip
    if paper is None:
        return None
    return FollowUp(paper_ids=[paper.paper_id], title=paper.title,
                    question=f"When was “{paper.title}” published?", route_text="when was it published?",
                    lead=_dated_lead(which, paper, [a, b]))  # fmt: skip


# "is there a newer one?" after one paper (the review of round sixteen: it repeated Gemini 1.5)
_NEWER_ONE = re.compile(
    r"^\W*(?:(?:and|so|ok),?\s+)?(?:is there|are there|any|has she (?:done|written|published)|did "
    r"(?:she|they) (?:do|write|publish))\s+(?:a |an |any )?(?P<than>newer|more recent|later|older|"
    r"earlier)\s+(?:one|version|paper|report)s?\b(?:\s+than\s+(?:that|this|it))?\s*[?.!]*\s*$",
    re.I,
)


def _newer_one(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
               index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """The next paper in date (newer or older) whose title names what the last paper's title
    names ("Gemini" of "Gemini 1.5: …"): "is there a newer one?" after Gemini 1.5 is yes,
    Gemini 2.5. None when the last answer was not one paper named so, or none is."""
    asked, last = _NEWER_ONE.match(question), previous_papers(history, papers, index)
    if asked is None or len(last) != 1 or (name := name_in_title(last[0].title)) is None:
        return None
    kind = name.split()[0]
    # (a family is named with a version, "Gemini 1.5", or a coined word, "Imagen"; a title
    # that opens with a word, "Learning Temporal Distances: …", names none)
    if not re.fullmatch(r"[A-Z][\w-]*", kind) or (
        is_english(kind.lower()) and not re.search(r"\d", name)
    ):
        return None
    if (paper := _dated_sibling(asked["than"], kind, last[0], papers)) is None:
        return None
    return _yes_it_is(paper, asked["than"])


def _yes_it_is(paper: Paper, than: str) -> FollowUp:
    """ "Is there a newer …?" answered yes: that paper, dated, and what it is about."""
    return FollowUp(
        paper_ids=[paper.paper_id], title=paper.title,
        question=f"What is “{paper.title}” about?", route_text="what is it about?",
        lead=f"Yes: “{paper.title}” ({paper.display_date}) is {than.lower()}.",
    )  # fmt: skip


def _dated_paper(when: str, listed: Sequence[Paper]) -> Paper | None:
    """The newest or the oldest paper of the last list; None when the first two are of one
    year and one of them has no finer date to tell them apart."""
    dated = [p for p in listed if p.year is not None]
    if len(dated) < 2:
        return None
    newest = when.lower() in {"newer", "newest", "later", "latest", "more recent", "most recent"}
    dated.sort(key=_date_key, reverse=newest)
    first, second = dated[0], dated[1]
    if first.year == second.year and (
        first.date is None or second.date is None or first.date == second.date
    ):
        return None
    return first


def _dated_sibling(when: str, kind: str, last: Paper, papers: Sequence[Paper]) -> Paper | None:
    """The paper nearest in date after (or before) `last` whose title names `kind` ("the
    newer gemini report" after Gemini 1.5: Gemini 2.5); None when no title does."""
    newer = when.lower() in {"newer", "later", "more recent"}
    named = [p for p in papers if p.paper_id != last.paper_id and p.year is not None
             and re.search(rf"(?<!\w){re.escape(kind)}(?!\w)", p.title, re.I)
             and (_date_key(p) > _date_key(last) if newer else _date_key(p) < _date_key(last))]  # fmt: skip
    if last.year is None or not named:
        return None
    return min(named, key=_date_key) if newer else max(named, key=_date_key)


def _dated_lead(which: str, paper: Paper, listed: Sequence[Paper]) -> str:
    """What "which one is older?" is answered with first: the paper picked and its date, and
    the other's ("The older of the two is “B”, from Apr 22, 2022 (“O” is from Nov 3, 2022):")."""
    others = [p for p in listed if p.paper_id != paper.paper_id]
    word = which.lower()
    if len(listed) > 2:  # "which one is the newest?" of a list: the superlative
        word = {"newer": "newest", "more recent": "most recent", "older": "oldest",
                "earlier": "earliest"}.get(word, word)  # fmt: skip
    elif word in {"newest", "most recent", "latest", "oldest", "earliest"}:  # of two
        word = {"newest": "newer", "most recent": "more recent", "latest": "newer",
                "oldest": "older", "earliest": "earlier"}[word]  # fmt: skip
    # (one framing line, ending in a colon, that introduces the paper's answer below it)
    if len(listed) > 2:
        return f"The {word} of the {len(listed)} is “{paper.title}”, from {paper.display_date}:"
    them = ", ".join(f"“{p.title}” is from {p.display_date}" for p in others)
    return f"The {word} of the two is “{paper.title}”, from {paper.display_date} ({them}):"


def _date_key(paper: Paper) -> tuple[int, str]:
    """When a paper came out, to order by: its year, then its full date where it has one."""
    return (paper.year or 0, paper.date.isoformat() if paper.date else "")


NOTHING_LISTED = (
    "The last answer found no papers, so there are none of those to choose from. Ask again with "
    "the topic, e.g. “which papers on reward hacking have code?”."
)
NOTHING_TO_ORDER = (
    "The last answer listed no papers, so there is nothing to put in order. Ask for papers "
    "with the order you want, e.g. “papers on reward hacking, oldest first”."
)


def beyond_the_list(reference: str, listed: int) -> str:
    """What a reference past the end of the last answer's list is told."""
    which = "it by its title" if listed == 1 else f"one of them by its number (1-{listed}) or title"
    return (
        f"The last answer listed {listed} paper{'s' if listed != 1 else ''}, so there is no "
        f"“{reference}”. Ask about {which}, or ask a new question."
    )


# Asking for more of the last answer in so many words (tests/data/blind/dev19.jsonl)
_GO_ON = re.compile(
    r"^\s*(?:ok(?:ay)?,?\s+|and\s+|so\s+|please\s+)?(?:go on|continue|keep going|go ahead|"
    r"say more|elaborate|expand(?: on (?:that|it|this))?|more(?: on (?:that|it|this))?)"
    r"(?:,?\s+please)?\s*[.!?…]*\s*$",
    re.I,
)


# A reference to the one paper the last answer was about ("who wrote it?", "does this paper
# have code?"); "they" and "them" are left out: they may mean the authors or a list.
_IT = re.compile(
    r"\b(?:it|its|this (?:paper|one|work|method|study)|that (?:paper|one|work|method|study)|"
    r"the (?:paper|same paper))\b|"
    # "what year did that come out?", "who wrote this?": "that" standing for the paper
    # (a verb after it: not "did this group …", "why is that?", "what does that imply …")
    r"\b(?:did|does|do|is|was|were|has|had)\s+(?P<that>that|this)\s+(?=(?:come|came|get|got|"
    r"appear|appeared|use|used|need|needed|include|cover|require|introduce|propose|build|run|"
    r"release|released|publish|published|cite|rely|work|compare|differ|relate|perform|scale|"
    r"generalize|generalise|handle|different|similar|related|better|worse|help|improve|"
    r"hold|hurt|transfer|apply|outperform|beat|fix|solve|succeed|fail)\b)|"
    r"\b(?:wrote|write|published|publish|authored|released)\s+(?P<this>that|this)\s*[?.!]*$|"
    # "what's the key training signal there?": in that paper (not "what papers are there?",
    # "anything else there?", "is there …")
    r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!'s )(?<!\bbe )(?<!\bany )(?<!\bmore )"
    r"(?<!\belse )(?<!\bthing )(?<!\bpapers )(?<!\bwork )(?<!\bfrom )(?<!\bout )(?<!\bin )"
    r"\b(?P<there>there)\s*[?.!]*$",
    re.I,
)


def _named_for_it(question: str, title: str) -> str:
    """`question` with its first "it" (or "that", "this paper") written as the title."""
    match = _IT.search(question)
    if match is None:
        return question
    if match["there"]:
        return f"{question[: match.start('there')]}in “{title}”{question[match.end('there') :]}"
    group = "that" if match["that"] else "this" if match["this"] else 0
    start, end = match.span(group)
    return f"{question[:start]}“{title}”{question[end:]}"


def _about_it(question: str, history: list[dict[str, Any]], papers: Sequence[Paper],
              index: Mapping[str, int] | None) -> FollowUp | None:  # fmt: skip
    """ "it": the paper the last answer was about, its first citation, when the last answer
    kept its citations (`Answer.as_turn()`). A text-only history is left to condensing."""
    last = last_answer(history)
    if last is None:
        return None
    if last.get("citations") == []:
        # "how much video can it process?" after "how many parameters does 2.5 Pro have?"
        # found nothing: "it" is still the paper of the answer before, which that one did not
        # replace
        last = next((a for a in reversed(_answers(history)[-3:-1]) if a.get("citations")), last)
    kept_as_text = not isinstance(last.get("citations"), list)
    # "tell me more", "and the year?": nothing but what is asked of the same paper; "how big
    # was the user study?": a part of a paper, with "the", is the one paper's of the last
    # answer. "What else …", "other papers" ask for different ones.
    words = set(tokenize([question])[0])
    bare = not words - _BARE_WORDS - FUNCTION_WORDS and not _OTHER.search(question)
    aspect = _ASPECT.search(question) is not None and not (
        set(tokenize([_ASPECT.sub(" ", question)])[0]) - _BARE_WORDS - FUNCTION_WORDS - _ASKING_SIZE
    )
    it = _IT.search(question) is not None
    # "they", "their method": the authors of the one paper the last answer was about, when
    # the question names nothing of its own ("which dataset did they use?")
    # … and so is a detail asked of nothing named ("which dataset were the experiments on?")
    # (not "how many papers did she publish?": a count of the portfolio's, or of the person's)
    detail = asked(question)
    they = (
        not names_in(question)
        and not _PORTFOLIO_WIDE.search(question)
        and (
            _THEY.search(question) is not None
            or (detail is not None and not set(tokenize([detail.phrase])[0]) <= FRAME)
            or _IN_A_STUDY.search(question) is not None
            or _ITS_OWN.search(question) is not None
        )
    )
    listed = previous_papers([last], papers, index)
    if kept_as_text and not (bare and not it and len(listed) == 1):
        # A text-only history is left to condensing ("who wrote it?"), but for a bare question
        # that points at nothing ("where can I get the code?"), which condensing leaves as
        # it is and would then ask of the whole portfolio: about the one paper its text names.
        return None
    # "so what does the learned function really approximate?": a question that goes on ("so",
    # "and", "then") in the words of the one paper the last answer was about
    going_on = (
        bool(listed)
        and _GOES_ON.match(question) is not None
        and _in_its_words(question, listed[0])
        # … not "and gemini 2.5?" after Gemini 1.5: another paper's name, however alike
        and not _names_another(question, listed[0], papers)
    )
    # "is there bad news too?": more of the same paper (not "what about reward hacking as
    # well?", a new subject, nor "has the group worked on dialogue too?", an overview)
    too = (
        _TOO.search(question) is not None
        and not names_in(question)
        and not _PORTFOLIO_WIDE.search(question)
        and _SURVEY.detect(question) is None
    )
    # "improvement over what?", "compared to which?": a question on the last answer's words
    # that ends in its asking word
    echo = _ECHO.match(question) is not None and not names_in(question)
    if not it and not bare and not aspect and not they and not going_on and not too and not echo:
        return None
    # … the one paper of an answer about one paper, not the first of a list
    about_one = len(listed) == 1 or last.get("shape") not in (None, "survey", "compare", "metadata")
    own = _ITS_OWN.search(question) is not None and they
    if listed and (aspect or own) and not bare and not it and not about_one:
        # "what's the key idea?" after a list: of those papers (searched among them), not of
        # whatever paper the portfolio-wide search finds
        return FollowUp(paper_ids=[p.paper_id for p in listed], question=question)
    # "how many possible goals are there?" after a list: a detail of the one listed paper that
    # has two of its words in a row (after "how do they scale up assistance games?" answered
    # as an overview). One word in common is no pick: "which environments …?" picked the
    # wrong paper by it.
    if listed and not (about_one or bare or it) and they and detail is not None:
        pairs = word_pairs(question)
        having = [p for p in listed if pairs & word_pairs(f"{p.title}. {p.abstract or ''}")]
        if len(having) != 1:
            # … else of the listed papers, searched among them with what the list was on
            # (across the portfolio, "which models were tested?" after an overview of two
            # answered from the unlisted FACTS leaderboard; "which task …?" alone ranked a
            # listed paper first that says neither)
            return FollowUp(paper_ids=[p.paper_id for p in listed],
                            question=_on_last_topic(question, history), route_text=question)  # fmt: skip
        listed, about_one = having, True
    if not listed or (not bare and not it and not about_one):
        return None
    paper = listed[0]
    # … unless the question names another paper the answer cited, by two words of its title
    # in a row ("what algorithm do they propose for stochastic environments?" after both
    # effective-horizon papers: "… Deep RL Performance in Stochastic Environments")
    pairs = word_pairs(question)
    titled = [p for p in listed[1:] if pairs & word_pairs(p.title)]
    if len(titled) == 1 and not pairs & word_pairs(paper.title):
        paper = titled[0]
    # … or another paper by the name its title opens with, said before "it" ("how about gemini
    # 2.5, how much video can it handle?" after Gemini 1.5: "it" is Gemini 2.5; not "is it the
    # same as CTRL-Rec?")
    ref = _IT.search(question)
    if ref is not None and _names_another(question[: ref.start()], paper, papers):
        named = {n.paper_id for n in _named_papers(question[: ref.start()], papers, re.I)} - {
            paper.paper_id
        }
        if len(named) == 1:
            (pid,) = named
            paper = (
                papers[index[pid]]
                if index is not None
                else next(p for p in papers if p.paper_id == pid)
            )
    if it:
        written = _named_for_it(question, paper.title)
    elif they and not bare:  # the paper after the question, as an aside the detail reads past
        written = in_paper(question, paper.title)
    else:  # "what year?", "and the authors?": about the same paper
        written = f"{question.strip().rstrip('?')} of “{paper.title}”?"
    return FollowUp(paper_ids=[paper.paper_id], title=paper.title,
                    question=" ".join(written.split()), route_text=question)  # fmt: skip


# The one paper's own thing, or what it sets itself against: "what does the model reason
# about?", "what property do prior approaches lack?" (tests/data/blind/dev18.jsonl: searched
# across the portfolio, they answered from Gemini 2.5 and the optimal behavior prior)
_ITS_OWN = re.compile(
    r"\bthe (?:model|method|approach|algorithm|agent|framework|technique|system)\b"
    r"(?!\s+(?:that|which|called|named|with|for|in|of|on)\b)|"
    r"\b(?:prior|previous|existing|earlier|past) (?:approaches|methods|techniques|algorithms|"
    r"baselines)\b",
    re.I,
)
# Who takes part in a study: "how many people?" after a paper asks about its study
_IN_A_STUDY = re.compile(rf"\bhow many (?:{STUDY_PEOPLE})\b", re.I)
# Words of a question about the whole portfolio or the researcher, not the last paper ("how
# many papers did they write?", "which benchmarks are used across the portfolio?").
_PORTFOLIO_WIDE = re.compile(
    # ("across all her papers", not "across how many job categories?", a detail of one)
    r"\b(?:papers?|portfolio|publications?|across(?! how\b| which\b| what\b)|every|each|all (?:of )?(?:her|their|the)|"
    r"group|lab|she|he|her|his)\b",
    re.I,
)
_ECHO = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?!(?:what|which|who|whom|where|when|how)\b)(?:[\w'’-]+\s+){1,4}"
    r"(?:what|which|whom|who|where|when|how many|how much)\s*\?+\s*$|"
    # … or asks which thing, with its preposition ("on which benchmark?", "with what model?")
    # ("tested on what tasks?", "trained on which data?": a participle first)
    r"^\s*(?:and\s+)?(?:[a-z]+ed\s+)?(?:on|in|with|for|from|against|using|by|over|across)\s+(?:which|what)\s+"
    r"(?:[\w-]+\s+)?[\w-]+\s*\?+\s*$",
    re.I,
)
_TOO = re.compile(
    r"^(?:and |so )?(?:is|are|was|were) there (?:any |some )?(?:[\w'-]+ ){1,2}(?:too|as well)\s*[?.!]*\s*$",
    re.I,
)
_SURVEY = Survey()

_GOES_ON = re.compile(
    r"\s*(?:(?:ok(?:ay)?|right)[,!]?\s+)?(?:so|and|then|also)\b|"
    # "was there a human study?", "were the experiments with real users?"
    r"\s*(?:was|were|is|are|did|do|does|has|have) (?:there|the|they|their)\b",
    re.I,
)


def _mentions(name: str, text: str, flags: int = 0) -> bool:
    """`text` uses `name` as a word, whole: "Gemma 2", not inside "Gemma 2.5" or "Gemma-2b"."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-]|\.\d)", text, flags) is not None


@dataclass(frozen=True)
class _TitleName:
    name: str  # the name a title gives its subject ("Gemma 2")
    paper_id: str
    colon: bool  # the title gives it before a colon ("Gemma 2: …"), not as the whole title


# Title names by their first word, lower case, built once per paper table: a follow-up looks
# up the words it uses instead of trying every title (100,000 of them at scale).
_NAMES: PerSnapshot[dict[str, list[_TitleName]]] = PerSnapshot()
_TITLE_WORDS: PerSnapshot[dict[str, list[int]]] = PerSnapshot()


def _title_words(text: str) -> set[str]:
    """A description's or title's words, stemmed, without "paper", "one" and the like."""
    return set(tokenize([text])[0]) - _NOT_A_TITLE_WORD


_NOT_A_TITLE_WORD = frozenset(tokenize(["paper one work study article report the a an"])[0])


def _titled_elsewhere(
    description: str, listed: Sequence[Paper], papers: Sequence[Paper]
) -> Paper | None:
    """The one paper outside `listed` whose title has every word of `description` (two at
    least), from an index of title words built once per snapshot."""
    words = _title_words(description)
    if len(words) < 2:
        return None

    def build() -> dict[str, list[int]]:
        table: dict[str, list[int]] = {}
        for i, title in enumerate(paper_column(papers, "title")):
            for word in set(tokenize([title])[0]):
                table.setdefault(word, []).append(i)
        return table

    table = _TITLE_WORDS.get(papers, build)
    rows = set.intersection(*(set(table.get(w, ())) for w in words))
    shown = {p.paper_id for p in listed}
    found = [papers[i] for i in rows if papers[i].paper_id not in shown]
    return found[0] if len(found) == 1 else None


def _named_papers(text: str, papers: Sequence[Paper], flags: int = 0) -> list[_TitleName]:
    """The title names `text` uses as words (`_mentions`)."""

    def build() -> dict[str, list[_TitleName]]:
        table: dict[str, list[_TitleName]] = {}
        titles, ids = paper_column(papers, "title"), paper_column(papers, "paper_id")
        for title, paper_id in zip(titles, ids, strict=True):
            if (name := name_in_title(title)) and (first := re.search(r"\w+", name)):
                entry = _TitleName(name, paper_id, ":" in title)
                table.setdefault(first.group(0).lower(), []).append(entry)
        return table

    table = _NAMES.get(papers, build)
    # (a name used whole as a word starts with a whole word of the text)
    words = dict.fromkeys(re.findall(r"\w+", text.lower()))
    return [n for w in words for n in table.get(w, ()) if _mentions(n.name, text, flags)]


def _names_another(question: str, paper: Paper, papers: Sequence[Paper]) -> bool:
    """The question names another paper by the name its title opens with ("Gemini 2.5: …"),
    in any case ("and gemini 2.5?"), that is not `paper`'s own."""
    own = (name_in_title(paper.title) or "").lower()
    return any(
        n.name.lower() != own and n.paper_id != paper.paper_id
        for n in _named_papers(question, papers, re.I)
    )


def _in_its_words(question: str, paper: Paper) -> bool:
    """Most of the question's own words (besides framing) are the paper's title's or
    abstract's: it is about that paper, not a new subject ("so what has she done on chess?")."""
    own = set(tokenize([question])[0]) - _BARE_WORDS - FUNCTION_WORDS - _FRAMING - _ASKING_SIZE
    if not own:
        return False
    text = set(tokenize([f"{paper.title} {paper.abstract or ''}"])[0])
    return len(own & text) >= 0.6 * len(own)


# "their papers", "their work": the group's, whose portfolio it is, not the last answer's.
_THEIR = r"their(?!\s+(?:papers|work|research|publications|lab|group)\b)"
_THEY = re.compile(rf"\b(?:they|them|{_THEIR})\b", re.I)

# Words that ask how large a part of a paper is ("how big was the user study?").
_ASKING_SIZE = set(tokenize(["big large long many much size"])[0])
_OTHER = re.compile(r"\b(?:else|other|another|others)\b", re.I)

# A part of a paper, named as known ("the user study", "the robot experiments").
_ASPECT = re.compile(
    r"\b(?:the|any) (?:user |human |robot |real[- ]world |main |key )?(?:study|studies|experiments?|"
    r"evaluation|results?|method|approach|algorithm|dataset|benchmark|baselines?|findings?|"
    r"contributions?|limitations?|setup|"
    # "what's the trick?", "what's the key idea?": how the one paper works
    r"trick|(?:main |key |core |big |central )?(?:idea|insight)|gist|takeaway|catch)\b",
    re.I,
)

# What a question that says nothing of its own asks ("what year?", "and the authors?",
# "any code?"): about the paper the last answer was about.
_BARE_WORDS = set(
    tokenize(
        [
            "what which who when year date authors author wrote code link github published "
            "venue where any and also more details tell available availability released "
            "repo repository online get find download obtain access lead senior corresponding "
            "public publicly open source shared release "
            # "where are the videos and code?", "is there a demo?", "the project website?"
            "video videos demo demos website site webpage page project "
            # "give me a concrete example", "show me an example"
            "example examples instance instances concrete specific give show me us "
            # "any limitations mentioned?"
            "mention mentioned mentions discussed noted stated "
            # "remind me of the title", "its name again?"
            "title name again remind"
        ]
    )[0]  # fmt: skip
)

_FRAMING = FRAME | OVERVIEW_FRAME
# Words of a question that say nothing of its subject (what it asks, its framing)
_NO_SUBJECT = _FRAMING | FUNCTION_WORDS | ASKING

# Words that lean on what was said before; not "she", "her" (the researcher whose portfolio it
# is: "has she written anything about X?" is self-contained) nor "their papers" (`_THEIR`).
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|this|that|these|those|the paper|the same(?!\s+(?:thing\s+)?as\b)|"
    rf"{_THEIR}|the authors?|the first|the second|the last|one|ones)\b",
    re.I,
)


# A question that says this much of its own is about what it says, when all that leans on
# context is a bare "this" or "that" ("which paper argues people act closer to optimal than to
# random, and uses that as a prior?": the prior is what it just said, not the last answer).
_SELF_CONTAINED_WORDS = 6


def _leans_on_context(question: str) -> bool:
    """It refers to something earlier ("who wrote it?"), or says nothing of its own ("and
    when?"). A short question with a subject of its own ("What is Dynalang?") does not: an
    earlier, unrelated turn must not change its answer."""
    words = tokenize([question])[0]
    leaning = {m.group(0).lower() for m in _ANAPHORA.finditer(question)}
    own = set(words) - _NO_SUBJECT  # ("what was that thing about …?")
    if leaning <= {"this", "that"} and len(own) >= _SELF_CONTAINED_WORDS:
        return False
    return bool(leaning) or not words


def condense_heuristic(question: str, history: list[BaseMessage]) -> str:
    """Deterministic follow-up resolution: prepend the conversation's topic (its last
    self-contained user question) when this one leans on it ("who wrote it?", then "when was
    it published?"), so retrieval sees the topic. Used without an LLM and by the mock."""
    topic = None
    for message in history:
        text = str(message.content) if isinstance(message, HumanMessage) else ""
        if text and (topic is None or not _leans_on_context(text)):
            topic = text
    if topic is None or not _leans_on_context(question):
        return question
    return f"{topic} {question}"
