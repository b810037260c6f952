"""Relevance decisions over search hits: the abstention gate (does retrieval support answering
at all?) and the survey rule (which of the hits an overview answer covers)."""

from __future__ import annotations

import re

from qabot.domain.records import SearchHit


def best_relevance(hits: list[SearchHit]) -> float:
    sims = [h.relevance for h in hits if h.relevance is not None]
    return max(sims) if sims else -1.0


# A proper name or acronym the question shares with a retrieved paper ("What is Dynalang?") is
# strong evidence even when the embedding model has never seen the word and scores it low.
_NAME = re.compile(r"(?<![\w])(?:[A-Z][a-z0-9]*[A-Z][\w-]*|[A-Z]{2,}[\w-]*|[A-Z][a-z][\w-]{2,})")


def named_terms(question: str) -> set[str]:
    """Capitalised words except the first, plus acronyms and CamelCase anywhere."""
    terms = set()
    for match in _NAME.finditer(question):
        word = match.group(0)
        is_first = question[: match.start()].strip() == ""
        if is_first and not any(c.isupper() for c in word[1:]):
            continue
        terms.add(word.lower())
    return terms


def is_relevant(question: str, hits: list[SearchHit], min_relevance: float) -> bool:
    """The abstention gate: does retrieval support answering at all?"""
    if not hits:
        return False
    if best_relevance(hits) >= min_relevance:
        return True
    terms = named_terms(question)
    if not terms:
        return False
    for hit in hits:
        text = " ".join([hit.title, *(e.text for e in hit.evidence)]).lower()
        if any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in terms):
            return True
    return False


def survey_scores(hits: list[SearchHit], dense_weight: float) -> dict[str, float]:
    """Each hit's relevance relative to the best hit of this question, in [0, 1]:
    `dense_weight` × cosine ÷ best cosine + (1 − `dense_weight`) × BM25 ÷ best BM25.

    Relative, because absolute scores move with the question: MiniLM's best cosine is 0.18 for
    "RLHF" and 0.61 for "offline reinforcement learning", both for papers that are on topic.
    Both retrievers count, so a paper that only one of them ranks high needs to be near the
    top of that one (agreement of the two is what separates a topic's papers from neighbours)."""
    best_cos = max((h.relevance or 0.0 for h in hits), default=0.0)
    best_lex = max((h.lexical or 0.0 for h in hits), default=0.0)
    scores = {}
    for hit in hits:
        dense = max(hit.relevance or 0.0, 0.0) / best_cos if best_cos > 0 else 0.0
        lexical = (hit.lexical or 0.0) / best_lex if best_lex > 0 else 0.0
        scores[hit.paper_id] = dense_weight * dense + (1 - dense_weight) * lexical
    return scores


def select_relevant(
    hits: list[SearchHit], threshold: float, dense_weight: float, agree: int = 3
) -> list[SearchHit]:
    """The papers a survey answer covers, best first: those whose `survey_scores` clear
    `threshold`, and those both retrievers put in their top `agree` (dense and lexical
    agreement). The top hit always qualifies (the abstention gate has already judged it)."""
    if not hits:
        return []
    scores = survey_scores(hits, dense_weight)
    by_dense = sorted(
        (h for h in hits if h.relevance is not None), key=lambda h: -(h.relevance or 0)
    )
    by_lexical = sorted((h for h in hits if h.lexical), key=lambda h: -(h.lexical or 0))
    agreed = {h.paper_id for h in by_dense[:agree]} & {h.paper_id for h in by_lexical[:agree]}
    ranked = sorted(hits, key=lambda h: -scores[h.paper_id])
    return [
        h
        for i, h in enumerate(ranked)
        if i == 0 or scores[h.paper_id] >= threshold or h.paper_id in agreed
    ]
