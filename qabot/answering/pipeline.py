"""One question, from what the caller passed to the `Answer`: check the input, resolve a
follow-up against the previous answer, route to a registered shape, merge the filters, and run
the shape (a statistic from the metadata, or the answer chain over the papers' text).

`QABot.stream` calls `answer_stream` with the live index (qabot.bot.live), reached through the
`Live` protocol so that this module needs nothing above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, Protocol

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from qabot.answering.chain import AnswerChain
from qabot.answering.followups import (
    comparing_it,
    last_answer,
    resolve_follow_up,
    started_afresh,
    which_of_two,
)
from qabot.answering.framing import (
    as_the_group,
    dated_forecast,
    opinion_asked,
    respell_asking,
    unwrapped,
)
from qabot.answering.llm import Deadline
from qabot.answering.prompts import NO_FORECAST_TEXT, NO_OPINION_TEXT
from qabot.answering.route import Route
from qabot.answering.shapes import LIST_PAPERS, SHAPES, StatisticShape, TextShape
from qabot.answering.shapes.statistics import answer_statistic
from qabot.answering.state import AnswerState
from qabot.config.groups import RetrievalSettings
from qabot.domain.filters import Filters
from qabot.domain.questions import (
    check_options,
    clean_history,
    clean_question,
    make_filters,
    no_match_text,
)
from qabot.domain.records import Answer, Topic
from qabot.index.snapshot import IndexSnapshot
from qabot.portfolio.statistics import Portfolio
from qabot.retrieval.hybrid import HybridRetriever


class Live(Protocol):
    """What answering reads from the live index (qabot.bot.live.LiveIndex)."""

    @property
    def snapshot(self) -> IndexSnapshot: ...

    @property
    def retriever(self) -> HybridRetriever: ...

    @property
    def chain(self) -> AnswerChain: ...

    def route(self, text: str, deadline: Deadline | None = None) -> Route: ...

    def portfolio(self) -> Portfolio: ...

    def topics(self) -> list[Topic]: ...

    def paper_themes(self) -> dict[str, str]: ...


def to_messages(history: list[dict[str, Any]]) -> list[BaseMessage]:
    """Chat history as `{"role", "content"}` dicts (OpenAI/Gradio style) to LangChain messages."""
    messages: list[BaseMessage] = []
    for turn in history:
        role, content = turn.get("role"), turn.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        if role == "user":
            messages.append(HumanMessage(content))
        elif role == "assistant":
            messages.append(AIMessage(content))
    return messages


# Code asked for as what the papers must have: "a paper with code on X", "papers that link
# their code"
_WITH_CODE = re.compile(
    r"\bwith (?:\w+ )?(?:code|implementations?)\b|\b(?:that|which) (?:have|has|link|links|release|"
    r"releases|share|shares) (?:\w+ )?code\b",
    re.I,
)


def answer_stream(
    live: Live,
    settings: RetrievalSettings,
    answerer: str,
    question: str,
    history: Any,
    k: int | None,
    filters: Mapping[str, Any],
    deadline: Callable[[], Deadline | None],
) -> Iterator[str | Answer]:
    """The answer to `question` in pieces, then the `Answer`. Raises QuestionError for bad
    input, LLMError when the model fails, IndexStoreError when the index does."""
    # "im intrested in X, what shoud I read?" asks what "I'm interested in X, what should I
    # read?" asks: the phrasing rules read the words so spelled.
    text = respell_asking(clean_question(question, settings.max_question_chars))
    # "what do you think the main finding of X is?" asks "what is the main finding of X?"
    plain = unwrapped(text)
    if dated_forecast(plain, date.today().year):
        yield from _declined(text, NO_FORECAST_TEXT, answerer)
        return
    asked = opinion_asked(plain)
    pieces = _answer_stream(live, settings, answerer, asked or plain, history, k, filters, deadline)
    if asked is None and plain == text:
        yield from pieces
        return
    # "do you think assistance games will replace RLHF?": qabot has no view of its own; what
    # the papers say on it follows, said to be theirs
    # (and the question as the user asked it)
    note = f"{NO_OPINION_TEXT}\n\n" if asked is not None else ""
    yield from _led_by(note, pieces, question=text)


def route_alone(live: Live, settings: RetrievalSettings, question: str) -> Route:
    """The route `answer_stream` takes for `question` asked with no conversation before it
    (`QABot.route`): the words respelled, the wrapping and an opinion's framing dropped, and
    "they" read as the portfolio's authors, as answering reads them."""
    text = unwrapped(respell_asking(clean_question(question, settings.max_question_chars)))
    text = opinion_asked(text) or text
    return live.route(as_the_group(started_afresh(text) or text))


def _led_by(lead: str, pieces: Iterator[str | Answer], **update: Any) -> Iterator[str | Answer]:
    """`pieces` with `lead` said first, and in the `Answer`'s text too (with `update`)."""
    if lead:
        yield lead
    for piece in pieces:
        if isinstance(piece, Answer) and (lead or update):
            piece = piece.model_copy(update={**update, "answer": lead + piece.answer})
        yield piece


def _declined(text: str, said: str, answerer: str) -> Iterator[str | Answer]:
    """An answer that is only `said`, abstaining, without searching."""
    answer = Answer(
        question=text, standalone_question=text, answer=said, abstained=True, answerer=answerer
    )
    yield answer.answer
    yield answer


