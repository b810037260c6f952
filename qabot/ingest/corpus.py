"""Corpus parsing: profile pages, JSONL and bibliographies into `Paper` and `Profile` records.

A corpus is a file or a folder holding any number of:
- profile pages (`*.txt`): a researcher's name and figures, then one block per paper;
- JSONL files (`*.jsonl`): one paper per line;
- bibliographies: BibTeX (`*.bib`), CSL-JSON (`*.json`) and RIS (`*.ris`), read by
  `qabot.ingest.formats`;
- optionally `owner.txt` at the top of the folder: the name of the researcher whose papers the
  files are (`QABOT_OWNER` overrides it), for corpora without a profile page.
Every format and its fields: docs/formats.md.

Malformed records raise or are reported as `CorpusError`s naming the file and line. In the default
mode they are skipped and counted; with `strict=True` the first one fails the load.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qabot.config.groups import CorpusSettings
from qabot.domain.names import normalise_title
from qabot.domain.records import Paper, Profile
from qabot.domain.taxonomy import normalise_category
from qabot.errors import CorpusError, NoAbstractError, UnreadableFileError
from qabot.ingest.formats import READERS
from qabot.ingest.formats.common import doi_url, find_urls, make_paper_id, read_text, split_authors
from qabot.ingest.formats.validate import (
    UNDATED,
    Dated,
    Origin,
    check_year,
    date_from_parts,
    make_paper,
    name_text,
    require,
    shown,
    text,
)

log = logging.getLogger(__name__)

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# "LGNov 20, 2022Code": category, month, day, optional year, optional code badge, glued together
# because the page was copied as text from a web layout.
_PAPER_HEADER = re.compile(
    r"^(?P<cat>[A-Z]{2,4})(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?P<code>Code)?$"
)
_PARTIAL_HEADER = re.compile(r"^[A-Z]{2,4}(?:[A-Z][a-z]{0,2}(?: \d{0,2}(?:,(?: \d{0,4})?)?)?)?$")
_FIGURE_KEY_FIRST = re.compile(r"^(?P<key>[A-Za-z][A-Za-z \-]*?)\s*(?P<val>\d[\d,.]*%?)$")
_FIGURE_VALUE_FIRST = re.compile(r"^(?P<val>\d[\d,]*)\s*(?P<key>[A-Za-z][A-Za-z ]*)$")
_JSONL_FIELDS = {
    "id",
    "title",
    "abstract",
    "authors",
    "date",
    "year",
    "category",
    "affiliations",
    "url",
    "has_code",
    "profile",
    "venue",
    "keywords",
    "doi",
}
# Beside the papers, not one of them: a .txt that is no profile page (see `read_owner`).
OWNER_FILE = "owner.txt"
PROFILE_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = PROFILE_SUFFIXES | JSONL_SUFFIXES | set(READERS)


@dataclass
class CorpusLoad:
    """Everything read from a corpus path, with what was skipped and why."""

    papers: list[Paper] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    errors: list[CorpusError] = field(default_factory=list)
    duplicates: int = 0
    files: list[Path] = field(default_factory=list)
    owner: str | None = None  # named by the corpus folder's owner.txt

    @property
    def skipped(self) -> int:
        return len(self.errors)

    @property
    def no_abstract(self) -> int:
        """Skipped bibliography entries that had no abstract (a subset of `skipped`)."""
        return sum(isinstance(e, NoAbstractError) for e in self.errors)


# --------------------------------------------------------------------------- profile pages


def parse_profile(
    path: Path, settings: CorpusSettings, text: str | None = None
) -> tuple[Profile, list[Paper], list[CorpusError]]:
    """Parse a profile page. Returns the profile, its papers, and the blocks that failed."""
    text = read_text(path) if text is None else text
    lines = [line.rstrip("\r") for line in text.split("\n")]
    headers = [i for i, line in enumerate(lines) if _PAPER_HEADER.match(line.strip())]
    broken = _broken_headers(lines, headers)
    starts = sorted([*headers, *broken])
    head = [ln.strip() for ln in lines[: starts[0] if starts else len(lines)] if ln.strip()]
    if not head:
        raise CorpusError(path, "empty profile: expected the researcher's name on line 1", 1)
    profile = _parse_profile_head(head, path)
    if not headers:
        raise CorpusError(
            path, "no paper blocks found (expected lines like 'LGNov 20, 2022Code')", 1
        )
    papers: list[Paper] = []
    errors: list[CorpusError] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        if start in broken:
            errors.append(_broken_block(lines, start, end, path))
            continue
        try:
            papers.append(_parse_block(lines, start, end, path, profile.name, settings))
        except CorpusError as exc:
            errors.append(exc)
    if papers and not re.search(r"[.!?)\]\"'”]$", papers[-1].abstract):
        log.warning(
            "%s: the last abstract ends mid-sentence (%r); the file may be truncated",
            papers[-1].source,
            papers[-1].abstract[-40:],
        )
    profile.papers_listed = len(papers)
    return profile, papers, errors


def _broken_headers(lines: list[str], headers: list[int]) -> set[int]:
    """Lines that start a paper block but are no complete header: a category alone, or cut
    inside its date ("LG", "AIJul"). Without them the block would be glued onto the abstract
    before it, or read as the profile's figures. Only where a block can start: in a block,
    after its title (a title may be "BERT"); before the first block, a category line followed
    by prose (the page's own category is followed by its figures)."""
    broken: set[int] = set()
    first = headers[0] if headers else len(lines)
    for n, start in enumerate(headers):
        end = headers[n + 1] if n + 1 < len(headers) else len(lines)
        body = [i for i in range(start + 1, end) if lines[i].strip()]
        broken |= {i for i in body[1:] if _PARTIAL_HEADER.match(lines[i].strip())}
    head = [i for i in range(first) if lines[i].strip()]
    for n, i in enumerate(head[1:], 1):
        if not re.fullmatch(r"[A-Z]{2,4}", lines[i].strip()):
            continue
        following = []
        for j in head[n + 1 :]:
            if re.fullmatch(r"[A-Z]{2,4}", lines[j].strip()):
                break
            following.append(lines[j])
        if any(len(line.split()) >= 8 for line in following):
            broken.add(i)
    return broken


def _broken_block(lines: list[str], start: int, end: int, path: Path) -> CorpusError:
    header = lines[start].strip()
    if not any(line.strip() for line in lines[start + 1 : end]):
        return CorpusError(
            path, f"ends with an incomplete paper header {header!r} (truncated file?)", start + 1
        )
    title = next(line.strip() for line in lines[start + 1 : end] if line.strip())
    return CorpusError(
        path,
        f"paper header {header!r} has no date (expected a line like 'LGNov 20, 2022Code'); "
        f"the paper under it ({title[:60]!r}) is skipped",
        start + 1,
    )


def _parse_profile_head(head: list[str], path: Path) -> Profile:
    profile = Profile(name=head[0], source=str(path))
    for line in head[1:]:
        if re.fullmatch(r"[A-Z]{2,4}", line):
            profile.primary_category = line
            continue
        match = _FIGURE_VALUE_FIRST.match(line) or _FIGURE_KEY_FIRST.match(line)
        if not match:
            profile.figures[line] = ""
            continue
        key, val = match["key"].strip().lower(), match["val"]
        number = int(val.replace(",", "")) if re.fullmatch(r"[\d,]+", val) else None
        if key == "h-index":
            profile.h_index = number
        elif key == "papers":
            profile.papers_stated = (
                number if profile.papers_stated is None else profile.papers_stated
            )
        elif key == "citations":
            profile.citations = number
        else:
            profile.figures[match["key"].strip()] = val
    return profile


def _parse_block(
    lines: list[str], start: int, end: int, path: Path, profile: str, settings: CorpusSettings
) -> Paper:
    """A paper block: the header, then the title on the next line, the authors line and the
    abstract, blank lines between them."""
    lineno = start + 1
    origin = Origin(path, lineno)
    header = _PAPER_HEADER.match(lines[start].strip())
    assert header is not None  # start indices come from matching this pattern
    parts = [i for i in range(start + 1, end) if lines[i].strip()]
    if len(parts) < 3:
        line, problem = _missing(lines, start, parts)
        raise origin.at(line).error(problem)
    title, author_line = lines[parts[0]].strip(), lines[parts[1]].strip()
    abstract = " ".join(lines[i].strip() for i in parts[2:])
    # A leading space so that a line of affiliations alone ("· berkeley") has no names.
    names, _, affils = f" {author_line}".partition(" · ")
    authors, truncated = split_authors(names)
    if not authors:
        raise origin.at(parts[1] + 1).error(f"paper {title!r} has an empty authors line")
    year = int(header["year"]) if header["year"] else settings.snapshot_year
    dated = date_from_parts(
        [year, _MONTHS[header["mon"]], int(header["day"])],
        "header",
        lines[start].strip(),
        origin,
        settings,
    )
    return make_paper(
        origin,
        settings,
        title=title,
        abstract=abstract,
        dated=dated,
        authors=authors,
        authors_truncated=truncated,
        affiliations=[a.strip() for a in affils.split(",") if a.strip()],
        category=header["cat"],
        date_inferred=header["year"] is None,
        has_code=header["code"] is not None,
        urls=find_urls(abstract),
        profile=profile,
        profiles=[profile],
    )


def _missing(lines: list[str], start: int, parts: list[int]) -> tuple[int, str]:
    """What a block with fewer than three parts lacks, and the line to point at. The layout
    places the title on the line after the header, so a blank line there is an empty title; a
    part after the title that sits two blank lines below it (an empty line between the
    separators) or reads as prose is the abstract under an empty or left-out authors line."""
    if parts and parts[0] > start + 1:
        return start + 2, "paper block has an empty title line (the line after the header)"
    if len(parts) == 2:
        gap, text = parts[1] - parts[0] - 1, lines[parts[1]].strip()
        title = lines[parts[0]].strip()
        if gap >= 2:  # the authors line is there, and empty
            return parts[0] + 3, f"paper {title!r} has an empty authors line"
        if len(text.split()) >= 12 and text[-1:] in ".!?":  # left out: point at the title
            return parts[0] + 1, f"paper {title!r} has an empty authors line"
    missing = ["title", "authors line", "abstract"][len(parts)]
    return start + 1, f"paper block has no {missing} (truncated file?)"


# --------------------------------------------------------------------------- JSONL


def parse_jsonl(path: Path, settings: CorpusSettings) -> Iterator[Paper | CorpusError]:
    """Yield a Paper per valid line and a CorpusError per malformed one, in file order."""
    text = read_text(path)
    # Split on "\n" only: splitlines() would also break inside strings holding U+2028.
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield CorpusError(path, f"invalid JSON: {exc.msg} (column {exc.colno})", lineno)
            continue
        except RecursionError:  # [[[[…]]]] 100,000 deep: no paper, and no reason to stop
            yield CorpusError(path, "invalid JSON: nested too deeply (over ~1,000 levels)", lineno)
            continue
        try:
            yield _paper_from_record(record, path, lineno, settings)
        except CorpusError as exc:
            yield exc


def _str_list(value: Any, name: str, origin: Origin) -> tuple[list[str], bool]:
    if value is None:
        return [], False
    if isinstance(value, str):
        return (
            split_authors(value)
            if name == "authors"
            else ([v.strip() for v in value.split(",") if v.strip()], False)
        )
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value if v.strip()]
        truncated = bool(items) and name == "authors" and items[-1].lower().rstrip(".") == "et al"
        return (items[:-1] if truncated else items), truncated
    raise origin.wrong_type(name, "a list of strings or a comma string", value)


