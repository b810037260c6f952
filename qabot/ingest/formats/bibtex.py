"""BibTeX (`.bib`) entries as `Paper`s, parsed by bibtexparser 2 and its middleware.

What the middleware does, and the gaps filled here (each pinned by a test in
tests/ingest/test_formats.py, on bibtexparser 2.1.0):
- LaTeX to Unicode is `LatexDecodingMiddleware` (pylatexenc): `{\\"u}`, `\\'e`, `{\\&}`, `--`,
  ``` ``quotes'' ```, protective braces. Gaps: it reads a bare `%` as a LaTeX comment and
  drops the rest of the field ("50% of cases..." becomes "50"), and a bare `&` as a table
  column ("R&D" becomes "R D"), while BibTeX keeps both as text, so bare ones are escaped first; and it would turn `~` in a URL into a non-breaking space, so
  url/doi/eprint stay verbatim; it leaves the list of names in `author` as written. And it
  costs 2 ms per string plus 7 microseconds per character, so fields without markup, or with
  only protective braces, skip it, and repeated strings (names) are decoded once: a 5 MB export
  parses in seconds rather than a minute.
- Names are `SeparateCoAuthors` + `SplitNameParts` (braces protect "{Barnes and Noble}"),
  decoded part by part; "and others" becomes `authors_truncated`, never a name.
- A block the splitter cannot parse (unbalanced braces, a missing comma) becomes a file:line
  error, and parsing resumes at the next `@` that starts a line.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.exceptions import PartialMiddlewareException
from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import LibraryMiddleware, Middleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from qabot.config.groups import CorpusSettings
from qabot.domain.records import Paper
from qabot.errors import CorpusError
from qabot.ingest.formats.common import (
    TRUNCATION_NAMES,
    arxiv_category,
    links,
    read_text,
    split_keywords,
    squash,
)
from qabot.ingest.formats.validate import (
    Dated,
    Origin,
    date_from_text,
    make_paper,
    require,
    with_month,
    year_from_text,
)

log = logging.getLogger(__name__)

_VERBATIM = ("url", "doi", "eprint")
_LATEX_MARKUP = re.compile(r"[\\{}$~]|--|``|''")
_LATEX_BEYOND_BRACES = re.compile(r"[\\$~]|--|``|''")
_BARE_SPECIAL = re.compile(r"(?<!\\)((?:\\\\)*)([%&])")  # after an even run of backslashes
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# BibTeX's predefined macros: the months, as its standard styles spell them out.
_MONTH_MACROS = {m: n for m, n in zip(_MONTHS, calendar.month_name[1:], strict=True)}
# What the resolvers below leave in an entry's parser_metadata for `_paper` to report.
_UNDEFINED = "qabot-undefined-strings"  # {field: the @string name it used}
_CROSSREF = "qabot-crossref"  # (the key named, its line, the entry found or None)
_REFERENCED = "qabot-crossreferenced"  # set on an entry other entries crossref
# Fields a crossref does not pass on: they describe the volume, not the paper in it.
_NOT_INHERITED = {"abstract", "title", "doi", "url", "eprint", "keywords", "crossref", "ids"}


# Text macros that Zotero's BibTeX export writes and pylatexenc 2.11 drops or gets wrong
# ("{\\textless}5 Hz" would read "5 Hz").
_MISSING_MACROS = {
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textunderscore": "_",
    "textminus": "\u2212",
    "textasciicircum": "^",
    "textperiodcentered": "\u00b7",
}


def _decoder() -> LatexNodes2Text:
    """bibtexparser's default decoder (URLs without <>, braces dropped), with math as text
    ("$\\alpha$" -> "α", searchable) and the missing macros added."""
    context = get_default_latex_context_db()
    specs = [MacroTextSpec("url", simplify_repl="%s")]
    specs += [MacroTextSpec(name, simplify_repl=text) for name, text in _MISSING_MACROS.items()]
    context.add_context_category("qabot-bibtex", prepend=True, macros=specs)
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="text")


class _LatexToUnicode(mw.LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding with the gaps above filled. `_transform_python_value_string`
    is the hook its base class defines for subclasses (one call per string and name part)."""

    def __init__(self, path: Path, max_chars: int) -> None:
        super().__init__(decoder=_decoder())
        self._path = path
        self._max_chars = max_chars
        self._decoded: dict[str, tuple[str, str]] = {}

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        verbatim = {f.key: f.value for f in entry.fields if f.key in _VERBATIM}
        for field in entry.fields:
            if isinstance(field.value, str) and len(field.value) > self._max_chars:
                # Decoding is linear but slow; a multi-megabyte field would stall the ingest.
                log.warning(
                    "%s:%d: %s: field %r of %d characters cut to %d before decoding",
                    self._path,
                    (entry.start_line or 0) + 1,
                    entry.key,
                    field.key,
                    len(field.value),
                    self._max_chars,
                )
                field.value = field.value[: self._max_chars]
        block = super().transform_entry(entry, library)
        for key, value in verbatim.items():
            entry.fields_dict[key].value = value
        # The base class decodes a NameParts value but not the list of them that
        # SplitNameParts leaves in `author`, so "M{\"u}ller" would stay as written.
        errors: list[str] = []
        for field in entry.fields:
            if isinstance(field.value, list):
                for name in field.value:
                    if isinstance(name, mw.NameParts):
                        for part in ("first", "von", "last", "jr"):
                            setattr(
                                name, part, self._transform_all_strings(getattr(name, part), errors)
                            )
        if any(errors) and isinstance(block, Entry):
            return MiddlewareErrorBlock(block, PartialMiddlewareException([e for e in errors if e]))
        return block

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if not _LATEX_MARKUP.search(python_string):
            return python_string, ""
        if not _LATEX_BEYOND_BRACES.search(python_string):
            # Only protective braces ("{B}ayesian", most exported titles): dropping them is
            # what pylatexenc does, at a thousandth of the cost.
            return python_string.replace("{", "").replace("}", ""), ""
        if python_string not in self._decoded:  # names repeat across a bibliography
            self._decoded[python_string] = super()._transform_python_value_string(
                _BARE_SPECIAL.sub(r"\1\\\2", python_string)
            )
        return self._decoded[python_string]


