"""Rebuilding a generation's local tables from a Chroma server, for replicas.

With QABOT_CHROMA_URL, the machine that ingests writes the vectors and the manifest to the
server and keeps the paper table and BM25 index in its own store folder. Any other machine (an
app replica, a CI runner) that opens the same generation rebuilds those tables from the server:
the papers from the JSON each paper's first chunk carries, the BM25 index from the documents.
It is built in a temporary folder and renamed into place, so concurrent replicas sharing a
folder never see half a table.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from qabot.domain.records import Paper, Profile
from qabot.index.checksums import fingerprint
from qabot.index.chunk_table import chunking_config, content_key, embedded_text, write_chunk_table
from qabot.index.layout import LEXICAL_DIR, LOCAL_FILES
from qabot.index.lexical import LexicalIndex
from qabot.index.tables import write_paper_table
from qabot.index.vectors import VectorIndex

log = logging.getLogger(__name__)
BATCH = 5000


def materialize(folder: Path, manifest: Any, vectors: VectorIndex) -> None:
    """Write the paper table (with its summary and vocabulary), chunks.json and lexical/ for
    `manifest`'s generation into `folder`."""
    log.warning(
        "building the local tables of index generation %s from the Chroma server",
        manifest.generation,
    )
    docs: dict[str, str] = {}
    metas: dict[str, dict[str, Any]] = {}
    for offset in range(0, manifest.chunks, BATCH):
        got = vectors.get(limit=BATCH, offset=offset, documents=True, metadatas=True)
        assert got.documents is not None and got.metadatas is not None
        docs.update(zip(got.ids, (d or "" for d in got.documents), strict=True))
        metas.update(zip(got.ids, got.metadatas, strict=True))
    papers = sorted(
        (Paper.model_validate_json(m["paper_json"]) for m in metas.values() if m.get("chunk") == 0),
        key=lambda p: p.paper_id,
    )
    position = {p.paper_id: i for i, p in enumerate(papers)}
    ids = sorted(docs, key=lambda c: (position[metas[c]["paper_id"]], metas[c]["chunk"]))
    config = chunking_config(manifest.embedding_model, manifest.chunk_size, manifest.chunk_overlap)
    hashes = {p.paper_id: p.content_hash() for p in papers}
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        write_paper_table(
            tmp, papers, [Profile.model_validate(p) for p in manifest.profiles], manifest.owner
        )
        write_chunk_table(
            tmp,
            ids,
            [position[metas[c]["paper_id"]] for c in ids],
            [content_key(config, hashes[metas[c]["paper_id"]], metas[c]["chunk"]) for c in ids],
        )
        titles = {p.paper_id: p.title for p in papers}
        LexicalIndex.build(
            [embedded_text(titles[metas[c]["paper_id"]], docs[c]) for c in ids]
        ).save(tmp / LEXICAL_DIR)
        # These tables differ byte for byte from the ingesting machine's (whose checksums the
        # manifest holds), so the replica records its own.
        (tmp / LOCAL_FILES).write_text(
            json.dumps({name: f.model_dump() for name, f in fingerprint(tmp).items()}), "utf-8"
        )
        try:
            os.rename(tmp, folder)
        except OSError:  # another replica finished first; its tables are the same
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
