"""qabot: question answering over a researcher's publication portfolio, with citations.

from qabot import QABot
answer = QABot().ask("What is the Boltzmann policy distribution?")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from qabot.errors import (
    ConfigError,
    CorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStoreError,
    IngestLockedError,
    LLMError,
    QABotError,
    QuestionError,
)

# Imported on first use, so that `import qabot.config` (app.py's first import) does not import
# the whole bot: the web app starts reading its code files ahead before that (qabot.interfaces.web.prefetch).
_LAZY = {
    "QABot": "qabot.bot",
    "Settings": "qabot.config",
    "Answer": "qabot.domain.records",
    "Citation": "qabot.domain.records",
    "Filters": "qabot.domain.filters",
    "Paper": "qabot.domain.records",
    "Profile": "qabot.domain.records",
    "SearchHit": "qabot.domain.records",
}

if TYPE_CHECKING:
    from qabot.bot import QABot
    from qabot.config import Settings
    from qabot.domain.filters import Filters
    from qabot.domain.records import Answer, Citation, Paper, Profile, SearchHit


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'qabot' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "Answer",
    "Citation",
    "ConfigError",
    "CorpusError",
    "Filters",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexStoreError",
    "IngestLockedError",
    "LLMError",
    "Paper",
    "Profile",
    "QABot",
    "QABotError",
    "QuestionError",
    "SearchHit",
    "Settings",
]
__version__ = "0.1.0"
