"""Assertions for tests of a bot's answers; their failures show the offending sentence and the
passages it was checked against."""

from __future__ import annotations

from qabot.domain.records import Answer
from qabot.evaluation.grounding import (
    Judge,
    LexicalJudge,
    grade_answer,
    is_refusal,
    source_passages,
)


def _passages_text(answer: Answer) -> str:
    return "\n".join(f"  [{n}] {text[:400]}" for n, text in source_passages(answer).items())


def assert_grounded(
    answer: Answer,
    min_faithfulness: float = 0.95,
    *,
    min_citation_recall: float | None = None,
    judge: Judge | None = None,
) -> None:
    """Fail unless enough of the answer's sentences are supported by the retrieved passages
    (and, if asked, carry citations that support them)."""
    if is_refusal(answer):
        raise AssertionError(f"expected a grounded answer, got a refusal: {answer.answer!r}")
    grading = grade_answer(answer, judge or LexicalJudge())
    problems = []
    if grading.faithfulness is not None and grading.faithfulness < min_faithfulness:
        problems.append(f"faithfulness {grading.faithfulness:.2f} < {min_faithfulness}")
    if min_citation_recall is not None and (grading.citation_recall or 0.0) < min_citation_recall:
        problems.append(f"citation recall {grading.citation_recall} < {min_citation_recall}")
    if problems:
        sentences = "\n".join(f"  - {s!r}: {why}" for s, why in grading.unsupported)
        raise AssertionError(
            f"answer not grounded ({'; '.join(problems)}).\nQuestion: {answer.question}\n"
            f"Unsupported sentences:\n{sentences or '  (none; citations do not support)'}\n"
            f"Passages they were checked against:\n{_passages_text(answer)}"
        )


def assert_cites(answer: Answer, title_or_id: str) -> None:
    """Fail unless a citation's paper id equals, or its title contains, `title_or_id`."""
    needle = title_or_id.casefold()
    for c in answer.citations:
        if c.paper_id == title_or_id or needle in c.title.casefold():
            return
    cited = "\n".join(f"  [{c.number}] {c.title} ({c.paper_id})" for c in answer.citations)
    raise AssertionError(
        f"answer does not cite {title_or_id!r}.\nQuestion: {answer.question}\nAnswer: "
        f"{answer.answer}\nCitations:\n{cited or '  (none)'}"
    )


def assert_abstains(answer: Answer) -> None:
    """Fail unless the bot declined to answer (the portfolio does not cover the question)."""
    if not is_refusal(answer):
        raise AssertionError(
            f"expected an abstention, got an answer.\nQuestion: {answer.question}\nAnswer: "
            f"{answer.answer}\nRetrieved:\n{_passages_text(answer)}"
        )
