"""The one settings object for the whole bot, read from `QABOT_*` variables and `.env`.

Nested groups use a double underscore: `QABOT_RETRIEVAL__K=8`, `QABOT_INDEX__CHUNK_SIZE=600`.
The OpenAI credentials keep their usual names (`OPENAI_API_KEY`, `OPENAI_BASE_URL`) so a shell
already set up for the OpenAI SDK works unchanged.

The `get_*` factories are the only places that construct models and stores; they import lazily,
so importing qabot stays cheap and does no work.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from qabot.config.groups import (
    AppSettings,
    CorpusSettings,
    IndexSettings,
    LLMName,
    OpenAISettings,
    RetrievalSettings,
    _Group,
)
from qabot.errors import ConfigError, describe_error

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from qabot.index.vectors import VectorStore

log = logging.getLogger(__name__)
ENV_FILE = ".env"


class Settings(BaseSettings):
    """Everything configurable. Every field has a default; secrets stay in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="QABOT_",
        env_file=ENV_FILE,
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    corpus: Path = Field(
        default=Path("corpus"),
        description="Corpus file or folder: profile pages (*.txt), JSONL, BibTeX, CSL-JSON and "
        "RIS files (docs/formats.md).",
    )
    owner: str | None = Field(
        default=None,
        description="The researcher whose papers the corpus holds, for bibliography and JSONL "
        "corpora without a profile page (a profile page names its own): she is not counted as "
        "her own co-author, and the page's header names her. Unset: the first line of "
        "owner.txt in the corpus folder, if there is one. Recorded at ingest: run `qabot "
        "ingest` after changing it (the vectors are reused).",
    )
    store: Path = Field(
        default=Path("vectorstore"),
        description="Folder of the persisted index (generated; not committed).",
    )
    llm: LLMName = Field(
        default="auto",
        description="Answer backend. auto = openai when OPENAI_API_KEY or OPENAI_BASE_URL is "
        "set, else extractive (offline: answers quote the abstracts). mock: the deterministic "
        "test model (qabot.testing).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "QABOT_OPENAI_API_KEY"),
        description="The key for the OpenAI API (a local OpenAI-compatible server needs none).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "QABOT_OPENAI_BASE_URL"),
        description="Any OpenAI-compatible endpoint instead of OpenAI's (vLLM, Ollama, "
        "llama.cpp's server: http://host:port/v1).",
    )
    chroma_url: str | None = Field(
        default=None,
        description="http(s)://host:port of a Chroma server (`chroma run`). Unset: a local "
        "Chroma folder inside QABOT_STORE. With a server, the store folder keeps only a cache "
        "of the paper table and BM25 index, rebuilt from the server when missing.",
    )
    chroma_host: str | None = Field(
        default=None, description="A Chroma server's host, when QABOT_CHROMA_URL is not given."
    )
    chroma_port: int = Field(default=8000, ge=1, le=65535, description="With QABOT_CHROMA_HOST.")
    chroma_ssl: bool = Field(default=False, description="With QABOT_CHROMA_HOST: use https.")
    parsing: CorpusSettings = Field(default_factory=CorpusSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    app: AppSettings = Field(default_factory=AppSettings)

    def __init__(self, **values: Any) -> None:
        # Every way of building settings (CLI, QABot(), the UI, app.py) reports a bad value as
        # one line naming the variable, not pydantic's multi-line text with a URL.
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError(settings_problem(exc)) from exc
        except SettingsError as exc:  # a value pydantic-settings could not even parse
            raise ConfigError(unparsed_problem(exc)) from exc
        except UnicodeDecodeError as exc:  # only .env is read as bytes
            line = exc.object.count(b"\n", 0, exc.start) + 1
            raise ConfigError(
                f"Invalid settings: {Path(ENV_FILE).resolve()} is not UTF-8 text (byte "
                f"0x{exc.object[exc.start]:02x} on line {line}). Save it as UTF-8, or move it "
                "away; docs/configuration.md lists every setting."
            ) from exc

    @field_validator("store", "corpus", mode="before")
    @classmethod
    def _not_empty(cls, value: Any, info: ValidationInfo) -> Any:
        # QABOT_STORE= (a variable set but left empty) would be the current folder: an index
        # built among the user's own files, or a corpus read from wherever qabot was started.
        if isinstance(value, str) and not value.strip():
            default = cls.model_fields[info.field_name].default  # type: ignore[index]
            raise ValueError(
                f"QABOT_{str(info.field_name).upper()} is empty, which would mean the current "
                f"folder; name a folder, e.g. {default}, the default"
            )
        return value

    @field_validator("owner", mode="after")
    @classmethod
    def _owner_name(cls, value: str | None) -> str | None:
        # QABOT_OWNER="" (a variable set but left empty) means no owner, not a nameless one.
        return " ".join(value.split()) or None if value is not None else None

    @model_validator(mode="after")
    def _compose_chroma_url(self) -> Settings:
        # Host, port and ssl are the form container platforms hand out; one URL is what every
        # other part of qabot reads.
        if self.chroma_url is None and self.chroma_host:
            scheme = "https" if self.chroma_ssl else "http"
            self.chroma_url = f"{scheme}://{self.chroma_host}:{self.chroma_port}"
        return self

    @model_validator(mode="after")
    def _warn_unknown_variables(self) -> Settings:
        """pydantic-settings ignores unknown environment variables; a typo such as
        QABOT_RETREIVAL__K would silently do nothing, so name it and the key it resembles."""
        known = setting_names()
        for var in os.environ:
            if var.startswith("QABOT_") and var.upper() not in known:
                log.warning("ignoring unknown setting %s%s", var, _did_you_mean(var))
        return self

    @property
    def onnx_cache(self) -> Path:
        """Where the built ONNX models live: QABOT_INDEX__ONNX_CACHE, else the user's cache
        folder, so every store of a user shares one build (platformdirs knows each platform's
        place and honours XDG_CACHE_HOME)."""
        if self.index.onnx_cache is not None:
            return self.index.onnx_cache
        import platformdirs

        return platformdirs.user_cache_path("qabot") / "onnx"

    @property
    def resolved_llm(self) -> str:
        """The backend `auto` stands for, decided from the credentials present."""
        if self.llm != "auto":
            return self.llm
        return "openai" if self.openai_api_key or self.openai_base_url else "extractive"

    def get_llm(self) -> BaseChatModel | None:
        """The chat model for the configured backend; None for the extractive answerer."""
        backend = self.resolved_llm
        if backend == "extractive":  # without importing LangChain's chat models
            return None
        if backend == "mock":
            from qabot.testing.mock_llm import MockChatModel

            return MockChatModel()
        from qabot.answering.llm import make_openai_chat

        return make_openai_chat(self)

    def get_vector_store(self) -> VectorStore:
        """The vector store: the Chroma server of QABOT_CHROMA_URL, else the local Chroma folder
        in QABOT_STORE (qabot.index.chroma; another store goes behind the same Protocol)."""
        from qabot.index.chroma import ChromaStore

        return ChromaStore.from_settings(self)

    def get_embeddings(self) -> Embeddings:
        from qabot.embeddings.factory import make_embeddings

        return make_embeddings(self)


def setting_names() -> set[str]:
    """Every environment variable that sets something: QABOT_STORE, QABOT_RETRIEVAL__K, ..."""
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices)
            continue
        group = field.annotation
        if isinstance(group, type) and issubclass(group, _Group):
            names.update(f"QABOT_{name.upper()}__{sub.upper()}" for sub in group.model_fields)
        names.add(f"QABOT_{name.upper()}")
    return names


