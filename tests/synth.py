"""A seeded synthetic corpus: N papers in the JSONL schema, built by recombining the bundled
abstracts' sentences, so lengths and vocabulary are realistic. Used by reliability tests and by
the scale benchmark (benchmarks/)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from qabot.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def synth_records(n: int, seed: int = 0) -> list[dict[str, object]]:
    papers = load_corpus(ROOT / "corpus").papers
    rng = random.Random(seed)
    sentences = [
        s for p in papers for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", p.abstract) if len(s) > 40
    ]
    words = [w for p in papers for w in re.findall(r"[A-Za-z]{5,}", p.title)]
    authors = sorted({a for p in papers for a in p.authors})
    # A field has far more authors than a lab: half the names are new first/last combinations
    # (tens of thousands of distinct people at 100k papers), so the author look-ups that serve
    # filters and the router are measured at a realistic size.
    firsts = sorted({a.split()[0] for a in authors if " " in a})
    lasts = sorted({a.split()[-1] for a in authors if " " in a})
    cats = ["LG", "CL", "AI", "RO", "CV", "CY"]
    out = []
    for i in range(n):
        k = rng.randint(5, 9)
        title = " ".join(rng.sample(words, 6)).capitalize()
        out.append(
            {
                "id": f"synth-{seed}-{i}",
                "title": f"{title} ({i})",
                "abstract": " ".join(rng.sample(sentences, k)),
                "authors": list(
                    dict.fromkeys(
                        rng.choice(authors) if rng.random() < 0.5 else new_name(rng, firsts, lasts)
                        for _ in range(rng.randint(1, 5))
                    )
                ),
                "date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}",
                "category": rng.choice(cats),
                "has_code": rng.random() < 0.2,
            }
        )
    return out


def new_name(rng: random.Random, firsts: list[str], lasts: list[str]) -> str:
    """A first name and a surname spliced from two real ones ("Yang" + "Pandey" -> "Yandey")."""
    a, b = rng.choice(lasts), rng.choice(lasts)
    return f"{rng.choice(firsts)} {a[: max(1, len(a) // 2)]}{b[len(b) // 2 :]}"


def write_synth(path: Path, n: int, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in synth_records(n, seed):
            fh.write(json.dumps(record) + "\n")
    return path
