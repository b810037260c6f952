"""What the themes cost an ingest that re-embeds nothing (issue 29, item 7).

    .venv/bin/python benchmarks/themes.py [--papers 4000] [--repeats 3] [--out NAME]

Writes a seeded synthetic corpus of `--papers` papers (tests/synth.py), ingests it once, then
`--repeats` times more with a different owner each time (`QABOT_OWNER`): each of those writes
a new generation and re-embeds nothing, as after a corrected year or a new owner. Each ingest
runs in a fresh process, as `qabot ingest` does, and reports its own stages
(`IngestReport.stages`); this prints the "themes" stage and the whole ingest of each, and the
medians of the re-ingests. Documents get stand-in vectors (benchmarks/standin.py): embedding
4,000 papers for real takes minutes here and says nothing about the themes, which are the same
k-means over vectors of the same shape. Run it from another checkout's folder to measure that
checkout (the script imports the qabot next to it). Writes benchmarks/results/<out>.json when
`--out` is given. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT)]

from tests.synth import write_synth  # noqa: E402

CHILD = """
import json, sys, time
sys.path[:0] = [{root!r}, {bench!r}]
from qabot import Settings
from qabot.ingest.build import ingest
from standin import StandInEmbeddings
s = Settings()
emb = StandInEmbeddings(s.get_embeddings())
start = time.perf_counter()
report = ingest(s, emb)
print(json.dumps({{"ingest_s": time.perf_counter() - start, "stages": report.stages}}))
"""


def run_ingest(store: Path, corpus: Path, owner: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "QABOT_STORE": str(store),
        "QABOT_CORPUS": str(corpus),
        "QABOT_OWNER": owner,
        "QABOT_LLM": "extractive",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("QABOT_CHROMA_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), bench=str(BENCH))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", help="write benchmarks/results/<out>.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qabot-themes-") as tmp:
        corpus = write_synth(Path(tmp) / "corpus" / "synth.jsonl", args.papers, seed=args.papers)
        store = Path(tmp) / "store"
        runs = []
        for i in range(args.repeats + 1):
            result = run_ingest(store, corpus, f"Owner Number{i}")
            themes = result["stages"].get("themes", 0.0)
            what = "first ingest (embeds)" if i == 0 else "re-ingest (embeds nothing)"
            print(f"{what}: themes {themes:.2f} s, ingest {result['ingest_s']:.1f} s", flush=True)
            runs.append(result)
    again = runs[1:]
    summary = {
        "papers": args.papers,
        "first": {"themes_s": runs[0]["stages"].get("themes"), "ingest_s": runs[0]["ingest_s"]},
        "reingest_themes_s": [r["stages"].get("themes") for r in again],
        "reingest_ingest_s": [r["ingest_s"] for r in again],
    }
    if again:
        summary["median_reingest_themes_s"] = statistics.median(summary["reingest_themes_s"])
        summary["median_reingest_ingest_s"] = statistics.median(summary["reingest_ingest_s"])
        print(
            f"median of {len(again)} re-ingests: themes {summary['median_reingest_themes_s']:.2f}"
            f" s, ingest {summary['median_reingest_ingest_s']:.1f} s"
        )
    if args.out:
        path = BENCH / "results" / f"{args.out}.json"
        path.write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
