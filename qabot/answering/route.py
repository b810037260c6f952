"""A routed question: which registered shape answers it (qabot.answering.shapes), with the
filters, search text and shape options the router read from it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from qabot.domain.filters import Filters


class Route(BaseModel):
    kind: Literal["statistic", "retrieval"]
    label: Literal["statistic", "retrieval", "mixed"]
    intent: str | None = Field(
        default=None,
        description="The statistic shape's name, for "
        "kind statistic: count, list, coauthors, ... (qabot.answering.shapes).",
    )
    filters: Filters = Field(default_factory=Filters)
    author_query: str | None = Field(default=None, description="Author as named in the question.")
    shape: str = Field(
        default="focused",
        description="The text shape's name for kind "
        'retrieval (focused, survey, compare, ...); "metadata" for a statistic.',
    )
    chronological: bool = Field(default=False, description='A survey ordered by year ("evolved").')
    newest_first: bool = Field(
        default=False, description='With chronological: newest first ("most recent first").'
    )
    just_one: bool = Field(
        default=False,
        description='With chronological: only the first paper of that order ("her most recent '
        'paper on X").',
    )
    query: str | None = Field(
        default=None,
        description="What to search for instead of the question: a survey's topic without the "
        "framing, or the question without the people and institutions that became filters, so "
        "a name the abstracts do not contain does not dilute the search (None: the question).",
    )
    sides: list[str] = Field(default_factory=list, description="The two things a compare names.")

    @property
    def shape_name(self) -> str:
        """The registered shape that answers it: the statistic's, or the text shape's."""
        return (self.intent or "list") if self.kind == "statistic" else self.shape
