"""Grounding and retrieval metrics, defined so they never return NaN.

Retrieval metrics compare a ranked list of paper ids with a set of gold ids:
- hit@k: 1 if any gold paper is in the top k, else 0;
- recall@k: share of gold papers found in the top k;
- reciprocal rank: 1 / rank of the first gold paper (0 when none is retrieved); MRR is its mean;
- context precision@k: share of the top k that are gold.
Questions without gold papers (unanswerable) are excluded from retrieval metrics.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    gold_set = set(gold)
    return 1.0 if any(p in gold_set for p in ranked[:k]) else 0.0


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    gold_set = set(gold)
    if not gold_set:
        return 0.0
    return len(gold_set & set(ranked[:k])) / len(gold_set)


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str]) -> float:
    gold_set = set(gold)
    for rank, paper_id in enumerate(ranked, 1):
        if paper_id in gold_set:
            return 1.0 / rank
    return 0.0


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

    @property
    def answerable(self) -> bool:
        return bool(self.gold_paper_ids)


def load_questions(path: Path) -> list[GoldQuestion]:
    rows = [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]
    return [
        GoldQuestion(r["question"], list(r.get("gold_paper_ids", [])), r.get("kind", ""))
        for r in rows
    ]


def retrieval_report(rankings: Sequence[Sequence[str]], questions: Sequence[GoldQuestion],
                     k: int = 5) -> dict[str, float]:  # fmt: skip
    """hit@1, recall@k, MRR and context precision@k over the answerable questions."""
    pairs = [(r, q.gold_paper_ids) for r, q in zip(rankings, questions, strict=True) if q.answerable]
    if not pairs:
        return {"hit@1": 0.0, f"recall@{k}": 0.0, "mrr": 0.0, f"context_precision@{k}": 0.0}
    return {
        "hit@1": mean(hit_at_k(r, g, 1) for r, g in pairs),
        f"recall@{k}": mean(recall_at_k(r, g, k) for r, g in pairs),
        "mrr": mean(reciprocal_rank(r, g) for r, g in pairs),
        f"context_precision@{k}": mean(context_precision_at_k(r, g, k) for r, g in pairs),
    }
