"""Evaluation runs: an eval set through a bot, scored with `qabot.evaluation.grounding`, written as a report.

An eval set is JSONL, one question per line:
    {"question": "...", "gold_paper_ids": ["..."], "answerable": true,
     "expected_facts": ["16 of 50"], "history": [{"role": "user", "content": "..."}, ...]}
`gold_paper_ids` drive the retrieval metrics; `expected_facts` (strings the answer must contain)
drive exact match, used for portfolio statistics (with a gold set, the statistic must also cite
exactly those papers, see `exact_match`); `answerable: false` marks questions the bot
should refuse. For `kind` "survey" and "compare" the gold papers are the whole relevant *set*,
and the answer's cited papers are scored against it (coverage, paper precision). `split`
("tune" or "holdout") says whether a question was used to choose the survey relevance rule;
the report gives every metric per kind and per kind/split too. Statistic answers are computed,
not generated, so they are graded by exact match
and left out of the citation and faithfulness averages.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from statistics import mean
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from qabot.bot import QABot
from qabot.domain.records import Answer
from qabot.errors import ConfigError, CorpusError, IndexStoreError, QABotError
from qabot.evaluation.grounding import (
    Judge,
    LexicalJudge,
    cited_numbers,
    context_precision_at_k,
    coverage,
    grade_answer,
    hit_at_k,
    is_refusal,
    paper_precision,
    recall_at_k,
    reciprocal_rank,
)
from qabot.evaluation.kinds import kind_metrics, turn_correct

log = logging.getLogger(__name__)

# The eval set is test data of the source checkout, not part of the package: `qabot eval` finds
# it beside the package it runs from (a checkout, or an editable install of one), so the
# default does not depend on the folder the command is run from.
EVAL_SET = Path("tests/data/eval_set.jsonl")


def checkout_eval_set() -> Path:
    """Where the source checkout's eval set is, if qabot runs from one (it may not exist:
    an installed wheel has no tests/ folder)."""
    return Path(__file__).resolve().parents[2] / EVAL_SET


METRICS = [
    "hit@1",
    "recall@5",
    "mrr",
    "context_precision@5",
    "citation_validity",
    "citation_validity_before_cleanup",
    "citation_precision",
    "citation_recall",
    "faithfulness",
    "abstention_precision",
    "abstention_accuracy",
    "statistics_exact_match",
    "coverage",
    "paper_precision",
    # What a kind of question needs (qabot.evaluation.kinds); None where it does not apply.
    "cited_hit@1",
    "out_of_scope_abstention",
    "false_abstention",
    "absent_detail_honesty",
    "present_detail_accuracy",
    "definition_accuracy",
    "who_when_accuracy",
    "follow_up_accuracy",
]
# Questions whose gold papers are the whole relevant set.
SET_KINDS = {"survey", "compare", "yes-no"}


METADATA_KINDS = {"statistic", "affiliation", "category"}  # answered exactly from the metadata


class EvalTurn(BaseModel):
    """One turn of a follow-up chain: the question, and what makes its answer right."""

    question: str
    gold_paper_ids: list[str] = Field(default_factory=list)
    expected_facts: list[str] = Field(default_factory=list)
    answerable: bool = True
    refers_to: str | None = Field(
        default=None,
        description='"previous": about the same paper as the turn before (unless its gold papers '
        'leave that one out: "what else …?"); "ordinal:N": about the N-th paper the previous '
        "answer gave.",
    )


class EvalItem(BaseModel):
    question: str = ""
    gold_paper_ids: list[str] = Field(default_factory=list)
    answerable: bool = True
    expected_facts: list[str] = Field(default_factory=list)
    history: list[dict[str, Any]] = Field(default_factory=list)
    kind: str = ""
    split: str = Field(
        default="",
        description='"tune" or "holdout" (survey rule tuning); "dev" or "holdout" (the blind set).',
    )
    phrasing: str = Field(default="", description="How an overview question is phrased.")
    topic: str = ""
    detail: str = Field(default="", description="The detail a detail question asks for.")
    sides: list[str] = Field(default_factory=list, description="A comparison's two sides.")
    gold_sides: dict[str, list[str]] = Field(
        default_factory=dict, description="Each compared side's papers ([]: not covered)."
    )
    turns: list[EvalTurn] = Field(default_factory=list, description="A follow-up chain's turns.")
    note: str = ""

    @model_validator(mode="after")
    def _a_question_or_turns(self) -> EvalItem:
        if not self.question and not self.turns:
            raise ValueError("an eval item needs a question, or turns")
        if not self.question:
            self.question = " / ".join(t.question for t in self.turns)
        return self


class ItemResult(BaseModel):
    question: str
    kind: str
    split: str = ""
    phrasing: str = ""
    answerable: bool
    answer: str
    answerer: str
    refused: bool
    sources: list[str]
    cited: list[str]
    metrics: dict[str, float | None]
    unsupported: list[tuple[str, str]] = Field(default_factory=list)
    error: str | None = None


class EvalReport(BaseModel):
    dataset: str
    answerer: str
    judge: str
    created_at: str = Field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    questions: int
    metrics: dict[str, float | None]
    by_kind: dict[str, dict[str, float | None]] = Field(
        default_factory=dict, description='Metrics per kind, and per "kind/split".'
    )
    worst_phrasing: dict[str, tuple[str, float]] = Field(
        default_factory=dict,
        description='Per kind asked in several phrasings ("survey"), the phrasing with the '
        "lowest coverage, and that coverage.",
    )
    items: list[ItemResult]


def worst_phrasings(by_kind: dict[str, dict[str, float | None]]) -> dict[str, tuple[str, float]]:
    """kind -> (phrasing, coverage) for the phrasing of each kind with the lowest coverage."""
    worst: dict[str, tuple[str, float]] = {}
    for group, m in by_kind.items():
        kind, _, phrasing = group.partition(":")
        value = m.get("coverage")
        if phrasing and value is not None and (kind not in worst or value < worst[kind][1]):
            worst[kind] = (phrasing, value)
    return worst


def load_dataset(path: Path) -> list[EvalItem]:
    """Read an eval set; a bad line is an error naming the file and line."""
    items = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise CorpusError(
            path,
            f"cannot read the eval set ({why}); a relative path is read from the current "
            f"folder (the default is the source checkout's {EVAL_SET})",
        ) from exc
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate_json(line))
        except ValidationError as exc:
            raise CorpusError(path, f"not an eval item: {exc.errors()[0]['msg']}", lineno) from exc
    if not items:
        raise CorpusError(path, "the eval set is empty")
    return items


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return mean(present) if present else None


def exact_match(item: EvalItem, text: str, statistic: bool, cited: list[str]) -> bool:
    """The answer states every expected fact. A statistic, affiliation or category question
    must also be answered from the metadata (not by searching) and, when it has a gold set,
    cite exactly the gold papers: no paper missing, none extra."""
    if item.kind in METADATA_KINDS and not statistic:
        return False
    if not all(f.lower() in text.lower() for f in item.expected_facts):
        return False
    return not (statistic and item.gold_paper_ids) or set(cited) == set(item.gold_paper_ids)


def _ask(bot: QABot, question: str, history: list[dict[str, Any]] | None) -> Answer | str:
    """The answer, or a qabot error's message (a bad question is graded, not fatal)."""
    try:
        return bot.ask(question, history=history or None)
    except (IndexStoreError, ConfigError):
        raise  # no index, one refused, a model that cannot load: every question would fail alike
    except QABotError as exc:
        return str(exc)