_JSONL_DATE = re.compile(r"(-?\d+)(?:-(\d+)(?:-(\d+))?)?")


def _jsonl_date(record: dict[str, Any], origin: Origin, settings: CorpusSettings) -> Dated:
    """`date` (YYYY-MM-DD, YYYY-MM or YYYY) and `year`, each checked, and agreeing."""
    date, year = record.get("date"), record.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise origin.wrong_type("year", "an integer", year)
    if date is None or date == "":
        if year is None:
            return UNDATED
        return Dated(None, None, check_year(year, "year", year, origin, settings))
    match = _JSONL_DATE.fullmatch(str(date).strip()) if isinstance(date, (str, int)) else None
    if match is None or isinstance(date, bool):
        raise origin.wrong_type("date", "YYYY-MM-DD, YYYY-MM or YYYY", date)
    dated = date_from_parts(match.groups(), "date", date, origin, settings)
    if year is not None and dated.year != year:
        raise origin.error(f"'year' {year} contradicts 'date' {date}")
    return dated


def _scalar(record: dict[str, Any], key: str, origin: Origin) -> str | None:
    """An optional text field that may also be written as a number (an id, a DOI's digits)."""
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise origin.wrong_type(key, "a string", value)
    return " ".join(str(value).split()) or None


def _paper_from_record(record: Any, path: Path, lineno: int, settings: CorpusSettings) -> Paper:
    if not isinstance(record, dict):
        raise CorpusError(path, f"expected a JSON object, got {type(record).__name__}", lineno)
    origin = Origin(path, lineno)
    title = text(record.get("title"), "title", origin)
    abstract = text(record.get("abstract"), "abstract", origin)
    require(origin, title, abstract)
    unknown = sorted(set(record) - _JSONL_FIELDS)
    if unknown:
        log.warning("%s:%d: ignoring unknown fields %s", path, lineno, ", ".join(unknown))
    authors, truncated = _str_list(record.get("authors"), "authors", origin)
    affiliations, _ = _str_list(record.get("affiliations"), "affiliations", origin)
    dated = _jsonl_date(record, origin, settings)
    has_code = record.get("has_code", False)
    if not isinstance(has_code, bool):
        raise origin.wrong_type("has_code", "true or false", has_code)
    paper_id, category, venue, doi = (
        _scalar(record, key, origin) for key in ("id", "category", "venue", "doi")
    )
    profile = name_text(record.get("profile"), "profile", origin)
    url_field, _ = _str_list(record.get("url"), "url", origin)
    keywords, _ = _str_list(record.get("keywords"), "keywords", origin)
    if doi and not doi_url(doi):
        raise origin.error(f"'doi' must look like 10.1234/abc, got {shown(doi)}")
    return make_paper(
        origin,
        settings,
        title=title,
        abstract=abstract,
        dated=dated,
        paper_id=paper_id or "",
        authors=authors,
        authors_truncated=truncated,
        affiliations=affiliations,
        category=normalise_category(category) if category else None,
        has_code=has_code,
        urls=list(
            dict.fromkeys([*([doi_url(doi)] if doi else []), *url_field, *find_urls(abstract)])
        ),
        venue=venue,
        keywords=keywords,
        profile=profile,
        profiles=[profile] if profile else [],
    )