def _pieces(value: str) -> list[str]:
    """A field value cut at the `#` that concatenate its parts, outside braces and quotes."""
    pieces, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:i].strip())
            start = i + 1
    return [*pieces, value[start:].strip()]


def _enclosed(piece: str) -> bool:
    return len(piece) >= 2 and (
        (piece[0] == "{" and piece[-1] == "}") or (piece[0] == '"' and piece[-1] == '"')
    )


class _ResolveStrings(LibraryMiddleware):
    """@string references as BibTeX reads them, in place of bibtexparser's (which leaves
    `jml # { 2020}` and an undefined name as the field's text): names are case-insensitive,
    the month macros are predefined, `#` concatenates. A name that no @string defines is
    recorded (`_UNDEFINED`) and its field left out, where BibTeX warns and reads it as empty."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    @classmethod
    def metadata_key(cls) -> str:
        return "qabot-resolve-strings"

    def transform(self, library: Library) -> Library:
        strings: dict[str, str] = {}
        for string in library.strings:  # in file order: a string may use the ones before it
            resolved, _ = self._resolve(str(string.value), strings)
            if resolved is not None:
                strings[string.key.lower()] = resolved
        for entry in library.entries:
            undefined: dict[str, tuple[str, int | None]] = {}
            for field in list(entry.fields):
                if not isinstance(field.value, str):
                    continue
                pieces = _pieces(field.value)
                if len(pieces) == 1 and (_enclosed(pieces[0]) or pieces[0].isdigit()):
                    continue  # the common case, left to RemoveEnclosingMiddleware
                month = field.key.lower() == "month"
                if month and len(pieces) == 1 and pieces[0].lower() in _MONTH_MACROS:
                    continue  # `month = mar`: MonthIntMiddleware reads it
                resolved, missing = self._resolve(field.value, strings)
                if resolved is None:
                    undefined[field.key] = (missing or field.value, field.start_line)
                    entry.pop(field.key)
                else:
                    field.value = "{" + resolved + "}"
            if undefined:
                entry.parser_metadata[_UNDEFINED] = undefined
        return library

    @staticmethod
    def _resolve(value: str, strings: dict[str, str]) -> tuple[str | None, str | None]:
        """The text of a value; (None, the first undefined name) when a name is not defined."""
        out = []
        for piece in _pieces(value):
            if _enclosed(piece):
                out.append(piece[1:-1])
            elif piece.isdigit():
                out.append(piece)
            elif piece.lower() in strings:
                out.append(strings[piece.lower()])
            elif piece.lower() in _MONTH_MACROS:
                out.append(_MONTH_MACROS[piece.lower()])
            else:
                return None, piece
        return "".join(out), None


class _ResolveCrossrefs(LibraryMiddleware):
    """`crossref` as BibTeX resolves it: an entry gets every field it lacks from the entry it
    names in the same file (key case-insensitive), except those that describe that volume
    rather than the paper (`_NOT_INHERITED`); the volume's title becomes the paper's
    `booktitle`, as biblatex maps it. Recorded in `_CROSSREF` for `_paper` to report a key
    that names no entry."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    @classmethod
    def metadata_key(cls) -> str:
        return "qabot-crossref"

    def transform(self, library: Library) -> Library:
        by_key = {entry.key.strip().lower(): entry for entry in library.entries}
        for entry in library.entries:
            field = entry.fields_dict.get("crossref")
            if field is None:
                continue
            key = squash(str(field.value))
            parent = by_key.get(key.lower())
            line = (field.start_line or 0) + 1 if field.start_line is not None else None
            entry.parser_metadata[_CROSSREF] = (key, line, parent not in (None, entry))
            if parent is None or parent is entry:
                continue
            parent.parser_metadata[_REFERENCED] = True
            for inherited in parent.fields:
                if inherited.key not in entry.fields_dict and inherited.key not in _NOT_INHERITED:
                    entry.set_field(Field(inherited.key, inherited.value, inherited.start_line))
            title = parent.fields_dict.get("title")
            if title is not None and "booktitle" not in entry.fields_dict:
                entry.set_field(Field("booktitle", title.value, title.start_line))
        return library


