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

from qabot.answering.citations import parse_citations
from qabot.answering.prompts import ABSTAIN_TEXT, MODEL_ABSTAIN_MARKER
from qabot.answering.route import Route
from qabot.domain.filters import Filters
from qabot.domain.records import Answer, SearchHit

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
    # Filled in by the chain's steps:
    standalone: str = Field(default="", description="The question after condensing.")
    hits: list[SearchHit] = Field(default_factory=list, description="The numbered sources.")
    candidates: list[SearchHit] = Field(default_factory=list, description="What the gate judges.")
    missing: list[str] = Field(default_factory=list, description="Compared sides with no paper.")
    abstain: bool = False
    text: str = ""

    @property
    def text_shape(self) -> TextShape:
        return self.shape  # type: ignore[no-any-return]

    @property
    def search_text(self) -> str:
        """What retrieval searches for: the route's query, else the standalone question."""
        return self.query or self.standalone

    def to_answer(self, answerer: str) -> Answer:
        """The finished state as an `Answer`: `[n]` markers resolved against the sources, those
        outside them dropped; the abstention text when the gate or the model declined."""
        text = self.text.strip()
        abstained = self.abstain or MODEL_ABSTAIN_MARKER.lower() in text.lower()
        if abstained or not text:
            return Answer(
                question=self.question,
                standalone_question=self.standalone,
                answer=ABSTAIN_TEXT,
                sources=self.hits,
                abstained=True,
                answerer=answerer,
            )
        cleaned, citations, dropped = parse_citations(text, self.hits)
        return Answer(
            question=self.question,
            standalone_question=self.standalone,
            answer=cleaned,
            citations=citations,
            sources=self.hits,
            abstained=False,
            answerer=answerer,
            dropped_citations=dropped,
        )
