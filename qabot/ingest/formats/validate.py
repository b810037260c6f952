"""The one place a corpus value is judged, for every reader: profile pages and JSONL
(`qabot.ingest.corpus`), BibTeX, CSL-JSON and RIS (this package). A value is either read as the
source means it or reported, always in one style,

    file:line: [record: ]'field' <value> <what is wrong>        (or: 'field' must be …, got …)

where `record` is what a bibliography calls the entry (its key, or its title and position) and
the line is the field's own where the reader knows it, else the record's.

Two outcomes, the same in every format (docs/formats.md, "Bad values"):
- an **error** (a `CorpusError`: the record is skipped and counted, and `--strict` stops the
  ingest) when the paper cannot be indexed as its source states it: no title or abstract, a
  value of the wrong type, a year outside the plausible ones (`QABOT_PARSING__YEAR_MIN/MAX`), a
  date part that is not a number, a month or a day of that month;
- a **warning** naming the file and line (the paper is kept) when the source gives a date as
  words with no number in them ("in press", "forthcoming") or a month as a season, and
  when a bibliography refers to what it does not define (an `@string` macro, a `crossref`):
  the paper is indexed without that value, as BibTeX itself does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qabot.config.groups import CorpusSettings
from qabot.domain.records import Paper
from qabot.errors import CorpusError, NoAbstractError
from qabot.ingest.formats.common import cap_abstract, cap_title, make_paper_id, squash

log = logging.getLogger(__name__)

YEAR_RANGE_VARIABLES = "QABOT_PARSING__YEAR_MIN/YEAR_MAX"
_PARTS = ("year", "month", "day")
# "2020-03-15", "2020-03", "2020" and the like, at the start of a date written as text.
_ISO_START = re.compile(r"^\s*(-?\d+)(?:-(\d+)(?:-(\d+))?)?")


@dataclass(frozen=True)
class Origin:
    """Where a record is: its file, the line it starts on, and what its source calls it."""

    path: Path
    line: int | None
    label: str = ""  # a BibTeX key, "Title (item 3)"; empty where the line says it all

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"

    def at(self, line: int | None) -> Origin:
        """The same record, pointing at one of its lines (a field's own)."""
        return self if line is None else replace(self, line=line)

    def error(self, reason: str) -> CorpusError:
        return CorpusError(
            self.path, f"{self.label}: {reason}" if self.label else reason, self.line
        )

    def bad(self, field: str, value: Any, reason: str) -> CorpusError:
        """`'DA' '99999/13/45': year 99999 is outside …`: the value, then what is wrong in it."""
        return self.error(f"'{field}' {shown(value)}: {reason}")

    def invalid(self, field: str, value: Any, reason: str) -> CorpusError:
        """`'DA' 'June 2020' is not a date (…)`: what is wrong with the value as a whole."""
        return self.error(f"'{field}' {shown(value)} {reason}")

    def wrong_type(self, field: str, expected: str, value: Any) -> CorpusError:
        """`'profile' must be a name (text), got 123`."""
        return self.error(f"'{field}' must be {expected}, got {shown(value)}")

    def warn(self, field: str, value: Any, reason: str) -> None:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        label = f"{self.label}: " if self.label else ""
        log.warning("%s: %s'%s' %s %s", where, label, field, shown(value), reason)


def shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: text in quotes, numbers bare, the rest as JSON."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, float) and not math.isfinite(value):
        text = str(value).replace("nan", "NaN").replace("inf", "Infinity")
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- text


def text(value: Any, field: str, origin: Origin) -> str:
    """One piece of text, whitespace squashed; "" when absent. A list of exactly one text is
    read as that text (Crossref's CSL-JSON writes `"title": ["…"]`); a list of several is an
    error rather than a guess at which one is meant, and so is any other type."""
    if value is None:
        return ""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        value = value[0]
    if isinstance(value, str):
        return squash(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        raise origin.invalid(field, value, f"is {len(value)} texts; expected one")
    raise origin.wrong_type(field, "text", value)


def name_text(value: Any, field: str, origin: Origin) -> str | None:
    """A name that must be text (JSONL's `profile`): "" and None are no name; a number, true
    or a list is an error, not a name nobody wrote."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise origin.wrong_type(field, "a name (text)", value)
    return squash(value) or None


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Dated:
    date: dt.date | None = None
    precision: str | None = None
    year: int | None = None


UNDATED = Dated()


def check_year(year: int, field: str, value: Any, origin: Origin, settings: CorpusSettings) -> int:
    """Refuse a year no paper can have (-300, 0, 9999, 3000000000): it is a typo, and an
    out-of-range number would also break every filtered query on the index."""
    if settings.year_min <= year <= settings.year_max:
        return year
    span = f"outside the plausible publication years {settings.year_min}–{settings.year_max}"
    if _is_bare(value, year):
        raise origin.error(f"'{field}' {year} is {span} ({YEAR_RANGE_VARIABLES})")
    raise origin.bad(field, value, f"year {year} is {span} ({YEAR_RANGE_VARIABLES})")


def _is_bare(value: Any, year: int) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value == year) or (
        isinstance(value, str) and value.strip() == str(year)
    )


def _number(part: Any) -> int | None:
    """A date part written as a number or as digits; None for anything else (NaN, "xx")."""
    if isinstance(part, bool):
        return None
    if isinstance(part, int):
        return part
    if isinstance(part, float):
        return int(part) if math.isfinite(part) and part.is_integer() else None
    if isinstance(part, str) and re.fullmatch(r"\s*-?\d+\s*", part):
        return int(part)
    return None


def _absent(part: Any) -> bool:
    return part is None or (isinstance(part, str) and not part.strip())


def date_from_parts(
    parts: Sequence[Any], field: str, value: Any, origin: Origin, settings: CorpusSettings
) -> Dated:
    """A date from its year, month and day as the source gave them (numbers or digits; a
    missing part ends it: precision is "year", "month" or "day"). `value` is the whole field,
    quoted in messages. Every part is checked: a year outside the plausible ones, a part that
    is not a number, month 13 or June 31 is an error."""
    numbers: list[int] = []
    for name, part in zip(_PARTS, parts, strict=False):
        if _absent(part):
            break
        number = _number(part)
        if number is None:
            raise origin.bad(field, value, f"{name} {shown(part)} is not a number")
        numbers.append(number)
    if not numbers:
        return UNDATED
    year = check_year(numbers[0], field, value, origin, settings)
    if len(numbers) == 1:
        return Dated(dt.date(year, 1, 1), "year", year)
    month = numbers[1]
    if not 1 <= month <= 12:
        raise origin.bad(field, value, f"month {month} is not a month (1–12)")
    if len(numbers) == 2:
        return Dated(dt.date(year, month, 1), "month", year)
    day, last = numbers[2], calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise origin.bad(
            field,
            value,
            f"day {day} is not a day of {calendar.month_name[month]} {year} (1–{last})",
        )
    return Dated(dt.date(year, month, day), "day", year)


def date_from_text(
    value: str,
    field: str,
    origin: Origin,
    settings: CorpusSettings,
    separator: str = "-",
) -> Dated | None:
    """A date written as text: "2020-03-15" (biblatex, CSL's `raw`; a range "2019/2020" is read
    from its start) or, with `separator="/"`, RIS's "2020/03/15/other". None when the text has
    no number at all ("in press", "forthcoming"), after a warning: the caller may look at
    another field. Text that has numbers but does not start with a year is an error."""
    stripped = value.strip()
    if not stripped:
        return UNDATED
    if separator == "/":
        parts: list[Any] = stripped.split("/")[:3]
        if _number(parts[0]) is None and re.search(r"\d", stripped):
            raise origin.invalid(field, value, "is not a date (expected YYYY/MM/DD)")
    else:
        start = _ISO_START.match(stripped.split("/")[0])
        if start is None and re.search(r"\d", stripped):
            raise origin.invalid(
                field, value, "is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)"
            )
        parts = list(start.groups()) if start else []
    if not parts or _number(parts[0]) is None:
        origin.warn(field, value, "is not a date; the paper is indexed without one")
        return None
    return date_from_parts(parts, field, value, origin, settings)


def year_from_text(value: str, field: str, origin: Origin, settings: CorpusSettings) -> Dated:
    """BibTeX's `year`, which is text: its first number is the year ("2020", "2020a", "in press
    2021"); text with no number is warned about and leaves the paper undated."""
    number = re.search(r"-?\d+", value)
    if number is None:
        if value.strip():
            origin.warn(field, value, "is not a year; the paper is indexed without a date")
        return UNDATED
    year = check_year(int(number[0]), field, value, origin, settings)
    return Dated(dt.date(year, 1, 1), "year", year)


def with_month(dated: Dated, month: int) -> Dated:
    """A year-precision date narrowed to a (valid) month."""
    if dated.year is None:
        return dated
    return Dated(dt.date(dated.year, month, 1), "month", dated.year)


# --------------------------------------------------------------------------- the paper


def require(origin: Origin, title: str, abstract: str, title_fields: str = "'title'") -> None:
    """A title and an abstract, checked before any other field, so that an entry without an
    abstract is counted as such (`NoAbstractError`) whatever else is wrong with it."""
    if not title:
        raise origin.error(f"no title ({title_fields} is missing or empty)")
    if not abstract:
        raise NoAbstractError(origin.path, origin.label or title[:60], origin.line)


def make_paper(
    origin: Origin,
    settings: CorpusSettings,
    *,
    title: str,
    abstract: str,
    dated: Dated = UNDATED,
    paper_id: str = "",
    **fields: Any,
) -> Paper:
    """The record every reader ends with (after `require`): title and abstract capped with a
    warning, the checked date, and the source `file:line`."""
    require(origin, title, abstract)
    title = cap_title(title, origin.source, settings)
    return Paper(
        paper_id=paper_id or make_paper_id(title),
        title=title,
        abstract=cap_abstract(abstract, origin.source, settings),
        date=dated.date,
        date_precision=dated.precision,  # type: ignore[arg-type]
        year=dated.year,
        source=origin.source,
        **fields,
    )
