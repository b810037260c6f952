"""Compare: both sides of "compare A with B" / "how does A differ from B", each searched on its
own; a side the portfolio has nothing on is said to be missing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from langchain_core.prompts import ChatPromptTemplate

from qabot.answering.extractive import (
    compare_lines,
    compared_within,
    introducing_sentence,
    sentences_naming,
    stream_lines,
)
from qabot.answering.prompts import COMPARE_PROMPT, neutralise
from qabot.answering.shapes.base import (
    Detected,
    Retrieved,
    ShapeContext,
    TextShape,
    only_mentioned,
    out_of_scope,
    unknown_version,
    with_abstract,
)
from qabot.answering.shapes.survey import relevant_set
from qabot.answering.sources import SourceBlock
from qabot.domain.names import normalise_title
from qabot.domain.records import SearchHit
from qabot.index.lexical import tokenize
from qabot.retrieval.relevance import (
    is_relevant,
    named_terms,
    naming_hit,
    titled_in,
)

if TYPE_CHECKING:
    from langchain_core.prompt_values import PromptValue

    from qabot.answering.state import AnswerState

PER_SIDE = 2  # papers a comparison cites for one side, at most …
# … and only for a side that is a group ("earlier assistance approaches", "model-free
# methods"); a side named or described as one thing is one paper (every side of the 15
# comparisons in tests/data/blind is one paper; a second one was a neighbour).
_GROUP = re.compile(
    r"\b(?:approaches|methods|papers|works|techniques|models|algorithms|systems|studies|reports|"
    r"lines of work)\s*$|\b(?:earlier|previous|prior|other|older|newer|later)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:work|papers|approaches|methods|studies|research|reports|models)\b",
    re.I,
)
_EARLIER_WORDS = "earlier|previous|prior|older|past"
_LATER_WORDS = "newer|later|recent|latest|newest"
_EARLIER = re.compile(rf"\b({_EARLIER_WORDS})\b", re.I)
_LATER = re.compile(rf"\b({_LATER_WORDS})\b", re.I)
# What a side says besides its topic: when, and that they are papers ("her newer papers").
_WHEN_WORDS = re.compile(
    rf"\b(?:more recent|{_EARLIER_WORDS}|{_LATER_WORDS}|papers?|work|reports?|her|his|their|the)\b",
    re.I,
)
# The two sides of a comparison, tried in order. Anchored to how a comparison is asked, so
# "the visual difference between the start and goal images" stays a focused question.
_SIDES = [
    re.compile(p, re.I)
    for p in (
        r"^(?:please\s+|can you\s+|could you\s+)?compar\w*\s+(?P<a>.+?)\s+"
        r"(?:with|to|and|against|versus|vs\.?)\s+(?P<b>.+)",
        r"^how (?:does|do|did|is|are|was|were)\s+(?P<a>.+?)\s+(?:differ\w*\s+from|compare\s+"
        r"(?:to|with)|relate\s+to)\s+(?P<b>.+)",
        r"^(?:what|which)(?:'s|’s|\s+is|\s+are|\s+were)\s+the\s+differences?\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)",
        r"^(?P<a>[^,;]+?)\s+(?:versus|vs\.?)\s+(?P<b>.+)",
    )
]
# "is UniMASK the same thing as FlexiBiT?": two names; "is deceptive inflation the same as
# overjustification?" asks what two terms of one paper mean, and "the … paper" is no name.
_SAME = re.compile(
    r"^(?:so,? )?(?:is|are)\s+(?P<a>.+?)\s+(?:the same(?: thing)? as|different from)\s+(?P<b>.+)",
    re.I,
)
_SIDES.append(_SAME)
# "are UniMASK and FlexiBiT basically the same work?" (the review of round fifteen: it answered
# about UniMASK alone)
_BOTH_SAME = re.compile(
    r"^(?:so,? )?(?:are|is)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:basically |really |essentially |"
    r"just |actually )?(?:the same|different|related)(?: (?:thing|work|paper|method|idea|project))?\s*\??$",
    re.I,
)
_SIDES.append(_BOTH_SAME)
# "is UniMASK related to the FlexiBiT paper?", "how is X connected to Y?"
_RELATED = re.compile(
    r"^(?:so,? )?(?:how )?(?:is|are|was|were)\s+(?!there\b|any\w*\b|some\w*\b|(?:an?\s+|the\s+)?papers?\b)"
    r"(?P<a>.+?)\s+(?:related|connected|linked)\s+(?:to|with)\s+(?P<b>.+)",
    re.I,
)  # fmt: skip
_SIDES.append(_RELATED)
_A_NAME = re.compile(r"(?=\S*[A-Z0-9])[\w.+-]+(?:\s[\w.+-]+){0,2}")
# One paper named by what it contrasts: "what's the partial return vs regret paper?"
_ONE_PAPER = re.compile(
    r"^(?:what(?:'s|’s| is) )?the\b.*\b(?:paper|work|study|article|report)\s*\??$", re.I
)


# The question after a side: "A vs B: how do they differ as human models?", "A vs B — what's
# the difference?", "…, which is better?".
_TAIL = re.compile(
    r"\s*(?:[:;,]|\s[-—–]{1,2}|[—–])\s*(?:how|what|which|why|where|who|when|is|are|do|does|did|"
    r"can|could|any|in what)\b.*$",
    re.I,
)


# … "other models", "existing methods", "the baselines": everything else, as the paper says
# ("earlier assistance approaches" are papers of the portfolio: a side)
_THE_REST = re.compile(
    r"(?:other|others|existing|competing|alternative|state[- ]of[- ]the[- ]art|sota)(?:\s+(?:"
    r"models?|methods?|approaches|systems?|algorithms?|baselines?|techniques?|ones))?|"
    r"(?:the\s+)?(?:baselines?|competition|rest)",
    re.I,
)

_FOR_ME = re.compile(r"(?:,?\s+(?:for (?:me|us)|please|briefly|quickly))+$", re.I)


def compare_sides(q: str) -> list[str]:
    """["A", "B"] from "compare A with B", "how does A differ from B", "A vs B"; else []."""
    # An aside is not a side: "how has their approach evolved (e.g. inferring the goal vs
    # other objectives)?" is an overview.
    q = " ".join(re.sub(r"\([^()]*\)", " ", q).split())
    if _ONE_PAPER.match(q):
        return []
    for pattern in _SIDES:
        if m := pattern.search(q):
            sides = [
                re.sub(r"^(the|a|an)\s+|(?:'s|’s)?[?.!\s]*$", "",
                       _TAIL.sub("", m[g].split("?")[0].strip()), flags=re.I)
                for g in "ab"
            ]  # fmt: skip
            # "… and the optimal behavior prior paper for me.": who asks is not the side
            # (dev20: headed "Optimal behavior prior paper for me")
            sides[1] = _FOR_ME.sub("", sides[1])
            if not all(sides):
                continue
            # "how does it compare to other models?": how one thing fares against the rest, as
            # its paper says, not two sides
            if _THE_REST.fullmatch(sides[1]):
                return []
            if pattern in (_SAME, _BOTH_SAME) and not all(_A_NAME.fullmatch(x) for x in sides):
                continue
            # "is CTRL-Rec related to recommender systems?" asks how one paper is on a topic;
            # "is it related to the FlexiBiT paper?" names two things to compare
            if pattern is _RELATED and not (
                _A_NAME.fullmatch(
                    re.sub(r"\s+(?:paper|work|study|report)$", "", sides[1], flags=re.I)
                )
                and (
                    _A_NAME.fullmatch(sides[0])
                    or re.fullmatch(r"it|this|that|they", sides[0], re.I)
                )
            ):
                continue
            return sides
    return []


def _names_any(hit: SearchHit, terms: set[str]) -> bool:
    text = " ".join([hit.title, *(e.text for e in hit.evidence)]).lower()
    return any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in terms)


def _side(
    side: str, candidates: list[SearchHit], chosen: list[SearchHit], other: list[SearchHit]
) -> list[SearchHit]:
    """A named side is the papers that name it; a described one ("earlier assistance
    approaches") the relevant papers not on the other side (older ones, for "earlier")."""
    seen = {h.paper_id for h in other}
    # the head noun decides: "the optimal behavior prior approach to human models" is one
    head = re.split(r"\s+(?:to|of|for|on|in|with|about)\s+", side, maxsplit=1)[0]
    most = PER_SIDE if _GROUP.search(head) else 1
    # A side given as a paper's title is that paper.
    as_title = normalise_title(side)
    titled = [h for h in candidates
              if h.paper_id not in seen and normalise_title(h.title) == as_title]  # fmt: skip
    if titled:
        return titled[:1]
    # A side that names a paper's own subject ("Gemma 2", "Gemini 1.5") is that paper first,
    # not one that only uses the name (Gemma Scope mentions Gemma 2).
    named = naming_hit(side, [h for h in candidates if h.paper_id not in seen])
    if named is not None:
        rest = [
            h
            for h in _side_papers(side, candidates, chosen, seen, other)
            if h.paper_id != named.paper_id
        ]
        return [named, *rest][:most]
    return _side_papers(side, candidates, chosen, seen, other)[:most]


def _side_papers(side: str, candidates: list[SearchHit], chosen: list[SearchHit], seen: set[str],
                 other: list[SearchHit]) -> list[SearchHit]:  # fmt: skip
    """The side's papers, best first: see `_side`."""
    if terms := named_terms(side):
        # The papers that name it, the most relevant first; others that merely mention the
        # word count only when the relevance rule kept them too.
        naming = [h for h in candidates if h.paper_id not in seen and _names_any(h, terms)]
        if naming:
            kept = {h.paper_id for h in chosen}
            return [h for i, h in enumerate(naming) if i == 0 or h.paper_id in kept]
    # A described side the papers name in so many words ("the optimal behavior prior"): those
    # papers, not every paper the relevance rule keeps for its words.
    words = set(tokenize([side])[0])
    if len(words) >= 2:
        saying = [h for h in candidates if h.paper_id not in seen and words <= set(
            tokenize([" ".join([h.title, *(e.text for e in h.evidence)])])[0])]  # fmt: skip
        if saying:
            return saying
    mine = [h for h in chosen if h.paper_id not in seen]
    years = [h.year for h in other if h.year]
    if _EARLIER.search(side) and years:
        mine = [h for h in mine if h.year and h.year < min(years)] or mine
    elif _LATER.search(side) and years:
        mine = [h for h in mine if h.year and h.year > max(years)] or mine
    return mine


def _introduced(hit: SearchHit, ctx: ShapeContext) -> SearchHit:
    """The hit with its whole abstract when only that has the sentence introducing what the
    paper made; else as found (its passages chose the sentence that answers best)."""
    if introducing_sentence(" ".join(e.text for e in hit.evidence)):
        return hit
    whole = with_abstract(hit, ctx)
    return whole if introducing_sentence(" ".join(e.text for e in whole.evidence)) else hit


class Compare(TextShape):
    name: ClassVar[str] = "compare"
    description: ClassVar[str] = (
        "two things side by side ('compare A with B', 'how does A "
        "differ from B'), with both sides in `sides`"
    )
    max_tokens: ClassVar[int] = 700
    needs_sides: ClassVar[bool] = True
    prompt_template: ClassVar[ChatPromptTemplate] = COMPARE_PROMPT

    def detect(self, question: str) -> Detected | None:
        sides = compare_sides(question)
        return Detected(sides=tuple(sides)) if sides else None

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        hits: list[SearchHit] = []
        missing: list[str] = []
        sides: dict[str, list[str]] = {}
        # A named side first ("AssistanceZero"), so "earlier approaches" can follow it.
        for side in sorted(state.route.sides, key=lambda s: not named_terms(s)):
            # "the newer assistance papers": what it is about is "assistance"; when, and that
            # they are papers, say which of them, not what to search for.
            about = " ".join(_WHEN_WORDS.sub(" ", side).split()) or side
            candidates, chosen = relevant_set(about, state.filters, ctx)
            top = candidates[: ctx.settings.k]
            # A side named by a title ("GRIF") is on it, though no abstract uses the name.
            titled = titled_in(side, top)
            # … but not a version no paper has ("Gemma 3" beside the portfolio's Gemma 2)
            unknown = unknown_version(state.standalone, top, ctx) if titled is None else None
            if unknown is not None and unknown.lower() in side.lower():
                missing.append(side)
                continue
            if titled is None and (not is_relevant(about, top, ctx.settings.min_relevance)
                                   or out_of_scope(about, top, ctx)):  # fmt: skip
                missing.append(side)
                continue
            # … read on whole abstracts: the passages found may leave out "we introduce X"
            if titled is None and only_mentioned(side, [with_abstract(h, ctx) for h in top]):
                missing.append(side)
                continue
            mine = _side(side, candidates, chosen, hits)
            sides[side] = [h.paper_id for h in mine]
            hits += mine
        # In the question's order, each side with its papers (the answer's headings).
        ordered = [(side, sides[side]) for side in state.route.sides if side in sides]
        # A side that is a paper's title is read whole when that finds what the paper
        # introduces: it may sit outside the passages its title's words found
        # (`extractive.compare_lines`)
        titles = {side.strip("“”").casefold() for side in sides}
        hits = [_introduced(h, ctx) if h.title.casefold() in titles else h for h in hits]
        if len(missing) == 1 and len(ordered) == 1 and hits:
            # one side no paper is about: the other side's paper may name it, in any part of
            # its abstract ("how does SQIRL compare to PPO?": `Compare.extractive`)
            abstract = ctx.abstract(hits[0].paper_id)
            if abstract and sentences_naming(missing[0], abstract):
                hits = [with_abstract(hits[0], ctx), *hits[1:]]
        return Retrieved(hits=hits, candidates=hits, missing=missing, sides=ordered)

    def abstains(self, state: AnswerState, ctx: ShapeContext) -> bool:
        return not state.hits  # each side passed the gate on its own

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        if len(state.missing) == 1 and len(state.sides) == 1 and sources:
            (other, ids), block = state.sides[0], sources[0]
            if block.paper_id in ids and (
                within := compared_within(state.missing[0], other, block)
            ):
                yield within
                return
        yield from stream_lines(
            compare_lines(state.standalone, sources, state.missing, state.sides)
        )

    def prompt(self, state: AnswerState, sources: list[SourceBlock]) -> PromptValue:
        missing = "\n".join(neutralise(side) for side in state.missing) or "(none)"
        numbers = {s.paper_id: s.number for s in sources}
        sides = (
            "\n".join(
                f"{neutralise(side)}: sources {', '.join(str(numbers[p]) for p in ids if p in numbers)}"
                for side, ids in state.sides
            )
            or "(none)"
        )
        return self.prompt_template.invoke(
            {**self.prompt_variables(state, sources), "missing": missing, "sides": sides}
        )
