"""What an answer shape is: a way of answering a kind of question, registered by name
(qabot.answering.shapes lists them; the router picks one).

A `TextShape` answers from the papers' text: it owns how it searches and which papers it keeps,
when it abstains, its extractive rendering (no LLM) and its prompt (with one). A
`StatisticShape` answers exactly from the metadata (qabot.answering.shapes.statistics).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from langchain_core.prompts import ChatPromptTemplate

from qabot.answering.prompts import ANSWER_PROMPT, neutralise
from qabot.answering.sources import SourceBlock, format_sources, sources_from_hits
from qabot.config.groups import RetrievalSettings
from qabot.domain.records import SearchHit
from qabot.retrieval.hybrid import HybridRetriever
from qabot.retrieval.relevance import is_relevant

if TYPE_CHECKING:
    from langchain_core.prompt_values import PromptValue

    from qabot.answering.route import Route
    from qabot.answering.shapes.statistics import Facts
    from qabot.answering.state import AnswerState
    from qabot.domain.records import Answer


@dataclass(frozen=True)
class ShapeContext:
    """What a shape reads besides the question: the live index's search and the settings."""

    retriever: HybridRetriever
    settings: RetrievalSettings


@dataclass(frozen=True)
class Retrieved:
    hits: list[SearchHit]  # the numbered sources the answer cites
    candidates: list[SearchHit]  # what the abstention gate judges
    missing: list[str]  # compared sides the portfolio has nothing on


class AnswerShape(ABC):
    """A registered way of answering; `name` is what the router returns."""

    name: ClassVar[str]
    description: ClassVar[str]  # one line, for the LLM router's tool schema and the docs


@dataclass(frozen=True)
class Detected:
    """What the deterministic router read from a question for a text shape."""

    chronological: bool = False  # a survey in year order ("how has X evolved")
    sides: tuple[str, ...] = ()  # a comparison's two sides


class TextShape(AnswerShape):
    """An answer from the papers' text, with citations."""

    # Most tokens a model may write for this shape's answer.
    max_tokens: ClassVar[int] = 400
    # The shape searches for the question's topic without its framing ("what has she done on
    # reward hacking?" -> "reward hacking"), not for the whole question.
    searches_topic: ClassVar[bool] = False
    # The shape needs two sides (a comparison): without them the question is answered focused.
    needs_sides: ClassVar[bool] = False
    # A long answer groups its papers under the portfolio's themes (the state's `themes`).
    groups_by_theme: ClassVar[bool] = False
    # The prompt a model answers it from (qabot.answering.prompts).
    prompt_template: ClassVar[ChatPromptTemplate] = ANSWER_PROMPT

    def detect(self, question: str) -> Detected | None:
        """How the deterministic router recognises the shape (None: not this one)."""
        return None

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        """The top k papers for the question (or its route's query)."""
        hits = ctx.retriever.search(state.search_text, k=state.k, filters=state.filters)
        return Retrieved(hits=hits, candidates=hits, missing=[])

    def abstains(self, state: AnswerState, ctx: ShapeContext) -> bool:
        """The gate: True when retrieval does not support answering at all."""
        return not is_relevant(state.search_text, state.candidates, ctx.settings.min_relevance)

    @abstractmethod
    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        """The answer without a model: source sentences, each cited, streamed in pieces."""

    def prompt(self, state: AnswerState, sources: list[SourceBlock]) -> PromptValue:
        return self.prompt_template.invoke(self.prompt_variables(state, sources))

    @staticmethod
    def prompt_variables(state: AnswerState, sources: list[SourceBlock]) -> dict[str, Any]:
        return {"sources": format_sources(sources), "question": neutralise(state.standalone)}

    @staticmethod
    def sources(state: AnswerState) -> list[SourceBlock]:
        """The numbered, neutralised sources of the state's hits."""
        return sources_from_hits(state.hits)


class StatisticShape(AnswerShape):
    """An answer computed exactly from the metadata (qabot.answering.shapes.statistics)."""

    # What the deterministic router recognises the shape by; the registry's order decides
    # which of several matching patterns wins.
    pattern: ClassVar[re.Pattern[str]]
    # Answered over the portfolio whatever topic words the question also has ("who does she
    # publish with most?"); otherwise leftover topic words make it a search of the papers
    # ("which papers study RLHF?").
    whole_portfolio: ClassVar[bool] = False
    # Route.label: "mixed" when the answer also summarises each paper.
    label: ClassVar[str] = "statistic"
    # A category name alone is what it asks about ("how many papers on robotics?").
    bare_categories: ClassVar[bool] = False
    # It ranks affiliations: with one affiliation named, a count or list of its papers is meant.
    ranks_affiliations: ClassVar[bool] = False
    # It counts or lists papers (what a question naming one affiliation wants).
    lists_papers: ClassVar[bool] = False

    @abstractmethod
    def answer(self, question: str, route: Route, facts: Facts) -> Answer: ...
