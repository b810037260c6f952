"""Survey: every paper on a topic ("what has she done on X?", "which papers …", "summarise her
work on X", "how has her work on X evolved"): the relevant set among up to `survey_max`
candidates, one cited entry per paper."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from langchain_core.prompts import ChatPromptTemplate

from qabot.answering.extractive import stream_lines, survey_lines
from qabot.answering.prompts import SURVEY_ORDER, SURVEY_PROMPT
from qabot.answering.shapes.base import Detected, Retrieved, ShapeContext, TextShape
from qabot.answering.sources import SourceBlock
from qabot.domain.filters import Filters
from qabot.domain.records import SearchHit
from qabot.retrieval.relevance import select_relevant

if TYPE_CHECKING:
    from langchain_core.prompt_values import PromptValue

    from qabot.answering.state import AnswerState


_SURVEY = re.compile(
    r"\bwhat (has|have|did|does|do) (she|he|they|this group|the group|this lab|the lab|\w+ \w+) "
    r"(done|worked|work|published|publish|written|write|studied|study|researched)\b|"
    r"\b(which|what) (papers|publications|works)\b|\bsummari[sz]\w*\b|\bsummary of\b|"
    r"\boverview\b|\b(her|his|their|the group's|the lab's) (work|research|papers|publications) "
    r"(on|about|in)\b|\bevolv\w*|\bbody of work\b|\bpapers (on|about)\b|"
    r"\b(all|every|any) (of )?(her |his |their |the )?(papers|work|publications) (on|about)\b",
    re.I,
)
CHRONOLOGICAL = re.compile(
    r"\bevolv\w*|\bover (time|the years)\b|\bdevelop\w* over\b|"
    r"\bchanged? over\b|\btrajectory\b",
    re.I,
)


def relevant_set(
    query: str, filters: Filters, ctx: ShapeContext
) -> tuple[list[SearchHit], list[SearchHit]]:
    """(candidates, the relevant ones): up to `survey_max` papers for `query`, and those the
    relevance rule keeps (docs/measurements.md, "Portfolio-level answers")."""
    settings = ctx.settings
    candidates = ctx.retriever.search(query, k=settings.survey_max, filters=filters)
    chosen = select_relevant(
        candidates, settings.survey_threshold, settings.survey_dense_weight, settings.survey_agree
    )
    return candidates, chosen


class Survey(TextShape):
    name: ClassVar[str] = "survey"
    description: ClassVar[str] = (
        "every paper on a topic ('what has she done on X', 'which "
        "papers ...', 'summarise her work on X')"
    )
    max_tokens: ClassVar[int] = 1500
    searches_topic: ClassVar[bool] = True
    groups_by_theme: ClassVar[bool] = True
    prompt_template: ClassVar[ChatPromptTemplate] = SURVEY_PROMPT

    def detect(self, question: str) -> Detected | None:
        if _SURVEY.search(question):
            return Detected(chronological=bool(CHRONOLOGICAL.search(question)))
        return None

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        # The topic alone, without the framing ("what has she done on"): the route's query.
        candidates, hits = relevant_set(state.search_text, state.filters, ctx)
        return Retrieved(hits=hits, candidates=candidates, missing=[])

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        yield from stream_lines(
            survey_lines(
                state.search_text,
                sources,
                chronological=state.route.chronological,
                themes=state.themes,
            )
        )

    def prompt(self, state: AnswerState, sources: list[SourceBlock]) -> PromptValue:
        order = SURVEY_ORDER[state.route.chronological]
        return self.prompt_template.invoke(
            {**self.prompt_variables(state, sources), "order": order}
        )
