"""Scale benchmark: ingest and query cost against their physical floors, and a baseline.

    .venv/bin/python benchmarks/scale.py --sizes 50,1000,10000 [--repeats 3]

For each corpus size N (50 = the bundled corpus; larger = seeded synthetic papers made of the
bundled abstracts' sentences, tests/synth.py) it measures, on one machine in one run:
- ingest wall time and chunks/s, and the floor: bare embedding of the same texts with the same
  model and batch size (ratio ingest / embedding);
- query latency p50/p95 of hybrid `search` and extractive `ask`, and the floor: embedding the
  query plus an exact dot product over all chunk vectors (ratio p50 / floor p50);
- cold start (a new process: import, open the index, answer one question) and peak RSS of an
  ingest process and of a serving process;
- the baseline a user would otherwise pick, the LangChain RAG tutorial
  (RecursiveCharacterTextSplitter(1000, 200) -> Chroma -> similarity top-4): its ingest time,
  query latency and, on the bundled corpus, its retrieval quality on the question set.
Medians over `--repeats` runs, with min and max. Writes benchmarks/results/scale.{json,md} and
latency_vs_n.png. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qabot import QABot, Settings  # noqa: E402
from qabot.corpus import load_corpus  # noqa: E402
from qabot.grounding import load_questions, retrieval_report  # noqa: E402
from qabot.index import chunk_papers, ingest  # noqa: E402
from tests.synth import write_synth  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
QUESTIONS = load_questions(ROOT / "tests" / "data" / "retrieval_questions.jsonl")
ASKED = [q.question for q in QUESTIONS if q.answerable]


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def latencies(fn: Any, questions: list[str]) -> list[float]:
    return [timed(lambda q=q: fn(q)) for q in questions]


def child(code: str, env: dict[str, str]) -> dict[str, Any]:
    """Run `code` in a fresh interpreter; it prints one JSON line. Adds wall time and peak RSS."""
    start = time.perf_counter()
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (this big
    # benchmark process), while VmHWM belongs to the child's own address space.
    script = code + (
        "\nimport json as _j, re as _re\n"
        "_hwm = int(_re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "print(_j.dumps({**result, 'rss_mb': _hwm / 1024}))"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=7200)  # fmt: skip
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {**out, "wall_s": time.perf_counter() - start}


def corpus_for(n: int, folder: Path) -> Path:
    if n == 50:
        return ROOT / "corpus"
    return write_synth(folder / f"synth-{n}.jsonl", n, seed=n)


def measure(n: int, repeats: int, base: Settings, embeddings: Any, tmp: Path) -> dict[str, Any]:
    corpus = corpus_for(n, tmp)
    settings = base.model_copy(update={"corpus": corpus})
    papers = load_corpus(corpus).papers
    texts = [c.embed_text for c in chunk_papers(papers, settings, "m")]
    row: dict[str, Any] = {"papers": len(papers), "chunks": len(texts)}

    ingest_s, embed_s = [], []
    runs = repeats if n <= 1000 else 1  # a 10k ingest takes minutes; once is the honest limit
    for r in range(runs):
        store = tmp / f"store-{n}-{r}"
        ingest_s.append(timed(lambda s=store: ingest(settings.model_copy(update={"store": s}), embeddings)))
        # The floor: one call over every text, so sentence-transformers batches (64) and sorts
        # by length as well as it can; no store, no chunking, no lexical index.
        embed_s.append(timed(lambda: embeddings.embed_documents(texts)))
    row["ingest_s"], row["bare_embedding_s"] = spread(ingest_s), spread(embed_s)
    row["chunks_per_s"] = len(texts) / statistics.median(ingest_s)
    row["ingest_over_embedding"] = statistics.median(ingest_s) / statistics.median(embed_s)

    store = tmp / f"store-{n}-0"
    bot = QABot(settings.model_copy(update={"store": store}), embeddings=embeddings, auto_ingest=False)
    bot.ask(ASKED[0])
    got = bot.snapshot.collection.get(include=["embeddings"], limit=len(texts))
    import torch

    # The product runs in torch, on the thread pool the query embedding just used: numpy's BLAS
    # pool spinning up beside torch's on two cores made the "floor" slower than real search.
    matrix = torch.from_numpy(np.asarray(got["embeddings"], dtype=np.float32))

    def floor(q: str) -> None:
        v = torch.from_numpy(np.asarray(embeddings.embed_query(q), dtype=np.float32))
        torch.topk(matrix @ v, min(40, matrix.shape[0]))

    stats: dict[str, list[float]] = {"search_p50": [], "search_p95": [], "ask_p50": [],
                                     "ask_p95": [], "floor_p50": []}  # fmt: skip
    for _ in range(repeats):
        s = latencies(lambda q: bot.search(q), ASKED)
        a = latencies(lambda q: bot.ask(q), ASKED)
        f = latencies(floor, ASKED)
        stats["search_p50"].append(pct(s, 0.5))
        stats["search_p95"].append(pct(s, 0.95))
        stats["ask_p50"].append(pct(a, 0.5))
        stats["ask_p95"].append(pct(a, 0.95))
        stats["floor_p50"].append(pct(f, 0.5))
    row |= {k: spread([x * 1000 for x in v]) for k, v in stats.items()}  # ms
    row["search_over_floor"] = row["search_p50"]["median"] / row["floor_p50"]["median"]
    row["ask_over_search"] = row["ask_p50"]["median"] / row["search_p50"]["median"]

    env = {**os.environ, "QABOT_STORE": str(store), "QABOT_CORPUS": str(corpus),
           "QABOT_LLM": "extractive", "HF_HUB_OFFLINE": "1"}  # fmt: skip
    serve = child("from qabot import QABot\nb = QABot(auto_ingest=False)\n"
                  f"[b.ask(q) for q in {ASKED[:20]!r}]\nresult = {{}}", env)  # fmt: skip
    cold = child("import time\nfrom qabot import QABot\nb = QABot(auto_ingest=False)\n"
                 f"b.ask({ASKED[0]!r})\nresult = {{}}", env)  # fmt: skip
    fresh = tmp / f"rss-{n}"
    rss_ingest = child("from qabot import Settings\nfrom qabot.index import ingest\n"
                       "s = Settings()\ningest(s, s.get_embeddings())\nresult = {}",
                       {**env, "QABOT_STORE": str(fresh)})  # fmt: skip
    row["cold_start_s"] = cold["wall_s"]
    row["serving_rss_mb"] = serve["rss_mb"]
    row["ingest_rss_mb"] = rss_ingest["rss_mb"]
    row["baseline"] = baseline(papers, embeddings, tmp / f"baseline-{n}", repeats, n == 50)
    return row


def baseline(papers: list[Any], embeddings: Any, folder: Path, repeats: int,
             quality: bool) -> dict[str, Any]:  # fmt: skip
    """The LangChain RAG tutorial: split 1000/200, Chroma, similarity top-4."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [Document(page_content=p.abstract, metadata={"paper_id": p.paper_id}) for p in papers]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    start = time.perf_counter()
    store = Chroma.from_documents(splits, embeddings, persist_directory=str(folder),
                                  collection_name="tutorial")  # fmt: skip
    out: dict[str, Any] = {"chunks": len(splits), "ingest_s": time.perf_counter() - start}

    def ranked(q: str) -> list[str]:
        return list(dict.fromkeys(d.metadata["paper_id"] for d in store.similarity_search(q, k=4)))

    p50 = [pct(latencies(ranked, ASKED), 0.5) * 1000 for _ in range(repeats)]
    out["search_p50_ms"] = spread(p50)
    if quality:
        answerable = [q for q in QUESTIONS if q.answerable]
        out["quality"] = retrieval_report([ranked(q.question) for q in answerable], answerable, k=4)
    return out


