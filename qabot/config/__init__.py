"""Configuration: one `Settings` object (qabot.config.settings) composed of typed groups
(qabot.config.groups), read from `QABOT_*` variables and `.env`.

    from qabot.config import Settings
"""

from qabot.config.groups import (
    AppSettings,
    CorpusSettings,
    EmbeddingBackend,
    IndexSettings,
    LLMName,
    OpenAISettings,
    RetrievalSettings,
)
from qabot.config.settings import Settings, setting_names, settings_problem

__all__ = [
    "AppSettings",
    "CorpusSettings",
    "EmbeddingBackend",
    "IndexSettings",
    "LLMName",
    "OpenAISettings",
    "RetrievalSettings",
    "Settings",
    "setting_names",
    "settings_problem",
]
