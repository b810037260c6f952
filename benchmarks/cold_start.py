"""Cold start of the served app against corpus size, repeated.

    .venv/bin/python benchmarks/cold_start.py [--sizes 1000,10000,100000] [--repeats 3]
                                              [--store-100000 DIR]

For each N, builds an index of seeded synthetic papers with stand-in document vectors
(benchmarks/standin.py: start-up does not depend on the vectors' values, and really embedding
100k papers takes two hours here), then starts the app `--repeats` times and measures process
start → page served (index loaded) and → first answer over HTTP, and peak RSS after 20
answers (the same `serve` as benchmarks/scale.py). `--store-N DIR` reuses an index built
earlier for that N. Writes benchmarks/results/cold_start.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from scale import RESULTS, env_for, serve, spread  # noqa: E402
from standin import StandInEmbeddings  # noqa: E402

from qabot import Settings  # noqa: E402
from qabot.index import ingest  # noqa: E402
from tests.synth import write_synth  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=3)
    args, extra = parser.parse_known_args()
    stores = {int(k.split("-")[-1]): Path(v) for k, v in zip(extra[::2], extra[1::2], strict=True)}
    logging.basicConfig(level=logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="qabot-cold-"))
    rows: dict[str, Any] = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        corpus = write_synth(tmp / f"synth-{n}.jsonl", n, seed=n)
        store = stores.get(n) or tmp / f"store-{n}"
        if n not in stores:
            settings = Settings(corpus=corpus, store=store)
            ingest(settings, StandInEmbeddings(settings.get_embeddings()))
        runs = [serve(env_for(store, corpus, None), stand_in=True) for _ in range(args.repeats)]
        rows[str(n)] = {key: spread([r[key] for r in runs])
                        for key in ("page_served_s", "cold_start_s", "serving_rss_mb")}  # fmt: skip
        print(n, rows[str(n)], file=sys.stderr, flush=True)
    (RESULTS / "cold_start.json").write_text(
        json.dumps({"repeats": args.repeats, "sizes": rows}, indent=1)
    )
    md = [
        "| N papers | page served s | first answer s | app peak RSS MB |",
        "| --- | --- | --- | --- |",
    ]
    for n, r in rows.items():
        page, first, rss = r["page_served_s"], r["cold_start_s"], r["serving_rss_mb"]
        md.append(f"| {int(n):,} | {page['median']:.1f} ({page['min']:.1f}–{page['max']:.1f}) | "
                  f"{first['median']:.1f} ({first['min']:.1f}–{first['max']:.1f}) | "
                  f"{rss['median']:.0f} |")  # fmt: skip
    (RESULTS / "cold_start.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
