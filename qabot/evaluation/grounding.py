"""Grounding and retrieval metrics, defined so they never return NaN.

Answer metrics (per answer sentence; list items are sentences; refusals are not graded):
- citation validity (before clean-up): markers pointing at a retrieved source ÷ all markers the
  model wrote (the chain removes invalid ones, so after clean-up it is 1.0 by construction);
- citation recall (ALCE): sentences with at least one citation whose cited passages jointly
  support them ÷ all sentences;
- citation precision (ALCE): needed citations ÷ all citations. A citation is needed when its
  sentence's citations jointly support the sentence and it either supports the sentence alone
  or the others do not without it;
- faithfulness: sentences (citations removed) supported by the retrieved passages ÷ sentences.
"Supports" is decided by a `Judge`: `LexicalJudge` (deterministic, below) or `LLMJudge`.
Framing lines are not claims and are not graded: Markdown headings ("### Theme"), an uncited
line ending in a colon that introduces a list ("12 papers match this question:"), and an
uncited statement that the portfolio has no paper on something (a compare's missing side).

Portfolio-level answers (surveys, comparisons) against a gold *set* of papers:
- coverage: gold papers cited ÷ gold papers (paper-level recall);
- paper precision: cited papers that are gold ÷ cited papers.

Retrieval metrics compare a ranked list of paper ids with a set of gold ids:
- hit@k: 1 if any gold paper is in the top k, else 0;
- recall@k: share of gold papers found in the top k;
- reciprocal rank: 1 / rank of the first gold paper (0 when none is retrieved); MRR is its mean;
- context precision@k: share of the top k that are gold.
Questions without gold papers (unanswerable) are excluded from retrieval metrics.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from qabot.answering.chain import FALLBACK_NOTES
from qabot.answering.citations import CITATION, marker_numbers
from qabot.domain.records import Answer


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    gold_set = set(gold)
    return 1.0 if any(p in gold_set for p in ranked[:k]) else 0.0


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    gold_set = set(gold)
    if not gold_set:
        return 0.0
    return len(gold_set & set(ranked[:k])) / len(gold_set)


def ndcg_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """nDCG@k with binary gains, as BEIR reports it (trec_eval's ndcg_cut): DCG of the top k,
    gain 1 / log2(rank + 1) per relevant result, over the DCG of a perfect ranking."""
    gold_set = set(gold)
    if not gold_set:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for rank, paper_id in enumerate(ranked[:k], 1):
        # A result listed twice is one result: counting it again would reward duplicates.
        if paper_id in gold_set and paper_id not in seen:
            dcg += 1.0 / math.log2(rank + 1)
        seen.add(paper_id)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold_set), k) + 1))
    return dcg / ideal


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str]) -> float:
    gold_set = set(gold)
    for rank, paper_id in enumerate(ranked, 1):
        if paper_id in gold_set:
            return 1.0 / rank
    return 0.0


def coverage(cited: Iterable[str], gold: Iterable[str]) -> float:
    """Share of the gold papers the answer cites (paper-level recall)."""
    gold_set = set(gold)
    return len(gold_set & set(cited)) / len(gold_set) if gold_set else 0.0


def paper_precision(cited: Iterable[str], gold: Iterable[str]) -> float:
    """Share of the cited papers that are gold (0 when nothing is cited)."""
    cited_set = set(cited)
    return len(cited_set & set(gold)) / len(cited_set) if cited_set else 0.0


def context_precision_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    top = list(ranked[:k])
    if not top:
        return 0.0
    gold_set = set(gold)
    return sum(p in gold_set for p in top) / len(top)


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    gold_paper_ids: list[str]
    kind: str = ""
    explicit_answerable: bool | None = None

    @property
    def answerable(self) -> bool:
        """The file's `answerable` when given, else: has gold papers."""
        if self.explicit_answerable is not None:
            return self.explicit_answerable
        return bool(self.gold_paper_ids)


def load_questions(path: Path) -> list[GoldQuestion]:
    rows = [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]
    return [
        GoldQuestion(
            r["question"], list(r.get("gold_paper_ids", [])), r.get("kind", ""), r.get("answerable")
        )
        for r in rows
    ]


def retrieval_report(
    rankings: Sequence[Sequence[str]], questions: Sequence[GoldQuestion], k: int = 5
) -> dict[str, float]:
    """hit@1, recall@k, MRR and context precision@k over the answerable questions."""
    pairs = [
        (r, q.gold_paper_ids) for r, q in zip(rankings, questions, strict=True) if q.gold_paper_ids
    ]
    if not pairs:
        return {"hit@1": 0.0, f"recall@{k}": 0.0, "mrr": 0.0, f"context_precision@{k}": 0.0}
    return {
        "hit@1": mean(hit_at_k(r, g, 1) for r, g in pairs),
        f"recall@{k}": mean(recall_at_k(r, g, k) for r, g in pairs),
        "mrr": mean(reciprocal_rank(r, g) for r, g in pairs),
        f"context_precision@{k}": mean(context_precision_at_k(r, g, k) for r, g in pairs),
    }


# --------------------------------------------------------------------------- support checks
#
# A sentence is *supported* by passages when
#   1. every number in it appears in the passages (so "27 billion" -> "72 billion" fails),
#   2. every quoted span appears verbatim,
#   3. every name it mentions (a capitalised word that is not sentence-initial, or an acronym)
#      appears, and
#   4. at least `threshold` of its content words (stemmed, stop words removed) appear.
# The threshold is calibrated on tests/data/support_labels.jsonl (see docs/evaluation.md).

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\.\d+)?%?")
_QUOTED = re.compile(r"[\"“]([^\"”]{3,}?)[\"”]")
_NAME_TOKEN = re.compile(r"(?<![\w'’])([A-Z][\w-]*[A-Z][\w-]*|[A-Z][a-z][\w-]+)")
_MARKERS = re.compile(r"\s*" + CITATION.pattern)


