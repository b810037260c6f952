"""CSL-JSON (`.json`), Zotero's and Mendeley's export: one JSON array of items.

CSL-JSON is already Unicode, so no LaTeX decoding; its "rich text" may carry a few HTML-like
tags (`<i>E. coli</i>`, `<span class="nocase">`), which are dropped. Errors name the item's
line (found by re-reading the array item by item) and its position in the array.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qabot.config.groups import CorpusSettings
from qabot.domain.records import Paper
from qabot.errors import CorpusError, NoAbstractError
from qabot.ingest.formats.common import (
    cap_abstract,
    links,
    make_date,
    make_paper_id,
    read_text,
    split_keywords,
    squash,
)

_RICH_TEXT_TAG = re.compile(r"</?(?:i|b|em|strong|sup|sub|sc|span)(?:\s[^<>]*)?>", re.I)
_SEPARATORS = re.compile(r"[\s,]*")
_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")


def parse_csl_json(path: Path, settings: CorpusSettings) -> Iterator[Paper | CorpusError]:
    """Yield a Paper per usable item and a CorpusError per unusable one, in array order."""
    text = read_text(path)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            path, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno
        ) from exc
    except RecursionError:  # a value 100,000 deep: this file is skipped, the ingest goes on
        raise CorpusError(
            path, "invalid JSON: nested too deeply (over ~1,000 levels)", _too_deep_line(text)
        ) from None
    if not isinstance(items, list):
        got = {dict: "an object", str: "a string"}.get(type(items), type(items).__name__)
        raise CorpusError(
            path,
            f"is JSON but not CSL-JSON: expected an array of items "
            f"(Zotero: File > Export Library > CSL JSON), got {got}",
            1,
        )
    for index, (item, line) in enumerate(zip(items, _item_lines(text), strict=True), 1):
        try:
            yield _paper(item, index, path, line, settings)
        except CorpusError as exc:
            yield exc


_JSON_NESTING = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{}]')


def _too_deep_line(text: str, limit: int = 500) -> int:
    """The line on which `text` nests deeper than `limit` (what the JSON parser stopped on)."""
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        depth += 1 if token in "[{" else -1 if token in "]}" else 0
        if depth > limit:
            return text.count("\n", 0, match.start()) + 1
    return 1


def _item_lines(text: str) -> list[int]:
    """The line each top-level array item starts on (the array is known to be valid JSON)."""
    decoder = json.JSONDecoder()
    pos = _SEPARATORS.match(text, text.index("[") + 1).end()  # type: ignore[union-attr]
    lines, line, counted = [], 1, 0
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        _, pos = decoder.raw_decode(text, pos)
        pos = _SEPARATORS.match(text, pos).end()  # type: ignore[union-attr]
    return lines


def _plain(value: Any) -> str:
    if isinstance(value, list):  # some exporters write container-title as a list
        value = value[0] if value and isinstance(value[0], str) else ""
    if not isinstance(value, str):
        return ""
    return squash(html.unescape(_RICH_TEXT_TAG.sub("", value)))


def _authors(value: Any, where: tuple[Path, int], label: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        raise CorpusError(
            where[0],
            f'{label}: \'author\' must be a list of {{"family", "given"}} or {{"literal"}} objects',
            where[1],
        )
    names = []
    for person in value:
        literal = _plain(person.get("literal"))
        name = literal or " ".join(_plain(person.get(p)) for p in _NAME_PARTS if person.get(p))
        if squash(name):
            names.append(squash(name))
    return names


def _issued(value: Any) -> tuple[Any, str | None, int | None]:
    """`issued` as {"date-parts": [[2020, 3, 15]]}, or {"raw": "2020-03-15"}."""
    if not isinstance(value, dict):
        return None, None, None
    parts: list[Any] = []
    date_parts = value.get("date-parts")
    if isinstance(date_parts, list) and date_parts and isinstance(date_parts[0], list):
        parts = date_parts[0][:3]
    elif isinstance(value.get("raw"), str):
        parts = re.findall(r"\d+", value["raw"])[:3]
    try:
        numbers = [int(p) for p in parts]  # exporters write them as numbers or as strings
    except (TypeError, ValueError):
        return None, None, None
    if not numbers or not 1000 <= numbers[0] <= 9999:
        return None, None, None
    date, precision = make_date(*numbers)
    return date, precision, numbers[0]


def _paper(item: Any, index: int, path: Path, line: int, settings: CorpusSettings) -> Paper:
    if not isinstance(item, dict):
        raise CorpusError(
            path, f"item {index} is a JSON {type(item).__name__}, expected an object", line
        )
    raw_id = item.get("citation-key") or item.get("id")
    key = str(raw_id).strip() if isinstance(raw_id, (str, int)) and str(raw_id).strip() else ""
    title, abstract = _plain(item.get("title")), _plain(item.get("abstract"))
    # Zotero's ids are item URIs ("http://zotero.org/users/1/items/AB12"): the title reads better.
    readable = key if key and "/" not in key else title[:60]
    label = f"{readable} (item {index})" if readable else f"item {index}"
    if not title:
        raise CorpusError(path, f"{label}: no title", line)
    if not abstract:
        raise NoAbstractError(path, label, line)
    date, precision, year = _issued(item.get("issued"))
    abstract = cap_abstract(abstract, f"{path}:{line}", settings)
    url, doi = _plain(item.get("URL")), _plain(item.get("DOI"))
    paper_id = key if key and "/" not in key else make_paper_id(title)
    return Paper(
        paper_id=paper_id,
        title=title,
        authors=_authors(item.get("author"), (path, line), label),
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        year=year,
        abstract=abstract,
        urls=links([url], doi or None, abstract),
        venue=_plain(item.get("container-title")) or None,
        keywords=split_keywords(_plain(item.get("keyword"))),
        source=f"{path}:{line}",
    )
