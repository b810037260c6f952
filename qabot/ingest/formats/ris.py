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
from qabot.errors import CorpusError
from qabot.ingest.formats.common import (
    TRUNCATION_NAMES,
    links,
    read_text,
    split_keywords,
    squash,
)
from qabot.ingest.formats.validate import (
    UNDATED,
    Dated,
    Origin,
    date_from_text,
    make_paper,
    require,
)

log = logging.getLogger(__name__)

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
# The tags a date is read from, in order, and rispy's names for them.
_DATE_TAGS = (("DA", "date"), ("PY", "year"), ("Y1", "publication_year"))


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
            tags: dict[str, int] = {}  # the line of each tag's first use, for messages
            for i, text in enumerate(record_lines):
                if match := _TAG.match(text):
                    tags.setdefault(match[1], start + i + 1)
            yield _paper(records[0], path, start + 1, tags, settings)
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


def _date(
    record: dict[str, Any], tags: dict[str, int], origin: Origin, settings: CorpusSettings
) -> Dated:
    """DA (YYYY/MM/DD/other), else PY or Y1 (YYYY, or YYYY/MM/DD/other); every part checked.
    One with no number at all ("in press") is warned about, and the next one is read."""
    for tag, key in _DATE_TAGS:
        text = _first(record, key)
        if text:
            dated = date_from_text(text, tag, origin.at(tags.get(tag)), settings, separator="/")
            if dated is not None:
                return dated
    return UNDATED


def _paper(
    record: dict[str, Any], path: Path, line: int, tags: dict[str, int], settings: CorpusSettings
) -> Paper:
    key = _first(record, "id")
    title = _first(record, "title", "primary_title", "translated_title")
    origin = Origin(path, line, key or title[:60] or "(untitled)")
    abstract = _first(record, "abstract", "notes_abstract")
    require(origin, title, abstract, "'TI' or 'T1'")
    raw_names = [
        n
        for n in record.get("authors", []) + record.get("first_authors", [])
        if isinstance(n, str) and n.strip()
    ]
    names = [_name(n) for n in raw_names]
    truncated = bool(names) and names[-1].lower() in TRUNCATION_NAMES
    urls = [u for u in record.get("urls", []) if isinstance(u, str)]
    venue = _first(record, "secondary_title", "journal_name", "alternate_title3")
    return make_paper(
        origin,
        settings,
        title=title,
        abstract=abstract,
        dated=_date(record, tags, origin, settings),
        paper_id=key,
        authors=[n for n in names if n.lower() not in TRUNCATION_NAMES],
        authors_truncated=truncated,
        urls=links(urls, _first(record, "doi") or None, abstract),
        venue=venue or None,
        keywords=split_keywords([k for k in record.get("keywords", []) if isinstance(k, str)]),
    )