def _answer_stream(
    live: Live,
    settings: RetrievalSettings,
    answerer: str,
    text: str,
    history: Any,
    k: int | None,
    filters: Mapping[str, Any],
    deadline: Callable[[], Deadline | None],
) -> Iterator[str | Answer]:
    options = check_options(k=k, history=history)
    k = options.k or settings.k
    given = make_filters(dict(filters)).model_dump(exclude_none=True)
    budget = deadline()
    turns = clean_history(options.history)
    if (fresh := started_afresh(text)) is not None:
        text, turns = fresh, []  # "Unrelated: has she written on X?": nothing earlier applies
    # "Which of those have code?", "the second one": the papers of the previous answer.
    snapshot = live.snapshot
    follow = (
        resolve_follow_up(text, turns, snapshot.papers, snapshot.paper_index)
        if turns
        # "which is newer, Gemma Scope or Imagen 3?" names both papers itself
        else which_of_two(text, [], snapshot.papers, snapshot.paper_index)
    )
    # (with no conversation, "how have they tackled X?" is the portfolio's authors' work)
    routed = follow.route_text if follow else text if turns else as_the_group(text)
    route = live.route(routed, budget)  # already cleaned
    if follow and route.sides:  # "how does it compare to FlexiBiT?": it is the last paper
        follow, sides = comparing_it(follow, route.sides)
        route = route.model_copy(update={"sides": sides})
    # Filters the caller set win over those the router read from the question.
    merged = {**route.filters.model_dump(exclude_none=True), **given}
    if follow and follow.paper_ids is not None and "paper_ids" not in given:
        merged["paper_ids"] = follow.paper_ids
    if follow and follow.exclude_ids and "exclude_ids" not in given:
        merged["exclude_ids"] = follow.exclude_ids
    if follow and follow.since and "year_from" not in given:  # a follow-up comes after it
        merged["year_from"] = max(follow.since, merged.get("year_from") or follow.since)
    if follow and follow.until and "year_to" not in given:  # … or before it
        merged["year_to"] = min(follow.until, merged.get("year_to") or follow.until)
    one = follow is not None and follow.paper_ids is not None and len(follow.paper_ids) == 1
    if (
        one
        and follow is not None
        and follow.title
        and f"“{follow.title}”" in follow.question
        and route.kind == "retrieval"
        and SHAPES[route.shape_name].searches_topic
    ):
        # "does it work on real robots?", "the 2nd — what's its core assumption?": asked of
        # the one paper the question was rewritten to name, not a topic to survey (dev20: its
        # "it" read as "does she work on …", its words as the topic, and the answer was "1
        # paper in the portfolio matches" with an unrelated sentence)
        route = route.model_copy(
            update={
                "shape": "focused",
                "chronological": False,
                "newest_first": False,
                "just_one": False,
            }
        )
    shape = SHAPES[route.shape_name]
    # (not "is there a paper with code on reward hacking?": code that picks the papers)
    selects = _WITH_CODE.search(follow.route_text if follow else text) is not None
    one_paper = isinstance(shape, TextShape) and (one or not (shape.searches_topic or selects))
    if one_paper and "has_code" not in given:
        # "where are the videos and code?" of one paper, "does the Dynalang paper have code
        # available?": asked of its text ("Videos and code … on our website: …"), which may say
        # more than the metadata's code link, and says so when it gives none (a list, "papers
        # with code on reward hacking", keeps the filter)
        merged.pop("has_code", None)
    chosen = Filters(**merged)
    if isinstance(shape, StatisticShape):
        asked = follow.question if follow else text
        answer = answer_statistic(
            shape, text, route.model_copy(update={"filters": chosen}), live.portfolio(), live.topics
        )
        answer = answer.model_copy(update={"standalone_question": asked})
        if follow and follow.lead:  # "Of the 6 papers just listed, 2 do not mention …:"
            body, gap = answer.answer, "\n\n"
            if follow.lead.endswith(":") and shape is LIST_PAPERS and chosen.only_papers():
                # … which heads the list itself (it was followed by "Indexed papers among the
                # 2 papers just discussed (2 of 2).", a second header saying less)
                body, gap = body.split("\n", 1)[-1], "\n"
            answer = answer.model_copy(update={"answer": f"{follow.lead}{gap}{body}"})
        yield from answer.answer.splitlines(keepends=True)
        yield answer
        return
    assert isinstance(shape, TextShape)
    allowed = live.retriever.allowed(chosen)
    if allowed is not None and not allowed.any():
        # Said plainly, as `search` says it: "the portfolio doesn't say" would blame the
        # papers for what the filters did.
        yield from _declined(text, no_match_text(chosen), answerer)
        return
    state = AnswerState(
        question=text,
        asked=follow.question if follow else text,
        route=route,
        shape=shape,
        # A resolved follow-up is standalone already: condensing it again could lose the paper.
        history=[] if follow else to_messages(turns),
        filters=chosen,
        k=k,
        deadline=budget,
        # A follow-up is condensed first, and searched for as condensed.
        # … unless it is resolved and has a subject of its own ("any other papers on X?"),
        # or was rewritten as a question of its own that the router read ("what else did the
        # first author do on X?": "What has <author> written on X?", the author a filter)
        query=route.query
        if not turns
        or (follow and follow.exclude_ids and follow.question in (text, follow.route_text))
        else None,
        themes=live.paper_themes() if shape.groups_by_theme else None,
        said=str((last_answer(turns) or {}).get("content") or ""),
    )
    # "which one is older?": which, by date, then about it
    lead = f"{follow.lead}\n\n" if follow is not None and follow.lead else ""
    yield from _led_by(lead, live.chain.stream(state))
