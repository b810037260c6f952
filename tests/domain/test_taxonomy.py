"""The one table of arXiv category names, and how affiliations are matched."""

from __future__ import annotations

import pytest

from qabot.domain.taxonomy import (
    AFFILIATION_NAMES,
    ARXIV_ARCHIVES,
    ARXIV_CATEGORIES,
    ARXIV_OTHER_CATEGORIES,
    affiliation_matches,
    affiliation_name,
    category_label,
    category_name,
    category_names,
    category_title,
    in_field_terms,
    normalise_category,
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


@pytest.mark.parametrize(
    ("code", "stored", "label"),
    [
        ("cs.LG", "LG", "LG (Machine Learning)"),
        ("lg", "LG", "LG (Machine Learning)"),
        ("stat.ML", "ML", "ML (Machine Learning (Statistics))"),
        ("eess.SY", "SY", "SY (Systems and Control)"),
        ("physics.ao-ph", "physics.ao-ph", "physics.ao-ph (Atmospheric and Oceanic Physics)"),
        ("Physics.AO-PH", "physics.ao-ph", "physics.ao-ph (Atmospheric and Oceanic Physics)"),
        ("astro-ph.co", "astro-ph.CO", "astro-ph.CO (Cosmology and Nongalactic Astrophysics)"),
        ("math.CO", "math.CO", "math.CO (Combinatorics)"),
        ("hep-th", "hep-th", "hep-th (High Energy Physics - Theory)"),
        ("quant-ph", "quant-ph", "quant-ph (Quantum Physics)"),
        ("cond-mat.stat-mech", "cond-mat.stat-mech", "cond-mat.stat-mech (Statistical Mechanics)"),
        ("q-bio.PE", "q-bio.PE", "q-bio.PE (Populations and Evolution)"),
        ("econ.EM", "econ.EM", "econ.EM (Econometrics)"),
        pytest.param("stat.TH", "math.ST", "math.ST (Statistics Theory)", id="an-alias"),
        pytest.param("physics.xx-ph", "physics.xx-ph", "physics.xx-ph (Physics)", id="unlisted"),
    ],
)
def test_categories_outside_cs_keep_their_archive_and_have_names(
    code: str, stored: str, label: str
) -> None:
    """Issue 28: primaryClass = physics.ao-ph was stored as "AO-PH", with no name."""
    assert normalise_category(code) == stored
    assert category_label(stored) == label


def test_every_arxiv_archive_has_a_name() -> None:
    """The readers accept these archives (qabot.ingest.formats.common); each has a name, and
    every category of the other archives is stored under its own code."""
    from qabot.ingest.formats.common import _ARXIV_ARCHIVES

    assert set(_ARXIV_ARCHIVES.split("|")) == set(ARXIV_ARCHIVES)
    for code in ARXIV_OTHER_CATEGORIES:
        assert normalise_category(code) == code and code.split(".")[0] in ARXIV_ARCHIVES
    archives = {code.split(".")[0] for code in ARXIV_OTHER_CATEGORIES}
    assert archives == {"astro-ph", "cond-mat", "econ", "math", "nlin", "physics", "q-bio"} | {
        "q-fin",
        "stat",
    }, "every archive with subject classes"
    assert len(ARXIV_OTHER_CATEGORIES) >= 90, "the archives' subject classes, not a sample"


def test_other_archives_names_are_read_only_for_the_corpus_categories() -> None:
    """ "Optics" or "Methodology" is a topic first: a category name only when papers are in it."""
    assert "atmospheric and oceanic physics" not in category_names()
    assert category_names(["physics.ao-ph"])["atmospheric and oceanic physics"] == "physics.ao-ph"
    assert category_names(["math.LO"])["logic in computer science"] == "LO", "cs keeps its names"


def test_every_corpus_affiliation_has_a_display_name_and_unknown_slugs_are_title_cased() -> None:
    slugs = {a for p in load_corpus(CORPUS).papers for a in p.affiliations}
    assert slugs <= set(AFFILIATION_NAMES), slugs - set(AFFILIATION_NAMES)
    assert affiliation_name("eth-zurich") == "ETH Zurich"
    assert affiliation_name("berkeley") == "UC Berkeley"
    assert affiliation_name("deepmind") == "Google DeepMind"
    assert affiliation_name("some-new_lab") == "Some New Lab"
    assert affiliation_name("Allen Institute for AI") == "Allen Institute for AI"


def test_a_display_name_reads_back_as_its_slug() -> None:
    """The filter box may be given the name the page shows."""
    for slug, name in AFFILIATION_NAMES.items():
        assert affiliation_matches(name, slug), name


def test_category_titles_are_names_not_codes() -> None:
    assert category_title("LG") == "Machine Learning"
    assert category_title("stat.ML") == "Machine Learning (Statistics)"
    assert category_title("ZZ") == "ZZ"


@pytest.mark.parametrize(
    ("asked", "searched"),
    [
        ("AI that learns to fool the people grading it", "AI that learns to deceive the people evaluators it"),
        ("papers that poke holes in RLHF", "papers that limitations RLHF"),
        ("recovering what people want from what they do", "recovering human preferences from human behavior"),
        ("AI that changes what people do or believe", "AI that changes human behavior and beliefs"),
        ("an AI's sway over people", "an AI's influence over people"),
        ("logged data instead of live trial-and-error", "offline data instead of live reinforcement learning"),
        ("fixed, previously collected datasets", "fixed, offline datasets"),
        ("learning from people's either/or judgments", "learning from people's pairwise preferences"),
        ("AI models that cheat on their objective", "AI models that reward hacking"),
        ("AI that cheats at chess", "AI that cheats at chess"),
        ("AI that fools spam filters", "AI that fools spam filters"),
        ("where the human can't see everything", "where the human partial observability"),
        ("seeing what's going on inside a model or its reasoning", "interpretability or its reasoning"),
        ("predicting how people will act", "predicting human behavior"),
        ("an AI persuading people", "an AI influence people"),
        ("the stuff social media decides to show you", "recommender systems"),
        ("feeds and suggestions that apps like YouTube or Netflix show", "recommender systems and suggestions that recommender systems show"),
        ("chatbots that make stuff up", "chatbots that factuality"),
        ("reading an AI's scratchpad notes", "reading an AI's chain of thought"),
        ("keep the human in the driver's seat", "keep the human in control"),
        ("tell AI what they want in plain language", "tell AI human preferences in natural language"),
    ],
)  # fmt: skip
def test_everyday_words_are_put_in_the_fields_terms(asked: str, searched: str) -> None:
    assert in_field_terms(asked) == searched


def test_a_word_the_abstracts_use_stays_and_a_phrase_never_does() -> None:
    """`keep` (the index knows the word) leaves a single word as written; a phrase of framing
    words ("what people want") is the field's term whatever the index knows."""
    assert in_field_terms("hidden raters", keep=lambda _: True) == "hidden raters"
    assert in_field_terms("what users want", keep=lambda _: True) == "human preferences"
    # only whole words: "tricky" is not "trick", "gradient" not "grading"
    assert in_field_terms("a tricky gradient") == "a tricky gradient"
    assert in_field_terms(in_field_terms("fool the graders")) == "deceive the evaluators"
