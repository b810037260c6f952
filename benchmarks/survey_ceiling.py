"""How far the survey relevance rule can go with the signals it has, measured on the blind sets.

    .venv/bin/python benchmarks/survey_ceiling.py [--out benchmarks/results/survey_ceiling.md]

For every answerable survey question of tests/data/blind/dev*.jsonl and holdout.jsonl (never
holdout2.jsonl, the split no change is tuned on), this routes the question as the bot does,
retrieves the `survey_max` (25) candidates for the route's topic under its filters, and scores
sets of papers against the question's gold papers (coverage: gold kept ÷ gold; precision: kept
that are gold ÷ kept; each averaged over the questions):

- the rule as shipped (`select_relevant` with the default settings);
- the candidates themselves (coverage: how many gold papers search reaches at all);
- the best cut of the rule's own ranking, chosen per question with the gold set in hand (an
  oracle: no threshold on that ranking can do better);
- a classifier learned from the gold sets (gradient-boosted trees over each candidate's
  relative dense and BM25 scores, their ranks, its best cosine and the question's, how much
  of the topic its title holds, and its cosine to the centroid of the rule's top three: a
  pseudo-relevance-feedback signal), trained on all sets but one and scored on that one, in
  turn; and again with the topic held out instead (questions grouped by the gold paper they
  share most, five folds), because every blind set asks about the same topics of the same 50
  papers, so leaving a set out still lets the trees see the held-out topics.

Why: round twelve found survey breadth "ranking-limited"; this puts figures on it. If the oracle
cut stays below a target, no threshold reaches it: the candidates' order has to change, which
needs a better relevance signal than MiniLM and BM25 (an LLM judge, or a cross-encoder; none
ships here). See docs/measurements.md, rounds fourteen and sixteen.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qabot import QABot, Settings  # noqa: E402
from qabot.answering.router import route_question  # noqa: E402
from qabot.config import RetrievalSettings  # noqa: E402
from qabot.domain.records import SearchHit  # noqa: E402
from qabot.index.lexical import tokenize  # noqa: E402
from qabot.retrieval.relevance import select_relevant, survey_scores  # noqa: E402

HELD_OUT = "holdout2.jsonl"  # never read here
Row = tuple[str, np.ndarray, list[str], set[str]]  # (set, features, candidate ids, gold ids)
FEATURES = (
    "dense",
    "lexical",
    "dense_rank",
    "lexical_rank",
    "cosine",
    "best_cosine",
    "title",
    "feedback",
)


def candidates(bot: QABot) -> list[tuple[str, dict[str, object], str, list[SearchHit]]]:
    """(set, item, query, candidates) for every answerable survey question of the blind sets."""
    vocab = bot.live.vocabulary()
    k = RetrievalSettings().survey_max
    out = []
    for path in sorted((ROOT / "tests/data/blind").glob("*.jsonl")):
        if path.name == HELD_OUT:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else {}
            if item.get("kind") != "survey" or not item.get("answerable", True):
                continue
            if not item.get("gold_paper_ids"):
                continue
            route = route_question(str(item["question"]), vocab)
            query = route.query or str(item["question"])
            hits = bot.retriever.search(query, k=k, filters=route.filters, respell=True)
            if hits:
                out.append((path.stem, item, query, hits))
    return out


def features(query: str, hits: list[SearchHit], vectors: np.ndarray) -> np.ndarray:
    """One row per candidate, in `FEATURES` order; `vectors` are the candidates' unit paper
    embeddings (title and abstract), in the order of `hits`."""
    best_cos = max((h.relevance or 0.0) for h in hits) or 1.0
    best_lex = max((h.lexical or 0.0) for h in hits) or 1.0
    by_dense = sorted(range(len(hits)), key=lambda i: -(hits[i].relevance or -1.0))
    by_lex = sorted(range(len(hits)), key=lambda i: -(hits[i].lexical or -1.0))
    dense_rank = {i: r for r, i in enumerate(by_dense)}
    lex_rank = {i: r for r, i in enumerate(by_lex)}
    asked = set(tokenize([query])[0])
    rule = survey_scores(hits, RetrievalSettings().survey_dense_weight)
    top = np.argsort([-rule[h.paper_id] for h in hits])[:3]
    centroid = vectors[top].mean(axis=0)
    feedback = vectors @ (centroid / np.linalg.norm(centroid))
    rows = []
    for i, h in enumerate(hits):
        title = set(tokenize([h.title])[0])
        rows.append([
            max(h.relevance or 0.0, 0.0) / best_cos, (h.lexical or 0.0) / best_lex,
            dense_rank[i], lex_rank[i], h.relevance or 0.0, best_cos,
            len(asked & title) / len(asked) if asked else 0.0, feedback[i],
        ])  # fmt: skip
    return np.array(rows, dtype=np.float64)


def scored(kept: set[str], gold: set[str]) -> tuple[float, float]:
    return len(kept & gold) / len(gold), (len(kept & gold) / len(kept) if kept else 0.0)


def oracle_cut(order: Sequence[str], gold: set[str]) -> tuple[float, float]:
    """The best prefix of `order` by F1 against `gold`: what a perfect threshold would keep."""
    best = (-1.0, 0.0, 0.0)
    for n in range(1, len(order) + 1):
        c, p = scored(set(order[:n]), gold)
        f1 = 2 * c * p / (c + p) if c + p else 0.0
        best = max(best, (f1, c, p))
    return best[1], best[2]


def by_set(rows: list[Row]) -> list[tuple[list[int], list[int]]]:
    """Leave one set out: (train, test) row indices per blind set."""
    names = [r[0] for r in rows]
    return [([i for i, n in enumerate(names) if n != name], [i for i, n in enumerate(names) if n == name])
            for name in sorted(set(names))]  # fmt: skip


def by_topic(rows: list[Row], folds: int = 5) -> list[tuple[list[int], list[int]]]:
    """Topic held out: questions grouped by the gold paper most questions share (a stand-in for
    the topic), the groups dealt into `folds` folds."""
    from collections import Counter

    from sklearn.model_selection import GroupKFold

    share = Counter(pid for r in rows for pid in r[3])
    groups = [max(sorted(r[3]), key=lambda pid: share[pid]) for r in rows]
    return [(list(a), list(b)) for a, b in GroupKFold(n_splits=folds).split(rows, groups=groups)]


def learned(
    rows: list[Row], splits: list[tuple[list[int], list[int]]], cut: float
) -> dict[str, tuple[float, float]]:
    """Per split, a classifier trained on its train rows keeps each test question's candidates
    whose probability is at least `cut` (the likeliest one at least); (coverage, precision) per
    blind set, averaged over its questions."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    got: dict[str, list[tuple[float, float]]] = {}
    for train, test in splits:
        x = np.vstack([rows[i][1] for i in train])
        y = np.concatenate([[pid in rows[i][3] for pid in rows[i][2]] for i in train])
        model = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0
        ).fit(x, y)
        for i in test:
            name, feats, ids, gold = rows[i]
            p = model.predict_proba(feats)[:, 1]
            kept = {ids[j] for j in range(len(ids)) if p[j] >= cut} or {ids[int(p.argmax())]}
            got.setdefault(name, []).append(scored(kept, gold))
    return {name: (mean(c for c, _ in v), mean(q for _, q in v)) for name, v in got.items()}


