"""Calibrate and measure the deterministic support check on labelled sentences.

    .venv/bin/python benchmarks/support_calibration.py

Reads tests/data/support_labels.jsonl (sentence, passages, supported, kind), sweeps the
content-word coverage threshold, and prints accuracy per threshold and, at the chosen default,
per kind of example.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qabot.evaluation.grounding import DEFAULT_SUPPORT_THRESHOLD, LexicalJudge  # noqa: E402


def main() -> None:
    rows = [
        json.loads(x)
        for x in (ROOT / "tests/data/support_labels.jsonl").read_text().splitlines()
        if x.strip()
    ]
    print("| threshold | accuracy |\n| --- | --- |")
    for t in [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9]:
        judge = LexicalJudge(t)
        acc = sum(
            judge.check(r["sentence"], r["passages"]).supported == r["supported"] for r in rows
        ) / len(rows)
        mark = " (default)" if t == DEFAULT_SUPPORT_THRESHOLD else ""
        print(f"| {t:.2f}{mark} | {acc:.3f} |")
    judge = LexicalJudge()
    per: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        per[r["kind"]].append(judge.check(r["sentence"], r["passages"]).supported == r["supported"])
    print(f"\nAt {DEFAULT_SUPPORT_THRESHOLD}:\n| kind | label | right |\n| --- | --- | --- |")
    for kind, oks in per.items():
        label = next(r["supported"] for r in rows if r["kind"] == kind)
        print(f"| {kind} | {'supported' if label else 'unsupported'} | {sum(oks)}/{len(oks)} |")


if __name__ == "__main__":
    main()
