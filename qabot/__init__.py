"""qabot: question answering over a researcher's publication portfolio, with citations.

    from qabot import QABot
    answer = QABot().ask("What is the Boltzmann policy distribution?")
"""

from qabot.bot import QABot
from qabot.config import Settings
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
from qabot.models import Answer, Citation, Filters, Paper, Profile, SearchHit

__all__ = [
    "Answer", "Citation", "ConfigError", "CorpusError", "Filters", "IndexCorruptError",
    "IndexMismatchError", "IndexMissingError", "IndexStoreError", "IngestLockedError", "LLMError", "Paper",
    "Profile", "QABot", "QABotError", "QuestionError", "SearchHit", "Settings",
]  # fmt: skip
__version__ = "0.1.0"