def table(rows: list[tuple[str, Callable[[str], tuple[float, float]]]], sets: list[str]) -> str:
    lines = ["| | dev sets (coverage / precision) | holdout |", "| --- | --- | --- |"]
    for label, fn in rows:
        dev = [fn(s) for s in sets if s != "holdout"]
        hold = fn("holdout") if "holdout" in sets else (float("nan"), float("nan"))
        lines.append(
            f"| {label} | {mean(c for c, _ in dev):.3f} / {mean(p for _, p in dev):.3f} "
            f"| {hold[0]:.3f} / {hold[1]:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    defaults = RetrievalSettings()
    with tempfile.TemporaryDirectory() as tmp:
        bot = QABot(Settings(corpus=ROOT / "corpus", store=Path(tmp), llm="extractive"))
        found = candidates(bot)
        papers = bot.papers_by_id(sorted({h.paper_id for *_, hits in found for h in hits}))
        order = sorted(papers)
        unit = np.array(bot.embeddings.embed_documents(
            [f"{papers[pid].title}. {papers[pid].abstract}" for pid in order]))  # fmt: skip
        unit /= np.linalg.norm(unit, axis=1, keepdims=True)
        vector = dict(zip(order, unit, strict=True))
    per: dict[str, dict[str, list[tuple[float, float]]]] = {}
    rows: list[Row] = []
    for name, item, query, hits in found:
        gold = set(item["gold_paper_ids"])  # type: ignore[arg-type]
        ids = [h.paper_id for h in hits]
        rule = {h.paper_id for h in select_relevant(hits, defaults.survey_threshold,
                                                    defaults.survey_dense_weight, defaults.survey_agree)}  # fmt: skip
        score = survey_scores(hits, defaults.survey_dense_weight)
        order = sorted(ids, key=lambda p: -score[p])
        got = per.setdefault(name, {"rule": [], "reach": [], "oracle": []})
        got["rule"].append(scored(rule, gold))
        got["reach"].append(scored(set(ids), gold))
        got["oracle"].append(oracle_cut(order, gold))
        rows.append((name, features(query, hits, np.array([vector[i] for i in ids])), ids, gold))
    sets = sorted(per)
    average = lambda name, key: (  # noqa: E731
        mean(c for c, _ in per[name][key]),
        mean(p for _, p in per[name][key]),
    )
    trees = {cut: learned(rows, by_set(rows), cut) for cut in (0.3, 0.4, 0.5)}
    topical = {cut: learned(rows, by_topic(rows), cut) for cut in (0.3, 0.4, 0.5)}
    report = table(
        [
            ("rule as shipped", lambda s: average(s, "rule")),
            (f"all {defaults.survey_max} candidates", lambda s: average(s, "reach")),
            ("best cut of the rule's ranking (oracle)", lambda s: average(s, "oracle")),
            *((f"learned, p ≥ {cut} (leave one set out)", lambda s, c=cut: trees[c][s])
              for cut in trees),
            *((f"learned, p ≥ {cut} (topic held out)", lambda s, c=cut: topical[c][s])
              for cut in topical),
        ],
        sets,
    )  # fmt: skip
    head = (f"{len(found)} survey questions from {len(sets)} blind sets "
            f"({', '.join(sets)}; never {HELD_OUT})\n")  # fmt: skip
    print(head)
    print(report)
    if args.out:
        args.out.write_text(f"# Survey breadth: the rule and its ceiling\n\n{head}\n{report}\n")


if __name__ == "__main__":
    main()