# --------------------------------------------------------------------------- loading


def corpus_files(root: Path) -> list[Path]:
    """The corpus files under `root`, sorted so ids and duplicate handling are reproducible.

    Symbolic links are followed (a corpus often links in another folder); a link to a folder
    already being read (a loop, or a second way to the same folder) and a broken link are
    skipped, each with a warning naming it."""
    if not root.exists():
        raise CorpusError(root, "corpus path does not exist (set QABOT_CORPUS)")
    if root.is_file():
        return [root]
    files: list[Path] = []
    seen = {root.resolve()}
    for folder, dirs, names in os.walk(root, followlinks=True):
        here, real = Path(folder), Path(folder).resolve()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in list(dirs):
            target = (here / name).resolve()
            if target in seen or real.is_relative_to(target):
                log.warning(
                    "%s: skipped: a link to the folder %s, which is already read "
                    "(a loop, or a second link to it)",
                    here / name,
                    target,
                )
                dirs.remove(name)
            else:
                seen.add(target)
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or name.lower().startswith("readme"):
                continue
            if here == root and name == OWNER_FILE:  # read by `read_owner`
                continue
            if path.is_symlink() and not path.exists():
                log.warning("%s: skipped: a broken link (to %s)", path, os.readlink(path))
                continue
            if path.is_file():
                files.append(path)
    return sorted(files)


