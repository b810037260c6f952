"""Retrieval on a public benchmark: BEIR SciFact, through qabot's own ingest and search.

    .venv/bin/python benchmarks/beir_scifact.py [--split test|train] [--data DIR]
                                                [--modes hybrid,dense,lexical] [--limit N]

Reads the dataset from <repo>/../shared/datasets/scifact (`--data` to point elsewhere; it is
never copied into the repo), writes its 5,183 abstracts as a qabot JSONL corpus in a scratch
folder (`--scratch`, default benchmarks/results/tmp/beir-scifact/), ingests that through the
normal ingest path into a scratch store, searches every claim of the split with each mode
(`bot.search(claim, k=100, mode=...)`, which returns papers, i.e. BEIR documents), and reports
nDCG@10 (binary gains) and Recall@100 against the split's judgements, as BEIR does.

Everything else comes from qabot's settings, so backends and parameters stay selectable:
`QABOT_INDEX__EMBEDDING=openai`, `QABOT_INDEX__CHUNK_SIZE=800`, `QABOT_RETRIEVAL__RRF_K=...`.
The scratch store is kept per embedding model and chunking, so a second run only searches.

Protocol (the dataset's SOURCE.md): tune on `--split train`, report `--split test` once.
Writes benchmarks/results/beir_scifact-<split>.{json,md} (`--name` to change the stem).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402

from qabot import QABot, Settings  # noqa: E402
from qabot.embeddings.factory import embedding_backend, embedding_id  # noqa: E402
from qabot.evaluation.grounding import ndcg_at_k, recall_at_k  # noqa: E402

log = logging.getLogger("beir_scifact")

RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "scifact"
DEFAULT_SCRATCH = RESULTS / "tmp" / "beir-scifact"
MODES = ("hybrid", "dense", "lexical")
K_NDCG, K_RECALL = 10, 100

# The published test-split figures, copied from the dataset's SOURCE.md.
PUBLISHED = [
    ("BM25 (BEIR paper; Anserini multifield)", 0.665, 0.908),
    ("BM25 flat (Anserini regression)", 0.679, 0.925),
    ("all-MiniLM-L6-v2 dense (MTEB results)", 0.645, 0.925),
]


class DatasetError(Exception):
    """The dataset folder is missing or malformed: a one-line message, no traceback."""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise DatasetError(f"{path}: missing (pass --data DIR holding BEIR SciFact)")
    rows = []
    for lineno, line in enumerate(path.read_text("utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from exc
    return rows


def read_qrels(path: Path) -> dict[str, set[str]]:
    """query id -> relevant corpus ids (every SciFact judgement has score 1)."""
    if not path.is_file():
        raise DatasetError(f"{path}: missing (pass --data DIR holding BEIR SciFact)")
    qrels: dict[str, set[str]] = {}
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        parts = line.split("\t")
        if lineno == 1 and parts[0] == "query-id":
            continue
        if len(parts) != 3 or not parts[2].strip().lstrip("-").isdigit():
            raise DatasetError(f"{path}:{lineno}: expected query-id<TAB>corpus-id<TAB>score")
        if int(parts[2]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[1])
    return qrels


def write_corpus(corpus: list[dict[str, Any]], folder: Path) -> Path:
    """The BEIR corpus as qabot JSONL (id, title, abstract), rewritten only when it changed so
    the incremental ingest sees an unchanged file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scifact.jsonl"
    text = "".join(
        json.dumps(
            {"id": doc["_id"], "title": doc["title"], "abstract": doc["text"]}, ensure_ascii=False
        )
        + "\n"
        for doc in corpus
    )
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")
    return path


def store_name(settings: Settings, model: str, backend: str | None = None) -> str:
    """One scratch store per embedding model, backend and chunking, so comparing backends never
    re-embeds the other's store (and never trips the store's backend check)."""
    name = Path(model).name + (f"-{backend}" if backend else "")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "model"
    return f"store-{slug}-{settings.index.chunk_size}-{settings.index.chunk_overlap}"


