"""The manifest: which generation is live and how it was built, where it is kept (a file in the
store folder, or a record on a Chroma server), and the checks that refuse an index this
configuration cannot query."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from qabot.embeddings.factory import CURRENT_BACKENDS, MINILM_ID, backend_setting
from qabot.errors import EarlierRecipeError, IndexCorruptError, IndexMismatchError
from qabot.index.checksums import FileSum
from qabot.index.layout import MANIFEST_COLLECTION, manifest_path
from qabot.index.passages import IN_CHROMA, IN_TABLE
from qabot.index.passages import KINDS as PASSAGE_KINDS

if TYPE_CHECKING:
    from qabot.config import Settings
    from qabot.index.vectors import VectorStore

log = logging.getLogger(__name__)

LEGACY_BACKEND = "torch"  # how the bundled model ran before manifests recorded a backend


class Manifest(BaseModel):
    """What the live generation is and how it was built."""

    version: int = 1
    generation: str
    collection: str
    embedding_model: str
    embedding_backend: str | None = Field(
        default=None,
        description="torch, onnx-fp32 or onnx-int8:<recipe> (onnx-int8 alone: "
        "the first recipe); None for a remote API.",
    )
    chunk_size: int
    chunk_overlap: int
    papers: int
    chunks: int
    created_at: str = Field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    history: list[str] = Field(default_factory=list, description="Kept generations, newest last.")
    profiles: list[dict[str, Any]] = Field(default_factory=list, description="Profile records.")
    owner: str | None = Field(
        default=None,
        description="The researcher the paper files belong to (QABOT_OWNER or the corpus's "
        "owner.txt), as the ingest found her; None when none is named.",
    )
    files: dict[str, FileSum] = Field(
        default_factory=dict,
        description="Size and checksum of every file of the generation folder (qabot.index.checksums).",
    )
    vector_files: dict[str, FileSum] | None = Field(
        default=None,
        description="Size and checksum of the local files that hold the generation's vectors "
        "(Chroma's HNSW files, by path in the store folder; `VectorStore.files`): {} when there "
        "are none (a server; vectors still in Chroma's log); None: built before they were "
        "recorded.",
    )
    passages: str = Field(
        default=IN_CHROMA,
        description=f"Where the chunk texts are: {IN_CHROMA!r} (Chroma "
        f"documents: a server, and stores built before {IN_TABLE!r} existed) or {IN_TABLE!r} "
        "(spans of the paper table's abstracts, in chunks.json; qabot.index.passages).",
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_backend(cls, data: Any) -> Any:
        """A store built before backends were recorded ran the bundled model through torch."""
        if isinstance(data, dict) and "embedding_backend" not in data:
            legacy = LEGACY_BACKEND if data.get("embedding_model") == MINILM_ID else None
            data = {**data, "embedding_backend": legacy}
        return data


def read_manifest(store: Path) -> Manifest | None:
    path = manifest_path(store)
    if not path.exists():
        return None
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexCorruptError(
            f"The index manifest {path} is unreadable ({exc.__class__.__name__}). "
            "Delete the folder and run `qabot ingest` to rebuild it."
        ) from exc


def write_manifest(store: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically: readers see the old one or the new one, never half."""
    path = manifest_path(store)
    tmp = path.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(manifest.model_dump_json(indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def describe_store(settings: Settings) -> str:
    return (
        f"the Chroma server at {settings.chroma_url}"
        if settings.chroma_url
        else f"{settings.store}/"
    )


def load_manifest(settings: Settings, store: VectorStore | None = None) -> Manifest | None:
    """The live manifest: a file in the store folder, or a record on the Chroma server
    (`store`, if the caller has it open)."""
    if not settings.chroma_url:
        return read_manifest(settings.store)
    text = (store or settings.get_vector_store()).load_record(MANIFEST_COLLECTION)
    return Manifest.model_validate_json(text) if text else None


def save_manifest(settings: Settings, manifest: Manifest, store: VectorStore) -> None:
    """Switch readers to `manifest`'s generation, atomically in both modes."""
    if not settings.chroma_url:
        write_manifest(settings.store, manifest)
        return
    # One record update on the server: replicas see the old generation or the new one.
    store.save_record(MANIFEST_COLLECTION, manifest.model_dump_json())


def manifest_token(settings: Settings) -> object:
    """Something that changes when the live index does (cheap to read on every question)."""
    if not settings.chroma_url:
        path = manifest_path(settings.store)
        return path.stat().st_mtime if path.exists() else None
    manifest = load_manifest(settings)
    return manifest.generation if manifest else None


def check_passages(manifest: Manifest, where: str) -> None:
    """Refuse an index whose chunk texts are kept in a way this version cannot read (written
    by a newer qabot). `qabot check` reports it with this message too."""
    if manifest.passages not in PASSAGE_KINDS:
        raise IndexMismatchError(
            f"The index in {where} keeps its chunk texts as {manifest.passages!r}, which this "
            f"version of qabot cannot read: {PASSAGES_FIX}."
        )


PASSAGES_FIX = "upgrade qabot, or run `qabot ingest --rebuild`"


def check_manifest(
    manifest: Manifest, where: str, embedding_model: str, backend: str | None
) -> None:
    """Refuse an index built with another embedding model, or run through another backend,
    or whose chunk texts are kept in a way this version cannot read."""
    check_passages(manifest, where)
    if manifest.embedding_model != embedding_model:
        raise IndexMismatchError(
            f"The index in {where} was built with the embedding model "
            f"{manifest.embedding_model!r}, but {embedding_model!r} is configured. Re-run "
            "`qabot ingest` to rebuild it, or set QABOT_INDEX__EMBEDDING back."
        )
    if manifest.embedding_backend != backend:
        # Another backend's query vectors would be close to, but not exactly in, the index's
        # space (int8 moves them by up to a few percent): re-embed rather than mix them.
        setting = backend_setting(backend)
        if setting == backend_setting(manifest.embedding_backend):  # another int8 recipe
            raise EarlierRecipeError(
                f"The index in {where} was embedded with another {setting} recipe "
                f"({manifest.embedding_backend}) than this qabot's ({backend}). Run `qabot "
                "ingest` to re-embed it, or set QABOT_INDEX__BACKEND=onnx-fp32 and re-embed "
                "with that."
            )
        if manifest.embedding_backend in CURRENT_BACKENDS:
            instead = (
                f", or set QABOT_INDEX__BACKEND={backend_setting(manifest.embedding_backend)}."
            )
        else:  # an earlier int8 recipe: setting onnx-int8 would be refused as above
            instead = "; no setting of this qabot can query it as it is."
        raise IndexMismatchError(
            f"The index in {where} was embedded with the {manifest.embedding_backend} backend, "
            f"but {setting} is configured. Run `qabot ingest` to re-embed it with {setting}"
            + instead
        )
