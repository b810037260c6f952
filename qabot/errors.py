"""The qabot exception hierarchy.

Every error a user can cause or fix derives from :class:`QABotError` and carries a message that
says what to do next. The CLI and the UI convert these at their edges; anything else is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError


class QABotError(Exception):
    """Base class for every error qabot raises on purpose."""


class QuestionError(QABotError, ValueError):
    """The question cannot be answered as given (empty, only punctuation, ...)."""


class CorpusError(QABotError):
    """A corpus file or record is malformed. Names the file and, where known, the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


class NoAbstractError(CorpusError):
    """A record without an abstract, in any format: nothing to index. Counted apart in the
    ingest summary, as exports from Google Scholar and DBLP carry no abstracts at all."""

    def __init__(self, path: Path | str, key: str, line: int | None = None) -> None:
        super().__init__(path, f"{key}: no abstract", line)


class IndexStoreError(QABotError):
    """Problems with the persisted index: unwritable, missing, corrupt, mismatched, locked."""


class IndexMissingError(IndexStoreError):
    """No completed index exists yet in the store folder."""


class IndexCorruptError(IndexStoreError):
    """The index folder exists but cannot be read."""


class IndexMismatchError(IndexStoreError):
    """The index was built with another embedding model than the one configured."""


class EarlierRecipeError(IndexMismatchError):
    """The index was embedded with an earlier recipe of the configured backend (an upgrade):
    re-embedding it with this qabot's recipe is all it needs."""


class IngestLockedError(IndexStoreError):
    """Another ingest holds the lock on the store."""


class LLMError(QABotError):
    """The chat model endpoint failed, timed out or answered with something unusable."""


class ConfigError(QABotError):
    """A setting is invalid or a needed credential is missing."""


class ServeError(QABotError):
    """The web app cannot listen where it was asked to: the port is taken, the address is not
    this machine's. Says which option picks another."""


def validation_summary(
    exc: ValidationError,
    name: Callable[[tuple[Any, ...]], str] | None = None,
) -> str:
    """pydantic's multi-line report as one line: "k must be ≥ 1 (got -1); mode must be ...".

    `name` turns an error location into the name the user typed (a parameter, an environment
    variable); by default the location's parts are joined with dots."""
    name = name or (lambda loc: ".".join(str(part) for part in loc))
    problems = [describe_error(error, name(tuple(error["loc"]))) for error in exc.errors()]
    return "; ".join(dict.fromkeys(problems))


def describe_error(error: Any, where: str) -> str:
    """One pydantic error as "where must be ≤ 1 (got 2)", without its documentation URL."""
    message = _MESSAGE_PREFIX.sub("", error["msg"])
    if message[:2].istitle():  # "Input should be", not an acronym or a variable's name
        message = message[0].lower() + message[1:]
    message = message or "is invalid"
    for pattern, replacement in _PHRASES:
        message = pattern.sub(replacement, message)
    shown = repr(error.get("input"))
    got = f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"
    if "input" not in error or error["type"] in _NO_INPUT or isinstance(error["input"], dict):
        got = ""
    return f"{where} {message}{got}" if where else f"{message[0].upper()}{message[1:]}{got}"


_NO_INPUT = {"missing", "model_type", "model_attributes_type"}
_MESSAGE_PREFIX = re.compile(r"^(Value error|Assertion failed), ")
_PHRASES = [
    (re.compile(r"^input should be "), "must be "),
    (re.compile(r", got a number with a fractional part$"), ", not a fraction"),
    (re.compile(r"^extra inputs are not permitted$"), "is not a known name"),
    (re.compile(r"greater than or equal to"), "≥"),
    (re.compile(r"less than or equal to"), "≤"),
    (re.compile(r"greater than"), ">"),
    (re.compile(r"less than"), "<"),
]
