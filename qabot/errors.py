"""The qabot exception hierarchy.

Every error a user can cause or fix derives from :class:`QABotError` and carries a message that
says what to do next. The CLI and the UI convert these at their edges; anything else is a bug.
"""

from __future__ import annotations

import errno
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


class UnreadableFileError(CorpusError):
    """A corpus file that exists but cannot be read (an I/O error, no permission). Unlike a
    malformed record, this says nothing about the file's papers and may pass by itself, so
    ingest refuses to run rather than drop them from the index (qabot.ingest.build)."""


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


class DiskFullError(IndexStoreError):
    """The disk holding the store is full. Nothing is damaged: a failed ingest leaves the
    previous index live, and answering writes nothing of qabot's own. Freeing space is the fix,
    not a rebuild (which would need more space still)."""


# How a full disk shows: an OSError from Python's own writes, SQLite's SQLITE_FULL as Chroma
# passes it on ("database or disk is full", result code 13), the OS's text in Chroma's Rust
# errors.
_DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DISK_FULL_TEXT = re.compile(
    r"database or disk is full|No space left on device|Disk quota exceeded", re.I
)


def disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, says the disk is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
            return True
        if _DISK_FULL_TEXT.search(str(exc)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def disk_full_error(
    where: str, during: str, state: str = "Nothing is damaged: the index is as it was."
) -> DiskFullError:
    """One line for a full disk: where, while doing what, and what to do (not a rebuild)."""
    return DiskFullError(
        f"The disk holding the index in {where} is full (no space left while {during}). "
        f"{state} Free some space there, or point QABOT_STORE at a folder on another disk, "
        "and run the command again."
    )


class LLMError(QABotError):
    """The chat model endpoint failed, timed out or answered with something unusable."""


class LLMUnavailableError(LLMError):
    """The model did not answer this time (the deadline passed, the server was overloaded or
    failed, the stream was cut): the question is answered without it. A configuration error (a
    bad key, a wrong URL or model name) stays an `LLMError`: falling back would hide it."""

    # Out of time (the question's deadline, the client's timeout) rather than failed: the
    # reader is told which.
    timed_out: bool = False


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
