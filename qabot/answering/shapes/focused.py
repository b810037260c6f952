"""Focused: one thing in depth ("What is the Boltzmann policy distribution?"): the top k papers,
answered from one or a few of them, then the other papers that pass the relevance rule
("Also in the portfolio: …"), so that how broad an answer is follows the evidence, not the
question's phrasing. A question that names one thing (a paper, method or model) stays about
the paper that introduces it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from qabot.answering.extractive import ASKS_NAME, contributions, names_a_paper, stream_extractive
from qabot.answering.shapes.base import (
    FRAMING,
    Detected,
    Retrieved,
    ShapeContext,
    TextShape,
    with_abstract,
)
from qabot.answering.shapes.survey import on_topic, relevant_set
from qabot.answering.sources import SourceBlock
from qabot.domain.filters import Filters
from qabot.domain.records import SearchHit
from qabot.index.lexical import tokenize
from qabot.retrieval.relevance import figure_in, figures, naming_hit

if TYPE_CHECKING:
    from qabot.answering.state import AnswerState


# "what did the Gemini 1.5 report say about time savings?": anywhere in its abstract
_SAYS_ABOUT = re.compile(
    r"\b(?:say|says|said|report|reports|write|writes|wrote)\s+(?:anything\s+)?(?:about|on|regarding)\b",
    re.I,
)


def named_first(state: AnswerState, hits: list[SearchHit], ctx: ShapeContext,
                ) -> tuple[list[SearchHit], SearchHit | None]:  # fmt: skip
    """The hits with the paper that introduces what the question names first (found among a
    survey's worth of candidates if the top k miss it), and that paper, if any."""
    named = naming_hit(state.standalone, hits)
    if named is None:
        wider = ctx.search(state.search_text, k=ctx.settings.survey_max,
                                     filters=state.filters)  # fmt: skip
        named = naming_hit(state.standalone, wider)
    if named is None and figures(state.standalone):
        # "which paper reports a 192% improvement?": the figure may sit in a passage search did
        # not pick, so in the whole abstracts
        named = figure_in(state.standalone, [with_abstract(h, ctx) for h in wider])
    if named is None:
        # "what is TRA?": a title's initials, which search does not find by
        for acronym in re.findall(r"\b[A-Z]{3,6}\b", state.standalone):
            if pid := ctx.by_acronym(acronym):
                found = ctx.search(state.search_text, k=1, filters=Filters(paper_ids=[pid]))
                named = found[0] if found else None
                break
    if named is None:
        return hits, None
    rest = [h for h in hits if h.paper_id != named.paper_id]
    return [named, *rest][: max(len(hits), 1)], named


class Focused(TextShape):
    name: ClassVar[str] = "focused"
    description: ClassVar[str] = "one thing in depth ('what is X?')"
    gates_unknown_names: ClassVar[bool] = True
    # After the answer, the other papers the relevance rule keeps (see the module docstring).
    lists_others: ClassVar[bool] = True

    def detect(self, question: str) -> Detected | None:
        return Detected()  # the default: the registry tries it last

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        hits = ctx.search(state.search_text, k=state.k, filters=state.filters)
        hits, named = named_first(state, hits, ctx)
        if hits and (
            len(state.filters.paper_ids or ()) == 1
            or (named is not None and _SAYS_ABOUT.search(state.standalone))
            or names_a_paper(state.standalone)
            or ASKS_NAME.search(state.standalone)
            or state.like_those
        ):
            # About one paper ("tell me more about it", "did they test it with people?",
            # "what did the AssistanceZero human study find?", "… what was it called?", "is
            # there a follow-up paper?"): the answer (or the sentence that names it, or what
            # it contributes) may be anywhere in its abstract, not only in the passages
            # search picked.
            hits = [with_abstract(hits[0], ctx), *hits[1:]]
        if named is not None or not self.lists_others or not hits:
            return Retrieved(hits=hits, candidates=hits)
        # (under filters, "which of those involves robots?", judged over the whole portfolio;
        # or with a word of the question in the title: "… in Robot Instruction Following")
        found = relevant_set(state.search_text, state.filters, ctx)[1]
        kept = {h.paper_id for h in on_topic(found, state.search_text, state.filters, ctx)[0]}
        words = set(tokenize([state.search_text])[0]) - FRAMING
        relevant = [h for h in found
                    if h.paper_id in kept or words & set(tokenize([h.title])[0])]  # fmt: skip
        shown = {h.paper_id for h in hits}
        extra = [h for h in relevant if h.paper_id not in shown]
        return Retrieved(hits=hits + extra, candidates=hits, also=[h.paper_id for h in relevant])

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        if sources and state.like_those:
            # "is there a follow-up paper?": another paper, searched for by the last answer's
            # titles; their words are no question to match its sentences to (they matched
            # "github.com/…/effective-horizon"): what that paper contributes.
            yield " ".join(contributions(sources[0]))
            return
        yield from stream_extractive(state.standalone, sources, said=state.said)
