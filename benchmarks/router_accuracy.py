"""Routing accuracy of the deterministic router on the labelled question sets.

    .venv/bin/python benchmarks/router_accuracy.py

Builds a throw-away index of the bundled corpus (for the author/category vocabulary) and prints
accuracy overall and per label for tests/data/router_questions.jsonl (written with the router)
and tests/data/router_heldout.jsonl (written without reading the router's code).
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qabot import QABot, Settings  # noqa: E402
from qabot.answering.router import route_question  # noqa: E402
from qabot.index.vocabulary import Vocabulary  # noqa: E402


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        bot = QABot(Settings(corpus=ROOT / "corpus", store=Path(tmp)))
        vocab = Vocabulary.from_portfolio(bot.portfolio_records())
        print("| question set | questions | accuracy | statistic | retrieval | mixed |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name in ("router_questions.jsonl", "router_heldout.jsonl"):
            rows = [
                json.loads(x)
                for x in (ROOT / "tests" / "data" / name).read_text().splitlines()
                if x.strip()
            ]
            right, total = Counter(), Counter()
            for row in rows:
                total[row["label"]] += 1
                right[row["label"]] += route_question(row["question"], vocab).label == row["label"]
            per = " | ".join(
                f"{right[label]}/{total[label]}" for label in ("statistic", "retrieval", "mixed")
            )
            print(f"| {name} | {len(rows)} | {sum(right.values()) / len(rows):.3f} | {per} |")


if __name__ == "__main__":
    main()
