"""RIS (`.ris`), EndNote's and Zotero's other export, parsed record by record with rispy.

rispy reads a whole file, but it drops a last record that has no `ER  -` line, and a record
whose `ER` is missing swallows the next one (its `TY` becomes just another tag). So the file is
cut at each `TY  -` line first (which also gives every record its line number), and each
record goes to rispy alone; a missing `ER` is then only a warning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy

from qabot.config.groups import CorpusSettings
from qabot.domain.records import Paper
from qabot.errors import CorpusError, NoAbstractError
from qabot.ingest.formats.common import (
    TRUNCATION_NAMES,
    cap_abstract,
    links,
    make_date,
    make_paper_id,
    read_text,
    split_keywords,
    squash,
)

log = logging.getLogger(__name__)

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")


def parse_ris(path: Path, settings: CorpusSettings) -> Iterator[Paper | CorpusError]:
    """Yield a Paper per usable record and a CorpusError per unusable one, in file order."""
    lines = read_text(path).split("\n")
    starts = [i for i, line in enumerate(lines) if _TAG.match(line) and line.startswith("TY")]
    if not starts:
        if any(line.strip() for line in lines):
            raise CorpusError(
                path,
                "no RIS records found (expected a line like 'TY  - JOUR' to start each record)",
                1,
            )
        return
    stray = next((i for i in range(starts[0]) if lines[i].strip()), None)
    if stray is not None:
        log.warning("%s:%d: text before the first 'TY  -' line ignored", path, stray + 1)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        record_lines = [line.rstrip("\r") for line in lines[start:end]]
        closed = next((i for i, line in enumerate(record_lines) if line.startswith("ER  -")), None)
        if closed is None:
            log.warning(
                "%s:%d: RIS record has no 'ER  -' line; read up to %s",
                path,
                start + 1,
                "the next 'TY  -'" if n + 1 < len(starts) else "the end of the file",
            )
            record_lines.append("ER  - ")
        else:
            record_lines = record_lines[: closed + 1]
        try:
            records = rispy.loads("\n".join(record_lines))
            yield _paper(records[0], path, start + 1, settings)
        except CorpusError as exc:
            yield exc
        except Exception as exc:  # noqa: BLE001 - rispy's failures have no common type
            yield CorpusError(
                path, f"RIS record cannot be read ({type(exc).__name__}: {exc})", start + 1
            )


def _first(record: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = " ".join(v for v in value if isinstance(v, str))
        if isinstance(value, str) and squash(value):
            return squash(value)
    return ""


def _name(raw: str) -> str:
    """RIS names are "Last, First[, Suffix]"; shown as "First Last[ Suffix]"."""
    parts = [squash(p) for p in raw.split(",")]
    if len(parts) >= 2 and parts[0] and parts[1]:
        return " ".join([parts[1], parts[0], *[p for p in parts[2:] if p]])
    return squash(raw.replace(",", " "))


def _date(record: dict[str, Any]) -> tuple[Any, str | None, int | None]:
    """DA (YYYY/MM/DD) when it has the year, else PY/Y1 (YYYY or YYYY/MM/DD/other)."""
    for key in ("date", "year", "publication_year"):
        match = _DATE.match(_first(record, key))
        if match:
            year, month, day = (int(p) if p else None for p in match.groups())
            date, precision = make_date(year, month, day)
            return date, precision, year
    return None, None, None


def _paper(record: dict[str, Any], path: Path, line: int, settings: CorpusSettings) -> Paper:
    key = _first(record, "id")
    title = _first(record, "title", "primary_title", "translated_title")
    label = key or title[:60] or "(untitled)"
    if not title:
        raise CorpusError(path, f"{label}: no title (TI or T1)", line)
    abstract = _first(record, "abstract", "notes_abstract")
    if not abstract:
        raise NoAbstractError(path, label, line)
    raw_names = [
        n
        for n in record.get("authors", []) + record.get("first_authors", [])
        if isinstance(n, str) and n.strip()
    ]
    names = [_name(n) for n in raw_names]
    truncated = bool(names) and names[-1].lower() in TRUNCATION_NAMES
    date, precision, year = _date(record)
    abstract = cap_abstract(abstract, f"{path}:{line}", settings)
    urls = [u for u in record.get("urls", []) if isinstance(u, str)]
    venue = _first(record, "secondary_title", "journal_name", "alternate_title3")
    return Paper(
        paper_id=key or make_paper_id(title),
        title=title,
        authors=[n for n in names if n.lower() not in TRUNCATION_NAMES],
        authors_truncated=truncated,
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        year=year,
        abstract=abstract,
        urls=links(urls, _first(record, "doi") or None, abstract),
        venue=venue or None,
        keywords=split_keywords([k for k in record.get("keywords", []) if isinstance(k, str)]),
        source=f"{path}:{line}",
    )
