"""Bibliography import (qabot.ingest.formats): BibTeX, CSL-JSON and RIS as Google Scholar, DBLP and
Zotero export them; hostile files, each a one-line file:line message; duplicates across
formats; and one round trip per format, from the file to a cited answer."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qabot import QABot
from qabot.config import CorpusSettings
from qabot.domain.records import Paper
from qabot.embeddings.factory import SentenceTransformerEmbeddings
from qabot.errors import CorpusError, NoAbstractError
from qabot.ingest.corpus import CorpusLoad, load_corpus
from qabot.ingest.formats import parse_bibtex
from qabot.interfaces.cli.base import app
from qabot.interfaces.web.ui import answer_messages
from tests.conftest import DATA, make_settings

FORMATS = DATA / "formats"
runner = CliRunner()


def load(path: Path, **settings: object) -> CorpusLoad:
    return load_corpus(path, CorpusSettings(**settings))  # type: ignore[arg-type]


def papers(path: Path) -> dict[str, Paper]:
    return {p.paper_id: p for p in load(path).papers}


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / "corpus" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def bib_entry(key: str = "k", **fields: str) -> str:
    fields.setdefault("title", "A title")
    fields.setdefault("abstract", "An abstract.")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@article{{{key},\n{body}\n}}\n"


def one_bib_paper(tmp_path: Path, **fields: str) -> Paper:
    result = load(write(tmp_path, "one.bib", bib_entry(**fields)))
    assert not result.errors, result.errors
    (paper,) = result.papers
    return paper


# --------------------------------------------------------------------------- BibTeX


def test_zotero_bibtex_maps_every_field() -> None:
    got = papers(FORMATS / "zotero.bib")
    seismic = got["lindqvist_seismic_2021"]  # the entry key is the id
    assert seismic.title == "Seismic signatures of glacier calving at tidewater fronts"
    assert seismic.authors == ["Maja Lindqvist", "Chidi Okafor", "Tomas Brenner"]
    assert (str(seismic.date), seismic.date_precision, seismic.year) == (
        "2021-06-01",
        "month",
        2021,
    )
    assert seismic.venue == "Proceedings of the International Glaciology Workshop"
    assert seismic.keywords == ["calving", "glaciers", "seismology"]
    assert seismic.urls == ["https://doi.org/10.5555/igw.2021.112"]
    assert "signature (<5 Hz) whose" in seismic.abstract, "Zotero's {\\textless} must survive"
    assert "we detect 87% of the visually confirmed" in seismic.abstract

    crevasse = got["muller_bayesian_2020"]
    assert crevasse.authors == ["Jörg Müller", "René Café", "Polar Survey Consortium"]
    assert crevasse.authors_truncated, '"and others" marks a truncated list'
    assert crevasse.venue == "Journal of Glaciology"
    # A bare % and & are text in BibTeX; LaTeX would read a comment and a table column.
    assert "About 50% of observed crevasses propagate within a season;" in crevasse.abstract
    assert crevasse.abstract.endswith("the R&D cost of the survey is reported in full.")
    assert "strain-rate fields – a cheap proxy –" in crevasse.abstract
    # URLs are verbatim: decoding would turn ~ into a space and cut at %20.
    assert crevasse.urls == [
        "https://doi.org/10.1017/jog.2020.42",
        "https://www.example.org/~mueller/crevasse%20model.pdf",
    ]

    drones = got["okafor_self-supervised_2021"]
    assert drones.category == "CV", "primaryClass cs.CV is an arXiv class"
    assert drones.title == "Self-supervised Crevasse Detection from Drone Imagery"
    assert drones.abstract.endswith("Code and data are released.")
    assert "http://arxiv.org/abs/2104.01234" in drones.urls
    assert "https://arxiv.org/abs/2104.01234" not in drones.urls, "one arXiv link, not two"


@pytest.mark.parametrize(
    "name, keys",
    [
        ("scholar.bib", [(1, "lindqvist2021seismic"), (10, "okafor2019acoustic")]),
        (
            "dblp.bib",
            [(1, "DBLP:conf/igw/LindqvistOB21"), (18, "DBLP:journals/corr/abs-2104-01234")],
        ),
        ("zotero.bib", [(47, "brenner_glaciers_2018")]),
    ],
    ids=["google-scholar", "dblp", "zotero-book"],
)
def test_entries_without_an_abstract_are_reported_by_line(
    name: str, keys: list[tuple[int, str]]
) -> None:
    path = FORMATS / name
    result = load(path)
    assert [str(e) for e in result.errors] == [
        f"{path}:{line}: {key}: no abstract" for line, key in keys
    ]
    assert result.no_abstract == result.skipped == len(keys)


def test_strict_fails_on_the_first_entry_without_an_abstract() -> None:
    with pytest.raises(NoAbstractError, match=r"scholar\.bib:1: lindqvist2021seismic: no abstract"):
        load(FORMATS / "scholar.bib", strict=True)


@pytest.mark.parametrize(
    "raw, text",
    [
        (r"The {B}ayesian {M}{\"u}ller Method", "The Bayesian Müller Method"),
        (r"Caf\'e {\&} Bar -- a {{Study}}", "Café & Bar – a Study"),
        (r"``Quoted'' --- and $\alpha$-stable", "“Quoted” — and α-stable"),
        (r"50% of R&D, 20\% of {\textless}5 Hz", "50% of R&D, 20% of <5 Hz"),
        (r"Schr\"{o}dinger {\'E}cole na\"{\i}ve", "Schrödinger École naïve"),
        (r"Line\\%break kept", "Line %break kept"),
        (r"{\textbar}x{\textbar} and CO\textsubscript{2} {\textquoteright}s", "|x| and CO2 ’s"),
    ],
    ids=[
        "protective-braces+umlaut",
        "accent+ampersand+dash",
        "quotes+emdash+math",
        "bare-percent+ampersand",
        "accents-in-braces",
        "escaped-linebreak",
        "zotero-macros",
    ],
)
def test_latex_becomes_unicode(tmp_path: Path, raw: str, text: str) -> None:
    paper = one_bib_paper(tmp_path, title=raw, abstract=raw)
    assert paper.title == text
    assert paper.abstract == text


@pytest.mark.parametrize(
    "raw, names, truncated",
    [
        (
            r"M{\"u}ller, J{\"o}rg and de la Fontaine, Jean-Pierre and others",
            ["Jörg Müller", "Jean-Pierre de la Fontaine"],
            True,
        ),
        ("Ada Lovelace and Alan Turing", ["Ada Lovelace", "Alan Turing"], False),
        (
            "{Barnes and Noble, Inc.} and Smith, Jr., John",
            ["Barnes and Noble, Inc.", "John Smith Jr."],
            False,
        ),
    ],
    ids=["last-first+others", "first-last", "corporate+jr"],
)
def test_authors_become_first_last(
    tmp_path: Path, raw: str, names: list[str], truncated: bool
) -> None:
    paper = one_bib_paper(tmp_path, author=raw)
    assert (paper.authors, paper.authors_truncated) == (names, truncated)


@pytest.mark.parametrize(
    "fields, date, precision",
    [
        ({"year": "2019"}, "2019-01-01", "year"),
        ({"year": "2019", "month": "mar"}, "2019-03-01", "month"),
        ({"year": "2019", "month": "March"}, "2019-03-01", "month"),
        ({"year": "2019", "month": "11"}, "2019-11-01", "month"),
        ({"year": "2019", "month": "Spring"}, "2019-01-01", "year"),
        ({"date": "2020-02-29"}, "2020-02-29", "day"),
        ({}, None, None),
    ],
    ids=[
        "year",
        "month-macro",
        "month-name",
        "month-number",
        "unknown-month",
        "biblatex-date",
        "undated",
    ],
)
def test_year_and_month_become_a_date(
    tmp_path: Path, fields: dict[str, str], date: str | None, precision: str | None
) -> None:
    text = bib_entry(**fields).replace("{mar}", "mar")  # a month macro is written unbraced
    (paper,) = load(write(tmp_path, "d.bib", text)).papers
    assert (str(paper.date) if paper.date else None, paper.date_precision) == (date, precision)


@pytest.mark.parametrize(
    "primary, category",
    [
        ("cs.LG", "LG"),
        ("stat.ML", "ML"),
        ("eess.SY", "SY"),
        pytest.param("hep-th", "hep-th", id="an-archive-without-subjects-stays-whole"),
        pytest.param("physics.ao-ph", "physics.ao-ph", id="another-archive-keeps-its-code"),
        pytest.param("astro-ph.co", "astro-ph.CO", id="in-arxiv-spelling"),
        pytest.param("math.PR", "math.PR", id="math-is-not-cs"),
        ("Robotics", None),
    ],
)
def test_primary_class_is_a_category_only_when_it_is_an_arxiv_class(
    tmp_path: Path, primary: str, category: str | None
) -> None:
    paper = one_bib_paper(
        tmp_path, archivePrefix="arXiv", primaryClass=primary, eprint="2101.00001"
    )
    assert paper.category == category
    assert paper.urls == ["https://arxiv.org/abs/2101.00001"]


def test_unbalanced_braces_cost_one_entry_with_its_line(tmp_path: Path) -> None:
    text = (
        bib_entry("first", title="First paper")
        + "\n"
        + "@inproceedings{broken,\n  title = {Unbalanced {brace},\n  abstract = {Lost.}\n}\n\n"
        + bib_entry("third", title="Third paper")
    )
    path = write(tmp_path, "refs.bib", text)
    result = load(path)
    assert [p.paper_id for p in result.papers] == ["first", "third"]
    (error,) = result.errors
    assert str(error).startswith(f"{path}:6: broken: entry cannot be parsed:")
    assert "unbalanced braces" in str(error) and "\n" not in str(error)


def test_an_unclosed_last_entry_is_reported_not_swallowed(tmp_path: Path) -> None:
    path = write(tmp_path, "refs.bib", bib_entry("ok") + "@article{cut,\n  title = {Cut {off\n")
    result = load(path)
    assert [p.paper_id for p in result.papers] == ["ok"]
    assert str(result.errors[0]).startswith(
        f"{path}:5: cut: entry cannot be parsed: Unexpectedly reached end of file"
    )


def test_a_key_used_twice_keeps_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path, "refs.bib", bib_entry("same", title="One") + bib_entry("same", title="Two")
    )
    result = load(path)
    assert [p.title for p in result.papers] == ["One"]
    assert str(result.errors[0]) == (
        f"{path}:5: same: entry key 'same' is used twice in this file; this one is skipped"
    )


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            "@article{twice,\n  title = {One},\n  title = {Two},\n  abstract = {A}\n}\n",
            "twice: field(s) title given twice",
        ),
        (
            "@article{commas, title = {T}, abstract = {A}, author = {Smith, John, Jr, Extra}}\n",
            "commas: cannot be read: Cannot split the following name `Smith, John, Jr, Extra`",
        ),
        ("@misc{bare}\n", "bare: no title"),
        ("@comment{ an { unclosed comment\n", "@comment: entry cannot be parsed"),
    ],
    ids=["field-twice", "name-with-too-many-commas", "no-fields", "unclosed-comment"],
)
def test_a_bad_entry_is_one_error_and_the_next_one_is_read(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = write(tmp_path, "refs.bib", entry + bib_entry("next", title="The next one"))
    result = load(path)
    assert [p.paper_id for p in result.papers] == ["next"]
    assert str(result.errors[0]).startswith(f"{path}:1: {message}")


@pytest.mark.parametrize(
    "content, message",
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "looks like a binary file (NUL bytes); expected UTF-8 text",
        ),
        (
            "@article{k,\n title = {Caf\xe9},\n}\n".encode("latin-1"),
            "2: is not valid UTF-8 text (byte 0xe9 at column 14)",
        ),
        (b"Just some notes, no entries at all.\n", "1: no BibTeX entries found"),
    ],
    ids=["binary", "latin-1", "no-entries"],
)
def test_a_file_that_is_not_bibtex_is_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = write(tmp_path, "library.bib", content)
    result = load(path.parent)
    assert result.papers == [] and len(result.errors) == 1
    assert str(result.errors[0]).startswith(f"{path}:") and message in str(result.errors[0])


def _big_bibtex(n: int) -> str:
    """A Zotero-like export: protected capitals in every title, some accents and escapes."""
    out = []
    for i in range(n):
        accent = r"M{\"u}ller, J{\"o}rg" if i % 20 == 0 else f"Author{i % 300}, Given"
        latex = r" We report 50\% fewer errors -- at no cost." if i % 10 == 0 else ""
        out.append(
            bib_entry(
                f"key{i}",
                title=f"A {{Study}} of {{Flows}} number {i}",
                author=f"{accent} and Smith, Jane",
                journal="Journal of Flows",
                year=str(1990 + i % 35),
                month="mar",
                doi=f"10.5555/flow.{i}",
                abstract=f"Paper {i} studies gradient flows on manifolds. " * 14 + latex,
            ).replace("{mar}", "mar")
        )
    return "".join(out)


@pytest.mark.slow  # ~15 s on one core: pylatexenc takes ~7 microseconds per character
def test_a_5_mb_export_parses_without_loss(tmp_path: Path) -> None:
    path = write(tmp_path, "big.bib", _big_bibtex(7000))
    assert path.stat().st_size > 5_000_000
    start = time.perf_counter()
    result = load(path)
    seconds = time.perf_counter() - start
    assert len(result.papers) == 7000 and not result.errors
    last = result.papers[-1]
    assert (last.paper_id, last.title, last.year) == (
        "key6999",
        "A Study of Flows number 6999",
        2024,
    )
    assert result.papers[6980].abstract.endswith("We report 50% fewer errors – at no cost.")
    assert result.papers[6980].authors == ["Jörg Müller", "Jane Smith"]
    # bibtexparser decoding every field took 82 s for this file; qabot's reader 10 s.
    assert seconds < 45, f"5 MB took {seconds:.1f} s"


def test_a_5_mb_field_is_cut_before_decoding(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    huge = r"Glaciers {\"u}ber alles. " * 220_000  # 5.5 MB of LaTeX in one abstract
    path = write(tmp_path, "huge.bib", bib_entry("huge", abstract=huge))
    start = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        (paper,) = list(parse_bibtex(path, CorpusSettings(max_abstract_chars=20_000)))
    assert isinstance(paper, Paper) and len(paper.abstract) == 20_000
    assert paper.abstract.startswith("Glaciers über alles.")
    assert f"{path}:1: huge: field 'abstract' of " in caplog.text
    assert time.perf_counter() - start < 30


# --------------------------------------------------------------------------- CSL-JSON


def test_zotero_csl_json_maps_every_field() -> None:
    path = FORMATS / "zotero.json"
    result = load(path)
    got = {p.paper_id: p for p in result.papers}
    acoustic = got["acoustic-monitoring-of-meltwater-channels"]  # Zotero's URI id: a title slug
    assert acoustic.authors == ["Chidi Okafor", "Maja Lindqvist"]
    assert (str(acoustic.date), acoustic.date_precision) == ("2019-09-01", "month")
    assert acoustic.venue == "Journal of Cryosphere Acoustics"
    assert acoustic.keywords == ["hydroacoustics", "subglacial drainage"]
    assert acoustic.urls == [
        "https://doi.org/10.5555/JCA.2019.045",
        "https://example.org/jca/2019/045",
    ]
    inventory = got["glacier-inventory-of-svalbard-2022-release"]
    assert inventory.authors == ["Norwegian Polar Institute"], "{literal} is one name"
    assert (str(inventory.date), inventory.date_precision) == ("2022-06-30", "day")
    assert "muller_bayesian_2020" in got, "a citation-key-like id is kept"
    assert [str(e) for e in result.errors] == [
        f"{path}:29: The Sermilik fjord mooring record, 2015–2020 (item 3): no abstract"
    ]


def test_csl_rich_text_and_raw_dates(tmp_path: Path) -> None:
    item = {
        "id": "r1",
        "title": 'Tracking <i>E. coli</i> in <span class="nocase">meltwater</span>',
        "abstract": "Counts &amp; rates.",
        "issued": {"raw": "2018-05"},
        "container-title": ["Journal of Ice"],
    }
    (paper,) = load(write(tmp_path, "r.json", json.dumps([item]))).papers
    assert paper.title == "Tracking E. coli in meltwater"
    assert paper.abstract == "Counts & rates."
    assert (str(paper.date), paper.date_precision, paper.venue) == (
        "2018-05-01",
        "month",
        "Journal of Ice",
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"items": []}', ":1: is JSON but not CSL-JSON: expected an array of items"),
        ('[\n  {"title": "a",\n   "abstract": }\n]', ":3: invalid JSON: Expecting value"),
        (
            '[\n  {"title": "ok", "abstract": "fine"},\n  "just a string"\n]',
            ":3: item 2 is a JSON str",
        ),
        (
            '[{"title": "t", "abstract": "a", "author": "Ada Lovelace"}]',
            ":1: t (item 1): 'author' must be a list of",
        ),
    ],
    ids=["not-a-list", "invalid-json", "item-not-an-object", "author-not-a-list"],
)
def test_a_bad_csl_json_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "refs.json", content)
    result = load(path)
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(f"{path}{message}")


def test_a_csl_json_nested_100000_deep_is_one_error_and_the_rest_is_read(tmp_path: Path) -> None:
    """Issue 29: json's RecursionError ended the whole ingest with a traceback. Now the file
    is one error naming the line where the nesting runs away, and the other files are read."""
    deep = "[" * 100_000 + "]" * 100_000
    path = write(
        tmp_path, "deep.json", f'[\n  {{"title": "t", "abstract": "a",\n   "x": {deep}}}\n]'
    )
    good = write(tmp_path, "good.json", '[{"title": "Fine", "abstract": "Still read."}]')
    result = load(path.parent)
    assert [p.title for p in result.papers] == ["Fine"], f"{good} is still read"
    assert [str(e) for e in result.errors] == [
        f"{path}:3: invalid JSON: nested too deeply (over ~1,000 levels)"
    ]


# --------------------------------------------------------------------------- RIS


def test_zotero_and_endnote_ris_map_every_field() -> None:
    path = FORMATS / "zotero.ris"
    result = load(path)
    got = {p.paper_id: p for p in result.papers}
    iceberg = got["iceberg-drift-forecasting-with-ocean-reanalysis-ensembles"]
    assert iceberg.authors == ["Tomas Brenner", "Ingrid Haugen"]
    assert (str(iceberg.date), iceberg.date_precision) == ("2022-11-03", "day")
    assert iceberg.venue == "Cold Regions Science and Technology", "T2 before the abbreviation"
    assert iceberg.keywords == ["Icebergs", "Forecasting", "Ensembles"]
    assert iceberg.urls == [
        "https://doi.org/10.1016/j.coldregions.2022.103700",
        "https://example.org/crst/2022/103700",
    ]
    assert not any("\r" in f for f in (iceberg.title, iceberg.abstract, *iceberg.urls))
    firn = got["firn-aquifers-as-a-buffer-for-meltwater-runoff"]  # EndNote style: T1, JO, N2
    assert firn.authors == ["M. Lindqvist", "C. Okafor"]
    assert (firn.year, firn.date_precision, firn.venue) == (2017, "year", "Geophys. Res. Lett.")
    assert "Repeat radar surveys show that the aquifer we studied" in firn.abstract
    assert [str(e) for e in result.errors] == [
        f"{path}:20: Sea ice charting at the Norwegian Ice Service: no abstract"
    ]


RIS_A = "TY  - JOUR\nTI  - Alpha glaciers\nAB  - About alpha glaciers.\nPY  - 2020\n"
RIS_B = "TY  - JOUR\nTI  - Beta glaciers\nAB  - About beta glaciers.\nPY  - 2021\nER  - \n"


@pytest.mark.parametrize(
    "text, line",
    [(RIS_A + RIS_B, 1), (RIS_B + "\n" + RIS_A, 7)],
    ids=["missing-er-then-a-record", "missing-er-at-the-end"],
)
def test_ris_without_er_keeps_both_records_and_says_where(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, text: str, line: int
) -> None:
    path = write(tmp_path, "refs.ris", text)
    with caplog.at_level(logging.WARNING):
        result = load(path)
    assert sorted(p.title for p in result.papers) == ["Alpha glaciers", "Beta glaciers"]
    assert not result.errors
    assert f"{path}:{line}: RIS record has no 'ER  -' line" in caplog.text


def test_a_ris_file_without_records_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "refs.ris", "Title: not RIS at all\nAuthor: nobody\n")
    (error,) = load(path).errors
    assert str(error).startswith(f"{path}:1: no RIS records found")


# --------------------------------------------------------------------------- across formats


def test_duplicates_across_formats_are_stored_once(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("zotero.bib", "zotero.json", "dblp.bib", "scholar.bib"):
        shutil.copy(FORMATS / name, folder / name)
    # The same paper again: RIS without a DOI, its title in another case and punctuation.
    (folder / "again.ris").write_text(
        "TY  - JOUR\nTI  - ACOUSTIC MONITORING OF MELTWATER CHANNELS.\nAB  - Same paper.\nER  - \n"
    )
    result = load(folder)
    titles = [p.title for p in result.papers]
    assert len(titles) == len(set(titles)) == 5
    # muller_bayesian_2020 is in .bib and .json with other text but one DOI (in another case):
    # a duplicate, not an id clash.
    assert result.duplicates == 2
    assert all(isinstance(e, NoAbstractError) for e in result.errors)
    assert result.no_abstract == 6


def test_ingest_summary_counts_entries_without_an_abstract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(FORMATS / "zotero.ris", folder)
    (folder / "library.bib").write_bytes(b"\x00\x01binary\xff")
    (folder / "zotero.json").write_text('{"not": "a list"}')
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(folder), "ingest"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 papers" in result.output
    assert "Skipped 3 record(s): 1 without an abstract, 2 malformed" in result.output
    assert f"{folder / 'library.bib'}: looks like a binary file" in result.output
    assert f"{folder / 'zotero.ris'}:20: Sea ice charting" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(CorpusError, match=r"library\.bib: looks like a binary file"):
        load(
            folder, strict=True
        )  # `ingest --strict` as tests/interfaces/test_cli.py checks it for JSONL


def test_a_corpus_of_scholar_exports_says_why_nothing_was_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(FORMATS / "scholar.bib"), "ingest"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "2 had no abstract (Google Scholar and DBLP exports carry none" in result.output


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "name, question, paper_id, venue",
    [
        (
            "zotero.bib",
            "What share of calving events does the seismic signature detect?",
            "lindqvist_seismic_2021",
            "Proceedings of the International Glaciology Workshop",
        ),
        (
            "zotero.json",
            "How can hydrophones monitor subglacial meltwater discharge?",
            "acoustic-monitoring-of-meltwater-channels",
            "Journal of Cryosphere Acoustics",
        ),
        (
            "zotero.ris",
            "How well does an ocean reanalysis ensemble forecast iceberg drift?",
            "iceberg-drift-forecasting-with-ocean-reanalysis-ensembles",
            "Cold Regions Science and Technology",
        ),
    ],
    ids=["bibtex", "csl-json", "ris"],
)
def test_round_trip_from_file_to_cited_answer(
    tmp_path: Path,
    embeddings: SentenceTransformerEmbeddings,
    name: str,
    question: str,
    paper_id: str,
    venue: str,
) -> None:
    settings = make_settings(tmp_path / "store", corpus=FORMATS / name, llm="extractive")
    bot = QABot(settings, embeddings=embeddings, auto_ingest=False)
    report = bot.ingest()
    assert report.papers >= 2 and report.no_abstract == 1
    answer = bot.ask(question)
    assert not answer.abstained, answer.answer
    cited = answer.citations[0]
    assert cited.paper_id == paper_id, [c.paper_id for c in answer.citations]
    paper = {p.paper_id: p for p in bot.snapshot.papers}[paper_id]
    assert cited.title == paper.title and cited.venue == venue
    card = answer_messages(answer, question, {paper_id: paper})[1]["content"]
    assert venue in card, "the source card shows where it appeared"


def test_bibliographies_follow_the_year_range_and_title_cap(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "refs.bib",
        bib_entry("typo", year="1066") + bib_entry("long", title="Long " * 200, year="2020"),
    )
    result = load(path, max_title_chars=300)
    assert str(result.errors[0]).startswith(f"{path}:2: typo: 'year' 1066 is outside the plausible")
    (paper,) = result.papers
    assert len(paper.title) == 300 and paper.title.endswith("…")


# --------------------------------------------------------------------------- bad values (issue 29)
# One layer (qabot.ingest.formats.validate) judges every format's values: each is read as the
# source means it, or reported as `file:line: [record: ]'field' value what is wrong`.

RANGE = "is outside the plausible publication years 1900–2100 (QABOT_PARSING__YEAR_MIN/YEAR_MAX)"


def csl_item(**fields: object) -> dict[str, object]:
    return {"id": "c1", "title": "A title", "abstract": "An abstract.", **fields}


def load_csl(tmp_path: Path, *items: dict[str, object]) -> tuple[Path, CorpusLoad]:
    path = write(tmp_path, "refs.json", "[\n" + ",\n".join(json.dumps(i) for i in items) + "\n]")
    return path, load(path)


@pytest.mark.parametrize(
    "name, text, message",
    [
        pytest.param(
            "refs.bib",
            bib_entry("big", year="99999"),
            "refs.bib:2: big: 'year' 99999 " + RANGE,
            id="bibtex-year",
        ),
        pytest.param(
            "refs.json",
            '[\n{"id": "c1", "title": "T", "abstract": "A", "issued": {"date-parts": [[99999]]}}\n]',
            "refs.json:2: c1 (item 1): 'issued' {\"date-parts\": [[99999]]}: year 99999 " + RANGE,
            id="csl-date-parts",
        ),
        pytest.param(
            "refs.ris",
            "TY  - JOUR\nTI  - R\nAB  - An abstract.\nDA  - 99999/13/45\nER  - \n",
            "refs.ris:4: R: 'DA' '99999/13/45': year 99999 " + RANGE,
            id="ris-date-the-real-value",
        ),
        pytest.param(
            "papers.jsonl",
            '{"title": "T", "abstract": "A", "year": 99999}\n',
            "papers.jsonl:1: 'year' 99999 " + RANGE,
            id="jsonl-year",
        ),
        pytest.param(
            "p.profile.txt",
            "Ada Lovelace\n\nLGNov 20, 9999\nT\n\nAda Lovelace · x\n\nAn abstract.\n",
            "p.profile.txt:3: 'header' 'LGNov 20, 9999': year 9999 " + RANGE,
            id="profile-header",
        ),
    ],
)
def test_an_implausible_year_is_one_message_in_every_format(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    """The docs promise an implausible year is reported: BibTeX's 99999 was imported undated,
    and RIS's `DA 99999/13/45` was called "year 9999"."""
    path = write(tmp_path, name, text)
    result = load(path)
    assert result.papers == [] and [str(e) for e in result.errors] == [f"{path.parent}/{message}"]


