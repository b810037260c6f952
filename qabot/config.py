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
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
        description="Year given to profile dates printed without one (e.g. 'Jan 9'): "
        "the year the profile page was captured.",
    )
    max_abstract_chars: int = Field(
        default=20_000,
        description="Longer abstracts are cut to this length (with a warning) before indexing.",
    )


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
        default=500, ge=100, description="Characters per chunk (chosen by measurement, docs/measurements.md)."
    )
    chunk_overlap: int = Field(default=120, ge=0)
    batch_size: int = Field(default=64, ge=1, description="Texts per embedding call.")
    keep_generations: int = Field(
        default=2,
        ge=1,
        description="Completed index generations kept, so readers of the previous one survive.",
    )
    lock_timeout: float = Field(
        default=0.0,
        ge=0,
        description="Seconds an ingest waits for another ingest's lock before refusing.",
    )


class RetrievalSettings(_Group):
    k: int = Field(default=5, ge=1, le=50, description="Papers returned by search / given to ask.")
    candidates: int = Field(
        default=40, ge=5, description="Chunks fetched from each retriever before fusion."
    )
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    min_relevance: float = Field(
        default=0.35,
        description="Abstain when the best dense cosine similarity is below this, unless the "
        "question names a term the retrieved papers contain (calibrated on "
        "tests/data/retrieval_questions.jsonl, see docs/measurements.md).",
    )
    evidence_per_paper: int = Field(default=2, ge=1, description="Best chunks kept per paper.")
    max_question_chars: int = Field(
        default=2_000, ge=20, description="Longer questions are truncated with a warning."
    )


class OpenAISettings(_Group):
    model: str = Field(default="gpt-4o-mini", description="Chat model name on the endpoint.")
    temperature: float = 0.0
    timeout: float = Field(default=30.0, gt=0, description="Seconds per request.")
    max_retries: int = Field(default=3, ge=0, description="Retries on 429/5xx, with backoff.")


class AppSettings(_Group):
    host: str = Field(
        default="127.0.0.1",
        description="Interface the UI binds; GRADIO_SERVER_NAME overrides. Loopback by default.",
    )
    port: int = Field(default=7860, description="UI port; GRADIO_SERVER_PORT overrides.")
    auth_user: str | None = Field(default=None, description="Basic-auth user (with password).")
    auth_password: SecretStr | None = Field(default=None, description="Basic-auth password.")
    concurrency: int = Field(
        default=4, ge=1, description="Questions answered at once; more wait in the queue."
    )
    max_queue: int = Field(default=128, ge=1, description="Waiting requests before refusing.")
    mcp: bool = Field(
        default=False,
        description="Also serve the MCP tools (ask, search, portfolio_statistics) at "
        "/gradio_api/mcp/ (streamable HTTP), on the same host and port as the page.",
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
        QABOT_RETREIVAL__K would silently do nothing, so name it."""
        known = {f"QABOT_{name.upper()}" for name in type(self).model_fields}
        for var in os.environ:
            head = var.split("__", 1)[0]
            if var.startswith("QABOT_") and head not in known:
                guess = difflib.get_close_matches(head, sorted(known), n=1)
                hint = f" (did you mean {guess[0]}?)" if guess else ""
                log.warning("ignoring unknown setting %s%s", var, hint)
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
        from qabot.llms import make_llm

        return make_llm(self)

    def get_embeddings(self) -> Embeddings:
        from qabot.embeddings import make_embeddings

        return make_embeddings(self)
