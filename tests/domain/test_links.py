"""A paper's links sorted into the paper, its code and the rest, whatever their order."""

from __future__ import annotations

import pytest

from qabot.domain.links import code_link, other_link, paper_link

ABSTRACT_LINKS = [
    "https://github.com/micahcarroll/uniMASK",
    "https://rail-berkeley.github.io/grif/",
    "https://doi.org/10.1000/xyz",
]


def test_the_paper_link_is_the_doi_even_after_a_code_link() -> None:
    assert paper_link(ABSTRACT_LINKS) == "https://doi.org/10.1000/xyz"
    assert code_link(ABSTRACT_LINKS) == "https://github.com/micahcarroll/uniMASK"
    assert other_link(ABSTRACT_LINKS) == "https://rail-berkeley.github.io/grif/"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param("https://arxiv.org/abs/2301.00001", "paper", id="arxiv"),
        pytest.param("https://www.openreview.net/forum?id=x", "paper", id="openreview-www"),
        pytest.param("https://huggingface.co/google/gemma-scope", "code", id="weights"),
        pytest.param("https://gitlab.com/a/b", "code", id="gitlab"),
        pytest.param("https://user.github.io/project", "other", id="github-pages-is-no-code"),
        pytest.param("https://notarxiv.org/abs/1", "other", id="lookalike-host"),
    ],
)
def test_each_link_is_one_kind(url: str, kind: str) -> None:
    found = {"paper": paper_link([url]), "code": code_link([url]), "other": other_link([url])}
    assert {k for k, v in found.items() if v} == {kind}


def test_no_links_no_answers_and_junk_is_ignored() -> None:
    assert paper_link([]) is code_link([]) is other_link([]) is None
    assert other_link(["not a url", "http://[broken"]) is None
    assert code_link(["javascript://github.com/%0Aalert(1)"]) is None, "only web links"