@pytest.mark.parametrize(
    "issued, date, precision",
    [
        pytest.param("2020", "2020-01-01", "year", id="a-string"),
        pytest.param(2020, "2020-01-01", "year", id="a-number"),
        pytest.param({"date-parts": [["2019", "03"]]}, "2019-03-01", "month", id="digit-strings"),
        pytest.param({"date-parts": [[2019, 3, 15], [2019, 4]]}, "2019-03-15", "day", id="range"),
        pytest.param({"raw": "2018-05"}, "2018-05-01", "month", id="raw"),
        pytest.param({"date-parts": [[]]}, None, None, id="empty"),
    ],
)
def test_csl_dates_as_exporters_write_them_are_read(
    tmp_path: Path, issued: object, date: str | None, precision: str | None
) -> None:
    _, result = load_csl(tmp_path, csl_item(issued=issued))
    assert not result.errors, result.errors
    (paper,) = result.papers
    assert (str(paper.date) if paper.date else None, paper.date_precision) == (date, precision)


@pytest.mark.parametrize(
    "issued, problem",
    [
        pytest.param(
            {"date-parts": [["2019", "03", "xx"]]},
            """'issued' {"date-parts": [["2019", "03", "xx"]]}: day 'xx' is not a number""",
            id="day-xx",
        ),
        pytest.param(
            {"date-parts": [[0]]},
            """'issued' {"date-parts": [[0]]}: year 0 """ + RANGE,
            id="year-0",
        ),
        pytest.param(
            {"date-parts": [[float("nan")]]},
            """'issued' {"date-parts": [[NaN]]}: year NaN is not a number""",
            id="nan",
        ),
        pytest.param(
            {"date-parts": [[2019, 13]]},
            """'issued' {"date-parts": [[2019, 13]]}: month 13 is not a month (1–12)""",
            id="month-13",
        ),
        pytest.param(
            {"date-parts": [[2019, 2, 30]]},
            """'issued' {"date-parts": [[2019, 2, 30]]}: day 30 is not a day of February 2019""",
            id="february-30",
        ),
        pytest.param(
            {"raw": "May 2018"},
            "'issued' 'May 2018' is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)",
            id="raw-words-then-a-year",
        ),
        pytest.param(
            [2019],
            "'issued' must be {\"date-parts\": [[year, month, day]]}, got [2019]",
            id="a-list",
        ),
    ],
)
def test_a_csl_date_that_is_no_date_is_reported_not_dropped(
    tmp_path: Path, issued: object, problem: str
) -> None:
    path, result = load_csl(tmp_path, csl_item(issued=issued))
    assert result.papers == []
    assert str(result.errors[0]).startswith(f"{path}:2: c1 (item 1): {problem}")


