"""Readers for the bibliography formats researchers already have, by file extension.

Each reader takes a path and the corpus settings and yields, in file order, a `Paper` per
usable record and a `CorpusError` (naming the file and line) per unusable one; a file that
cannot be read at all raises `CorpusError`. `qabot.ingest.corpus` dispatches to them and dedupes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from qabot.config.groups import CorpusSettings
from qabot.domain.records import Paper
from qabot.errors import CorpusError
from qabot.ingest.formats.bibtex import parse_bibtex
from qabot.ingest.formats.csl import parse_csl_json
from qabot.ingest.formats.ris import parse_ris

Reader = Callable[[Path, CorpusSettings], Iterator[Paper | CorpusError]]

READERS: dict[str, Reader] = {
    ".bib": parse_bibtex,
    ".json": parse_csl_json,
    ".ris": parse_ris,
}

__all__ = ["READERS", "Reader", "parse_bibtex", "parse_csl_json", "parse_ris"]