def cited_numbers(text: str) -> list[int]:
    """Every source number cited in `text`, grouped markers ("[1, 2]") included."""
    return [n for group in CITATION.findall(text) for n in marker_numbers(group)]


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(‘'-])|\n+")
DEFAULT_SUPPORT_THRESHOLD = 0.5


def strip_citations(text: str) -> str:
    return _MARKERS.sub("", text).strip()


def answer_sentences(text: str) -> list[str]:
    """Sentences of an answer (list items count as sentences), markers kept."""
    # A list's bullet goes; a bold heading ("**Side**") keeps its asterisks (it is framing).
    parts = (re.sub(r"^(?:[-•]|\*(?!\*))\s*", "", p.strip()).strip() for p in _SENTENCE.split(text))
    return [p for p in parts if len(re.findall(r"\w+", p)) >= 2]


def is_framing(sentence: str) -> bool:
    """A heading ("## …", "**Side**"), a list's uncited introduction, or an uncited "the portfolio has no paper
    about X": structure or absence, not a claim a source must support."""
    if CITATION.search(sentence):
        return False
    text = sentence.strip()
    heading = text.startswith("#") or bool(re.fullmatch(r"\*\*[^*]+\*\*", text))
    if text in FALLBACK_NOTES:  # says how the answer was made, not what the papers say
        return True
    return heading or text.endswith(":") or bool(REFUSAL.search(text))


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip("%") for n in _NUMBER.findall(text)}


def _names(sentence: str) -> set[str]:
    names = set()
    for match in _NAME_TOKEN.finditer(sentence):
        before = sentence[: match.start()].rstrip()
        if not before or before[-1] in '.!?:“"(':
            continue  # capitalised because it starts a sentence or a quotation
        names.add(match.group(1).lower())
    return names


_NEGATION = re.compile(
    r"\b(not|no|never|cannot|can't|don't|doesn't|isn't|aren't|won't|without|neither|nor|none|"
    r"fail|fails|failed|unable|lack|lacks|little)\b|n't\b",
    re.I,
)


def _polarity(text: str) -> int:
    return len(_NEGATION.findall(text)) % 2


def _closest_sentence(claim_words: set[str], passages: Sequence[str]) -> str:
    from qabot.index.lexical import tokenize

    sentences = [s for p in passages for s in re.split(r"(?<=[.!?])\s+", p) if s.strip()]
    if not sentences:
        return ""
    tokens = tokenize(sentences)
    return max(zip(sentences, tokens, strict=True), key=lambda st: len(claim_words & set(st[1])))[0]