def test_a_date_in_words_is_warned_about_and_the_paper_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """ "in press" has no date to check: the paper is indexed undated, and the log says so."""
    with caplog.at_level(logging.WARNING):
        path, result = load_csl(tmp_path, csl_item(issued={"literal": "in press"}))
        bib = write(tmp_path, "refs.bib", bib_entry("k", title="Other", year="in press"))
        bib_result = load(bib)
    assert [p.year for p in [*result.papers, *bib_result.papers]] == [None, None]
    assert f"{path}:2: c1 (item 1): 'issued' 'in press' is not a date" in caplog.text
    assert f"{bib}:3: k: 'year' 'in press' is not a year" in caplog.text


def test_a_csl_title_of_several_texts_is_an_error_and_of_one_is_read(tmp_path: Path) -> None:
    """Crossref writes `"title": ["…"]`; which of two texts is the title is not ours to guess
    (it used to be the first, silently)."""
    path, result = load_csl(
        tmp_path,
        csl_item(title=["a", "b"]),
        csl_item(id="c2", title=["Crossref's title"], **{"container-title": ["A journal"]}),
        csl_item(id="c3", title=42),
    )
    assert [(p.title, p.venue) for p in result.papers] == [("Crossref's title", "A journal")]
    assert [str(e) for e in result.errors] == [
        f"""{path}:2: c1 (item 1): 'title' ["a", "b"] is 2 texts; expected one""",
        f"{path}:4: c3 (item 3): 'title' must be text, got 42",
    ]


