"""Scale benchmark: ingest and query cost against their physical floors, and a baseline.

    .venv/bin/python benchmarks/scale.py --sizes 50,1000,10000,100000 [--repeats 3] [--server]

For each corpus size N (50 = the bundled corpus; larger = seeded synthetic papers made of the
bundled abstracts' sentences, tests/synth.py) it measures, on one machine in one run:
- ingest wall time, chunks/s and peak RSS, in a fresh process; the floor: bare embedding of the
  same texts with the same model in the same process (ratio ingest / embedding); and the time
  to build the BM25 index alone;
- query latency p50/p95 of hybrid `search` and extractive `ask`, and the floor: embedding the
  query plus an exact dot product over all chunk vectors (ratio p50 / floor p50);
- cold start of the served app (`python app.py` → first answer over HTTP, index already built)
  and its peak RSS after answering 20 questions;
- the baseline a user would otherwise pick, the LangChain RAG tutorial
  (RecursiveCharacterTextSplitter(1000, 200) -> Chroma -> similarity top-4): its ingest time,
  query latency and, on the bundled corpus, its retrieval quality on the question set.
Sizes from `--stand-in-from` (default 20,000) up get stand-in document vectors
(benchmarks/standin.py: real query embedding, cheap document vectors), because really embedding
100k papers takes most of an hour here; for those rows the ingest / embedding ratio and
retrieval quality are not measured. `--server` runs everything through a `chroma run` server on
a free loopback port (a fresh one per ingest) and writes scale-server.* instead of scale.*.
`--floor-before` also times the one-call floor just before each ingest, in a process of its
own, and reports the ingest against the mean of the floors on both sides: this machine's speed
drifts by more than the ratio's margin within the hour a 100k ingest takes.
`--backend` picks how the bundled model runs (QABOT_INDEX__BACKEND: torch, onnx-fp32,
onnx-int8; default: the configured one); rows are kept per size and backend, and the ONNX
export is cached in benchmarks/results/tmp/onnx/ and done before anything is timed.
Medians over `--repeats` runs (ingest once above 1,000 papers, or `--ingest-repeats`), with
min and max. Writes
benchmarks/results/scale[-server].{json,md} and latency_vs_n.png. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import httpx  # noqa: E402
from standin import StandInEmbeddings  # noqa: E402
from ui_load import ask_http, free_port  # noqa: E402

from qabot import QABot, Settings  # noqa: E402
from qabot.evaluation.grounding import load_questions, retrieval_report  # noqa: E402
from qabot.ingest.build import STAGES  # noqa: E402
from tests.integration.test_chroma_server import start_chroma  # noqa: E402
from tests.synth import write_synth  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
QUESTIONS = load_questions(ROOT / "tests" / "data" / "retrieval_questions.jsonl")
ASKED = [q.question for q in QUESTIONS if q.answerable]

# Runs in a fresh interpreter so that its peak RSS is the ingest's own. VmHWM, not ru_maxrss:
# Linux carries ru_maxrss over from the forking parent.
INGEST_CHILD = """
import json, random, re, sys, time
sys.path.insert(0, {bench!r})
from qabot import Settings
from qabot.ingest.corpus import load_corpus
from qabot.embeddings.factory import embedding_backend
from qabot.ingest.chunking import chunk_papers
from qabot.ingest.build import ingest
from qabot.index.lexical import LexicalIndex

def hwm():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024

s = Settings()
emb = s.get_embeddings()
emb.embed_query("load the model before timing anything")
out = {{"backend_id": embedding_backend(emb)}}
if {stand_in!r}:
    from standin import StandInEmbeddings
    emb = StandInEmbeddings(emb)
report = None
if {ingest!r}:  # else only the one-call floor (--floor-before)
    start = time.perf_counter()
    report = ingest(s, emb)
    out |= {{"ingest_s": time.perf_counter() - start, "rss_mb": hwm(), "chunks": report.chunks,
             "papers": report.papers, "stages": report.stages}}
