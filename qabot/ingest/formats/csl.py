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
from qabot.errors import CorpusError
from qabot.ingest.formats.common import links, read_text, split_keywords, squash
from qabot.ingest.formats.validate import (
    UNDATED,
    Dated,
    Origin,
    date_from_parts,
    date_from_text,
    make_paper,
    require,
    text,
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


def _untagged(value: str) -> str:
    return squash(html.unescape(_RICH_TEXT_TAG.sub("", value)))


def _plain(value: Any, field: str, origin: Origin) -> str:
    """A text variable: rich-text tags and entities dropped (see `text` for what else is
    read, and what is an error)."""
    return _untagged(text(value, field, origin))


def _authors(value: Any, origin: Origin) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        raise origin.wrong_type(
            "author", 'a list of {"family", "given"} or {"literal"} objects', value
        )
    names = []
    for person in value:
        literal = _plain(person.get("literal"), "author", origin)
        name = literal or " ".join(
            _plain(person.get(p), "author", origin) for p in _NAME_PARTS if person.get(p)
        )
        if squash(name):
            names.append(squash(name))
    return names


def _issued(value: Any, origin: Origin, settings: CorpusSettings) -> Dated:
    """`issued` as CSL writes it, {"date-parts": [[2020, 3, 15]]} (numbers or digit strings; a
    second list is the end of a range), else {"raw": "2020-03-15"} or {"literal": "in press"};
    a bare "2020" or 2020 is read as a raw date and a year."""
    if value is None:
        return UNDATED
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return date_from_text(str(value), "issued", origin, settings) or UNDATED
    if not isinstance(value, dict):
        raise origin.wrong_type("issued", '{"date-parts": [[year, month, day]]}', value)
    if "date-parts" in value:
        parts = value["date-parts"]
        if parts in ([], [[]]):
            return UNDATED
        if not isinstance(parts, list) or not isinstance(parts[0], list):
            raise origin.wrong_type("issued", '{"date-parts": [[year, month, day]]}', value)
        return date_from_parts(parts[0][:3], "issued", value, origin, settings)
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return date_from_text(value[key], "issued", origin, settings) or UNDATED
    if value:
        origin.warn("issued", value, "holds no date (no date-parts, raw or literal)")
    return UNDATED


def _paper(item: Any, index: int, path: Path, line: int, settings: CorpusSettings) -> Paper:
    if not isinstance(item, dict):
        raise CorpusError(
            path, f"item {index} is a JSON {type(item).__name__}, expected an object", line
        )
    raw_id = item.get("citation-key") or item.get("id")
    key = str(raw_id).strip() if isinstance(raw_id, (str, int)) and str(raw_id).strip() else ""
    # The label first from what cannot fail, so that every error names the item.
    raw_title = item.get("title")
    readable_title = _untagged(raw_title)[:60] if isinstance(raw_title, str) else ""
    # Zotero's ids are item URIs ("http://zotero.org/users/1/items/AB12"): the title reads better.
    readable = key if key and "/" not in key else readable_title
    origin = Origin(path, line, f"{readable} (item {index})" if readable else f"item {index}")
    title = _plain(raw_title, "title", origin)
    abstract = _plain(item.get("abstract"), "abstract", origin)
    require(origin, title, abstract)
    url, doi = _plain(item.get("URL"), "URL", origin), _plain(item.get("DOI"), "DOI", origin)
    keywords = item.get("keyword")
    return make_paper(
        origin,
        settings,
        title=title,
        abstract=abstract,
        dated=_issued(item.get("issued"), origin, settings),
        paper_id=key if key and "/" not in key else "",
        authors=_authors(item.get("author"), origin),
        urls=links([url], doi or None, abstract),
        venue=_plain(item.get("container-title"), "container-title", origin) or None,
        keywords=split_keywords(
            [_plain(k, "keyword", origin) for k in keywords]
            if isinstance(keywords, list)
            else _plain(keywords, "keyword", origin)
        ),
    )