def _failed(item: EvalItem, bot: QABot, error: str) -> ItemResult:
    return ItemResult(question=item.question, kind=item.kind, split=item.split,
                      phrasing=item.phrasing, answerable=item.answerable, answer="",
                      answerer=bot.answerer, refused=True, sources=[], cited=[], metrics={},
                      error=error)  # fmt: skip


def _grade_chain(item: EvalItem, bot: QABot) -> ItemResult:
    """A follow-up chain: each turn asked with the history so far (answers kept as
    `Answer.as_turn()`), graded by `turn_correct`."""
    history: list[dict[str, Any]] = []
    previous: Answer | None = None
    right, texts, cited = [], [], []
    for turn in item.turns:
        got = _ask(bot, turn.question, history)
        if isinstance(got, str):
            right.append(not turn.answerable)
            texts.append(f"Error: {got}")
            history.append({"role": "user", "content": turn.question})
            continue
        refused = is_refusal(got)
        right.append(turn_correct(turn, got, refused, previous))
        texts.append(got.answer)
        cited += [c.paper_id for c in got.citations]
        history += [{"role": "user", "content": turn.question}, got.as_turn()]
        previous = got
    return ItemResult(question=item.question, kind=item.kind, split=item.split,
                      answerable=item.answerable, answer="\n---\n".join(texts),
                      answerer=bot.answerer, refused=False, sources=[], cited=cited,
                      metrics={"follow_up_accuracy": sum(right) / len(right)})  # fmt: skip