@dataclass(frozen=True)
class SupportResult:
    supported: bool
    coverage: float
    missing_numbers: tuple[str, ...] = ()
    missing_names: tuple[str, ...] = ()
    missing_quotes: tuple[str, ...] = ()
    polarity_flip: bool = False

    def explain(self) -> str:
        parts = [f"content-word coverage {self.coverage:.2f}"]
        if self.missing_numbers:
            parts.append(f"numbers not in the passages: {', '.join(self.missing_numbers)}")
        if self.missing_names:
            parts.append(f"names not in the passages: {', '.join(self.missing_names)}")
        if self.missing_quotes:
            parts.append(f"quotes not in the passages: {', '.join(self.missing_quotes)}")
        if self.polarity_flip:
            parts.append("negated relative to the closest passage sentence")
        return "; ".join(parts)


class Judge(Protocol):
    """Decides whether passages support a sentence. Swap in `LLMJudge` for a stronger one."""

    def check(self, sentence: str, passages: Sequence[str]) -> SupportResult: ...


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def _relation_words() -> set[str]:
    """Words that relate papers' metadata ("came before", "the same year", "both list … as an
    author"): not content a passage states. The names, years and titles around them are still
    checked verbatim."""
    from qabot.index.lexical import tokenize

    return set(tokenize(["in contrast came before after out same year years both list lists "
                         "author authors common earlier later older newer"])[0])  # fmt: skip


class LexicalJudge:
    """The deterministic, offline support check described above."""

    def __init__(self, threshold: float = DEFAULT_SUPPORT_THRESHOLD) -> None:
        self.threshold = threshold

    def check(self, sentence: str, passages: Sequence[str]) -> SupportResult:
        from qabot.index.lexical import tokenize

        claim = strip_citations(sentence)
        source = " ".join(passages)
        source_lower = source.lower()
        words = set(tokenize([claim])[0]) - _relation_words()
        have = set(tokenize([source])[0])
        coverage = len(words & have) / len(words) if words else 1.0
        numbers = tuple(sorted(_numbers(claim) - _numbers(source)))
        names = tuple(sorted(n for n in _names(claim) if n not in source_lower))
        quotes = tuple(q for q in _QUOTED.findall(claim) if q.lower() not in source_lower)
        # A claim that reuses a passage sentence's words but flips its negation ("there has
        # been little work" -> "a great deal of work") is caught by comparing parities.
        unquoted = _QUOTED.sub(" ", claim)  # quoted spans (titles) are checked verbatim above
        closest = _closest_sentence(set(tokenize([unquoted])[0]) or words, passages)
        for quote in _QUOTED.findall(claim):  # … so on both sides ("Planning without Search")
            closest = re.sub(re.escape(quote), " ", closest, flags=re.I)
        # A quotation is its own closest sentence, whatever the sentence splitter makes of
        # the passage ("vs.", "i.e." and links split it oddly).
        body = _norm(re.sub(r"^“[^”]+”(?: \([^)]*\))?:\s*", "", claim))
        quoted = len(body) > 20 and body in _norm(source)
        flip = not quoted and _polarity(unquoted) != _polarity(closest)
        ok = coverage >= self.threshold and not numbers and not names and not quotes and not flip
        return SupportResult(ok, coverage, numbers, names, quotes, flip)


class LLMJudge:
    """Asks any chat model whether the passages support the sentence (YES/NO)."""

    def __init__(self, llm: BaseChatModel) -> None:
        self.llm = llm

    def check(self, sentence: str, passages: Sequence[str]) -> SupportResult:
        from qabot.answering.prompts import JUDGE_PROMPT

        reply = (JUDGE_PROMPT | self.llm).invoke(
            {"passages": "\n\n".join(passages), "sentence": strip_citations(sentence)}
        )
        verdict = str(getattr(reply, "content", reply)).strip().upper()
        return SupportResult(verdict.startswith("YES"), 1.0 if verdict.startswith("YES") else 0.0)


# --------------------------------------------------------------------------- answer metrics

REFUSAL = re.compile(
    r"(not in (the )?portfolio|doesn'?t say|does not say|(don'?t|do not|cannot|can'?t) "
    r"(know|answer|find)|no (relevant )?(information|papers?) (about|on)|not covered)",
    re.I,
)


def is_refusal(answer: Answer) -> bool:
    """A refusal: the bot abstained, or its text refuses (for models that refuse in prose)."""
    return answer.abstained or (not answer.citations and bool(REFUSAL.search(answer.answer)))


