"""Cold start of the served app against corpus size, repeated.

    .venv/bin/python benchmarks/cold_start.py [--sizes 1000,10000,100000] [--repeats 3]
        [--backends torch,onnx-fp32,onnx-int8] [--drop-caches] [--store-100000 DIR]
        [--real-vectors]

For each N, builds an index of seeded synthetic papers with stand-in document vectors
(benchmarks/standin.py: start-up does not depend on the vectors' values, and really embedding
100k papers takes most of an hour here), then starts the app `--repeats` times (sizes taking turns)
and measures process start → page served (index loaded) and → first answer over HTTP, and
peak RSS after 20 answers (the same `serve` as benchmarks/scale.py). It also times, in a
fresh process, opening the index, and within that open the lexical side
(`qabot.index.snapshot.open_lexical`: the BM25 index and the chunk table that maps its rows to chunks):
what grows with the corpus. The page no longer waits for either (the warm-up opens the index
once the page is served, qabot.interfaces.web.serving); the first answer does. `--store-N DIR` reuses an index built earlier
for that N; with `--real-vectors` those indexes hold the bundled model's real vectors (a
real ingest), and the app starts as `python app.py`. `--backends` (QABOT_INDEX__BACKEND values; default: the configured one) is how the
app runs the query model, whose load is most of the first answer; the ONNX files are exported
before anything is timed (cache: benchmarks/results/tmp/onnx/). Sizes and backends take turns.
Writes benchmarks/results/cold_start.{json,md} (`--name` for another stem).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from scale import RESULTS, env_for, serve, spread  # noqa: E402
from standin import StandInEmbeddings  # noqa: E402

from qabot import Settings  # noqa: E402
from qabot.embeddings.factory import embedding_backend  # noqa: E402
from qabot.ingest.build import ingest  # noqa: E402
from tests.synth import write_synth  # noqa: E402

OPEN_CHILD = """
import json, time
import qabot.index.snapshot as store
from qabot import Settings
from qabot.index.manifest import read_manifest
settings = Settings()
manifest = read_manifest(settings.store)
lexical = 0.0
real_open_lexical = store.open_lexical

def timed_open_lexical(folder):
    global lexical
    start = time.perf_counter()
    try:
        return real_open_lexical(folder)
    finally:
        lexical += time.perf_counter() - start

store.open_lexical = timed_open_lexical
start = time.perf_counter()
snapshot = store.open_snapshot(settings, manifest.embedding_model,
                               backend=manifest.embedding_backend)
summary = snapshot.summary
opened = time.perf_counter() - start
print(json.dumps({{"lexical_s": lexical, "open_s": opened}}))
"""


def open_times(store: Path, corpus: Path) -> dict[str, float]:
    """Index open as the page needs it (no model load), and within it `open_lexical`."""
    done = subprocess.run(
        [sys.executable, "-c", OPEN_CHILD.format()],
        capture_output=True,
        text=True,
        env=env_for(store, corpus, None),
        cwd=BENCH.parent,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def drop_caches(wanted: bool) -> None:
    """Without this, how much of a 2 GB store is still in the page cache decides the timing
    (this VM's kernel reclaims it in the background), so runs are not comparable."""
    if wanted:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="empty the OS page cache before every start and every open (root "
        "only): as after a reboot, or after the kernel reclaimed the cache",
    )
    parser.add_argument(
        "--backends",
        default=Settings().index.backend,
        help="comma-separated: torch, onnx-fp32, onnx-int8",
    )
    parser.add_argument("--name", default="cold_start", help="results file stem")
    parser.add_argument(
        "--real-vectors",
        action="store_true",
        help="the --store-N indexes hold real vectors of the configured model "
        "(a real ingest, e.g. benchmarks/scale.py's): the app is started as "
        "`python app.py`, not with stand-in query vectors",
    )
    args, extra = parser.parse_known_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    os.environ.setdefault("QABOT_INDEX__ONNX_CACHE", str(RESULTS / "tmp" / "onnx"))
    backend_ids = {}  # as an index records them: onnx-int8:2 names the int8 recipe too
    for backend in backends:  # export now: a first start must not include it
        index = Settings().index.model_copy(update={"backend": backend})
        embeddings = Settings(index=index).get_embeddings()
        embeddings.embed_query("export before timing")
        backend_ids[backend] = embedding_backend(embeddings) or backend
    if args.drop_caches and not os.access("/proc/sys/vm/drop_caches", os.W_OK):
        parser.error("--drop-caches needs root (it writes /proc/sys/vm/drop_caches)")
    stores = {int(k.split("-")[-1]): Path(v) for k, v in zip(extra[::2], extra[1::2], strict=True)}
    logging.basicConfig(level=logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="qabot-cold-"))
    rows: dict[str, Any] = {}
    sizes = [int(x) for x in args.sizes.split(",")]
    built: dict[int, tuple[Path, Path]] = {}
    for n in sizes:
        corpus = write_synth(tmp / f"synth-{n}.jsonl", n, seed=n)
        store = stores.get(n) or tmp / f"store-{n}"
        if n not in stores:
            settings = Settings(corpus=corpus, store=store)
            ingest(settings, StandInEmbeddings(settings.get_embeddings()))
        built[n] = store, corpus
    # Sizes and backends take turns, so a slow spell on this shared machine hits all alike.
    measured: dict[str, list[dict[str, float]]] = {f"{n}/{b}": [] for n in sizes for b in backends}
    for _ in range(args.repeats):
        for key in measured:
            n, backend = int(key.split("/")[0]), key.split("/")[1]
            store, corpus = built[n]
            env = env_for(store, corpus, None) | {"QABOT_INDEX__BACKEND": backend}
            drop_caches(args.drop_caches)
            served = serve(env, stand_in=not args.real_vectors)
            drop_caches(args.drop_caches)
            measured[key].append(served | open_times(store, corpus))
    for key, runs in measured.items():
        rows[key] = {
            k: spread([r[k] for r in runs])
            for k in ("page_served_s", "cold_start_s", "serving_rss_mb", "open_s", "lexical_s")
        }
        rest = [r["page_served_s"] - r["lexical_s"] for r in runs]
        rows[key]["page_minus_lexical_s"] = spread(rest)
        print(key, rows[key], file=sys.stderr, flush=True)
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps(
            {
                "repeats": args.repeats,
                "drop_caches": args.drop_caches,
                "backends": backends,
                "backend_ids": backend_ids,
                "sizes": rows,
            },
            indent=1,
        )
    )
    md = [
        "| N papers | backend | page served s | index open s, timed apart | of which lexical s "
        "| first answer s | app peak RSS MB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]

    def cell(x: dict[str, float]) -> str:
        return f"{x['median']:.1f} ({x['min']:.1f}–{x['max']:.1f})"

    for key, r in rows.items():
        n, backend = key.split("/")
        md.append(
            f"| {int(n):,} | {backend_ids[backend]} | {cell(r['page_served_s'])} | {r['open_s']['median']:.2f} | "
            f"{r['lexical_s']['median']:.2f} | {cell(r['cold_start_s'])} | {r['serving_rss_mb']['median']:.0f} |"
        )
    (RESULTS / f"{args.name}.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
