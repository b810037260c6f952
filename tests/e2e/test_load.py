"""Sixteen parallel chat sessions against the served app: all answered, none crossed.

Marked slow (scripts/test.sh and CI run it). Timings are not asserted here: they are measured
by benchmarks/ui_load.py and reported in docs/measurements.md.
"""

from __future__ import annotations

import pytest

from tests.interfaces.web.test_ui import served  # noqa: F401 - the served-app fixture
from tests.load import QUESTIONS, run_load

pytestmark = pytest.mark.slow


def test_sixteen_parallel_sessions_all_answered_correctly(served: str) -> None:  # noqa: F811
    results, _ = run_load(served, sessions=16, per_session=4, timeout=120)
    assert len(results) == 64
    errors = [r for r in results if r.error]
    assert not errors, errors[:3]
    wrong = [(r.session, r.question, r.reply[-300:]) for r in results if not r.correct]
    assert not wrong, f"replies citing another question's paper: {wrong[:3]}"
    assert {r.question for r in results} == {q for q, _ in QUESTIONS}
