"""What callers hand to `QABot`, checked once at the boundary: the question's text, the chat
history, `k`, the search mode and the filters.

Every interface (the Python API, the CLI, the web UI and its `/chat` endpoint) passes through
here, so a bad value becomes one `QuestionError` that names the parameter, instead of a
TypeError from deep inside retrieval, and text that is not valid Unicode is repaired once for
all of them.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qabot.domain.filters import Filters, Whole
from qabot.errors import QuestionError, validation_summary

log = logging.getLogger(__name__)

# Which rankings a search uses: both fused (the default), or one alone (for comparisons).
Mode = Literal["hybrid", "dense", "lexical"]
MAX_K = 100  # papers one search may return; more is a listing, which `qabot stats` gives
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Python hands undecodable bytes from argv and stdin over as these "surrogate escapes".
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


def clean_text(text: str) -> str:
    """`text` as valid Unicode. Escaped bytes are decoded as UTF-8 where they form it; every
    other byte and any lone surrogate (e.g. "\\ud800" in JSON) becomes U+FFFD. Tokenizers,
    JSON encoders and terminals all refuse surrogates, so they must not get past here."""
    if not _SURROGATE.search(text):
        return text

    def decode(match: re.Match[str]) -> str:
        return match.group(0).encode("utf-8", "surrogateescape").decode("utf-8", "replace")

    return _SURROGATE.sub("\ufffd", _ESCAPED_BYTES.sub(decode, text))


def clean_question(question: object, max_chars: int) -> str:
    """Normalise a user question, or raise QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"question must be text, not {type(question).__name__}.")
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", clean_text(question))).strip()
    if not text:
        raise QuestionError("The question is empty. Type a question about the papers.")
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        raise QuestionError("The question has no words in it. Type a question about the papers.")
    if len(text) > max_chars:
        log.warning("question of %d characters truncated to %d", len(text), max_chars)
        text = text[:max_chars]
    # "ok, switching topics: any work on X?": the preamble is about the chat, not the papers
    # ("topics" would read as a request for the portfolio's themes).
    return _PREAMBLE.sub("", text, count=1).strip() or text


_PREAMBLE = re.compile(
    r"^(?:(?:ok(?:ay)?|so|alright|right|thanks|thank you|great|cool|now)[,.!]?\s+)*"
    r"(?:(?:switching|changing|change of|new|different|another|on another)\s+"
    r"(?:topics?|gears|subjects?|questions?|note)|moving on)\s*[:,.!—–-]+\s*",
    re.I,
)


class Turn(BaseModel):
    """One message of a chat history, OpenAI/Gradio style. Gradio adds keys of its own
    (metadata, options), which are kept; content that is not text (a file) is skipped later.
    An assistant turn may carry the papers it cited (`Answer.as_turn()`), in reading order, so
    that a follow-up ("the second one", "which of those …") finds them without reading the
    answer's text."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: Any = None
    citations: list[str] | None = Field(
        default=None, description="Paper ids the turn cited, in reading order (assistant turns)."
    )
    shape: str | None = Field(
        default=None,
        description="How the turn answered (assistant turns): 'survey' lists papers, "
        "'focused' is about its first one, …",
    )
    abstained: bool | None = Field(
        default=None,
        description="True when the turn found nothing (assistant turns): 'which of those …' "
        "after it has no list to pick from.",
    )


class Options(BaseModel):
    """The non-filter parameters of `QABot.search`, `ask` and `stream`."""

    model_config = ConfigDict(extra="forbid")

    k: Annotated[Whole, Field(ge=1, le=MAX_K)] | None = None
    mode: Mode = "hybrid"
    history: list[Turn] | None = None


def _parameter(loc: tuple[Any, ...]) -> str:
    """("history", 0, "role") -> "history[0].role": the name as the caller wrote it."""
    name = str(loc[0]) if loc else ""
    for part in loc[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


def check_options(**values: Any) -> Options:
    """k, mode and history validated together, or one QuestionError naming each bad one."""
    try:
        return Options(**values)
    except ValidationError as exc:
        raise QuestionError(f"Invalid parameter: {validation_summary(exc, _parameter)}.") from exc


def clean_history(history: list[Turn] | None) -> list[dict[str, Any]]:
    """The validated history as `{"role", "content"}` dicts with clean text, and each turn's
    `citations` when it has them."""
    cleaned: list[dict[str, Any]] = []
    for turn in history or []:
        if not isinstance(turn.content, str):
            continue
        entry: dict[str, Any] = {"role": turn.role, "content": clean_text(turn.content)}
        if turn.citations is not None:
            entry["citations"] = [clean_text(c) for c in turn.citations]
        if isinstance(turn.shape, str):
            entry["shape"] = clean_text(turn.shape)
        if turn.abstained:
            entry["abstained"] = True
        cleaned.append(entry)
    return cleaned


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        return [clean_text(v) if isinstance(v, str) else v for v in value]
    return value


def unknown_names(given: Iterable[Any], known: Sequence[str], what: str) -> str | None:
    """ "yaer_to is not a filter (did you mean year_to?)" for each of `given` that is not in
    `known`, joined by "; "; None when all are known. `what` completes "is not …" ("a filter",
    "an argument of search"): every interface that takes names says a misspelt one alike."""
    hints = []
    for name in given:
        if name in known:
            continue
        guess = difflib.get_close_matches(str(name), list(known), n=1)
        hints.append(f"{name} is not {what}" + (f" (did you mean {guess[0]}?)" if guess else ""))
    return "; ".join(hints) or None


def make_filters(filters: dict[str, Any]) -> Filters:
    """Filters from keyword arguments, with a clear error for a misspelt or mistyped one."""
    names = list(Filters.model_fields)
    unknown = unknown_names(filters, names, "a filter")
    if unknown:
        raise QuestionError(f"Invalid filter: {unknown}. The filters are {', '.join(names)}.")
    try:
        return Filters(**{name: _clean_value(value) for name, value in filters.items()})
    except ValidationError as exc:
        raise QuestionError(
            f"Invalid filter: {validation_summary(exc, _parameter)}. The filters are "
            f"{', '.join(names)}."
        ) from exc


def no_match_text(filters: Filters) -> str:
    """What every interface says when the filters let no indexed paper through, in words
    ("papers from 2026, in Cryptography and Security, that link their code"), not in the
    parameters' names."""
    return f"No indexed paper matches these filters (papers {filters.in_words()})."