texts = [c.embed_text for c in chunk_papers(load_corpus(s.corpus).papers, s, "m")]
if not {stand_in!r}:
    # The floor: one call over every text, so the embedder batches and sorts by length as well
    # as it can; no store, no chunking, no lexical index. With a floor sample, a seeded uniform
    # sample of the texts (the same length mix) is embedded and the time scaled to all of them:
    # at 100k papers the full floor would be another hour of the same work.
    sample = {floor_sample!r}
    timed = random.Random(0).sample(texts, sample) if 0 < sample < len(texts) else texts
    start = time.perf_counter()
    emb.embed_documents(timed)
    out["embed_s"] = (time.perf_counter() - start) * len(texts) / len(timed)
    out["embed_sampled"] = len(timed)
if report is not None and not {stand_in!r}:
    # The floor at the ingest's own windows of batch_size * 4 chunks, in the papers' order
    # (qabot.ingest.build._write_vectors). With the ONNX backend, which embeds each text alone, it
    # is within a few percent of the one-call floor (4% slower at 100k: each window ends with
    # its last text running alone on one core); with torch, each window pads its own batches.
    # The same share of windows, seeded, when sampling.
    window = max(s.index.batch_size, 1) * 4
    starts = list(range(0, len(texts), window))
    if 0 < sample < len(texts):
        starts = sorted(random.Random(0).sample(starts, max(1, sample // window)))
    done = 0
    start = time.perf_counter()
    for i in starts:
        emb.embed_documents(texts[i : i + window])
        done += len(texts[i : i + window])
    out["embed_batched_s"] = (time.perf_counter() - start) * len(texts) / done
if report is not None:
    start = time.perf_counter()
    LexicalIndex.build(texts)
    out["lexical_s"] = time.perf_counter() - start
print(json.dumps(out))
"""

APP_CHILD = """
import sys
sys.path.insert(0, {bench!r})
from qabot import QABot, Settings
from qabot.interfaces.web.serving import serve
from standin import StandInEmbeddings
s = Settings()
serve(s, bot=QABot(s, embeddings=StandInEmbeddings(s.get_embeddings())))
"""


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latencies(fn: Any, questions: list[str]) -> list[float]:
    out = []
    for q in questions:
        start = time.perf_counter()
        fn(q)
        out.append(time.perf_counter() - start)
    return out


@contextlib.contextmanager
def chroma_server(path: Path | None) -> Iterator[str | None]:
    """A `chroma run` on a free loopback port (None: the embedded store)."""
    if path is None:
        yield None
        return
    proc, url = start_chroma(path)  # the tests' helper: it fails loudly if the server never starts
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def env_for(store: Path, corpus: Path, url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "QABOT_STORE": str(store),
        "QABOT_CORPUS": str(corpus),
        "QABOT_LLM": "extractive",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    env.pop("QABOT_CHROMA_URL", None)
    if url:
        env["QABOT_CHROMA_URL"] = url
    return env


def run_ingest(
    env: dict[str, str], stand_in: bool, floor_sample: int = 0, ingest: bool = True
) -> dict[str, Any]:
    """One ingest in a fresh process, then its floors; `ingest=False`: only the one-call floor."""
    code = INGEST_CHILD.format(
        bench=str(BENCH), stand_in=stand_in, floor_sample=floor_sample, ingest=ingest
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=4 * 3600,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def serve(env: dict[str, str], stand_in: bool) -> dict[str, float]:
    """The served app: process start to its page (built from the loaded index) and to the
    first answer over HTTP, then its peak RSS after 20 more answers."""
    port = free_port()
    cmd = (
        [sys.executable, "-c", APP_CHILD.format(bench=str(BENCH))]
        if stand_in
        else [sys.executable, str(ROOT / "app.py")]
    )
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env={**env, "GRADIO_SERVER_PORT": str(port)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    page = None
    try:
        with httpx.Client(timeout=120) as http:
            while True:
                if proc.poll() is not None or time.perf_counter() - start > 900:
                    raise RuntimeError("the app did not start")
                try:
                    if page is None and http.get(url).status_code == 200:
                        page = time.perf_counter() - start  # the page, its index loaded
                    if page is not None:
                        ask_http(http, url, ASKED[0])
                        break
                except (httpx.HTTPError, RuntimeError, KeyError, ValueError):
                    pass
                time.sleep(0.05)
            cold = time.perf_counter() - start
            for q in ASKED[:20]:
                ask_http(http, url, q)
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"page_served_s": page, "cold_start_s": cold, "serving_rss_mb": rss}


def corpus_for(n: int, folder: Path) -> Path:
    if n == 50:
        return ROOT / "corpus"
    return write_synth(folder / f"synth-{n}.jsonl", n, seed=n)


def chunk_matrix(vectors: Any, count: int) -> np.ndarray:
    rows = []
    for offset in range(0, count, 20_000):
        rows.append(vectors.get(limit=20_000, offset=offset, vectors=True).vectors)
    return np.concatenate(rows)


def uses_torch(embeddings: Any) -> bool:
    inner = getattr(embeddings, "real", embeddings)  # StandInEmbeddings embeds queries with it
    return getattr(inner, "backend", "torch") == "torch"


def query_latencies(
    bot: QABot, embeddings: Any, chunks: int, repeats: int
) -> dict[str, list[float]]:
    """p50 / p95 of search, ask and the floor (seconds), once per repeat. The bot and the floor's
    matrix are freed on return, before the served app is started."""
    bot.ask(ASKED[0])
    matrix = chunk_matrix(bot.snapshot.vectors, chunks)
    top = min(40, matrix.shape[0])
    if uses_torch(embeddings):
        # The product runs in torch, on the thread pool the query embedding just used: numpy's
        # BLAS pool spinning up beside torch's on two cores made the "floor" slower than search.
        import torch

        tmatrix = torch.from_numpy(matrix)

        def floor(q: str) -> None:
            v = torch.from_numpy(np.asarray(embeddings.embed_query(q), dtype=np.float32))
            torch.topk(tmatrix @ v, top)
    else:  # no torch at all with the ONNX backends, as when serving

        def floor(q: str) -> None:
            scores = matrix @ np.asarray(embeddings.embed_query(q), dtype=np.float32)
            np.argpartition(-scores, top - 1)[:top]

    stats: dict[str, list[float]] = {
        k: [] for k in ("search_p50", "search_p95", "ask_p50", "ask_p95", "floor_p50")
    }
    for _ in range(repeats):
        s = latencies(lambda q: bot.search(q), ASKED)
        a = latencies(lambda q: bot.ask(q), ASKED)
        f = latencies(floor, ASKED)
        stats["search_p50"].append(pct(s, 0.5))
        stats["search_p95"].append(pct(s, 0.95))
        stats["ask_p50"].append(pct(a, 0.5))
        stats["ask_p95"].append(pct(a, 0.95))
        stats["floor_p50"].append(pct(f, 0.5))
    return stats


def measure(n: int, args: argparse.Namespace, real: Any, tmp: Path) -> dict[str, Any]:
    corpus = corpus_for(n, tmp)
    stand_in = n >= args.stand_in_from
    embeddings = StandInEmbeddings(real) if stand_in else real
    row: dict[str, Any] = {
        "vectors": "stand-in" if stand_in else "MiniLM",
        "backend": os.environ["QABOT_INDEX__BACKEND"],
    }
    runs = args.ingest_repeats or (args.repeats if n <= 1000 else 1)  # 10k: many minutes each
    server_dir = (lambda r: tmp / f"chroma-{n}-{r}") if args.server else (lambda r: None)

    def timed_ingest(env: dict[str, str]) -> dict[str, Any]:
        """An ingest and its floors, with the one-call floor also timed just before it
        (`--floor-before`): the machine's speed drifts by more than the ratio's margin within
        an hour here, and floors on both sides of the ingest show by how much."""
        before = None
        if args.floor_before and not stand_in:
            before = run_ingest(env, stand_in, args.floor_sample, ingest=False)["embed_s"]
        return run_ingest(env, stand_in, args.floor_sample) | {"embed_before_s": before}

    with chroma_server(server_dir(0)) as url0:  # kept up for the queries
        ingests = [timed_ingest(env_for(tmp / f"store-{n}-0", corpus, url0))]
        for r in range(1, runs):
            with chroma_server(server_dir(r)) as url:
                ingests.append(timed_ingest(env_for(tmp / f"store-{n}-{r}", corpus, url)))
        row |= {
            "papers": ingests[0]["papers"],
            "chunks": ingests[0]["chunks"],
            "backend_id": ingests[0]["backend_id"],
        }
        row["ingest_s"] = spread([i["ingest_s"] for i in ingests])
        row["ingest_rss_mb"] = statistics.median(i["rss_mb"] for i in ingests)
        row["lexical_build_s"] = spread([i["lexical_s"] for i in ingests])
        row["chunks_per_s"] = row["chunks"] / row["ingest_s"]["median"]
        # The ingest's own account of its time (IngestReport.stages), medians over the runs:
        # timed in the same run, so the machine's drift cannot come between the two figures.
        row["ingest_stages_s"] = {
            name: statistics.median(i["stages"].get(name, 0.0) for i in ingests)
            for name in ingests[0]["stages"]
        }
        if row["ingest_stages_s"].get("embedding"):
            row["ingest_over_embedding_within"] = (
                row["ingest_s"]["median"] / row["ingest_stages_s"]["embedding"]
            )
        if not stand_in:
            row["bare_embedding_s"] = spread([i["embed_s"] for i in ingests])
            row["bare_embedding_sampled"] = ingests[0]["embed_sampled"]
            row["ingest_over_embedding"] = (
                row["ingest_s"]["median"] / row["bare_embedding_s"]["median"]
            )
            if all(i["embed_before_s"] for i in ingests):
                row["bare_embedding_before_s"] = spread([i["embed_before_s"] for i in ingests])
                # after / before: the drift across the ingest; the ratio against both floors
                row["floor_drift"] = statistics.median(
                    i["embed_s"] / i["embed_before_s"] for i in ingests
                )
                row["ingest_over_bracketing_floors"] = statistics.median(
                    2 * i["ingest_s"] / (i["embed_s"] + i["embed_before_s"]) for i in ingests
                )
            if all("embed_batched_s" in i for i in ingests):
                row["bare_embedding_batched_s"] = spread([i["embed_batched_s"] for i in ingests])
                row["ingest_over_batched_embedding"] = (
                    row["ingest_s"]["median"] / row["bare_embedding_batched_s"]["median"]
                )
            row["lexical_over_embedding"] = (
                row["lexical_build_s"]["median"] / row["bare_embedding_s"]["median"]
            )

        store = tmp / f"store-{n}-0"
        settings = Settings(corpus=corpus, store=store, chroma_url=url0)
        stats = query_latencies(
            QABot(settings, embeddings=embeddings, auto_ingest=False),
            embeddings,
            row["chunks"],
            args.repeats,
        )
        row |= {k: spread([x * 1000 for x in v]) for k, v in stats.items()}  # ms
        row["search_over_floor"] = row["search_p50"]["median"] / row["floor_p50"]["median"]
        row["ask_over_search"] = row["ask_p50"]["median"] / row["search_p50"]["median"]
        row |= serve(env_for(store, corpus, url0), stand_in)
    if not args.server and not args.no_baseline:
        row["baseline"] = baseline(corpus, embeddings, tmp / f"baseline-{n}", args.repeats, n == 50)
    return row


def baseline(
    corpus: Path, embeddings: Any, folder: Path, repeats: int, quality: bool
) -> dict[str, Any]:
    """The LangChain RAG tutorial: split 1000/200, Chroma, similarity top-4."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from qabot.ingest.corpus import load_corpus

    papers = load_corpus(corpus).papers
    docs = [Document(page_content=p.abstract, metadata={"paper_id": p.paper_id}) for p in papers]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    start = time.perf_counter()
    store = Chroma.from_documents(
        splits, embeddings, persist_directory=str(folder), collection_name="tutorial"
    )
    out: dict[str, Any] = {"chunks": len(splits), "ingest_s": time.perf_counter() - start}

    def ranked(q: str) -> list[str]:
        return list(dict.fromkeys(d.metadata["paper_id"] for d in store.similarity_search(q, k=4)))

    p50 = [pct(latencies(ranked, ASKED), 0.5) * 1000 for _ in range(repeats)]
    out["search_p50_ms"] = spread(p50)
    if quality:
        answerable = [q for q in QUESTIONS if q.answerable]
        out["quality"] = retrieval_report([ranked(q.question) for q in answerable], answerable, k=4)
    return out


def write(results: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=1))
    keys = sorted(results["sizes"], key=lambda k: (int(k.split("/")[0]), k))
    rows = [results["sizes"][k] for k in keys]
    ns = [int(k.split("/")[0]) for k in keys]

    def ratio(r: dict[str, Any], key: str) -> str:
        return f"{r[key]:.2f}" if key in r else "—"

    def label(r: dict[str, Any]) -> str:  # the backend as the index records it: onnx-int8:2
        return str(r.get("backend_id") or r["backend"])

    md = [
        "| N papers | backend | vectors | chunks | ingest s | chunks/s | bare embedding s | "
        "ingest / embedding | ingest / embedding in ingest's batches | BM25 build s | "
        "BM25 / embedding | peak RSS MB |",
        "|" + " --- |" * 12,
    ]
    for n, r in zip(ns, rows, strict=True):
        i = r["ingest_s"]
        e = f"{r['bare_embedding_s']['median']:.1f}" if "bare_embedding_s" in r else None
        if e and r.get("bare_embedding_sampled", r["chunks"]) < r["chunks"]:
            e += f" (from {r['bare_embedding_sampled']:,} sampled)"
        md.append(
            f"| {n:,} | {label(r)} | {r['vectors']} | {r['chunks']:,} | {i['median']:.1f} ({i['min']:.1f}–{i['max']:.1f}) | "
            f"{r['chunks_per_s']:.0f} | {e or '—'} | {ratio(r, 'ingest_over_embedding')} | "
            f"{ratio(r, 'ingest_over_batched_embedding')} | {r['lexical_build_s']['median']:.1f} | {ratio(r, 'lexical_over_embedding')} | {r['ingest_rss_mb']:.0f} |"
        )
    md += [
        "",
        "Where each ingest's time went (IngestReport.stages, medians; the rest is opening the "
        "store, checks, checksums and the manifest), and the ingest over its own embedding time:",
        "",
        "| N papers | backend | "
        + " | ".join(f"{name} s" for name in STAGES)
        + " | ingest / its embedding |",
        "|" + " --- |" * (len(STAGES) + 3),
    ]
    for n, r in zip(ns, rows, strict=True):
        stages = r.get("ingest_stages_s", {})
        md.append(
            f"| {n:,} | {label(r)} | "
            + " | ".join(f"{stages[name]:.1f}" if name in stages else "—" for name in STAGES)
            + f" | {ratio(r, 'ingest_over_embedding_within')} |"
        )
    bracketed = [(n, r) for n, r in zip(ns, rows, strict=True) if "floor_drift" in r]
    if bracketed:
        md += [
            "",
            "The one-call floor timed on both sides of the ingest (`--floor-before`):",
            "",
            "| N papers | backend | floor before s | floor after s | after / before | "
            "ingest / mean of the two |",
            "|" + " --- |" * 6,
        ]
        for n, r in bracketed:
            md.append(
                f"| {n:,} | {label(r)} | {r['bare_embedding_before_s']['median']:.1f} | "
                f"{r['bare_embedding_s']['median']:.1f} | {r['floor_drift']:.2f} | "
                f"{r['ingest_over_bracketing_floors']:.2f} |"
            )
    md += [
        "",
        "| N papers | backend | search p50 / p95 ms | floor p50 ms | search / floor | "
        "ask p50 / p95 ms | ask / search | app: page served s | app: first answer s | "
        "app peak RSS MB |",
        "|" + " --- |" * 10,
    ]
    for n, r in zip(ns, rows, strict=True):
        md.append(
            f"| {n:,} | {label(r)} | {r['search_p50']['median']:.1f} / {r['search_p95']['median']:.1f} | "
            f"{r['floor_p50']['median']:.1f} | {r['search_over_floor']:.2f} | "
            f"{r['ask_p50']['median']:.1f} / {r['ask_p95']['median']:.1f} | {r['ask_over_search']:.2f} | "
            f"{r['page_served_s']:.1f} | {r['cold_start_s']:.1f} | {r['serving_rss_mb']:.0f} |"
        )
    if any("baseline" in r for r in rows):
        md += [
            "",
            "| N papers | backend | tutorial chunks | tutorial ingest s | tutorial search p50 ms |",
            "| --- | --- | --- | --- | --- |",
        ]
        for n, r in zip(ns, rows, strict=True):
            if "baseline" not in r:  # --no-baseline
                continue
            b = r["baseline"]
            md.append(
                f"| {n:,} | {label(r)} | {b['chunks']:,} | {b['ingest_s']:.1f} | {b['search_p50_ms']['median']:.1f} |"
            )
    (RESULTS / f"{name}.md").write_text("\n".join(md) + "\n")
    plot(ns, rows, RESULTS / f"{'latency_vs_n' if name == 'scale' else name + '_latency'}.png")
    print("\n".join(md))


def plot(ns: list[int], rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for backend in sorted({r["backend"] for r in rows}):
        pairs = [(n, r) for n, r in zip(ns, rows, strict=True) if r["backend"] == backend]
        xs, picked = [n for n, _ in pairs], [r for _, r in pairs]
        for key, label in (
            ("search_p50", "hybrid search p50"),
            ("ask_p50", "extractive ask p50"),
            ("floor_p50", "floor: embed + exact dot product"),
        ):
            ax.plot(
                xs, [r[key]["median"] for r in picked], marker="o", label=f"{label} ({backend})"
            )
        if all("baseline" in r for r in picked):
            ax.plot(
                xs,
                [r["baseline"]["search_p50_ms"]["median"] for r in picked],
                marker="s",
                linestyle="--",
                label=f"LangChain tutorial top-4 ({backend})",
            )
    ax.set_xscale("log")
    ax.set_xlabel("papers (log scale)")
    ax.set_ylabel("latency, ms")
    ax.set_ylim(bottom=0)
    ax.set_title("Query latency vs corpus size (2 CPU cores, no GPU)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,1000", help="comma-separated paper counts")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of every measurement")
    parser.add_argument(
        "--stand-in-from",
        type=int,
        default=20_000,
        help="sizes from this up get stand-in document vectors",
    )
    parser.add_argument("--server", action="store_true", help="go through a `chroma run` server")
    parser.add_argument(
        "--ingest-repeats",
        type=int,
        default=0,
        help="ingests per size (default: --repeats up to 1,000 papers, then 1)",
    )
    parser.add_argument(
        "--floor-sample",
        type=int,
        default=0,
        help="time the bare-embedding floor on this many sampled chunks and "
        "scale it to all (default 0: embed every chunk again)",
    )
    parser.add_argument(
        "--floor-before",
        action="store_true",
        help="also time the one-call floor just before each ingest, in a "
        "process of its own, and report the ingest against the mean of the "
        "floors on both sides (the machine's drift shows as after / before)",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the LangChain tutorial baseline (a second full embedding)",
    )
    parser.add_argument(
        "--backend",
        choices=["torch", "onnx-fp32", "onnx-int8"],
        default=Settings().index.backend,
        help="how the bundled model runs",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    # Children (ingest, app) inherit both through env_for.
    os.environ["QABOT_INDEX__BACKEND"] = args.backend
    os.environ.setdefault("QABOT_INDEX__ONNX_CACHE", str(RESULTS / "tmp" / "onnx"))
    real = Settings().get_embeddings()
    real.embed_query("load the model before timing anything")
    name = "scale-server" if args.server else "scale"
    results: dict[str, Any] = {
        "machine": "2 CPU cores, no GPU",
        "repeats": args.repeats,
        "store": "chroma run server" if args.server else "embedded",
        "sizes": {},
    }
    previous = RESULTS / f"{name}.json"
    if previous.exists():  # sizes and backends run separately accumulate into one table
        for key, row in json.loads(previous.read_text()).get("sizes", {}).items():
            row.setdefault("backend", "torch")  # rows from before the backend was recorded
            results["sizes"][key if "/" in key else f"{key}/{row['backend']}"] = row
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",")]:
            print(f"N={n} …", file=sys.stderr, flush=True)
            results["sizes"][f"{n}/{args.backend}"] = measure(n, args, real, Path(tmp))
            write(results, name)
            for leftover in Path(tmp).iterdir():  # 100k stores are gigabytes
                if leftover.name.startswith(("store-", "baseline-", "chroma-")):
                    subprocess.run(["rm", "-rf", str(leftover)], check=False)


if __name__ == "__main__":
    main()
