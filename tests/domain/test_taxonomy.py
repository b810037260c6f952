"""The one table of arXiv category names, and how affiliations are matched."""

from __future__ import annotations

import pytest

from qabot.domain.taxonomy import (
    ARXIV_CATEGORIES,
    affiliation_matches,
    category_label,
    category_name,
    category_names,
)
from qabot.ingest.corpus import load_corpus
from tests.conftest import CORPUS


def test_every_category_of_the_corpus_has_its_arxiv_name() -> None:
    codes = {p.category for p in load_corpus(CORPUS).papers if p.category}
    assert codes <= set(ARXIV_CATEGORIES), codes - set(ARXIV_CATEGORIES)
    assert category_name("RO") == "Robotics" and category_name("cy") == "Computers and Society"
    assert category_label("CL") == "CL (Computation and Language)"
    assert category_label("XX") == "XX", "an unknown code stays as it is"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("robotics", "RO"),
        ("computation and language", "CL"),
        ("nlp", "CL"),
        ("natural language processing", "CL"),
        ("machine learning", "LG"),
        ("computers and society", "CY"),
        ("cryptography and security", "CR"),
        ("machine learning (statistics)", "ML"),
        ("computer vision", "CV"),
    ],
)
def test_names_and_aliases_map_to_codes(name: str, code: str) -> None:
    assert category_names()[name] == code


def test_longer_names_are_tried_first() -> None:
    names = list(category_names())
    assert names.index("machine learning (statistics)") < names.index("machine learning")


@pytest.mark.parametrize(
    ("query", "affiliation", "expected"),
    [
        ("DeepMind", "deepmind", True),
        ("Google DeepMind", "deepmind", True),
        ("deep mind", "deepmind", True),
        ("ETH Zurich", "eth-zurich", True),
        ("Toronto", "utoronto", True),
        ("University of Toronto", "utoronto", True),
        ("Carnegie Mellon", "cmu", True),
        ("Stanford University", "stanford", True),
        ("berkeley", "stanford", False),
        ("submitted", "mit", False),  # a short slug is not found inside a longer word
        ("", "deepmind", False),
    ],
)
def test_affiliation_matching(query: str, affiliation: str, expected: bool) -> None:
    assert affiliation_matches(query, affiliation) is expected