def _parse_stack(path: Path, settings: CorpusSettings) -> list[Middleware]:
    return [
        _ResolveStrings(),
        mw.RemoveEnclosingMiddleware(),  # the {} / "" around values
        mw.NormalizeFieldKeys(),  # "Author", "archivePrefix" -> lower case, as the rest expects
        _ResolveCrossrefs(),
        mw.SeparateCoAuthors(),
        mw.SplitNameParts(),
        # LaTeX markup shrinks when decoded, so the raw cut leaves room for the real cap.
        _LatexToUnicode(path, max_chars=2 * settings.max_abstract_chars),
        mw.MonthIntMiddleware(),
    ]


def parse_bibtex(path: Path, settings: CorpusSettings) -> Iterator[Paper | CorpusError]:
    """Yield a Paper per usable entry and a CorpusError per unusable one, in file order."""
    text = read_text(path)
    splitter_log = logging.getLogger("bibtexparser")
    level = splitter_log.level
    # Its warnings count lines from 0; each failed block is reported below with the right line.
    splitter_log.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(text, parse_stack=_parse_stack(path, settings))
    except Exception as exc:  # noqa: BLE001 - the parser's own bugs come in any type
        raise CorpusError(
            path, f"cannot be parsed as BibTeX ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        splitter_log.setLevel(level)
    if not library.entries and not library.failed_blocks and text.strip():
        raise CorpusError(path, "no BibTeX entries found (expected lines like '@article{key,')", 1)
    for block in library.blocks:
        if isinstance(block, ParsingFailedBlock):
            yield _block_error(block, path)
        elif isinstance(block, Entry):
            if block.parser_metadata.get(_REFERENCED) and "abstract" not in block.fields_dict:
                # A proceedings volume its papers crossref: not a paper, nor a skipped record.
                log.info(
                    "%s:%d: %s: a cross-referenced volume",
                    path,
                    (block.start_line or 0) + 1,
                    block.key,
                )
                continue
            try:
                yield _paper(block, path, settings)
            except CorpusError as exc:
                yield exc


def _block_error(block: ParsingFailedBlock, path: Path) -> CorpusError:
    line = (block.start_line or 0) + 1
    entry = block.ignore_error_block
    key = entry.key if isinstance(entry, Entry) else _raw_key(block.raw)
    if isinstance(block, DuplicateBlockKeyBlock):
        reason = f"entry key {block.key!r} is used twice in this file; this one is skipped"
    elif isinstance(block, DuplicateFieldKeyBlock):
        reason = f"field(s) {', '.join(sorted(block.duplicate_keys))} given twice"
    elif isinstance(block, MiddlewareErrorBlock):  # e.g. a name with too many commas
        reason = f"cannot be read: {' '.join(str(block.error).split())}"
    else:
        why = getattr(block.error, "abort_reason", str(block.error)).strip()
        reason = (
            f"entry cannot be parsed: {why} (unbalanced braces or a missing comma?); "
            "reading resumed at the next entry"
        )
    return CorpusError(path, f"{key}: {reason}", line)


def _raw_key(raw: str | None) -> str:
    """The entry key of a block that failed to parse, else its type ("@comment")."""
    match = re.match(r"\s*(@\w+)\s*[{(]\s*(?:([^,\s{}]+)\s*,)?", raw or "")
    return (match[2] or match[1]) if match else "(unreadable block)"


def _text(entry: Entry, key: str) -> str:
    value = entry.fields_dict.get(key)
    return squash(str(value.value)) if value is not None else ""


def _authors(entry: Entry) -> tuple[list[str], bool]:
    field = entry.fields_dict.get("author")
    if field is None:
        return [], False
    names = [
        squash(p.merge_first_name_first) if isinstance(p, mw.NameParts) else squash(str(p))
        for p in field.value
    ]
    truncated = bool(names) and names[-1].lower() in TRUNCATION_NAMES
    return [n for n in names if n and n.lower() not in TRUNCATION_NAMES], truncated


def _field_origin(entry: Entry, key: str, origin: Origin) -> Origin:
    """The record's origin, at the line of its field `key` (an inherited field's own line)."""
    field = entry.fields_dict.get(key)
    line = field.start_line if field is not None else None
    return origin.at(line + 1 if line is not None else None)


def _date(entry: Entry, origin: Origin, settings: CorpusSettings) -> Dated:
    """From biblatex's `date`, else BibTeX's `year` + `month`; every part checked."""
    date = _text(entry, "date")
    if date:
        dated = date_from_text(date, "date", _field_origin(entry, "date", origin), settings)
        if dated is not None:
            return dated
    year = _text(entry, "year")
    dated = year_from_text(year, "year", _field_origin(entry, "year", origin), settings)
    field = entry.fields_dict.get("month")
    if field is None or dated.year is None:
        return dated
    month, where = field.value, _field_origin(entry, "month", origin)
    if isinstance(month, str):
        text = squash(month)
        head = text.lower()[:3]  # "Mar.", "March--April": the first month named
        if text.isdigit():
            month = int(text)
        elif head in _MONTHS:
            month = _MONTHS.index(head) + 1
        else:
            where.warn("month", month, "is not a month; the paper is dated by its year alone")
            return dated
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise where.invalid("month", month, "is not a month (1–12)")
    return with_month(dated, month)


def _report_references(entry: Entry, origin: Origin) -> None:
    """Warn about what the entry names but the file does not define (see the resolvers)."""
    for key, (name, line) in entry.parser_metadata.get(_UNDEFINED, {}).items():
        key = key.lower()
        where = origin.at(line + 1 if line is not None else None)
        if key in ("title", "abstract"):
            raise where.error(f"'{key}' uses the @string {name!r}, which is not defined")
        where.warn(key, name, "is an @string that is not defined; the field is left out")
    crossref = entry.parser_metadata.get(_CROSSREF)
    if crossref is not None and not crossref[2]:
        origin.at(crossref[1]).warn(
            "crossref", crossref[0], "names no entry in this file; nothing is inherited"
        )


def _paper(entry: Entry, path: Path, settings: CorpusSettings) -> Paper:
    line = (entry.start_line or 0) + 1
    key = entry.key.strip()
    title, abstract = _text(entry, "title"), _text(entry, "abstract")
    origin = Origin(path, line, key or title[:60] or "(no key)")
    _report_references(entry, origin)
    require(origin, title, abstract)
    authors, truncated = _authors(entry)
    dated = _date(entry, origin, settings)
    archive = (_text(entry, "archiveprefix") or _text(entry, "eprinttype")).lower()
    eprint = _text(entry, "eprint")
    url = _text(entry, "url")
    arxiv = [f"https://arxiv.org/abs/{eprint}"] if archive == "arxiv" and eprint not in url else []
    venue = _text(entry, "journal") or _text(entry, "journaltitle") or _text(entry, "booktitle")
    return make_paper(
        origin,
        settings,
        title=title,
        abstract=abstract,
        dated=dated,
        paper_id=key,
        authors=authors,
        authors_truncated=truncated,
        category=arxiv_category(_text(entry, "primaryclass")),
        urls=links([url, *arxiv], _text(entry, "doi") or None, abstract),
        venue=venue or None,
        keywords=split_keywords(_text(entry, "keywords")),
    )