def _grade(item: EvalItem, bot: QABot, judge: Judge) -> ItemResult:
    if item.turns:
        return _grade_chain(item, bot)
    got = _ask(bot, item.question, item.history)
    if isinstance(got, str):
        return _failed(item, bot, got)
    answer = got
    refused = is_refusal(answer)
    ranked = [s.paper_id for s in answer.sources]
    metrics: dict[str, float | None] = {}
    statistic = answer.answerer == "portfolio"
    if item.gold_paper_ids and not statistic:
        gold = item.gold_paper_ids
        metrics |= {
            "hit@1": hit_at_k(ranked, gold, 1),
            "recall@5": recall_at_k(ranked, gold, 5),
            "mrr": reciprocal_rank(ranked, gold),
            "context_precision@5": context_precision_at_k(ranked, gold, 5),
        }
    unsupported: list[tuple[str, str]] = []
    if not statistic and not refused:
        grading = grade_answer(answer, judge)
        metrics |= {k: v for k, v in grading.as_dict().items() if k != "sentences"}
        markers = cited_numbers(answer.answer)
        metrics["citation_validity"] = (
            sum(1 <= n <= len(answer.sources) for n in markers) / len(markers) if markers else None
        )
        unsupported = grading.unsupported
    gold_set = item.gold_paper_ids or [p for ps in item.gold_sides.values() for p in ps]
    if item.kind in SET_KINDS and gold_set and item.answerable:
        cited = [c.paper_id for c in answer.citations]
        metrics["coverage"] = coverage(cited, gold_set)
        metrics["paper_precision"] = paper_precision(cited, gold_set)
    if item.expected_facts and item.kind in METADATA_KINDS | {"retrieval", "follow-up", ""}:
        metrics["statistics_exact_match"] = float(
            exact_match(item, answer.answer, statistic, [c.paper_id for c in answer.citations])
        )
    metrics |= kind_metrics(item.kind, item.answerable, item.gold_paper_ids,
                            item.expected_facts, answer, refused)  # fmt: skip
    return ItemResult(
        question=item.question,
        kind=item.kind,
        split=item.split,
        phrasing=item.phrasing,
        answerable=item.answerable,
        answer=answer.answer,
        answerer=answer.answerer,
        refused=refused,
        sources=ranked,
        cited=[c.paper_id for c in answer.citations],
        metrics=metrics,
        unsupported=unsupported,
    )