def _did_you_mean(var: str) -> str:
    """ " (did you mean QABOT_RETRIEVAL__MIN_RELEVANCE?)": the full key, not just its group."""
    guess = difflib.get_close_matches(var.upper(), sorted(setting_names()), n=1, cutoff=0.6)
    return f" (did you mean {guess[0]}?)" if guess else ""


def _variable(loc: tuple[Any, ...]) -> str:
    """An error location as the environment variable that sets it."""
    if not loc:
        return ""
    head = str(loc[0])
    if head.isupper() or head not in Settings.model_fields:  # OPENAI_BASE_URL, or a .env key
        return head.upper()
    return "__".join([f"QABOT_{head.upper()}", *(str(part).upper() for part in loc[1:])])


def settings_problem(exc: ValidationError) -> str:
    """A settings ValidationError as one line that names each variable and says how to fix it."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        var = _variable(loc)
        if error["type"] == "extra_forbidden":
            problems.append(f"{var} is not a known setting{_did_you_mean(var)}")
        elif error["type"] == "value_error" and len(loc) <= 1:
            problems.append(describe_error(error, ""))  # a cross-field check names its keys
        else:
            problems.append(describe_error(error, var))
    return (
        f"Invalid settings: {'; '.join(dict.fromkeys(problems))}. Fix the variable (in the "
        "environment or .env), or unset it to use the default; docs/configuration.md lists every "
        "setting."
    )


_UNPARSED_FIELD = re.compile(r'field "(?P<field>\w+)" from source "(?P<source>\w+)"')


def unparsed_problem(exc: SettingsError) -> str:
    """A value pydantic-settings could not parse at all (QABOT_RETRIEVAL=garbage: a group's
    variable given a word, not JSON) as one line naming the variable and the two ways to set
    a group."""
    match = _UNPARSED_FIELD.search(str(exc))
    field = match["field"] if match else ""
    where = " in .env" if match and match["source"].startswith("DotEnv") else ""
    var = _variable((field,)) if field else "A setting"
    cause = exc.__cause__
    reason = f" ({cause})" if cause is not None and str(cause) else ""
    group = Settings.model_fields.get(field)
    kind = group.annotation if group is not None else None
    if isinstance(kind, type) and issubclass(kind, _Group):
        first = next(iter(kind.model_fields))
        how = (
            f"{var}{where} sets the whole {field} group and must be a JSON object, e.g. "
            f"{var}='{{\"{first}\": ...}}'; usually one setting is set by its own variable, "
            f"e.g. {var}__{first.upper()}"
        )
    else:
        how = f"{var}{where} could not be parsed{reason}"
    return (
        f"Invalid settings: {how}. Fix the variable (in the environment or .env), or "
        "unset it to use the default; docs/configuration.md lists every setting."
    )
