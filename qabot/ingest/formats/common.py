"""Helpers every corpus reader shares: reading a file as text, ids, titles and links (values
are judged in `validate`).

They live below the readers (and below `qabot.ingest.corpus`, which dispatches to the readers) so the
import graph stays one-way.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from pathlib import Path

from qabot.config.groups import CorpusSettings
from qabot.domain.names import normalise_title
from qabot.domain.records import DOI_URL
from qabot.domain.taxonomy import normalise_category
from qabot.errors import CorpusError, UnreadableFileError

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_ET_AL = re.compile(r"\s*(,\s*)?et al\.?\s*$", re.IGNORECASE)
# "10.1000/xyz", optionally written as a link or with a "doi:" prefix.
_DOI = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}(?:\.\d+)*/\S+)$", re.I
)
# arXiv subject classes: an archive, with a subject class where the archive has them
# ("cs.LG", "stat.ML", "astro-ph.CO", "hep-th").
_ARXIV_ARCHIVES = (
    "cs|math|stat|physics|eess|econ|q-bio|q-fin|astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph"
    "|hep-th|math-ph|nlin|nucl-ex|nucl-th|quant-ph"
)
_ARXIV_CLASS = re.compile(rf"^(?:{_ARXIV_ARCHIVES})(?:\.[A-Za-z-]{{2,}})?$")
# Names that only say "the list goes on": BibTeX's "and others" and its spellings.
TRUNCATION_NAMES = {"others", "et al", "et al.", "et. al.", "etal"}


def read_text(path: Path) -> str:
    """The file as text: UTF-8, or UTF-16/32 with a byte-order mark; anything else (binary,
    UTF-16 without a mark, Latin-1) is a `CorpusError` saying what it looks like."""
    try:
        data = path.read_bytes()
    except OSError as exc:  # ingest refuses to drop its papers (UnreadableFileError)
        reason = f"cannot be read ({exc.strerror or type(exc).__name__})"
        raise UnreadableFileError(path, reason) from exc
    for bom, encoding in _BOMS:  # a byte-order mark says exactly how the text is encoded
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count("\n".encode(encoding)) + 1
                raise CorpusError(
                    path, f"is not valid {encoding.upper()} text despite its byte-order mark", line
                ) from exc
    if b"\x00" in data[:65536]:
        if (utf16 := _looks_utf16(data[:65536])) is not None:
            raise CorpusError(
                path,
                f"looks like UTF-16{utf16} text without a byte-order mark; "
                "save it as UTF-8 (or as UTF-16 with a BOM)",
            )
        raise CorpusError(path, "looks like a binary file (NUL bytes); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise CorpusError(
            path,
            f"is not valid UTF-8 text (byte 0x{data[exc.start]:02x} at column "
            f"{column}): re-save it as UTF-8, or is it a binary file?",
            line,
        ) from exc


_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _looks_utf16(head: bytes) -> str | None:
    """ "LE" or "BE" if the bytes read as mostly-ASCII UTF-16 (a NUL in every other byte)."""
    head = head[: len(head) // 2 * 2]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, name, encoding in ((odd, "LE", "utf-16-le"), (even, "BE", "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                head.decode(encoding)
            except UnicodeDecodeError:
                continue
            return f" ({name})"
    return None


def _cap(text: str, what: str, where: str, limit: int, variable: str, mark: str = "") -> str:
    """`text` cut to `limit` characters (the last one `mark` when given), with a warning."""
    if len(text) <= limit:
        return text
    log.warning("%s: %s of %d characters cut to %d (%s)", where, what, len(text), limit, variable)
    return text[: limit - len(mark)].rstrip() + mark if mark else text[:limit]


def cap_abstract(abstract: str, where: str, settings: CorpusSettings) -> str:
    return _cap(
        abstract,
        "abstract",
        where,
        settings.max_abstract_chars,
        "QABOT_PARSING__MAX_ABSTRACT_CHARS",
    )


def cap_title(title: str, where: str, settings: CorpusSettings) -> str:
    # Capped like abstracts: a 5,000-character title would swamp every chunk it is embedded
    # with (so the paper is never found) and be printed whole with every citation.
    return _cap(
        title, "title", where, settings.max_title_chars, "QABOT_PARSING__MAX_TITLE_CHARS", mark="…"
    )


def make_paper_id(title: str) -> str:
    """A readable slug of the title; long titles get a hash suffix so ids stay unique."""
    slug = normalise_title(title).replace(" ", "-") or "untitled"
    if len(slug) <= 64:
        return slug
    digest = hashlib.sha1(normalise_title(title).encode()).hexdigest()[:8]
    return f"{slug[:55].rstrip('-')}-{digest}"


def find_urls(text: str) -> list[str]:
    urls = [u.rstrip(".,;:") for u in _URL.findall(text)]
    return list(dict.fromkeys(urls))


def split_authors(text: str) -> tuple[list[str], bool]:
    """Split an author list; a trailing "et al." becomes the truncation flag, never a name."""
    truncated = bool(_ET_AL.search(text))
    text = _ET_AL.sub("", text)
    names = [n.strip() for n in re.split(r",|;|\band\b", text) if n.strip()]
    return names, truncated


def squash(text: str) -> str:
    """Runs of whitespace (newlines of a wrapped field, non-breaking spaces) as one space."""
    return " ".join(text.split())


def doi_url(value: str) -> str | None:
    """A DOI, bare or as a link, as https://doi.org/...; None if it is not a DOI."""
    match = _DOI.match(value.strip())
    return f"https://doi.org/{match['doi']}" if match else None


def links(urls: list[str], doi: str | None, abstract: str) -> list[str]:
    """The paper's links, DOI first (the most stable), then the source's own, then any in the
    abstract; each once. A link that *is* a DOI is written the same way as the DOI field."""
    out = [doi_url(doi)] if doi else []
    for url in urls:
        url = url.strip()
        if DOI_URL.match(url) or url.lower().startswith("doi:"):
            out.append(doi_url(url) or url)
        elif url.startswith(("http://", "https://")):
            out.append(url)
    unique: dict[str, str] = {}  # DOIs compare case-insensitively; other URLs do not
    for url in [*out, *find_urls(abstract)]:
        if url:
            unique.setdefault(url.lower() if DOI_URL.match(url) else url, url)
    return list(unique.values())


def arxiv_category(value: str | None) -> str | None:
    """ "cs.LG" -> "LG", "physics.ao-ph" -> "physics.ao-ph" when `value` is an arXiv subject
    class, else None."""
    if not value or not _ARXIV_CLASS.match(value.strip()):
        return None
    return normalise_category(value)


def split_keywords(value: str | list[str] | None) -> list[str]:
    """Keywords as exports write them: one string with ',' or ';' between, or a list."""
    if not value:
        return []
    parts = value if isinstance(value, list) else re.split(r"[;,]", value)
    return list(dict.fromkeys(squash(p) for p in parts if p and squash(p)))
