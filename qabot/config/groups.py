"""The settings groups: the values each layer reads (parsing, index, retrieval, the OpenAI
endpoint, the app). Plain data, at the bottom of the import graph, so every layer can take its
group as a typed value; `qabot.config.settings` composes them into the one `Settings` object,
which reads them from the environment and builds models and stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

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
        "(the ONNX file is built once per user into onnx_cache, from the packaged weights). "
        "torch: sentence-transformers (the `torch` extra: pip install 'qabot[torch]'). Part of "
        "the index's identity: changing it means `qabot ingest` re-embeds. The default was "
        "chosen by measurement (docs/measurements.md).",
    )
    onnx_cache: Path | None = Field(
        default=None,
        description="Folder of the built ONNX models, shared by every store. Unset: the user's "
        "cache folder (`~/.cache/qabot/onnx` on Linux, `$XDG_CACHE_HOME/qabot/onnx` when set; "
        "`~/Library/Caches/qabot/onnx` on macOS; `%LOCALAPPDATA%\\qabot\\Cache\\onnx` on Windows).",
    )
    openai_embedding_model: str = Field(
        default="text-embedding-3-small",
        description="The OpenAI embedding model, with QABOT_INDEX__EMBEDDING=openai.",
    )
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
        default=25,
        ge=1,
        le=100,
        description="Most papers a survey or compare question retrieves (and can cite); the "
        "relevance rule picks the answer's papers among them (docs/measurements.md).",
    )
    survey_threshold: float = Field(
        default=0.65,
        ge=0.0,
        le=1.0,
        description="A paper joins a survey answer when its score relative to the best match "
        "(dense and BM25, see survey_dense_weight) is at least this (tuned, docs/measurements.md).",
    )
    survey_dense_weight: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Weight of the dense cosine against BM25 in the survey relevance score.",
    )
    survey_agree: int = Field(
        default=3,
        ge=0,
        le=25,
        description="A paper that both dense search and BM25 rank in their top this many "
        "joins a survey answer whatever its score.",
    )
    max_question_chars: int = Field(
        default=2_000,
        ge=20,
        le=100_000,
        description="Longer questions are truncated with a warning.",
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
        "and answering, retries and streaming included. When the model has not answered by "
        "then, the answer quotes the abstracts instead (and says so).",
    )


class AppSettings(_Group):
    host: str = Field(
        default="127.0.0.1",
        description="Interface the UI binds; GRADIO_SERVER_NAME overrides. Loopback by default.",
    )
    port: int = Field(
        default=7860, ge=1, le=65535, description="UI port; GRADIO_SERVER_PORT overrides."
    )
    auth_user: str | None = Field(
        default=None,
        description="Basic-auth user, with QABOT_APP__AUTH_PASSWORD: the page, /chat and MCP "
        "then ask for both. Set one without the other (or empty) and nothing starts.",
    )
    auth_password: SecretStr | None = Field(
        default=None, description="Basic-auth password, with QABOT_APP__AUTH_USER."
    )
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
        "time (a list kept in ~/.cache/qabot/; qabot.interfaces.web.prefetch): a start from an empty page "
        "cache then imports from memory.",
    )

    @model_validator(mode="after")
    def _whole_login(self) -> AppSettings:
        # A user without a password (or an empty one) would serve with no login at all: the
        # server refuses to start rather than open a door the settings meant to close.
        if half_login(self.auth_user, self.auth_password):
            raise ValueError(half_login(self.auth_user, self.auth_password))
        return self

    @property
    def login(self) -> tuple[str, str] | None:
        """(user, password) for basic auth, or None when both are unset."""
        if problem := half_login(self.auth_user, self.auth_password):
            raise ValueError(problem)  # a copy made without validation (`model_copy`)
        if self.auth_user and self.auth_password:
            return self.auth_user, self.auth_password.get_secret_value()
        return None


def half_login(user: str | None, password: SecretStr | None) -> str | None:
    """What is wrong with a login that has only one of its two parts (None: both or neither).
    An empty or blank value counts as unset."""
    has_user = bool(user and user.strip())
    has_password = bool(password and password.get_secret_value().strip())
    if has_user == has_password:
        return None
    given, missing, value = (
        ("QABOT_APP__AUTH_USER", "QABOT_APP__AUTH_PASSWORD", password)
        if has_user
        else ("QABOT_APP__AUTH_PASSWORD", "QABOT_APP__AUTH_USER", user)
    )
    return (
        f"{given} is set but {missing} is {'not set' if value is None else 'empty'}: the app "
        "would serve without a login. Set both for a login, or unset both to serve without one"
    )
