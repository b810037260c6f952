"""Retrieval quality of dense, lexical and hybrid search, swept over chunk sizes.

    python benchmarks/retrieval_quality.py [--chunk-sizes 300,500,800,1200,2000]

Builds one throw-away index per chunk size from the bundled corpus, runs the gold question set
(tests/data/retrieval_questions.jsonl), and prints hit@1 / recall@5 / MRR per mode plus the
best-cosine distribution of answerable vs off-topic questions (the abstention threshold).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
from pathlib import Path

from qabot.config import Settings
from qabot.embeddings.factory import embedding_backend, embedding_id
from qabot.evaluation.grounding import load_questions, retrieval_report
from qabot.index.snapshot import open_snapshot
from qabot.ingest.build import ingest
from qabot.retrieval.hybrid import HybridRetriever
from qabot.retrieval.relevance import best_relevance, is_relevant

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "retrieval_questions.jsonl"


def evaluate(settings: Settings, embeddings: object, k: int = 5) -> dict[str, dict[str, float]]:
    snapshot = open_snapshot(
        settings,
        embedding_id(embeddings),  # type: ignore[arg-type]
        backend=embedding_backend(embeddings),
    )  # type: ignore[arg-type]
    retriever = HybridRetriever(snapshot, embeddings, settings.retrieval)  # type: ignore[arg-type]
    questions = load_questions(QUESTIONS)
    out: dict[str, dict[str, float]] = {}
    for mode in ("dense", "lexical", "hybrid"):
        rankings = [
            [h.paper_id for h in retriever.search(q.question, k=10, mode=mode)]  # type: ignore[arg-type]
            for q in questions
        ]
        out[mode] = retrieval_report(rankings, questions, k)
    sims = {
        q.question: best_relevance(retriever.search(q.question, k=k, mode="dense"))
        for q in questions
    }
    gate = [
        is_relevant(q.question, retriever.search(q.question, k=k), settings.retrieval.min_relevance)
        == q.answerable
        for q in questions
    ]
    answerable = sorted(sims[q.question] for q in questions if q.answerable)
    offtopic = sorted(sims[q.question] for q in questions if not q.answerable)
    out["abstention"] = {
        "answerable_min": answerable[0],
        "answerable_p05": answerable[max(0, len(answerable) // 20 - 1)],
        "answerable_median": statistics.median(answerable),
        "offtopic_max": offtopic[-1],
        "offtopic_median": statistics.median(offtopic),
        "gate_accuracy": sum(gate) / len(gate),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunk-sizes", default="300,500,800,1200,2000")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    base = Settings(corpus=ROOT / "corpus")
    embeddings = base.get_embeddings()
    print(f"{'chunk':>6} {'mode':8} {'hit@1':>6} {'rec@5':>6} {'MRR':>6}")
    for size in [int(s) for s in args.chunk_sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            settings = base.model_copy(
                update={
                    "store": Path(tmp),
                    "index": base.index.model_copy(
                        update={
                            "chunk_size": size,
                            "chunk_overlap": min(base.index.chunk_overlap, size // 4),
                        }
                    ),
                }
            )
            report = ingest(settings, embeddings)
            result = evaluate(settings, embeddings)
            for mode in ("dense", "lexical", "hybrid"):
                r = result[mode]
                print(
                    f"{size:>6} {mode:8} {r['hit@1']:6.3f} {r['recall@5']:6.3f} {r['mrr']:6.3f}"
                    f"   ({report.chunks} chunks)"
                )
            print("       abstention:", {k: round(v, 3) for k, v in result["abstention"].items()})


if __name__ == "__main__":
    main()
