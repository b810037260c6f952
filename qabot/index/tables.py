"""A generation's derived tables: the paper table (Parquet), its page summary and the router's vocabulary."""

from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from qabot.domain.records import Paper, Profile
from qabot.index.checksums import (
    FileSum,
    check_bytes,
)
from qabot.index.layout import PAPER_TABLE, SUMMARY, VOCABULARY
from qabot.index.manifest import Manifest
from qabot.index.paper_table import PaperTable, parse, table_file, write_table
from qabot.index.vocabulary import Vocabulary

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

SUMMARY_AUTHORS = 2000  # a field lists 100k+ people; the page offers the most frequent


class IndexSummary(BaseModel):
    """What the page header and filter controls need, written beside the paper table at ingest
    so that serving a page never waits for 100k papers to be parsed."""

    papers: int
    year_min: int | None = None
    year_max: int | None = None
    categories: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list, description="The most listed, by name.")
    affiliations: list[str] = Field(default_factory=list, description="The most listed.")


def summarize(papers: list[Paper]) -> IndexSummary:
    years = [p.year for p in papers if p.year is not None]
    counts = Counter(a for p in papers for a in p.authors)
    affiliations = Counter(a for p in papers for a in p.affiliations)
    return IndexSummary(
        papers=len(papers),
        year_min=min(years, default=None),
        year_max=max(years, default=None),
        categories=sorted({p.category for p in papers if p.category}),
        authors=sorted(a for a, _ in counts.most_common(SUMMARY_AUTHORS)),
        affiliations=sorted(a for a, _ in affiliations.most_common(SUMMARY_AUTHORS)),
    )


def write_paper_table(
    folder: Path, papers: list[Paper], profiles: list[Profile], owner: str | None = None
) -> None:
    """The paper table (Parquet), its summary and the router's vocabulary: what a start-up
    would otherwise derive from every paper before answering."""
    write_table(folder / PAPER_TABLE, papers)
    for name, data in derived_files(papers, profiles, owner).items():
        replace_file(folder / name, data)


def derived_files(
    papers: list[Paper], profiles: list[Profile], owner: str | None = None
) -> dict[str, bytes]:
    """The contents of the files derived from the paper table: the page summary and the
    router's vocabulary (`qabot ingest` rewrites a live generation's when they differ)."""
    return {
        SUMMARY: summarize(papers).model_dump_json().encode(),
        VOCABULARY: Vocabulary.from_papers(papers, profiles, owner).to_json(),
    }


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` atomically: a derived file may be rewritten in a live generation."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_paper_table(folder: Path) -> PaperTable:
    """A generation's papers, from whichever table it has (raises OSError, ValueError)."""
    name = table_file(folder)
    return parse(name, (folder / name).read_bytes())


def read_summary(
    folder: Path, manifest: Manifest, recorded: dict[str, FileSum]
) -> IndexSummary | None:
    """The summary ingest wrote, or None when it is missing, damaged or not this generation's."""
    try:
        data = (folder / SUMMARY).read_bytes()
        if check_bytes(SUMMARY, data, recorded):
            return None
        summary = IndexSummary.model_validate_json(data)
    except (OSError, ValueError):
        return None
    return summary if summary.papers == manifest.papers else None
