"""The lexical (BM25) index kept beside Chroma.

Chroma's native hybrid search is not available locally or on a `chroma run` server, so BM25 lives
in its own small index built by bm25s from the same chunk texts, saved per index generation and
memory-mapped on load.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


_local = threading.local()


def _stemmer():  # type: ignore[no-untyped-def]
    # One per thread: building it costs more than stemming a query, and PyStemmer objects keep
    # internal state, so the UI's worker threads must not share one.
    if not hasattr(_local, "stemmer"):
        import Stemmer

        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens, identical at build and query time."""
    import bm25s

    return bm25s.tokenize(  # type: ignore[no-any-return]
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


def _variant(token: str, near: str) -> bool:
    """`token` is `near` in British spelling ("behaviour", "personalis", "analys")."""
    return near in {token.replace("our", "or"), token.replace("is", "iz"), token.replace("ys", "yz"),
                    token.replace("ll", "l")}  # fmt: skip


def _slipped(word: str, vocab: Mapping[str, int]) -> str | None:
    """The one stem of the corpus that `word` is a letter away from, typed: the stem of a typo
    can stray far from its word's ("irrationallity" stems to "irrational", "irrationality" to
    "irrat"), so the word's spellings one letter apart are stemmed, not its stem compared. The
    stem must open the word as typed, five letters at least: any spelling would respell
    "federated" ("fewerated") into "fewer"."""
    lower = word.lower()
    letters = "abcdefghijklmnopqrstuvwxyz"
    spellings = {lower[:i] + lower[i + 1 :] for i in range(len(lower))}  # a letter too many
    spellings |= {
        lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :] for i in range(len(lower) - 1)
    }
    spellings |= {lower[:i] + c + lower[i:] for i in range(len(lower) + 1) for c in letters}
    spellings |= {lower[:i] + c + lower[i + 1 :] for i in range(len(lower)) for c in letters}
    spellings.discard(lower)
    stems = {t[0] for t in tokenize(sorted(spellings))
             if len(t) == 1 and t[0] in vocab and len(t[0]) >= 5 and lower.startswith(t[0])}  # fmt: skip
    return stems.pop() if len(stems) == 1 else None


def one_slip(a: str, b: str) -> bool:
    """`a` and `b` differ by one edit: a letter inserted, deleted or replaced, or two
    neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])


# The arrays of the saved index that `load` memory-maps rather than reads whole, so a search
# uses a damaged page as it is: a snapshot digests them at open, the page overview checks their
# sizes only (qabot.index.checksums). bm25s names them so.
MAPPED_FILES = ("data.csc.index.npy", "indices.csc.index.npy")


class LexicalIndex:
    """BM25 over chunk texts; positions match the generation's `chunk_ids` list."""

    def __init__(self, retriever: object, size: int) -> None:
        self._bm25 = retriever
        self.size = size
        self._buckets: dict[str, list[str]] | None = None

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each build at DEBUG
        retriever = bm25s.BM25()
        retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import bm25s

        # mmap keeps serving memory flat as the corpus grows; pages are shared across replicas.
        retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        return cls(retriever, size)

    def inconsistency(self) -> str | None:
        """Why the loaded BM25 arrays cannot be a valid index, or None.

        Costs one pass over `indptr` (one entry per vocabulary term), never the big memory-mapped
        arrays, so it runs on every open. A damaged `indptr` otherwise loads fine and makes every
        lexical search silently find nothing."""
        scores = getattr(self._bm25, "scores", None)
        if not isinstance(scores, dict) or "indptr" not in scores:
            return None  # not a bm25s layout this check knows
        indptr, data = np.asarray(scores["indptr"]), scores["data"]
        if len(indptr) == 0 or indptr[0] != 0:
            return "its indptr array does not start at 0"
        if np.any(np.diff(indptr) < 0):
            return "its indptr array is not ascending"
        if int(indptr[-1]) != len(data) or len(scores["indices"]) != len(data):
            return f"its indptr array ends at {int(indptr[-1])}, but it holds {len(data)} scores"
        if scores.get("num_docs", self.size) != self.size:
            return f"it indexes {scores['num_docs']} chunks, the chunk table lists {self.size}"
        return None

    def chunk_share(self, token: str) -> float:
        """The share of chunks whose text has `token` (a stemmed token, as `tokenize` makes
        them): 0 for a word the corpus never uses. How specific a word is to a few papers."""
        vocab = getattr(self._bm25, "vocab_dict", None)
        scores = getattr(self._bm25, "scores", None)
        if not vocab or not isinstance(scores, dict) or token not in vocab or not self.size:
            return 0.0
        column = int(vocab[token])
        indptr = scores["indptr"]
        return float(indptr[column + 1] - indptr[column]) / self.size

    def respell(self, text: str, keep: Callable[[str], bool] | None = None) -> str:
        """`text` with each word the corpus never uses, and that is one slip from a word it
        does, written as that word's stem ("recomender" -> "recommend", "behaviour" ->
        "behavior"): a typo or a spelling variant would otherwise match nothing lexically and
        count as a subject no paper covers. Words of under six letters are left alone (too
        many near neighbours: "every" is one slip from "ever"), and so are those `keep` says
        are real words ("auctions" is not "actions"), unless the corpus spells the same word
        another way ("behaviour", "personalisation")."""
        vocab = getattr(self._bm25, "vocab_dict", None)
        if not vocab:
            return text

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            tokens = tokenize([word])[0]
            if len(tokens) != 1 or tokens[0] in vocab:
                return word
            near = self._near(tokens[0], vocab) or _slipped(word, vocab)
            if near is None or (keep is not None and keep(word) and not _variant(tokens[0], near)):
                return word
            return near

        return re.sub(r"(?<![\w-])[A-Za-z]{6,}(?![\w-])", fix, text)

    def _near(self, token: str, vocab: dict[str, int]) -> str | None:
        import difflib

        if self._buckets is None:  # by first letter: a typo rarely hits it, and it is 26x fewer
            buckets: dict[str, list[str]] = {}
            for word in vocab:
                if word.isalpha() and len(word) >= 4:
                    buckets.setdefault(word[0], []).append(word)
            self._buckets = buckets
        # Two letters swapped is one slip that difflib rates low ("deciev" vs "deceiv": 0.83)
        swapped = {
            token[:i] + token[i + 1] + token[i] + token[i + 2 :] for i in range(len(token) - 1)
        }
        # (looked up one by one: `vocab.keys() - {token}` would copy the whole vocabulary)
        if len(found := sorted(w for w in swapped if w != token and w in vocab)) == 1:
            return found[0]
        close = difflib.get_close_matches(token, self._buckets.get(token[0], []), n=3, cutoff=0.85)
        # One slip only (a letter added, dropped, changed or two swapped), and a clear nearest
        # word: two as near would make it a guess. Wider matches respelled SciFact's rare
        # terms into other terms (lexical nDCG@10 0.673 -> 0.672).
        close = [c for c in close if one_slip(token, c)]
        if len(close) != 1:
            return None
        return close[0]

    def top(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Positions and scores of the best `n` chunks with a positive score, best first."""
        tokens = tokenize([query])[0]
        if not tokens or self.size == 0:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)  # type: ignore[attr-defined]
        if mask is not None:
            scores = scores * mask
        n = min(n, len(scores))
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]
