"""Kinds of paper read from a title and abstract (qabot.domain.genres), and the filter on them."""

from __future__ import annotations

import pytest

from qabot.domain.filters import Filters, PaperColumns, paper_matches
from qabot.domain.genres import paper_types
from qabot.domain.records import Paper


@pytest.mark.parametrize(
    ("title", "abstract", "kinds"),
    [
        # a model's report: a versioned name the abstract introduces as a model …
        (
            "Gemma 2: Improving Open Language Models at a Practical Size",
            "In this work, we introduce Gemma 2, a new addition to the Gemma family of "
            "lightweight, state-of-the-art open models.",
            {"report"},
        ),
        (
            "Imagen 3",
            "We introduce Imagen 3, a latent diffusion model that generates images.",
            {"report"},
        ),
        # … or a report that says so (a version's dot is no sentence's end)
        (
            "Gemini 2.5: Pushing the Frontier",
            "In this report, we introduce the Gemini 2.X model family: Gemini 2.5 Pro.",
            {"report"},
        ),
        # not a title's opening word with a number, nor any study "in this report"
        (
            "The 1.9 A structure of a proteasome activator complex",
            "We present the structure of the complex and the model of its binding.",
            set(),
        ),
        ("Snf1 kinase in yeast", "In this report we show that Snf1 controls repression.", set()),
        # a position paper argues or recommends and reports no experiment …
        (
            "Chain of Thought Monitorability",
            "We recommend further research into CoT monitorability.",
            {"position"},
        ),
        (
            "Managing extreme AI risks",
            "In this short consensus paper, we describe risks.",
            {"position"},
        ),
        # … an empirical paper that argues is not one
        (
            "Learning Optimal Advantage from Preferences",
            "We argue that the learned function is an advantage. In experiments we find it is.",
            set(),
        ),
        (
            "Open Problems of RLHF",
            "In this paper, we (1) survey open problems and fundamental limitations of RLHF.",
            {"survey"},
        ),
        (
            "Offline RL for dialogue",
            "We train agents on logged conversations and show gains.",
            set(),
        ),
    ],
)
def test_kinds_of_paper_from_their_words(title: str, abstract: str, kinds: set[str]) -> None:
    assert paper_types(title, abstract) == kinds


def _paper(pid: str, title: str, abstract: str) -> Paper:
    return Paper(paper_id=pid, title=title, abstract=abstract, year=2024)


def test_the_kind_filter_decides_alike_for_one_paper_and_for_many() -> None:
    papers = [
        _paper("a", "Imagen 3", "We introduce Imagen 3, a latent diffusion model."),
        _paper("b", "Monitorability", "We recommend more research into monitoring."),
        _paper("c", "Assistance", "We train an agent and show it helps people in a user study."),
    ]
    columns = PaperColumns(papers)
    for kind, expected in [("report", ["a"]), ("position", ["b"]), ("survey", [])]:
        filters = Filters(paper_type=kind)
        assert [p.paper_id for p in papers if paper_matches(p, filters)] == expected
        assert [
            p.paper_id for p, keep in zip(papers, columns.mask(filters), strict=True) if keep
        ] == expected
    assert Filters(paper_type="report", year_from=2024).in_words() == (
        "from 2024 on that are technical reports"
    )
    assert Filters(paper_type="position").in_words(one=True) == "that is a position paper"


def test_a_kind_no_one_knows_is_refused() -> None:
    with pytest.raises(ValueError):
        Filters(paper_type="novel")
