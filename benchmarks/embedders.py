"""Embedding backends compared in one run: speed, closeness to torch, and retrieval quality.

    .venv/bin/python benchmarks/embedders.py [--backends torch,onnx-fp32,onnx-int8]
        [--chunks 1500] [--rounds 3] [--split test] [--no-scifact] [--scifact-limit N]

For each backend (QABOT_INDEX__BACKEND values) it measures:
- chunks/s embedding `--chunks` chunks of BEIR SciFact abstracts, cut by qabot's own chunker
  (500 characters, title header), the backends interleaved over `--rounds` rounds (median, min,
  max), in batches as ingest sends them;
- cosine of each chunk vector to sentence-transformers' (torch fp32): min and mean;
- retrieval quality on our own question set (tests/data/retrieval_questions.jsonl, the bundled
  corpus): hit@1, recall@5 and MRR of dense and hybrid search (benchmarks/retrieval_quality.py);
- BEIR SciFact (`../shared/datasets/scifact`, never copied): nDCG@10 of hybrid and dense search
  over the whole corpus for the `--split` claims, through qabot's ingest and search. Scratch
  stores are kept per backend in benchmarks/results/tmp/embedders/, so a second run only
  searches (and its ingest time then is not a measurement).

Then it names the default by the rule of issue 15: the fastest backend whose question-set
figures are within 0.01 of torch fp32 and whose SciFact hybrid nDCG@10 is within 0.005.
Writes benchmarks/results/embedders.{json,md}. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval_quality import evaluate  # noqa: E402

from qabot import QABot, Settings  # noqa: E402
from qabot.ingest.build import ingest  # noqa: E402
from qabot.ingest.chunking import chunk_papers  # noqa: E402
from qabot.ingest.corpus import load_corpus  # noqa: E402

RESULTS = BENCH / "results"
SCRATCH = RESULTS / "tmp" / "embedders"
# ../shared beside the repository (or beside the worktrees' folder, for a git worktree)
DATA = next(
    (
        p
        for p in (
            ROOT.parent / "shared" / "datasets" / "scifact",
            ROOT.parent.parent / "shared" / "datasets" / "scifact",
        )
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "datasets" / "scifact",
)
BACKENDS = ("torch", "onnx-fp32", "onnx-int8")
OWN_TOLERANCE, SCIFACT_TOLERANCE = 0.01, 0.005
log = logging.getLogger("embedders")


def settings_for(backend: str, store: Path, corpus: Path) -> Settings:
    base = Settings(corpus=corpus, store=store, llm="extractive")
    index = base.index.model_copy(update={"backend": backend, "onnx_cache": SCRATCH / "onnx"})
    return base.model_copy(update={"index": index})


def scifact_corpus(docs: int = 0, split: str = "test") -> Path:
    """The SciFact abstracts as a qabot JSONL corpus (rewritten only when it changed). `docs`:
    every document judged for `split` plus seeded random others up to that many (0: all)."""
    folder = SCRATCH / f"corpus-{docs or 'all'}-{split}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scifact.jsonl"
    rows = [
        json.loads(x) for x in (DATA / "corpus.jsonl").read_text("utf-8").splitlines() if x.strip()
    ]
    if docs:
        judged = set().union(*read_split(split, 0)[1].values())
        others = [d for d in rows if d["_id"] not in judged]
        keep = judged | {
            d["_id"] for d in random.Random(0).sample(others, max(0, docs - len(judged)))
        }
        rows = [d for d in rows if d["_id"] in keep]
    text = "".join(
        json.dumps(
            {"id": d["_id"], "title": d["title"] or d["_id"], "abstract": d["text"]},
            ensure_ascii=False,
        )
        + "\n"
        for d in rows
    )
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")
    return folder


def ndcg_at_10(ranking: list[str], relevant: set[str]) -> float:
    """Binary-gain nDCG@10, as BEIR computes it for SciFact (every judgement scores 1)."""
    dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranking[:10]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return dcg / ideal


def read_split(split: str, limit: int) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    qrels: dict[str, set[str]] = {}
    for line in (DATA / "qrels" / f"{split}.tsv").read_text("utf-8").splitlines()[1:]:
        query, doc, score = line.split("\t")
        if int(score) > 0:
            qrels.setdefault(query, set()).add(doc)
    queries = [
        json.loads(x)
        for x in (DATA / f"queries_{split}.jsonl").read_text("utf-8").splitlines()
        if x.strip()
    ]
    queries = [q for q in queries if str(q["_id"]) in qrels]
    return queries[: limit or None], qrels


def speed_and_closeness(
    backends: list[str], texts: list[str], rounds: int, batch: int
) -> dict[str, dict[str, Any]]:
    models = {
        b: settings_for(b, SCRATCH / "unused", ROOT / "corpus").get_embeddings() for b in backends
    }
    for model in models.values():
        model.embed_documents(texts[:batch])  # load, export if needed, warm up
    times: dict[str, list[float]] = {b: [] for b in backends}
    vectors: dict[str, np.ndarray] = {}
    for r in range(rounds):
        for b in backends:
            start = time.perf_counter()
            out = [
                v
                for i in range(0, len(texts), batch)
                for v in models[b].embed_documents(texts[i : i + batch])
            ]
            times[b].append(time.perf_counter() - start)
            vectors[b] = np.asarray(out, dtype=np.float32)
            log.warning("round %d %s: %.1f chunks/s", r + 1, b, len(texts) / times[b][-1])
    ref = vectors.get("torch")
    out: dict[str, dict[str, Any]] = {}
    for b in backends:
        rates = [len(texts) / t for t in times[b]]
        row: dict[str, Any] = {
            "chunks_per_s": statistics.median(rates),
            "chunks_per_s_min": min(rates),
            "chunks_per_s_max": max(rates),
        }
        if ref is not None:
            cos = np.sum(vectors[b] * ref, axis=1) / (
                np.linalg.norm(vectors[b], axis=1) * np.linalg.norm(ref, axis=1)
            )
            row |= {"cosine_min": float(cos.min()), "cosine_mean": float(cos.mean())}
        out[b] = row
    return out


def own_questions(backend: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(backend, Path(tmp), ROOT / "corpus")
        embeddings = settings.get_embeddings()
        ingest(settings, embeddings)
        result = evaluate(settings, embeddings)
    return {mode: {k: round(v, 4) for k, v in result[mode].items()} for mode in ("dense", "hybrid")}


def scifact(backend: str, split: str, limit: int, docs: int) -> dict[str, Any]:
    corpus = scifact_corpus(docs, split)
    settings = settings_for(backend, SCRATCH / f"store-{backend}-{corpus.name}", corpus)
    bot = QABot(settings, auto_ingest=False)
    report = ingest(settings, bot.embeddings)
    queries, qrels = read_split(split, limit)
    out: dict[str, Any] = {
        "ingest_s": round(report.seconds, 1),
        "chunks": report.chunks,
        "embedded": report.embedded,
        "queries": len(queries),
    }
    if report.embedded:
        out["ingest_chunks_per_s"] = round(report.embedded / report.seconds, 1)
    for mode in ("hybrid", "dense"):
        scores = [
            ndcg_at_10(
                [h.paper_id for h in bot.search(q["text"], k=10, mode=mode)], qrels[str(q["_id"])]
            )
            for q in queries
        ]
        out[f"{mode}_ndcg@10"] = round(statistics.fmean(scores), 4)
    return out


def choose(rows: dict[str, dict[str, Any]]) -> tuple[str | None, dict[str, str]]:
    """The fastest backend within tolerance of torch fp32 on both quality measures."""
    ref = rows.get("torch")
    verdicts: dict[str, str] = {}
    if ref is None:
        return None, verdicts
    for b, row in rows.items():
        fails = []
        for metric in ("hit@1", "recall@5", "mrr"):  # hybrid: what search and answers use
            if ref["own"]["hybrid"][metric] - row["own"]["hybrid"][metric] > OWN_TOLERANCE:
                fails.append(f"hybrid {metric} {row['own']['hybrid'][metric]:.3f}")
        # torch fp32 on SciFact is the slowest measurement; ONNX fp32 gives the same vectors
        # (cosine column), so it stands in when torch's run did not finish (said in the verdict).
        sf_ref = ref.get("scifact") or rows.get("onnx-fp32", {}).get("scifact")
        if sf_ref is None or "scifact" not in row:
            verdicts[b] = "SciFact not measured" + ("; loses: " + ", ".join(fails) if fails else "")
            continue
        fails_note = " (SciFact against onnx-fp32)" if "scifact" not in ref else ""
        if sf_ref["hybrid_ndcg@10"] - row["scifact"]["hybrid_ndcg@10"] > SCIFACT_TOLERANCE:
            fails.append(f"SciFact hybrid nDCG@10 {row['scifact']['hybrid_ndcg@10']:.4f}")
        verdicts[b] = ("keeps quality" if not fails else "loses: " + ", ".join(fails)) + fails_note
    keep = [b for b in rows if verdicts[b].startswith("keeps quality")]
    return max(keep, key=lambda b: rows[b]["chunks_per_s"], default=None), verdicts  # type: ignore[arg-type]


def markdown(result: dict[str, Any]) -> str:
    rows = result["backends"]
    lines = [
        f"# Embedding backends ({result['date']}, {result['machine']})",
        "",
        f"{result['chunks']} SciFact chunks, {result['rounds']} interleaved rounds; "
        f"SciFact `{result['split']}` split, {result['scifact_queries']} claims over "
        f"{result['scifact_docs']} documents.",
        "",
        "| backend | chunks/s (median, min-max) | vs torch | cosine to torch min / mean "
        "| own hybrid hit@1 / R@5 / MRR | own dense hit@1 / R@5 / MRR | SciFact hybrid nDCG@10 "
        "| SciFact dense nDCG@10 | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    base = rows.get("torch", {}).get("chunks_per_s")
    for b, r in rows.items():
        own = {
            m: " / ".join(f"{r['own'][m][k]:.3f}" for k in ("hit@1", "recall@5", "mrr"))
            for m in ("hybrid", "dense")
        }
        sf = r.get("scifact", {})
        lines.append(
            f"| {b} | {r['chunks_per_s']:.1f} ({r['chunks_per_s_min']:.1f}-{r['chunks_per_s_max']:.1f}) "
            f"| {r['chunks_per_s'] / base:.2f}x | {r.get('cosine_min', 1):.4f} / {r.get('cosine_mean', 1):.4f} "
            f"| {own['hybrid']} | {own['dense']} | {sf.get('hybrid_ndcg@10', float('nan')):.4f} "
            f"| {sf.get('dense_ndcg@10', float('nan')):.4f} | {result['verdicts'].get(b, '')} |"
        )
    lines += [
        "",
        f"Default by the rule (fastest within {OWN_TOLERANCE} hybrid hit@1, recall@5 and MRR on our questions and "
        f"{SCIFACT_TOLERANCE} SciFact hybrid nDCG@10 of torch fp32): **{result['default']}**",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--chunks", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--split", default="test", choices=["test", "train"])
    parser.add_argument(
        "--scifact-limit", type=int, default=0, help="First N claims only (0: all)."
    )
    parser.add_argument(
        "--scifact-docs",
        type=int,
        default=0,
        help="search a subset: the split's judged documents plus seeded random "
        "others up to N (0: the whole corpus, 20k chunks per backend)",
    )
    parser.add_argument("--no-scifact", action="store_true")
    parser.add_argument("--name", default="embedders")
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="only rewrite the .md and the verdicts from the saved .json",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    if args.rewrite:
        result = json.loads((RESULTS / f"{args.name}.json").read_text("utf-8"))
        result["default"], result["verdicts"] = choose(result["backends"])
        write_files(result, args.name)
        print(markdown(result))
        return
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not (DATA / "corpus.jsonl").is_file():
        parser.error(f"{DATA}/corpus.jsonl: missing (BEIR SciFact is read from ../shared/datasets)")
    papers = load_corpus(scifact_corpus()).papers
    settings = Settings()
    texts = [c.embed_text for c in chunk_papers(papers, settings, "x")][: args.chunks]
    rows = speed_and_closeness(backends, texts, args.rounds, settings.index.batch_size * 4)
    result: dict[str, Any] = {
        "chunks": len(texts),
        "rounds": args.rounds,
        "split": args.split,
        "scifact_docs": args.scifact_docs or "all",
        "scifact_queries": 0,
        "backends": rows,
    }
    for b in backends:
        rows[b]["own"] = own_questions(b)
        log.warning("%s own questions: %s", b, rows[b]["own"])
    write(result, args.name)
    # The fast backends first: SciFact means embedding 20k chunks per backend.
    for b in (
        sorted(backends, key=lambda b: -rows[b]["chunks_per_s"]) if not args.no_scifact else []
    ):
        rows[b]["scifact"] = scifact(b, args.split, args.scifact_limit, args.scifact_docs)
        result["scifact_queries"] = rows[b]["scifact"]["queries"]
        log.warning("%s SciFact: %s", b, rows[b]["scifact"])
        write(result, args.name)
    print(markdown(result))


def write(result: dict[str, Any], name: str) -> None:
    """Written after each step, so a long run that is stopped still leaves its figures."""
    result["default"], result["verdicts"] = choose(result["backends"])
    result["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result["machine"] = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    write_files(result, name)


def write_files(result: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2), "utf-8")
    (RESULTS / f"{name}.md").write_text(markdown(result), "utf-8")


if __name__ == "__main__":
    main()
