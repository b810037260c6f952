"""The answer state: one typed record that flows through the answer chain (as paper-qa's
`PQASession` does), from the routed question to the finished `Answer`.

Each step of the chain (qabot.answering.chain) returns a copy with its fields filled in:
condensing sets `standalone`, the shape's retrieval sets `hits`, `candidates` and `missing`,
the gate sets `abstain`, and generating sets `text`. `to_answer` builds the `Answer` from the
finished state; nothing is reassembled from what was streamed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from qabot.answering.citations import CITATION, marker_numbers, parse_citations
from qabot.answering.prompts import ABSTAIN_TEXT, MODEL_ABSTAIN_MARKER
from qabot.answering.route import Route
from qabot.domain.filters import Filters
from qabot.domain.records import Answer, SearchHit, marker_order

if TYPE_CHECKING:
    from qabot.answering.shapes.base import TextShape


class AnswerState(BaseModel):
    """A question on its way to an answer from the papers' text."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    question: str = Field(description="The question as asked (cleaned).")
    asked: str = Field(
        description="What is answered: the question, with a follow-up's "
        "referent written in (“tell me more about the second one” -> its title)."
    )
    history: list[Any] = Field(
        default_factory=list,
        description="Earlier turns as LangChain "
        "messages, for condensing a follow-up (none once resolved).",
    )
    route: Route
    shape: Any = Field(
        description="The registered TextShape that answers it (qabot.answering.shapes)."
    )
    filters: Filters = Field(default_factory=Filters)
    k: int = 5
    query: str | None = Field(
        default=None,
        description="What to search for instead of the "
        "standalone question (a survey's topic, names taken out), if set.",
    )
    themes: Mapping[str, str] | None = Field(
        default=None, description="Paper id -> theme, for headings in a long survey."
    )
    deadline: Any = Field(
        default=None,
        description="The question's Deadline (qabot.answering.llm) "
        "for every model call, or None without a model.",
    )
    said: str = Field(
        default="",
        description="The last answer's text: a follow-up on the same paper ('more?') "
        "quotes what it did not.",
    )
    # Filled in by the chain's steps:
    standalone: str = Field(default="", description="The question after condensing.")
    hits: list[SearchHit] = Field(default_factory=list, description="The numbered sources.")
    candidates: list[SearchHit] = Field(default_factory=list, description="What the gate judges.")
    missing: list[str] = Field(default_factory=list, description="Compared sides with no paper.")
    also: list[str] = Field(
        default_factory=list,
        description="Papers that also pass the "
        "relevance rule, listed after the answer if it does not cite them.",
    )
    unstated: str | None = Field(
        default=None,
        description="The detail asked for that the abstracts do not give (the answer says so).",
    )
    none_because: str | None = Field(
        default=None, description="The abstention in words when filters leave no paper on it."
    )
    sides: list[tuple[str, list[str]]] = Field(
        default_factory=list, description="A comparison's sides, each with its papers' ids."
    )
    abstain: bool = False
    text: str = ""

    @property
    def text_shape(self) -> TextShape:
        return self.shape  # type: ignore[no-any-return]

    @property
    def like_those(self) -> bool:
        """Other papers with no subject of their own ("what else did they do on this?", "is
        there a follow-up paper?"): searched for by the last answer's titles, those left out."""
        return bool(self.filters.exclude_ids) and self.query is None

    @property
    def search_text(self) -> str:
        """What retrieval searches for: the route's query, else the standalone question."""
        return self.query or self.standalone

    def to_answer(self, answerer: str) -> Answer:
        """The finished state as an `Answer`: `[n]` markers resolved against the sources, those
        outside them dropped, and renumbered in reading order (the first cited source is [1],
        with the sources in that order); the abstention text when the gate or the model
        declined."""
        text = self.text.strip()
        shape = self.text_shape.name
        abstained = self.abstain or MODEL_ABSTAIN_MARKER.lower() in text.lower()
        if abstained or not text:
            return Answer(question=self.question, standalone_question=self.standalone,
                          answer=self.none_because or ABSTAIN_TEXT, sources=self.hits, abstained=True,
                          answerer=answerer, shape=shape)  # fmt: skip
        cleaned, _, dropped = parse_citations(text, self.hits)
        cleaned, hits = in_reading_order(cleaned, self.hits)
        cleaned, citations, _ = parse_citations(cleaned, hits)
        return Answer(question=self.question, standalone_question=self.standalone,
                      answer=cleaned, citations=citations, sources=hits, abstained=False,
                      answerer=answerer, dropped_citations=dropped, shape=shape,
                      unstated=self.unstated)  # fmt: skip


def in_reading_order(text: str, hits: list[SearchHit]) -> tuple[str, list[SearchHit]]:
    """Markers renumbered by first appearance ("[3] … [1] … [3]" -> "[1] … [2] … [1]"), and
    the sources reordered to match: cited ones first, in reading order, then the rest as
    retrieved. `text`'s markers must all be valid already."""
    order = marker_order(text)
    if order == list(range(1, len(order) + 1)):
        return text, hits
    new = {old: n for n, old in enumerate(order, 1)}
    rest = [n for n in range(1, len(hits) + 1) if n not in new]
    new |= {old: n for n, old in enumerate(rest, len(order) + 1)}
    renumbered = CITATION.sub(
        lambda m: "[" + ", ".join(str(new[n]) for n in marker_numbers(m[1])) + "]", text
    )
    reordered = [hits[old - 1] for old, _ in sorted(new.items(), key=lambda kv: kv[1])]
    return renumbered, reordered
