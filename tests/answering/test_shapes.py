"""The shape registry (qabot.answering.shapes): what every registered shape must have, so that
adding one is one module and one line."""

from __future__ import annotations

import pytest

from qabot.answering.route import Route
from qabot.answering.router import PortfolioStatistic, SearchPapers
from qabot.answering.shapes import (
    FOCUSED,
    LIST_PAPERS,
    SHAPES,
    STATISTIC_SHAPES,
    TEXT_SHAPES,
    StatisticShape,
    TextShape,
)
from qabot.testing.mock_llm import prompted_shape


def test_names_are_unique_and_every_shape_says_what_it_answers() -> None:
    assert len(SHAPES) == len(TEXT_SHAPES) + len(STATISTIC_SHAPES), "a name is registered twice"
    assert all(s.description.strip() for s in SHAPES.values())
    assert all(isinstance(s, TextShape) for s in TEXT_SHAPES)
    assert all(isinstance(s, StatisticShape) and s.pattern.pattern for s in STATISTIC_SHAPES)


def test_the_router_falls_back_to_registered_shapes() -> None:
    assert TEXT_SHAPES[-1] is FOCUSED and FOCUSED.detect("anything at all") is not None
    assert all(s.detect("anything at all") is None for s in TEXT_SHAPES[:-1])
    assert LIST_PAPERS in STATISTIC_SHAPES


def test_each_text_shape_has_its_own_prompt() -> None:
    """A model, and the mock that stands in for one, tell the shapes apart by their prompts."""
    heads = [s.prompt_template.messages[0].prompt.template.split("\n", 1)[0] for s in TEXT_SHAPES]  # type: ignore[union-attr]
    assert len(set(heads)) == len(heads), "two shapes share a prompt"
    assert all(
        prompted_shape(head + "\nmore") is shape
        for head, shape in zip(heads, TEXT_SHAPES, strict=True)
    )


def test_the_llm_router_offers_every_registered_shape() -> None:
    offered = SearchPapers.model_json_schema()["properties"]["shape"]["enum"]
    assert offered == [s.name for s in TEXT_SHAPES]
    intents = PortfolioStatistic.model_json_schema()["properties"]["intent"]["enum"]
    assert intents == [s.name for s in STATISTIC_SHAPES]


@pytest.mark.parametrize("shape", [*TEXT_SHAPES, *STATISTIC_SHAPES], ids=lambda s: s.name)
def test_a_route_names_its_registered_shape(shape: object) -> None:
    name = shape.name  # type: ignore[attr-defined]
    if isinstance(shape, StatisticShape):
        route = Route(kind="statistic", label="statistic", intent=name, shape="metadata")
    else:
        route = Route(kind="retrieval", label="retrieval", shape=name)
    assert SHAPES[route.shape_name] is shape
