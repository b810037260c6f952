"""The qabot exception hierarchy.

Every error a user can cause or fix derives from :class:`QABotError` and carries a message that
says what to do next. The CLI and the UI convert these at their edges; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


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
    """A bibliography entry without an abstract: nothing to index. Counted apart in the ingest
    summary, as exports from Google Scholar and DBLP carry no abstracts at all."""

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


class IngestLockedError(IndexStoreError):
    """Another ingest holds the lock on the store."""


class LLMError(QABotError):
    """The chat model endpoint failed, timed out or answered with something unusable."""


class ConfigError(QABotError):
    """A setting is invalid or a needed credential is missing."""
