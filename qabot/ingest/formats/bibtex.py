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

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.exceptions import PartialMiddlewareException
from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from qabot.config.groups import CorpusSettings
from qabot.domain.records import Paper
from qabot.errors import CorpusError, NoAbstractError
from qabot.ingest.formats.common import (
    TRUNCATION_NAMES,
    arxiv_category,
    cap_abstract,
    links,
    make_date,
    make_paper_id,
    read_text,
    split_keywords,
    squash,
)

log = logging.getLogger(__name__)

_VERBATIM = ("url", "doi", "eprint")
_LATEX_MARKUP = re.compile(r"[\\{}$~]|--|``|''")
_LATEX_BEYOND_BRACES = re.compile(r"[\\$~]|--|``|''")
_BARE_SPECIAL = re.compile(r"(?<!\\)((?:\\\\)*)([%&])")  # after an even run of backslashes
_YEAR = re.compile(r"\b(\d{4})\b")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


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


def _parse_stack(path: Path, settings: CorpusSettings) -> list[Middleware]:
    return [
        *mw.default_parse_stack(),  # @string references, then the {} / "" around values
        mw.NormalizeFieldKeys(),  # "Author", "archivePrefix" -> lower case, as the rest expects
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


def _date(entry: Entry) -> tuple[Any, str | None, int | None]:
    """(date, precision, year) from biblatex's `date` or BibTeX's year + month."""
    iso = _ISO_DATE.match(_text(entry, "date"))
    if iso:
        parts = [int(p) if p else None for p in iso.groups()]
        date, precision = make_date(*parts)
        return date, precision, parts[0]
    year_match = _YEAR.search(_text(entry, "year"))  # "2020", "{2020}", "2020a", "in press 2021"
    year = int(year_match[1]) if year_match else None
    month_field = entry.fields_dict.get("month")
    month = month_field.value if month_field is not None else None
    if isinstance(month, str):  # "Mar.", "March--April": the first month named
        names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        head = month.strip().lower()[:3]
        month = names.index(head) + 1 if head in names else None
    date, precision = make_date(year, month if isinstance(month, int) else None)
    return date, precision, year


def _paper(entry: Entry, path: Path, settings: CorpusSettings) -> Paper:
    line = (entry.start_line or 0) + 1
    key = entry.key.strip()
    title, abstract = _text(entry, "title"), _text(entry, "abstract")
    if not title:
        raise CorpusError(path, f"{key or '(no key)'}: no title", line)
    if not abstract:
        raise NoAbstractError(path, key or title[:60], line)
    authors, truncated = _authors(entry)
    date, precision, year = _date(entry)
    archive = (_text(entry, "archiveprefix") or _text(entry, "eprinttype")).lower()
    eprint = _text(entry, "eprint")
    url = _text(entry, "url")
    arxiv = [f"https://arxiv.org/abs/{eprint}"] if archive == "arxiv" and eprint not in url else []
    abstract = cap_abstract(abstract, f"{path}:{line}", settings)
    venue = _text(entry, "journal") or _text(entry, "journaltitle") or _text(entry, "booktitle")
    return Paper(
        paper_id=key or make_paper_id(title),
        title=title,
        authors=authors,
        authors_truncated=truncated,
        category=arxiv_category(_text(entry, "primaryclass")),
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        year=year,
        abstract=abstract,
        urls=links([url, *arxiv], _text(entry, "doi") or None, abstract),
        venue=venue or None,
        keywords=split_keywords(_text(entry, "keywords")),
        source=f"{path}:{line}",
    )