def read_owner(root: Path) -> str | None:
    """The owner a corpus folder names in its `owner.txt`: the first line that is neither blank
    nor a `#` comment. None without the file (or for a corpus that is one file: a file beside
    it belongs to no corpus). A profile page names its own owner; this names the owner of
    bibliography and JSONL files, whose entries say only who wrote each paper."""
    path = root / OWNER_FILE
    if not root.is_dir() or not path.is_file():
        return None
    for line in read_text(path).splitlines():
        if (name := " ".join(line.split())) and not name.startswith("#"):
            return name
    log.warning("%s names no one (its lines are blank or # comments); no owner is set", path)
    return None


def load_corpus(root: Path, settings: CorpusSettings | None = None) -> CorpusLoad:
    """Read every profile, JSONL and bibliography file under `root` into deduplicated papers.

    A paper seen again (same id, same DOI, or the same normalised title, in any format) is
    stored once, as first read; files are read in sorted order so the choice is reproducible.
    One explicit id given to two different texts (without a shared DOI) is an error instead.
    """
    settings = settings or CorpusSettings()
    result = CorpusLoad()
    if root.exists():  # a missing corpus is reported by corpus_files, with the variable to set
        result.owner = read_owner(root)
    by_id: dict[str, Paper] = {}
    by_title: dict[str, Paper] = {}
    by_doi: dict[str, Paper] = {}

    def reject(error: CorpusError) -> None:
        if settings.strict:
            raise error
        # Not "skipped": ingest refuses a corpus with a file it cannot read (qabot.ingest.build).
        log.warning("%s" if isinstance(error, UnreadableFileError) else "skipped: %s", error)
        result.errors.append(error)

    def keep(record: Paper) -> str | None:
        """Store a paper once; returns the id it is stored under (None: rejected)."""
        doi = record.doi
        same_doi = by_doi.get(doi) if doi else None
        first = (
            same_doi or by_id.get(record.paper_id) or by_title.get(normalise_title(record.title))
        )
        if first is None:
            by_id[record.paper_id] = record
            by_title[normalise_title(record.title)] = record
            if doi:
                by_doi[doi] = record
            position[record.paper_id] = len(result.papers)
            result.papers.append(record)
            return record.paper_id
        if (
            first.paper_id == record.paper_id
            and same_doi is None
            and record.paper_id != make_paper_id(record.title)  # a slug: same title
            and first.content_hash() != record.content_hash()
        ):
            path_s, _, line = record.source.rpartition(":")
            reject(
                CorpusError(
                    path_s,
                    f"duplicate id {record.paper_id!r} with different content "
                    f"(first seen at {first.source})",
                    int(line) if line.isdigit() else None,
                )
            )
            return None
        log.info("duplicate of %s at %s stored once", first.source, record.source)
        result.duplicates += 1
        # A lab's profiles list shared papers: the one record remembers every profile.
        extra = [p for p in record.profiles if p not in first.profiles]
        if extra:
            merged = first.model_copy(update={"profiles": [*first.profiles, *extra]})
            by_id[first.paper_id] = by_title[normalise_title(first.title)] = merged
            if first.doi:
                by_doi[first.doi] = merged
            result.papers[position[first.paper_id]] = merged
        return first.paper_id

    position: dict[str, int] = {}
    for path in corpus_files(root):
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            reject(
                CorpusError(
                    path,
                    "unsupported file type; expected a .txt profile, .jsonl, "
                    ".bib (BibTeX), .json (CSL-JSON) or .ris",
                )
            )
            continue
        result.files.append(path)
        profile: Profile | None = None
        try:
            if suffix in PROFILE_SUFFIXES:
                profile, papers, errors = parse_profile(path, settings)
                result.profiles.append(profile)
                records: list[Paper | CorpusError] = [*papers, *errors]
            else:
                if suffix in JSONL_SUFFIXES:
                    records = list(parse_jsonl(path, settings))
                else:
                    records = list(READERS[suffix](path, settings))
        except CorpusError as exc:
            reject(exc)
            continue
        for record in records:
            if isinstance(record, CorpusError):
                reject(record)
                continue
            stored = keep(record)
            if profile is not None and stored is not None:
                profile.paper_ids.append(stored)
        if profile is not None:
            profile.paper_ids = list(dict.fromkeys(profile.paper_ids))
    return result