def write(results: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=1))
    ns = sorted(int(k) for k in results["sizes"])
    rows = [results["sizes"][str(n)] for n in ns]
    md = ["| N papers | chunks | ingest s | chunks/s | bare embedding s | ingest / embedding | "
          "search p50 / p95 ms | floor p50 ms | search / floor | ask p50 / p95 ms | ask / search | "
          "cold start s | RSS ingest / serve MB |", "|" + " --- |" * 13]  # fmt: skip
    for n, r in zip(ns, rows, strict=True):
        md.append(
            f"| {n:,} | {r['chunks']:,} | {r['ingest_s']['median']:.1f} ({r['ingest_s']['min']:.1f}–{r['ingest_s']['max']:.1f}) | "
            f"{r['chunks_per_s']:.0f} | {r['bare_embedding_s']['median']:.1f} | {r['ingest_over_embedding']:.2f} | "
            f"{r['search_p50']['median']:.1f} / {r['search_p95']['median']:.1f} | {r['floor_p50']['median']:.1f} | "
            f"{r['search_over_floor']:.2f} | {r['ask_p50']['median']:.1f} / {r['ask_p95']['median']:.1f} | "
            f"{r['ask_over_search']:.2f} | {r['cold_start_s']:.1f} | {r['ingest_rss_mb']:.0f} / {r['serving_rss_mb']:.0f} |"
        )  # fmt: skip
    md += ["", "| N papers | tutorial chunks | tutorial ingest s | tutorial search p50 ms |",
           "| --- | --- | --- | --- |"]  # fmt: skip
    for n, r in zip(ns, rows, strict=True):
        b = r["baseline"]
        md.append(f"| {n:,} | {b['chunks']:,} | {b['ingest_s']:.1f} | {b['search_p50_ms']['median']:.1f} |")
    (RESULTS / "scale.md").write_text("\n".join(md) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label in (("search_p50", "hybrid search p50"), ("ask_p50", "extractive ask p50"),
                       ("floor_p50", "floor: embed + exact dot product")):  # fmt: skip
        ax.plot(ns, [r[key]["median"] for r in rows], marker="o", label=label)
    ax.plot(ns, [r["baseline"]["search_p50_ms"]["median"] for r in rows], marker="s",
            linestyle="--", label="LangChain tutorial top-4")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("papers (log scale)")
    ax.set_ylabel("latency, ms")
    ax.set_title("Query latency vs corpus size (2 CPU cores, no GPU)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "latency_vs_n.png", dpi=110)
    print("\n".join(md))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,1000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    base = Settings()
    embeddings = base.get_embeddings()
    embeddings.embed_query("load the model before timing anything")
    results: dict[str, Any] = {"machine": "2 CPU cores, no GPU", "repeats": args.repeats, "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",")]:
            print(f"N={n} …", file=sys.stderr, flush=True)
            results["sizes"][str(n)] = measure(n, args.repeats, base, embeddings, Path(tmp))
            write(results)


if __name__ == "__main__":
    main()