def run_eval(
    bot: QABot,
    items: list[EvalItem],
    *,
    judge: Judge | None = None,
    dataset: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Ask every question and score the answers. Deterministic for deterministic answerers."""
    judge = judge or LexicalJudge()
    results = []
    for n, item in enumerate(items, 1):
        results.append(_grade(item, bot, judge))
        if progress:
            progress(n, len(items))
    metrics = {name: _mean([r.metrics.get(name) for r in results]) for name in METRICS}
    answered = [r for r in results if not r.refused]
    correct = [r for r in results if r.answerable != r.refused]
    # Never NaN: with nothing answered there is nothing to credit, so precision is 0.
    metrics["abstention_precision"] = (
        sum(r.answerable for r in answered) / len(answered) if answered else 0.0
    )
    metrics["abstention_accuracy"] = len(correct) / len(results)
    groups: dict[str, list[ItemResult]] = {}
    for r in results:
        groups.setdefault(r.kind or "other", []).append(r)
        if r.split:
            groups.setdefault(f"{r.kind or 'other'}/{r.split}", []).append(r)
        if r.phrasing:  # overview questions, per way of asking
            groups.setdefault(f"{r.kind}:{r.phrasing}", []).append(r)
    by_kind = {
        kind: {
            "questions": float(len(rs)),
            **{
                n: _mean([r.metrics.get(n) for r in rs])
                for n in METRICS
                if n not in ("abstention_precision", "abstention_accuracy")
            },
        }
        for kind, rs in sorted(groups.items())
    }
    return EvalReport(
        dataset=dataset,
        answerer=bot.answerer,
        judge=type(judge).__name__,
        questions=len(results),
        metrics=metrics,
        by_kind=by_kind,
        worst_phrasing=worst_phrasings(by_kind),
        items=results,
    )


def compare(
    report: EvalReport, baseline: EvalReport
) -> dict[str, tuple[float | None, float | None, float | None]]:
    """metric -> (this run, baseline, this - baseline)."""
    out = {}
    for name in METRICS:
        ours, theirs = report.metrics.get(name), baseline.metrics.get(name)
        delta = ours - theirs if ours is not None and theirs is not None else None
        out[name] = (ours, theirs, delta)
    return out


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def markdown_report(report: EvalReport) -> str:
    lines = [
        f"# qabot eval: {report.answerer}",
        "",
        f"Dataset `{report.dataset}`, {report.questions} questions, judge "
        f"{report.judge}, {report.created_at}.",
        "",
        "| metric | value |",
        "| --- | --- |",
    ]
    lines += [f"| {name} | {_fmt(report.metrics.get(name))} |" for name in METRICS]
    if report.by_kind:
        shown = [
            "questions",
            "hit@1",
            "cited_hit@1",
            "coverage",
            "paper_precision",
            "faithfulness",
            "statistics_exact_match",
            "out_of_scope_abstention",
            "false_abstention",
            "absent_detail_honesty",
            "present_detail_accuracy",
            "definition_accuracy",
            "who_when_accuracy",
            "follow_up_accuracy",
        ]
        shown = [n for n in shown if n == "questions" or any(
            m.get(n) is not None for m in report.by_kind.values())]  # fmt: skip
        lines += [
            "",
            "## Per kind",
            "",
            f"| kind | {' | '.join(shown)} |",
            f"| --- |{' --- |' * len(shown)}",
        ]
        for kind, m in report.by_kind.items():
            cells = [str(int(m["questions"] or 0))] + [_fmt(m.get(n)) for n in shown[1:]]
            lines.append(f"| {kind} | {' | '.join(cells)} |")
        for kind, (phrasing, value) in report.worst_phrasing.items():
            lines += ["", f"Worst phrasing of {kind}: {phrasing} (coverage {value:.3f})."]
    lines += [
        "",
        "![metrics](metrics.png)",
        "",
        "## Per question",
        "",
        "| # | kind | question | answerer | refused | hit@1 | faithfulness | citation recall | exact |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n, r in enumerate(report.items, 1):
        q = r.question.replace("|", "\\|")[:80]
        m = r.metrics
        lines.append(
            f"| {n} | {r.kind} | {q} | {r.answerer} | {'yes' if r.refused else 'no'} | "
            f"{_fmt(m.get('hit@1'))} | {_fmt(m.get('faithfulness'))} | "
            f"{_fmt(m.get('citation_recall'))} | {_fmt(m.get('statistics_exact_match'))} |"
        )
    problems = [(r, s, why) for r in report.items for s, why in r.unsupported]
    if problems:
        lines += ["", "## Unsupported sentences", ""]
        lines += [f"- *{r.question}* — “{s}” ({why})" for r, s, why in problems]
    return "\n".join(lines) + "\n"


def write_report(report: EvalReport, out: Path) -> list[Path]:
    """report.json, report.md and metrics.png in `out`."""
    import matplotlib

    matplotlib.use("Agg")  # no display here; and never a GUI window from a CLI
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md", out / "metrics.png"]
    paths[0].write_text(report.model_dump_json(indent=1), encoding="utf-8")
    paths[1].write_text(markdown_report(report), encoding="utf-8")
    names = [n for n in METRICS if report.metrics.get(n) is not None]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(names) + 1.2))
    ax.barh(names, [report.metrics[n] for n in names], color="#6366f1")  # type: ignore[misc]
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(f"qabot eval: {report.answerer} ({report.questions} questions)")
    for i, name in enumerate(names):
        ax.text(min(report.metrics[name] + 0.01, 0.9), i, _fmt(report.metrics[name]), va="center")  # type: ignore[operator]
    fig.tight_layout()
    fig.savefig(paths[2], dpi=110)
    plt.close(fig)
    return paths


def load_report(path: Path) -> EvalReport:
    try:
        return EvalReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, json.JSONDecodeError) as exc:
        raise CorpusError(path, f"not a qabot eval report.json ({type(exc).__name__})") from exc


def metrics_json(report: EvalReport) -> dict[str, Any]:
    worst = {k: {"phrasing": p, "coverage": v} for k, (p, v) in report.worst_phrasing.items()}
    extra = {"worst_phrasing": worst} if worst else {}
    return {"answerer": report.answerer, "questions": report.questions, **report.metrics, **extra}
