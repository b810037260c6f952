"""The survey relevance rule: which papers a survey answer covers, measured on the eval set.

    .venv/bin/python benchmarks/survey_rule.py

Builds a throw-away index of the bundled corpus, retrieves the `survey_max` (25) candidates for
each survey question of tests/data/eval_set.jsonl (searching the route's topic, with its
filters), and scores `select_relevant` against the gold sets: coverage (gold papers kept ÷ gold)
and paper precision (kept papers that are gold ÷ kept). It grids the dense weight and the
threshold on the "tune" questions, prints the best settings with their "holdout" figures, and
the figures of the shipped defaults on both splits.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qabot import QABot, Settings  # noqa: E402
from qabot.answering.router import route_question  # noqa: E402
from qabot.config import RetrievalSettings  # noqa: E402
from qabot.domain.records import SearchHit  # noqa: E402
from qabot.retrieval.relevance import select_relevant  # noqa: E402

Candidates = list[tuple[dict[str, object], list[SearchHit]]]


def score(
    cands: Candidates, split: str, threshold: float, weight: float, agree: int
) -> tuple[float, float]:
    cov, prec = [], []
    for item, hits in cands:
        if item["split"] != split:
            continue
        kept = {h.paper_id for h in select_relevant(hits, threshold, weight, agree)}
        gold = set(item["gold_paper_ids"])  # type: ignore[arg-type]
        cov.append(len(kept & gold) / len(gold))
        prec.append(len(kept & gold) / len(kept))
    return mean(cov), mean(prec)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    items = [
        json.loads(line)
        for line in (ROOT / "tests/data/eval_set.jsonl").read_text().splitlines()
        if line.strip()
    ]
    surveys = [i for i in items if i.get("kind") == "survey"]
    defaults = RetrievalSettings()
    with tempfile.TemporaryDirectory() as tmp:
        bot = QABot(Settings(corpus=ROOT / "corpus", store=Path(tmp), llm="extractive"))
        vocab = bot.live.vocabulary()
        cands: Candidates = []
        for item in surveys:
            route = route_question(item["question"], vocab)
            hits = bot.retriever.search(
                route.query or item["question"], k=defaults.survey_max, filters=route.filters
            )
            cands.append((item, hits))
    tune = sum(i["split"] == "tune" for i in surveys)
    print(f"{len(surveys)} survey questions ({tune} tune, {len(surveys) - tune} holdout)\n")
    grid = []
    for weight in [w / 10 for w in range(11)]:
        for threshold in [t / 100 for t in range(40, 100, 5)]:
            for agree in (0, 2, 3):
                c, p = score(cands, "tune", threshold, weight, agree)
                grid.append((c + p, c, p, weight, threshold, agree))
    grid.sort(reverse=True)
    print(
        "| dense weight | threshold | agree | tune coverage | tune precision | holdout coverage | holdout precision |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for _, c, p, weight, threshold, agree in grid[:8]:
        hc, hp = score(cands, "holdout", threshold, weight, agree)
        print(f"| {weight} | {threshold} | {agree} | {c:.3f} | {p:.3f} | {hc:.3f} | {hp:.3f} |")
    args = (defaults.survey_threshold, defaults.survey_dense_weight, defaults.survey_agree)
    tc, tp = score(cands, "tune", *args)
    hc, hp = score(cands, "holdout", *args)
    print(
        f"\ndefaults (threshold {args[0]}, dense weight {args[1]}, agree {args[2]}): "
        f"tune {tc:.3f} / {tp:.3f}, holdout {hc:.3f} / {hp:.3f} (coverage / precision)"
    )


if __name__ == "__main__":
    main()
