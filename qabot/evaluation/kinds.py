"""What makes an answer right for each kind of question, as metrics (None: does not apply).

An eval item's `kind` says what a person asked for (tests/data/blind/, docs/evaluation.md):

- `out-of-scope`: the portfolio cannot answer it, though it shares words with it: the right
  answer abstains (`out_of_scope_abstention`);
- every answerable question: an abstention is a false one (`false_abstention`);
- `focused`, `definition`, `present-detail`, `absent-detail`, `who-when`: the first cited paper
  is a gold one (`cited_hit@1`);
- `present-detail`, `definition`, `who-when`: the answer also states the expected facts, verbatim
  from the abstract or the metadata (`present_detail_accuracy`, `definition_accuracy`,
  `who_when_accuracy`);
- `absent-detail`: the answer says, as data (`Answer.unstated`), that the gold paper's abstract
  does not give the detail, and cites that paper (`absent_detail_honesty`);
- a follow-up chain: the share of its turns answered about the right paper
  (`follow_up_accuracy`; `turn_correct`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from qabot.domain.records import Answer
from qabot.domain.text import latex_to_text

ANSWERABLE_KINDS = {"focused", "definition", "present-detail", "absent-detail", "who-when",
                    "survey", "compare", "yes-no", "retrieval", "statistic", "affiliation",
                    "category"}  # fmt: skip
FIRST_PAPER_KINDS = {"focused", "definition", "present-detail", "absent-detail", "who-when"}


def first_cited(answer: Answer) -> str | None:
    """The paper the answer is chiefly about: its first citation in reading order."""
    cited = answer.cited_paper_ids()
    return cited[0] if cited else None


def _plain(text: str) -> str:
    """Text compared as a reader reads it: case folded, LaTeX braces and dollars dropped (the
    answer shows "$10^{400}$" as "10^400"; a fact copied from the abstract keeps the braces)."""
    return re.sub(r"[{}$]", "", latex_to_text(text)).casefold()


def _as_written(fact: str) -> str:
    """A date fact as answers write dates: "2024-08-09" is "Aug 9, 2024" (a question writer
    may copy the ISO form from the metadata)."""
    try:
        day = dt.date.fromisoformat(fact.strip())
    except ValueError:
        return fact
    return f"{day.strftime('%b')} {day.day}, {day.year}"


def states(answer: Answer, facts: list[str]) -> bool:
    """Every expected fact appears in the answer (case-insensitive; a date in either form)."""
    text = _plain(answer.answer)
    return all(_plain(f) in text or _plain(_as_written(f)) in text for f in facts)


def kind_metrics(kind: str, answerable: bool, gold: list[str], facts: list[str],
                 answer: Answer, refused: bool) -> dict[str, float | None]:  # fmt: skip
    """The kind's own metrics for one answer."""
    out: dict[str, float | None] = {}
    if kind == "out-of-scope" or (not answerable and kind in ("yes-no", "compare")):
        out["out_of_scope_abstention"] = float(refused)
    if answerable and kind in ANSWERABLE_KINDS:
        out["false_abstention"] = float(refused)
    if kind in FIRST_PAPER_KINDS and gold:
        out["cited_hit@1"] = float(not refused and first_cited(answer) in gold)
    hit = not refused and first_cited(answer) in gold
    if kind == "present-detail":
        out["present_detail_accuracy"] = float(
            hit and answer.unstated is None and states(answer, facts)
        )
    elif kind == "definition":
        out["definition_accuracy"] = float(hit and states(answer, facts))
    elif kind == "who-when":
        out["who_when_accuracy"] = float(not refused and states(answer, facts))
    elif kind == "absent-detail":
        out["absent_detail_honesty"] = float(hit and answer.unstated is not None)
    return out


def turn_correct(turn: Any, answer: Answer, refused: bool, previous: Answer | None) -> bool:
    """A follow-up turn answered about the right paper, with its expected facts. `turn` is an
    `EvalTurn`: its gold papers, or what it refers to in the previous answer."""
    if not turn.answerable:
        # A turn naming its paper asks for a detail the abstract does not give ("how many
        # parameters does it have?"): saying so about that paper is as right as abstaining.
        about_gold = not refused and first_cited(answer) in (turn.gold_paper_ids or [])
        return refused or (about_gold and answer.unstated is not None)
    if refused:
        return False
    first = first_cited(answer)
    # "previous" is the paper the last answer was about, unless the turn's own gold says it
    # asks for others ("what else did they do on this?": gold are the other papers).
    about = first_cited(previous) if previous is not None else None
    others = bool(turn.gold_paper_ids) and about not in turn.gold_paper_ids
    if turn.refers_to == "previous" and previous is not None and not others:
        if about is None or (first != about and about not in answer.cited_paper_ids()[:1]):
            return False
    elif turn.refers_to and turn.refers_to.startswith("ordinal:") and previous is not None:
        listed = previous.cited_paper_ids()
        n = int(turn.refers_to.split(":", 1)[1])
        if n > len(listed) or first != listed[n - 1]:
            return False
    elif turn.gold_paper_ids and first not in turn.gold_paper_ids:
        return False
    return states(answer, turn.expected_facts)
