"""The store folder's layout and an index generation's files: their names and what each holds.

Every module that reads or writes them takes the names from here.

    <store>/                    (QABOT_STORE, default vectorstore/)
        chroma/                 Chroma's persistent data: one collection per generation
            chroma.sqlite3      its database, with the log of vectors not yet in HNSW files
            <segment uuid>/     a collection's HNSW files; the manifest records their
                                checksums (`vector_files`) once Chroma has written them
        generations/<name>/     one generation's own files (GENERATION_FILES below)
        manifest.json           which generation is live; written last, atomically
        .ingest.lock            held by the one ingest allowed at a time

With QABOT_CHROMA_URL the vectors and the manifest live on the Chroma server (the manifest as
the metadata of the `qabot_manifest` collection), and generations/ is a local cache that any
replica rebuilds from the server's documents when it is missing (qabot.index.replica).

An ingest builds a whole new generation and only then replaces `manifest.json` (an atomic
rename). Readers trust nothing that the manifest does not name, so a crashed or killed ingest
leaves the previous index answering exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# -- the store folder --------------------------------------------------------------------------

CHROMA_DIR = "chroma"
CHROMA_DATABASE = "chroma.sqlite3"  # inside CHROMA_DIR
MANIFEST = "manifest.json"
GENERATIONS_DIR = "generations"
INGEST_LOCK = ".ingest.lock"
COLLECTION_PREFIX = "qabot-"  # a generation's vector collection: the prefix and its name
MANIFEST_COLLECTION = "qabot_manifest"  # server mode; "_" keeps it out of the generations' prefix


def chroma_dir(store: Path) -> Path:
    return store / CHROMA_DIR


def manifest_path(store: Path) -> Path:
    return store / MANIFEST


def generations_dir(store: Path) -> Path:
    return store / GENERATIONS_DIR


def generation_dir(store: Path, generation: str) -> Path:
    return generations_dir(store) / generation


def lock_path(store: Path) -> Path:
    return store / INGEST_LOCK


def collection_name(generation: str) -> str:
    """The vector collection of a generation."""
    return COLLECTION_PREFIX + generation


# -- a generation's files ---------------------------------------------------------------------

PAPER_TABLE = "papers.parquet"
LEGACY_PAPER_TABLE = "papers.jsonl"  # generations written before the Parquet table
CHUNK_TABLE = "chunks.json"
LEXICAL_DIR = "lexical"
SUMMARY = "summary.json"
TOPICS = "topics.json"
VOCABULARY = "vocabulary.json"
LOCAL_FILES = ".files.json"

# How opening a generation treats a file (qabot.index.checksums):
# "open": read whole at open, its digest checked as it is read;
# "mapped": memory-mapped, so searched without being read whole: its digest checked when a
#     snapshot opens it (about 30 ms per 100k papers), only its size by the page overview;
# "lazy": read on first use (a served page does not need it): present at open, checked when read;
# "derived": cheap to derive again from the paper table: damage means recompute, not fail;
# "optional": may be missing (then computed on first use).
Check = Literal["open", "mapped", "lazy", "derived", "optional"]


@dataclass(frozen=True)
class GenerationFile:
    name: str  # relative to the generation folder; a folder's files are "name/…"
    holds: str
    check: Check


GENERATION_FILES = (
    GenerationFile(
        PAPER_TABLE, "every paper's record (Apache Parquet; qabot.index.paper_table)", "lazy"
    ),
    GenerationFile(
        CHUNK_TABLE,
        "each chunk's id, paper, content key and text span (qabot.index.chunk_table)",
        "open",
    ),
    GenerationFile(
        LEXICAL_DIR,
        "the BM25 index over the chunks' embedded texts (qabot.index.lexical)",
        "mapped",
    ),
    GenerationFile(
        SUMMARY,
        "what the page shows: counts, year span, categories, frequent names (qabot.index.tables)",
        "derived",
    ),
    GenerationFile(
        VOCABULARY,
        "the router's names: authors, owners, categories, affiliations (qabot.index.vocabulary)",
        "derived",
    ),
    GenerationFile(
        TOPICS, "the portfolio's themes, computed at ingest (qabot.portfolio.themes)", "optional"
    ),
    GenerationFile(
        LOCAL_FILES,
        "a replica's own checksums of the tables it rebuilt from a "
        "Chroma server (qabot.index.replica)",
        "optional",
    ),
)

LAZY = frozenset({PAPER_TABLE, LEGACY_PAPER_TABLE})
DERIVED = frozenset(f.name for f in GENERATION_FILES if f.check == "derived")