def source_passages(answer: Answer) -> dict[int, str]:
    """What source n showed the model: title, authors, year, date, venue and text, as in the
    prompt."""
    out = {}
    for n, hit in enumerate(answer.sources, 1):
        text = " … ".join(e.text for e in hit.evidence)
        venue = f"{hit.venue}. " if hit.venue else ""
        out[n] = f"{hit.title}. {hit.authors}. {hit.year or ''}. {hit.date or ''}. {venue}{text}"
    return out


@dataclass
class AnswerGrounding:
    """Per-answer grounding figures; None where a metric does not apply (never NaN)."""

    sentences: int
    citation_validity_before_cleanup: float | None
    citation_recall: float | None
    citation_precision: float | None
    faithfulness: float | None
    unsupported: list[tuple[str, str]]  # (sentence, why)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "unsupported"}


_ABSENT = re.compile(
    r"The abstract of “(?P<title>[^”]+)”(?: \([^)]*\))? does not (?:give|say|state) [^\[\]]+ "
    r"\[(?P<n>\d+)\]\."
)
_LISTED = re.compile(r"“(?P<title>[^”]+)”(?: \((?:\d{4}|n\.d\.)\))? \[(?P<n>\d+)\]")


def grade_answer(answer: Answer, judge: Judge | None = None) -> AnswerGrounding:
    """ALCE-style citation recall and precision, plus faithfulness, for one answer."""
    judge = judge or LexicalJudge()
    passages = source_passages(answer)
    written = [s for s in answer_sentences(answer.answer) if not _LISTED.fullmatch(s.strip())]
    kept = len(cited_numbers("\n".join(written)))  # the answerer's markers, not the list's
    total = kept + len(answer.dropped_citations)
    validity = kept / total if total else None
    if is_refusal(answer):
        return AnswerGrounding(0, validity, None, None, None, [])
    sentences = [s for s in answer_sentences(answer.answer) if not is_framing(s)]
    unsupported: list[tuple[str, str]] = []

    # A listed paper ("“Title” (2024) [4]" under "Also in the portfolio:") claims only that
    # source 4 is that paper: checked against its title, and not a claim of the answer's own
    # (the answerer does not write the list, so it must not dilute what the answerer wrote).
    # So is "The abstract of “Title” (2024) does not give the learning rate [1]": a claim of
    # absence no passage can support; what can be checked is that [1] is that paper.
    def structural(sentence: str) -> re.Match[str] | None:
        return _LISTED.fullmatch(sentence.strip()) or _ABSENT.fullmatch(sentence.strip())

    listed = [s for s in sentences if structural(s)]
    for item in listed:
        match = structural(item)
        assert match is not None
        n = int(match["n"])
        hit = answer.sources[n - 1] if 0 < n <= len(answer.sources) else None
        if hit is None or hit.title != match["title"]:
            unsupported.append((item, "a title that is not its source's"))
    sentences = [s for s in sentences if s not in listed]
    wrong = len(unsupported)  # listed titles that are not their sources': unsupported claims
    recall_hits = supported = relevant = cited = 0
    everything = list(passages.values())
    for sentence in sentences:
        numbers = sorted(set(cited_numbers(sentence)))
        valid = [n for n in numbers if n in passages]
        joint = judge.check(sentence, [passages[n] for n in valid]) if valid else None
        if joint is not None and joint.supported:
            recall_hits += 1
        whole = judge.check(sentence, everything)
        supported += whole.supported
        if not whole.supported:
            unsupported.append((strip_citations(sentence), whole.explain()))
        cited += len(numbers)
        if joint is None or not joint.supported:
            continue  # citations that do not jointly support their sentence are not needed
        for n in valid:
            alone = judge.check(sentence, [passages[n]]).supported
            others = [passages[m] for m in valid if m != n]
            rest = judge.check(sentence, others).supported if others else False
            relevant += alone or not rest
    n = len(sentences) + wrong
    return AnswerGrounding(
        sentences=n,
        citation_validity_before_cleanup=validity,
        citation_recall=recall_hits / n if n else None,
        citation_precision=relevant / cited if cited else None,
        faithfulness=supported / n if n else None,
        unsupported=unsupported,
    )
