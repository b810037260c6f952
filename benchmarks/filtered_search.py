"""Filtered hybrid search at scale: qabot's filter paths against Chroma's own `where`.

    .venv/bin/python benchmarks/filtered_search.py [--papers 100000] [--store DIR] [--repeats 3]

Builds (or reuses, with --store) an index of N seeded synthetic papers with stand-in document
vectors (benchmarks/standin.py; every query still pays a real MiniLM query embedding), then
times `search` p50 over the bundled question set under several filters, twice: as qabot runs
it (filters decided from the paper table; a few allowed chunks scored exactly, broad filters
over-fetch, narrow ones use Chroma's `ids` scope) and forced through a Chroma `where` clause. Both must return the same papers; the
script checks that they do. Writes benchmarks/results/filtered_search.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from standin import StandInEmbeddings  # noqa: E402

import qabot.retrieval.hybrid as retrieval  # noqa: E402
from qabot import QABot, Settings  # noqa: E402
from qabot.domain.filters import Filters  # noqa: E402
from qabot.evaluation.grounding import load_questions  # noqa: E402
from qabot.ingest.build import ingest  # noqa: E402
from tests.synth import write_synth  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ASKED = [
    q.question
    for q in load_questions(ROOT / "tests" / "data" / "retrieval_questions.jsonl")
    if q.answerable
]


def p50(bot: QABot, filters: Filters) -> tuple[float, list[list[str]]]:
    times, ranked = [], []
    for q in ASKED:
        start = time.perf_counter()
        hits = bot.retriever.search(q, filters=filters)
        times.append(time.perf_counter() - start)
        ranked.append([h.paper_id for h in hits])
    return statistics.median(times) * 1000, ranked


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="an index built by an earlier run (same N)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="qabot-filtered-"))
    corpus = write_synth(tmp / f"synth-{args.papers}.jsonl", args.papers, seed=args.papers)
    store = args.store or tmp / "store"
    settings = Settings(corpus=corpus, store=store)
    embeddings = StandInEmbeddings(settings.get_embeddings())
    if args.store is None:
        print(f"building a {args.papers:,}-paper index in {store} …", file=sys.stderr)
        ingest(settings, embeddings)
    bot = QABot(settings, embeddings=embeddings, auto_ingest=False)
    papers = bot.snapshot.papers
    by_author = Counter(a for p in papers for a in p.authors)
    common = by_author.most_common(1)[0][0]
    rare = next(a for a, n in by_author.items() if n == 2)
    cases = {
        "none": Filters(),
        "one year (2021)": Filters(year_from=2021, year_to=2021),
        "category CL": Filters(categories=["CL"]),
        "with code": Filters(has_code=True),
        f"frequent author ({by_author[common]:,} papers)": Filters(author=common),
        "rare author (2 papers)": Filters(author=rare),
        "2021 + CL + code": Filters(year_from=2021, year_to=2021, categories=["CL"], has_code=True),
    }
    p50(bot, Filters())  # untimed pass: the model, the HNSW index and the pages it touches
    rows: dict[str, Any] = {}
    defaults = retrieval.EXACT_MAX, retrieval.OVERFETCH_MAX, retrieval.IDS_MAX
    for name, filters in cases.items():
        ours, theirs = [], []
        for _ in range(args.repeats):
            t, ranked = p50(bot, filters)
            ours.append(t)
            retrieval.EXACT_MAX = retrieval.OVERFETCH_MAX = retrieval.IDS_MAX = 0  # `where` only
            try:
                t, reference = p50(bot, filters)
            finally:
                retrieval.EXACT_MAX, retrieval.OVERFETCH_MAX, retrieval.IDS_MAX = defaults
            theirs.append(t)
        same = sum(a == b for a, b in zip(ranked, reference, strict=True)) / len(ASKED)
        allowed = int(bot.retriever.columns().mask(filters).sum())
        rows[name] = {
            "papers_allowed": allowed,
            "qabot_p50_ms": statistics.median(ours),
            "where_p50_ms": statistics.median(theirs),
            "same_ranking": same,
        }
        print(name, rows[name], file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "papers": len(papers),
        "chunks": bot.snapshot.manifest.chunks,
        "repeats": args.repeats,
        "machine": "2 CPU cores, no GPU",
        "filters": rows,
    }
    (RESULTS / "filtered_search.json").write_text(json.dumps(report, indent=1))
    md = [
        "| filter | papers allowed | qabot search p50 ms | via Chroma `where` p50 ms | same ranking |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, r in rows.items():
        md.append(
            f"| {name} | {r['papers_allowed']:,} | {r['qabot_p50_ms']:.1f} | "
            f"{r['where_p50_ms']:.1f} | {r['same_ranking']:.2f} |"
        )
    (RESULTS / "filtered_search.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
