"""The answer shapes: the registry, and the only place that lists them (as `formats.READERS`
lists the corpus readers). The router picks one by name; nothing else compares shape names.

Adding a shape is one module (a `TextShape` or `StatisticShape` subclass), one line here, and
eval items in tests/data (docs/architecture.md, "Add an answer shape").
"""

from __future__ import annotations

from qabot.answering.shapes.base import AnswerShape, StatisticShape, TextShape
from qabot.answering.shapes.compare import Compare
from qabot.answering.shapes.definition import Definition
from qabot.answering.shapes.detail import Detail
from qabot.answering.shapes.focused import Focused
from qabot.answering.shapes.statistics import (
    Affiliations,
    Coauthors,
    Count,
    Earliest,
    Figures,
    Latest,
    List,
    Person,
    Summary,
    Topics,
    Writing,
    Years,
)
from qabot.answering.shapes.survey import Survey
from qabot.answering.shapes.whowhen import WhoWhen

# Answered from the papers' text, in the order the deterministic router tries them: the first
# whose `detect` matches wins, and Focused, which matches anything, comes last.
TEXT_SHAPES: tuple[TextShape, ...] = (
    Compare(),
    WhoWhen(),
    Survey(),
    Detail(),
    Definition(),
    Focused(),
)
# Answered from the metadata, in the order the router tries their patterns.
STATISTIC_SHAPES: tuple[StatisticShape, ...] = (
    Writing(),
    Figures(),
    Coauthors(),
    Affiliations(),
    Years(),
    Topics(),
    Earliest(),
    Latest(),
    Count(),
    Person(),
    Summary(),
    List(),
)
SHAPES: dict[str, AnswerShape] = {s.name: s for s in (*TEXT_SHAPES, *STATISTIC_SHAPES)}
# The defaults the router falls back to: a question about one thing, and a listing of papers.
FOCUSED: TextShape = TEXT_SHAPES[-1]
LIST_PAPERS: StatisticShape = STATISTIC_SHAPES[-1]

__all__ = [
    "FOCUSED",
    "LIST_PAPERS",
    "SHAPES",
    "STATISTIC_SHAPES",
    "TEXT_SHAPES",
    "AnswerShape",
    "StatisticShape",
    "TextShape",
]