def evaluate(rankings: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """Mean nDCG@10 and Recall@100 over the judged queries (BEIR's averaging)."""
    judged = [q for q in rankings if qrels.get(q)]
    return {
        f"ndcg@{K_NDCG}": statistics.fmean(
            ndcg_at_k(rankings[q], qrels[q], K_NDCG) for q in judged
        ),
        f"recall@{K_RECALL}": statistics.fmean(
            recall_at_k(rankings[q], qrels[q], K_RECALL) for q in judged
        ),
    }


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    return done.stdout.strip() + ("+changes" if dirty else "")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    data: Path = args.data
    corpus = read_jsonl(data / "corpus.jsonl")
    queries = read_jsonl(data / f"queries_{args.split}.jsonl")
    qrels = read_qrels(data / "qrels" / f"{args.split}.tsv")
    queries = [q for q in queries if qrels.get(str(q["_id"]))][: args.limit or None]
    if not queries:
        raise DatasetError(f"{data}: no {args.split} query has a judgement")

    corpus_dir = write_corpus(corpus, args.scratch / "corpus")
    # The scratch store is named after the embedding model and backend, which need the settings.
    probe = Settings(corpus=corpus_dir, store=args.scratch / "store", llm="extractive")
    embeddings = probe.get_embeddings()
    model = embedding_id(embeddings)
    settings = probe.model_copy(
        update={"store": args.scratch / store_name(probe, model, embedding_backend(embeddings))}
    )
    bot = QABot(settings, embeddings=embeddings, auto_ingest=False)

    with progress_bar() as bar:
        task = bar.add_task("ingest (chunks)", total=None)
        start = time.perf_counter()
        report = bot.ingest(
            progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
        ingest_s = time.perf_counter() - start
    log.info(
        "ingest: %d papers, %d chunks (%d embedded, %d reused) in %.1f s",
        report.papers,
        report.chunks,
        report.embedded,
        report.reused,
        ingest_s,
    )
    # qabot stores papers with the same normalised title once; BEIR keeps them apart. Say how
    # many documents that affects and whether any of them is judged relevant.
    indexed = set(bot.snapshot.paper_index)
    merged = sorted(str(d["_id"]) for d in corpus if str(d["_id"]) not in indexed)
    merged_relevant = sorted({d for q in queries for d in qrels[str(q["_id"])]} & set(merged))

    # Load the embedding model and the index before timing, so the first claim does not pay
    # for them.
    bot.search(queries[0]["text"], k=1)
    results: dict[str, Any] = {}
    with progress_bar() as bar:
        for mode in args.modes:
            task = bar.add_task(f"search {mode}", total=len(queries))
            rankings: dict[str, list[str]] = {}
            latencies: list[float] = []
            for query in queries:
                start = time.perf_counter()
                hits = bot.search(query["text"], k=K_RECALL, mode=mode)
                latencies.append(time.perf_counter() - start)
                rankings[str(query["_id"])] = [h.paper_id for h in hits]
                bar.advance(task)
            results[mode] = {
                **evaluate(rankings, qrels),
                "search_s": sum(latencies),
                "search_p50_ms": statistics.median(latencies) * 1000,
            }
            log.info("%s: %s", mode, results[mode])
    return {
        "dataset": "BEIR SciFact",
        "split": args.split,
        "queries": len(queries),
        "limited": bool(args.limit),
        "corpus_documents": len(corpus),
        "indexed_papers": len(indexed),
        "chunks": bot.snapshot.manifest.chunks,
        "merged_documents": merged,
        "merged_documents_judged_relevant": merged_relevant,
        "ingest_s": ingest_s,
        "ingest_up_to_date": report.up_to_date,
        "embedding_model": model,
        "settings": {
            "embedding": settings.index.embedding,
            "chunk_size": settings.index.chunk_size,
            "chunk_overlap": settings.index.chunk_overlap,
            "candidates": settings.retrieval.candidates,
            "rrf_k": settings.retrieval.rrf_k,
        },
        "modes": results,
        "published_test": [{"system": s, "ndcg@10": n, "recall@100": r} for s, n, r in PUBLISHED],
        "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "command": " ".join(["benchmarks/beir_scifact.py", *sys.argv[1:]]),
    }


def markdown(out: dict[str, Any]) -> str:
    lines = [
        f"BEIR SciFact, {out['split']} split ({out['queries']} claims"
        f"{', LIMITED' if out['limited'] else ''}), embedding {out['embedding_model']}, "
        f"chunks {out['settings']['chunk_size']}/{out['settings']['chunk_overlap']}, "
        f"commit {out['commit']}, {out['date']}",
        "",
        "| system | nDCG@10 | Recall@100 | search p50 ms |",
        "| --- | --- | --- | --- |",
    ]
    for mode, r in out["modes"].items():
        lines.append(
            f"| qabot {mode} | {r['ndcg@10']:.3f} | {r['recall@100']:.3f} | "
            f"{r['search_p50_ms']:.1f} |"
        )
    if out["split"] == "test":
        lines += [
            f"| {p['system']} (published) | {p['ndcg@10']:.3f} | {p['recall@100']:.3f} | – |"
            for p in out["published_test"]
        ]
    lines += [
        "",
        f"Corpus: {out['corpus_documents']:,} documents, {out['indexed_papers']:,} papers indexed "
        f"({len(out['merged_documents'])} stored once with a same-title document: "
        f"{', '.join(out['merged_documents']) or 'none'}; judged relevant in this split: "
        f"{', '.join(out['merged_documents_judged_relevant']) or 'none'}), "
        f"{out['chunks']:,} chunks; ingest {out['ingest_s']:.1f} s"
        f"{' (index already up to date)' if out['ingest_up_to_date'] else ''}.",
        f"Command: `{out['command']}`",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"BEIR SciFact folder (default {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--split",
        choices=("test", "train"),
        default="test",
        help="test to report (once), train to tune on",
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated search modes (default all three)"
    )
    parser.add_argument(
        "--scratch",
        type=Path,
        default=DEFAULT_SCRATCH,
        help="folder for the JSONL corpus and the stores (kept between runs)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=0,
        help="only the first N claims (a smoke run; never a reported figure)",
    )
    parser.add_argument(
        "--name", default=None, help="results file stem (default beir_scifact-<split>)"
    )
    args = parser.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in args.modes if m not in MODES]
    if unknown or not args.modes:
        parser.error(
            f"--modes: unknown {', '.join(unknown) or 'empty list'}; choose from {', '.join(MODES)}"
        )
    if args.limit < 0:
        parser.error("--limit must be 0 (all claims) or more")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        out = run(args)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stem = args.name or f"beir_scifact-{args.split}{'-limited' if args.limit else ''}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    (RESULTS / f"{stem}.md").write_text(markdown(out), "utf-8")
    print(markdown(out))
    print(f"wrote {RESULTS / stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
