"""The BM25 index's respelling of typos: a word the corpus never uses, one slip from one it
does, is searched as the corpus spells it."""

from __future__ import annotations

import pytest

from qabot.index.lexical import LexicalIndex

TEXTS = [
    "B-Pref simulates teachers with a wide array of irrationalities.",
    "Recommender systems shift the preferences of their users.",
    "Offline reinforcement learning from static datasets.",
    "When your AIs deceive you.",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(TEXTS)


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("recomender systems", "recommend systems"),  # the stem of the typo is one slip away
        # dev11: "irrationallity" stems to "irrational", which no stem of the corpus is a slip
        # from ("irrationalities" stems to "irrat"); its spellings one letter apart are
        ("human irrationallity", "human irrat"),
        # dev15: two letters swapped, which difflib rates 0.83 ("deciev" against "deceiv")
        ("decieving AI", "deceiv AI"),
        ("offline reinforcement", "offline reinforcement"),  # words the corpus uses stay
        ("quantum chromodynamics", "quantum chromodynamics"),  # nothing near: left as typed
    ],
)
def test_a_typo_is_searched_as_the_corpus_spells_it(
    index: LexicalIndex, typed: str, searched: str
) -> None:
    assert index.respell(typed) == searched
