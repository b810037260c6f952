"""Readers for the bibliography formats researchers already have, by file extension.

Each reader takes a path and the corpus settings and yields, in file order, a `Paper` per
usable record and a `CorpusError` (naming the file and line) per unusable one; a file that
cannot be read at all raises `CorpusError`. `qabot.corpus` dispatches to them and dedupes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from qabot.config import CorpusSettings
from qabot.errors import CorpusError
from qabot.formats.bibtex import parse_bibtex
from qabot.formats.csl import parse_csl_json
from qabot.formats.ris import parse_ris
from qabot.models import Paper

Reader = Callable[[Path, CorpusSettings], Iterator[Paper | CorpusError]]

READERS: dict[str, Reader] = {
    ".bib": parse_bibtex,
    ".json": parse_csl_json,
    ".ris": parse_ris,
}

__all__ = ["READERS", "Reader", "parse_bibtex", "parse_csl_json", "parse_ris"]
