"""The extractive answerer: no LLM, only sentences copied from the sources, each cited.

It is the offline default and the brain of the mock chat model. It never writes a claim of its
own: every sentence it returns is a sentence of a source abstract (or the source's own title,
authors and year lines), followed by that source's `[n]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qabot.lexical import tokenize
from qabot.sources import SourceBlock

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])")
_WHO = re.compile(r"\b(who\b.*\b(wrote|write|author|authored|behind)|authors?\b|written by)", re.I)
_WHEN = re.compile(r"\b(when (was|were|did|is)|what year|which year|how old|how recent)\b", re.I)
_CONTRIBUTION = re.compile(
    r"\bwe (propose|introduce|present|show|find|develop|study|formali[sz]e|argue|demonstrate)",
    re.I,
)
# Words that say what kind of answer is wanted, not what it is about.
_GENERIC = set(tokenize(["paper papers work research study approach method group portfolio "
                         "publish published wrote author authors tell explain describe idea "
                         "anyone someone thing"])[0])  # fmt: skip
MAX_SENTENCES = 3


def split_sentences(text: str) -> list[str]:
    parts = (s.strip() for chunk in text.split(" … ") for s in _SENTENCE_END.split(chunk))
    return [s for s in parts if len(s) > 20]


def _content(text: str) -> set[str]:
    return set(tokenize([text])[0]) - _GENERIC


def _cite(sentence: str, number: int) -> str:
    sentence = sentence.rstrip()
    if sentence[-1:] in ".!?":
        return f"{sentence[:-1]} [{number}]{sentence[-1]}"
    return f"{sentence} [{number}]."


def _label(block: SourceBlock) -> str:
    year = f" ({block.year})" if block.year else ""
    return f"“{block.title}”{year}"


def extractive_sentences(question: str, sources: list[SourceBlock]) -> list[str]:
    """The cited sentences of the answer, in order. Empty when there are no sources."""
    if not sources:
        return []
    top = sources[0]
    if _WHO.search(question):
        return [_cite(f"{_label(top)} is by {top.authors}.", top.number)]
    if _WHEN.search(question) and top.year:
        return [_cite(f"{_label(top)} dates from {top.year}.", top.number)]

    wanted = _content(question)
    scored: list[tuple[float, float, int, str, SourceBlock]] = []
    for rank, block in enumerate(sources):
        for position, sentence in enumerate(split_sentences(block.text)):
            overlap = len(wanted & _content(sentence)) / len(wanted) if wanted else 0.0
            cue = 0.1 if _CONTRIBUTION.search(sentence) else 0.0
            # Earlier sources were ranked more relevant; the prior breaks ties toward them.
            scored.append((overlap + cue + 0.2 / (rank + 1), overlap, position, sentence, block))
    first = [s for s in scored if s[4] is top]
    if not first:
        return [_cite(f"{_label(top)} is the closest match in the portfolio.", top.number)]
    best = max(first, key=lambda s: (s[0], -s[2]))
    chosen = [best]
    for item in sorted(scored, key=lambda s: -s[0]):
        if len(chosen) >= MAX_SENTENCES:
            break
        threshold = 0.34 if item[4] is top else 0.75
        if item is not best and item[1] >= threshold and item[3] not in {c[3] for c in chosen}:
            chosen.append(item)
    # Keep each source's sentences together and in the abstract's own order.
    chosen.sort(key=lambda s: (s[4].number, s[2]))
    out: list[str] = []
    seen: set[int] = set()
    for _, _, _, sentence, block in chosen:
        prefix = "" if block.number in seen else f"{_label(block)}: "
        seen.add(block.number)
        out.append(prefix + _cite(sentence, block.number))
    return out


def extractive_answer(question: str, sources: list[SourceBlock]) -> str:
    return " ".join(extractive_sentences(question, sources))


def stream_extractive(question: str, sources: list[SourceBlock]) -> Iterator[str]:
    """Yield the answer a sentence at a time, so interfaces can show progress."""
    for i, sentence in enumerate(extractive_sentences(question, sources)):
        yield (" " if i else "") + sentence
