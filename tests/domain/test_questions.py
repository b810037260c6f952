"""What callers hand to QABot: any value of any type gives a result or a QuestionError naming
the parameter, never a TypeError from inside retrieval; text that is not valid Unicode is
repaired once for every interface."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qabot import QABot, QuestionError
from qabot.domain.filters import Filters
from qabot.domain.questions import clean_question, clean_text, make_filters, no_match_text
from qabot.domain.records import Answer

# Any JSON-ish value a caller (or an API client) might send where a number or name belongs.
ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
YEARS = st.one_of(st.integers(-(10**12), 10**12), st.integers(1990, 2030), ANY)
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "year_from": YEARS,
        "year_to": YEARS,
        "categories": ANY,
        "author": ANY,
        "has_code": ANY,
        "bogus": ANY,
    },
)
HISTORY = st.one_of(
    ANY,
    st.lists(
        st.one_of(
            ANY,
            st.fixed_dictionaries(
                {"role": st.sampled_from(["user", "assistant", "system"]), "content": ANY}
            ),
        ),
        max_size=3,
    ),
)
QUESTION = st.one_of(
    st.builds(
        lambda a, bad, b: f"{a}{bad}{b}",
        st.sampled_from(["reward ", "robots ", ""]),
        st.sampled_from(["\ud800", "\udcff", "\udcc3\udca9", "", "\x00"]),
        st.sampled_from(["hacking", " policy", ""]),
    ),
    ANY,
)
FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(
    question=QUESTION,
    k=st.one_of(st.integers(-5, 120), ANY),
    mode=st.one_of(st.sampled_from(["hybrid", "dense", "lexical"]), ANY),
    filters=FILTERS,
)
def test_search_gives_hits_or_a_question_error(
    extractive_bot: QABot, question: Any, k: Any, mode: Any, filters: dict[str, Any]
) -> None:
    try:
        hits = extractive_bot.search(question, k=k, mode=mode, **filters)
    except QuestionError as exc:
        assert "\n" not in str(exc), "one line"
        return
    assert isinstance(hits, list) and len(hits) <= (k or 5)


@FAST
@given(question=QUESTION, history=HISTORY, k=st.one_of(st.integers(-2, 8), ANY), filters=FILTERS)
def test_ask_and_stream_give_an_answer_or_a_question_error(
    extractive_bot: QABot, question: Any, history: Any, k: Any, filters: dict[str, Any]
) -> None:
    try:
        items = list(extractive_bot.stream(question, history, k=k, **filters))
    except QuestionError as exc:
        assert "\n" not in str(exc), "one line"
        return
    answer = items[-1]
    assert isinstance(answer, Answer) and answer.answer
    answer.model_dump_json()  # valid Unicode all the way: JSON and terminals can carry it


@pytest.mark.parametrize(
    ("call", "named"),
    [
        pytest.param(lambda b: b.search("reward hacking", k=1.5), "k", id="fractional-k"),
        pytest.param(lambda b: b.search("reward hacking", k=-1), "k", id="negative-k"),
        pytest.param(lambda b: b.search("reward hacking", k=0), "k", id="zero-k"),
        pytest.param(lambda b: b.search("reward hacking", k=True), "k", id="bool-k"),
        pytest.param(lambda b: b.search("reward hacking", mode="bogus"), "mode", id="bogus-mode"),
        pytest.param(
            lambda b: b.ask("who wrote it?", history="not a list"),
            "history",
            id="history-not-a-list",
        ),
        pytest.param(
            lambda b: b.ask("who wrote it?", history=[{"content": "hi"}]),
            "history[0].role",
            id="history-without-role",
        ),
        pytest.param(
            lambda b: b.ask("reward hacking", year_from="abc"), "year_from", id="year-text"
        ),
        pytest.param(
            lambda b: b.ask("reward hacking", year_to=3_000_000_000), "year_to", id="year-overflow"
        ),
        pytest.param(
            lambda b: b.ask("reward hacking", categories=[5]), "categories", id="category-number"
        ),
        pytest.param(lambda b: b.ask("reward hacking", yaer_from=2020), "yaer_from", id="misspelt"),
        pytest.param(lambda b: b.ask(42), "question", id="question-number"),
    ],
)
def test_bad_values_name_the_parameter(extractive_bot: QABot, call: Any, named: str) -> None:
    with pytest.raises(QuestionError) as info:
        call(extractive_bot)
    assert named in str(info.value), f"the message names {named}: {info.value}"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("reward \ud800 hacking", "reward \ufffd hacking"),  # a lone surrogate, as JSON can carry
        ("reward \udcff hacking", "reward \ufffd hacking"),  # the byte 0xff from argv or stdin
        ("caf\udcc3\udca9", "café"),  # UTF-8 bytes that were escaped are decoded
        ("plain text", "plain text"),
    ],
)
def test_invalid_unicode_is_repaired(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_question(raw, 100).encode("utf-8")


def test_a_surrogate_question_is_answered(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("reward \ud800 hacking")
    assert not answer.abstained and answer.question == "reward \ufffd hacking"
    answer.model_dump_json()


def test_filters_are_validated_by_the_model_so_new_fields_are_covered() -> None:
    for name in Filters.model_fields:
        assert name in str(pytest.raises(QuestionError, make_filters, {"nonsense": 1}).value)
        with pytest.raises(QuestionError) as info:
            make_filters({name: {"a": 1}})
        assert name in str(info.value)


def test_filters_that_match_nothing_say_so(extractive_bot: QABot) -> None:
    for filters in (
        {"year_from": 2025, "year_to": 2020},
        {"categories": ["ZZ"]},
        {"author": "Nobody Atall"},
    ):
        answer = extractive_bot.ask("What is reward hacking?", **filters)
        assert answer.abstained and answer.answer.startswith("No indexed paper matches"), filters
        assert extractive_bot.matching_papers(**filters) == 0
    assert extractive_bot.matching_papers() == extractive_bot.snapshot.manifest.papers


def test_the_no_match_message_says_the_filters_in_words() -> None:
    """Category names and "from 2026", not the parameters' names and codes."""
    text = no_match_text(Filters(year_from=2026, year_to=2026, categories=["CR"], has_code=True))
    assert text == (
        "No indexed paper matches these filters "
        "(papers from 2026, in Cryptography and Security, that link their code)."
    )
    assert "year_from" not in no_match_text(Filters(year_from=2025, year_to=2020))
