"""One settings object for the whole bot, read from `QABOT_*` variables and `.env`.

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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from qabot.errors import ConfigError, describe_error

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

LLMName = Literal["auto", "openai", "extractive", "mock"]
EmbeddingBackend = Literal["onnx-fp32", "onnx-int8", "torch"]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CorpusSettings(_Group):
    strict: bool = Field(
        default=False,
        description="Fail the ingest on the first malformed record instead of skipping it.",
    )
    snapshot_year: int = Field(
        default=2026,
        ge=1900,
        le=2100,
        description="Year given to profile dates printed without one (e.g. 'Jan 9'): "
        "the year the profile page was captured.",
    )
    year_min: int = Field(
        default=1900,
        ge=1,
        le=9999,
        description="Earliest plausible publication year. Papers dated before it are reported "
        "as file:line and skipped (a typo such as 0202 or -300, not a paper).",
    )
    year_max: int = Field(
        default=2100,
        ge=1,
        le=9999,
        description="Latest plausible publication year; later dates (9999, 3000000000) are "
        "reported and skipped.",
    )
    max_abstract_chars: int = Field(
        default=20_000,
        ge=100,
        le=1_000_000,
        description="Longer abstracts are cut to this length (with a warning) before indexing.",
    )
    max_title_chars: int = Field(
        default=300,
        ge=20,
        le=10_000,
        description="Longer titles are cut to this length (with a warning): a title is "
        "embedded with every chunk and printed with every citation.",
    )

    @model_validator(mode="after")
    def _year_range(self) -> CorpusSettings:
        if self.year_min > self.year_max:
            raise ValueError(
                f"QABOT_PARSING__YEAR_MIN ({self.year_min}) must not be after "
                f"QABOT_PARSING__YEAR_MAX ({self.year_max})"
            )
        if not self.year_min <= self.snapshot_year <= self.year_max:
            raise ValueError(
                f"QABOT_PARSING__SNAPSHOT_YEAR ({self.snapshot_year}) must lie within "
                f"QABOT_PARSING__YEAR_MIN..YEAR_MAX ({self.year_min}..{self.year_max})"
            )
        return self


class IndexSettings(_Group):
    embedding: Literal["minilm", "openai"] = Field(
        default="minilm",
        description="minilm: bundled all-MiniLM-L6-v2, offline. openai: the OpenAI embeddings API.",
    )
    backend: EmbeddingBackend = Field(
        default="onnx-int8",
        description="How the bundled MiniLM runs. onnx-fp32 / onnx-int8: ONNX Runtime, no torch "
        "at serving time (exported once into onnx_cache, which needs torch). torch: "
        "sentence-transformers. Part of the index's identity: changing it means `qabot ingest` "
        "re-embeds. The default was chosen by measurement (docs/measurements.md).",
    )
    onnx_cache: Path | None = Field(
        default=None,
        description="Folder of the exported ONNX models. Unset: `onnx/` inside QABOT_STORE.",
    )
    openai_embedding_model: str = Field(default="text-embedding-3-small")
    chunk_size: int = Field(
        default=500,
        ge=100,
        le=20_000,
        description="Characters per chunk (chosen by measurement, docs/measurements.md).",
    )
    chunk_overlap: int = Field(
        default=120,
        ge=0,
        le=19_999,
        description="Characters shared by neighbouring chunks (< chunk_size).",
    )
    batch_size: int = Field(
        default=64,
        ge=1,
        le=4096,
        description="Texts per embedding call with the torch backend; ingest embeds and writes "
        "windows of 4x this many chunks with any backend.",
    )
    embed_threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Texts the ONNX backend embeds at once, each on one core. Unset: the cores "
        "this process may use.",
    )
    keep_generations: int = Field(
        default=2,
        ge=1,
        le=100,
        description="Completed index generations kept, so readers of the previous one survive.",
    )
    lock_timeout: float = Field(
        default=0.0,
        ge=0,
        le=86_400,
        description="Seconds an ingest waits for another ingest's lock before refusing.",
    )

    @model_validator(mode="after")
    def _overlap_below_size(self) -> IndexSettings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"QABOT_INDEX__CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"QABOT_INDEX__CHUNK_SIZE ({self.chunk_size})"
            )
        return self


class RetrievalSettings(_Group):
    k: int = Field(default=5, ge=1, le=50, description="Papers returned by search / given to ask.")
    candidates: int = Field(
        default=40, ge=5, le=2000, description="Chunks fetched from each retriever before fusion."
    )
    rrf_k: int = Field(default=60, ge=1, le=10_000, description="Reciprocal rank fusion constant.")
    min_relevance: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="Abstain when the best dense cosine similarity is below this, unless the "
        "question names a term the retrieved papers contain (calibrated on "
        "tests/data/retrieval_questions.jsonl, see docs/measurements.md).",
    )
    evidence_per_paper: int = Field(
        default=2, ge=1, le=20, description="Best chunks kept per paper."
    )
    survey_max: int = Field(
        default=25, ge=1, le=100,
        description="Most papers a survey or compare question retrieves (and can cite); the "
        "relevance rule picks the answer's papers among them (docs/measurements.md).",
    )
    survey_threshold: float = Field(
        default=0.65, ge=0.0, le=1.0,
        description="A paper joins a survey answer when its score relative to the best match "
        "(dense and BM25, see survey_dense_weight) is at least this (tuned, docs/measurements.md).",
    )
    survey_dense_weight: float = Field(
        default=0.3, ge=0.0, le=1.0,
        description="Weight of the dense cosine against BM25 in the survey relevance score.",
    )
    survey_agree: int = Field(
        default=3, ge=0, le=25,
        description="A paper that both dense search and BM25 rank in their top this many "
        "joins a survey answer whatever its score.",
    )
    max_question_chars: int = Field(
        default=2_000, ge=20, le=100_000, description="Longer questions are truncated with a warning."
    )


class OpenAISettings(_Group):
    model: str = Field(default="gpt-4o-mini", description="Chat model name on the endpoint.")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    timeout: float = Field(
        default=30.0, gt=0, le=3600, description="Seconds per request (restarts on each retry)."
    )
    max_retries: int = Field(
        default=3, ge=0, le=10, description="Retries on 429/5xx, with backoff."
    )
    deadline: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds one question may spend on the model in all: routing, condensing "
        "and answering, retries and streaming included. A silent endpoint is reported after "
        "this long.",
    )


class AppSettings(_Group):
    host: str = Field(
        default="127.0.0.1",
        description="Interface the UI binds; GRADIO_SERVER_NAME overrides. Loopback by default.",
    )
    port: int = Field(
        default=7860, ge=1, le=65535, description="UI port; GRADIO_SERVER_PORT overrides."
    )
    auth_user: str | None = Field(default=None, description="Basic-auth user (with password).")
    auth_password: SecretStr | None = Field(default=None, description="Basic-auth password.")
    concurrency: int = Field(
        default=4, ge=1, le=256, description="Questions answered at once; more wait in the queue."
    )
    max_queue: int = Field(
        default=128, ge=1, le=100_000, description="Waiting requests before refusing."
    )
    mcp: bool = Field(
        default=False,
        description="Also serve the MCP tools (ask, search, portfolio_statistics) at "
        "/gradio_api/mcp/ (streamable HTTP), on the same host and port as the page.",
    )
    prefetch: bool = Field(
        default=True,
        description="At start-up, have the OS read ahead the code files the app loaded last "
        "time (a list kept in ~/.cache/qabot/; qabot.prefetch): a start from an empty page "
        "cache then imports from memory.",
    )


class Settings(BaseSettings):
    """Everything configurable. Every field has a default; secrets stay in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="QABOT_",
        env_file=".env",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    corpus: Path = Field(
        default=Path("corpus"), description="Corpus file or folder (profiles and JSONL)."
    )
    store: Path = Field(default=Path("vectorstore"), description="Folder of the persisted index.")
    llm: LLMName = Field(
        default="auto",
        description="Answer backend. auto = openai when OPENAI_API_KEY is set, else extractive.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "QABOT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "QABOT_OPENAI_BASE_URL")
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
        """Where exported ONNX models live (QABOT_INDEX__ONNX_CACHE, else inside the store)."""
        return self.index.onnx_cache or self.store / "onnx"

    @property
    def resolved_llm(self) -> str:
        """The backend `auto` stands for, decided from the credentials present."""
        if self.llm != "auto":
            return self.llm
        return "openai" if self.openai_api_key or self.openai_base_url else "extractive"

    def get_llm(self) -> BaseChatModel | None:
        """The chat model for the configured backend; None for the extractive answerer."""
        if self.resolved_llm == "extractive":  # without importing LangChain's chat models
            return None
        from qabot.llms import make_llm

        return make_llm(self)

    def get_embeddings(self) -> Embeddings:
        from qabot.embeddings import make_embeddings

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
    """" (did you mean QABOT_RETRIEVAL__MIN_RELEVANCE?)": the full key, not just its group."""
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
    return (f"Invalid settings: {'; '.join(dict.fromkeys(problems))}. Fix the variable (in the "
            "environment or .env), or unset it to use the default; docs/configuration.md lists every "
            "setting.")