def test_bibtex_crossref_fields_are_inherited_as_bibtex_does(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = (
        "@inproceedings{child,\n  title = {Child paper},\n  abstract = {About it.},\n"
        "  crossref = {Conf19}\n}\n"
        "@inproceedings{orphan,\n  title = {Orphan paper},\n  abstract = {Alone.},\n"
        "  crossref = {nowhere}\n}\n"
        "@proceedings{conf19,\n  title = {Proceedings of Conf 2019},\n  year = {2019},\n"
        "  month = jun,\n  doi = {10.5555/the-volume}\n}\n"
    )
    path = write(tmp_path, "refs.bib", text)
    with caplog.at_level(logging.WARNING):
        result = load(path)
    child, orphan = result.papers
    assert (child.year, child.date_precision, child.venue) == (
        2019,
        "month",
        "Proceedings of Conf 2019",
    )
    assert child.urls == [], "the volume's DOI is not the paper's"
    assert orphan.year is None
    assert not result.errors, "the volume is no paper, and no skipped record either"
    assert f"{path}:9: orphan: 'crossref' 'nowhere' names no entry in this file" in caplog.text


def test_bibtex_strings_are_resolved_and_an_undefined_one_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = (
        '@string{jml = "Journal of ML"}\n'
        + bib_entry("ok", title="Defined").replace("}\n}", "},\n  journal = jml # { Letters}\n}")
        + bib_entry("typo", title="Undefined").replace("}\n}", "},\n  journal = jmlr\n}")
        + "@article{notitle,\n  title = untitled,\n  abstract = {A.}\n}\n"
    )
    path = write(tmp_path, "refs.bib", text)
    with caplog.at_level(logging.WARNING):
        result = load(path)
    assert [(p.paper_id, p.venue) for p in result.papers] == [
        ("ok", "Journal of ML Letters"),
        ("typo", None),  # was "jmlr": the macro's name as the venue
    ]
    assert f"{path}:10: typo: 'journal' 'jmlr' is an @string that is not defined" in caplog.text
    assert [str(e) for e in result.errors] == [
        f"{path}:13: notitle: 'title' uses the @string 'untitled', which is not defined"
    ]


@pytest.mark.parametrize(
    "month, problem",
    [
        pytest.param("13", "refs.bib:5: k: 'month' 13 is not a month (1–12)", id="month-13"),
        pytest.param("{Spring}", None, id="a-season-is-warned-about"),
    ],
)
def test_a_bibtex_month_is_a_month_or_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, month: str, problem: str | None
) -> None:
    text = bib_entry("k", year="2019").replace("}\n}", f"}},\n  month = {month}\n}}")
    path = write(tmp_path, "refs.bib", text)
    with caplog.at_level(logging.WARNING):
        result = load(path)
    if problem:
        assert [str(e) for e in result.errors] == [f"{path.parent}/{problem}"]
    else:
        assert [p.date_precision for p in result.papers] == ["year"]
        assert f"{path}:5: k: 'month' 'Spring' is not a month" in caplog.text
