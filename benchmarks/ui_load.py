"""End-to-end latency and throughput of the served app with the extractive answerer.

    .venv/bin/python benchmarks/ui_load.py [--rounds 3] [--sessions 16] [--per-session 4]

Starts `python app.py` as its own process on a free loopback port (so client threads do not
share the server's interpreter), over a temporary copy of the index, then measures:
- cold start: process start to the first answered question (index already built);
- one client asking questions one after another: p50 / p95 latency, both through
  gradio_client and through plain HTTP on the REST endpoint (`/gradio_api/call/chat`, as curl
  or a browser would), since gradio_client's own polling adds most of its latency;
- N parallel gradio_client sessions: throughput and p50 / p95 latency per round,
  reported as the median over rounds with min and max.
Writes benchmarks/results/ui_load.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from gradio_client import Client  # noqa: E402

from qabot import Settings  # noqa: E402
from qabot.ingest.build import ingest  # noqa: E402
from tests.load import QUESTIONS, run_load  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ask_http(http: httpx.Client, url: str, question: str) -> str:
    """One question over the documented REST API: POST returns an event id, GET streams SSE."""
    event = http.post(
        f"{url}gradio_api/call/chat", json={"data": [question, None, None, None, None, None, False]}
    ).json()["event_id"]
    with http.stream("GET", f"{url}gradio_api/call/chat/{event}") as stream:
        body = "".join(stream.iter_text())
    if "event: complete" not in body:
        raise RuntimeError(f"no complete event: {body[-300:]}")
    return body


def start_app(store: Path, port: int) -> tuple[subprocess.Popen[bytes], str, float]:
    env = {
        **os.environ,
        "QABOT_STORE": str(store),
        "QABOT_CORPUS": str(ROOT / "corpus"),
        "QABOT_LLM": "extractive",
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            Client(url, verbose=False).predict(QUESTIONS[0][0], api_name="/chat")
            return proc, url, time.perf_counter() - start
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the app did not answer within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--per-session", type=int, default=4)
    parser.add_argument("--sequential", type=int, default=40, help="one-client questions")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "vectorstore"
        settings = Settings(corpus=ROOT / "corpus", store=store)
        ingest(settings, settings.get_embeddings())
        proc, url, cold = start_app(store, free_port())
        try:
            client = Client(url, verbose=False)
            sequential = []
            for i in range(args.sequential):
                t = time.perf_counter()
                client.predict(QUESTIONS[i % len(QUESTIONS)][0], api_name="/chat")
                sequential.append(time.perf_counter() - t)
            http_seq = []
            with httpx.Client(timeout=60) as http:
                for i in range(args.sequential):
                    t = time.perf_counter()
                    ask_http(http, url, QUESTIONS[i % len(QUESTIONS)][0])
                    http_seq.append(time.perf_counter() - t)
            rounds = []
            for _ in range(args.rounds):
                results, wall = run_load(url, args.sessions, args.per_session)
                bad = [r for r in results if not r.correct]
                latencies = [r.seconds for r in results]
                rounds.append(
                    {
                        "requests": len(results),
                        "errors_or_wrong": len(bad),
                        "throughput_rps": len(results) / wall,
                        "p50_s": percentile(latencies, 0.5),
                        "p95_s": percentile(latencies, 0.95),
                    }
                )
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(store, ignore_errors=True)

    def summary(key: str) -> dict[str, float]:
        values = [r[key] for r in rounds]
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    report = {
        "machine": "2 CPU cores, no GPU",
        "cold_start_s": cold,
        "sequential": {
            "n": len(sequential),
            "p50_s": percentile(sequential, 0.5),
            "p95_s": percentile(sequential, 0.95),
        },
        "sequential_http": {
            "n": len(http_seq),
            "p50_s": percentile(http_seq, 0.5),
            "p95_s": percentile(http_seq, 0.95),
        },
        "parallel": {
            "sessions": args.sessions,
            "per_session": args.per_session,
            "rounds": rounds,
            "throughput_rps": summary("throughput_rps"),
            "p50_s": summary("p50_s"),
            "p95_s": summary("p95_s"),
            "errors_or_wrong": sum(r["errors_or_wrong"] for r in rounds),
        },
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ui_load.json").write_text(json.dumps(report, indent=2))
    par = report["parallel"]
    ms = 1000.0
    print("| measurement | value |\n| --- | --- |")
    print(f"| cold start (process start → first answer, index built) | {cold:.1f} s |")
    print(
        f"| one client over plain HTTP (REST + SSE), {len(http_seq)} questions: p50 / p95 | "
        f"{report['sequential_http']['p50_s'] * ms:.0f} / {report['sequential_http']['p95_s'] * ms:.0f} ms |"
    )
    print(
        f"| one client via gradio_client, {len(sequential)} questions: p50 / p95 | "
        f"{report['sequential']['p50_s'] * ms:.0f} / {report['sequential']['p95_s'] * ms:.0f} ms |"
    )
    print(
        f"| {args.sessions} sessions × {args.per_session} questions, {args.rounds} rounds: throughput "
        f"median (min–max) | {par['throughput_rps']['median']:.1f} ({par['throughput_rps']['min']:.1f}–"
        f"{par['throughput_rps']['max']:.1f}) answers/s |"
    )
    print(
        f"| same: p50 / p95 latency, median over rounds | {par['p50_s']['median'] * ms:.0f} / "
        f"{par['p95_s']['median'] * ms:.0f} ms |"
    )
    print(f"| errors or wrong citations | {par['errors_or_wrong']} |")


if __name__ == "__main__":
    main()
