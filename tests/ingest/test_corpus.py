"""Corpus parsing: the bundled profile, the JSONL schema, malformed input and duplicates."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from qabot.config import CorpusSettings
from qabot.errors import CorpusError
from qabot.ingest.corpus import load_corpus, parse_profile
from qabot.ingest.formats.common import make_paper_id
from tests.conftest import LAB_PROFILE, PROFILE, paper_record


def _by_title(papers, title):  # type: ignore[no-untyped-def]
    return next(p for p in papers if p.title == title)


def test_profile_gives_exactly_the_50_listed_papers() -> None:
    profile, papers, errors = parse_profile(PROFILE, CorpusSettings())
    assert errors == []
    assert len(papers) == 50
    assert len({p.paper_id for p in papers}) == 50, "paper ids must be unique"
    # Independent count: every block starts with a header line like "LGNov 20, 2022Code".
    headers = re.findall(r"^[A-Z]{2,4}[A-Z][a-z]{2} \d", PROFILE.read_text(), re.M)
    assert len(headers) == 50


def test_profile_figures_keep_stated_and_listed_counts_apart() -> None:
    profile, papers, _ = parse_profile(PROFILE, CorpusSettings())
    assert profile.name == "Anca Dragan"
    assert profile.h_index == 117
    assert profile.citations == 15064
    assert profile.papers_stated == 66, "the page states 66 papers"
    assert profile.papers_listed == 50, "but lists only 50"
    assert profile.primary_category == "LG"
    assert profile.figures == {"Novelty": "52%", "AI Score": "59"}


def test_hand_checked_papers(corpus_papers) -> None:  # type: ignore[no-untyped-def]
    unimask = _by_title(corpus_papers, "UniMASK: Unified Inference in Sequential Decision Problems")
    assert unimask.has_code is True
    assert unimask.category == "LG"
    assert unimask.date == dt.date(2022, 11, 20) and unimask.year == 2022
    assert unimask.authors == ["Micah Carroll", "Orr Paradise", "Jessy Lin"]
    assert unimask.authors_truncated is True, '"et al." is a truncation flag'
    assert "et al" not in " ".join(unimask.authors), "never an invented author"
    assert unimask.urls == ["https://github.com/micahcarroll/uniMASK"]

    rlhf = _by_title(
        corpus_papers,
        "Open Problems and Fundamental Limitations of Reinforcement Learning from Human Feedback",
    )
    assert rlhf.affiliations == ["berkeley", "eth-zurich"]
    assert rlhf.has_code is False and rlhf.category == "AI"

    bpd = next(p for p in corpus_papers if p.title.startswith("The Boltzmann Policy"))
    assert bpd.authors == ["Cassidy Laidlaw", "Anca Dragan"] and not bpd.authors_truncated
    assert bpd.affiliations == []


def test_date_without_year_gets_the_snapshot_year_and_is_marked_inferred() -> None:
    title = "Can AI mediation improve democratic deliberation?"
    _, papers, _ = parse_profile(PROFILE, CorpusSettings())
    paper = _by_title(papers, title)
    assert (paper.date, paper.year, paper.date_inferred) == (dt.date(2026, 1, 9), 2026, True)
    _, papers, _ = parse_profile(PROFILE, CorpusSettings(snapshot_year=2025))
    assert _by_title(papers, title).year == 2025, "the snapshot year is configurable"
    assert sum(p.date_inferred for p in papers) == 1


def test_ids_are_stable_across_runs_and_reorderings(tmp_path: Path) -> None:
    text = PROFILE.read_text()
    head, *blocks = re.split(r"\n(?=[A-Z]{2,4}[A-Z][a-z]{2} \d)", text)
    random.Random(7).shuffle(blocks)
    shuffled = tmp_path / "shuffled.txt"
    shuffled.write_text("\n".join([head, *blocks]))
    original = {p.title: p.paper_id for p in parse_profile(PROFILE, CorpusSettings())[1]}
    reordered = {p.title: p.paper_id for p in parse_profile(shuffled, CorpusSettings())[1]}
    assert original == reordered
    assert make_paper_id("Hello,  World!") == "hello-world"


def test_jsonl_schema_fields(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl(
        [
            {
                "title": "T1",
                "abstract": "A1 see https://example.org/x.",
                "authors": "Ann Lee, Bo Chen et al.",
                "date": "2024-03",
                "category": "CL",
                "affiliations": "mit, cmu",
                "has_code": True,
                "url": "https://example.org/paper",
            },
            {"id": 42, "title": "T2", "abstract": "A2", "authors": ["X Y"], "year": 2021},
            {"title": "T3", "abstract": "A3", "date": "2019"},
        ]
    )
    papers = load_corpus(path).papers
    t1, t2, t3 = papers
    assert t1.authors == ["Ann Lee", "Bo Chen"] and t1.authors_truncated
    assert (t1.date, t1.date_precision, t1.year) == (dt.date(2024, 3, 1), "month", 2024)
    assert t1.affiliations == ["mit", "cmu"] and t1.has_code and t1.category == "CL"
    assert t1.urls == ["https://example.org/paper", "https://example.org/x"]
    assert t2.paper_id == "42" and t2.year == 2021 and t2.date is None
    assert t3.year == 2019 and t3.date_precision == "year" and t3.paper_id == "t3"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param('{"title": "x", "abstract": ', "invalid JSON", id="broken-json"),
        pytest.param('{"title": "no abstract"}', "no abstract: no abstract", id="missing-abstract"),
        pytest.param('{"title": "x", "abstract": "   "}', "x: no abstract", id="blank-abstract"),
        pytest.param(
            '{"title": "x", "abstract": 7}', "'abstract' must be text, got 7", id="abstract-7"
        ),
        pytest.param('{"abstract": "y"}', "no title ('title' is missing or empty)", id="no-title"),
        pytest.param(
            '{"title": "x", "abstract": "y", "has_code": "yes"}',
            "'has_code' must be",
            id="wrong-type",
        ),
        pytest.param(
            '{"title": "x", "abstract": "y", "date": "March 2024"}', "'date' must be", id="bad-date"
        ),
        pytest.param(
            '{"title": "x", "abstract": "y", "year": 2020, "date": "2021"}',
            "contradicts",
            id="year-vs-date",
        ),
        pytest.param('["a list"]', "expected a JSON object", id="not-an-object"),
        pytest.param(  # issue 29: a RecursionError ended the whole ingest, with a traceback
            '{"title": "x", "abstract": "y", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "invalid JSON: nested too deeply",
            id="nested-100000-deep",
        ),
        pytest.param("[" * 100_000, "invalid JSON: nested too deeply", id="deep-and-unclosed"),
    ],
)
def test_malformed_lines_are_skipped_with_file_and_line(
    write_jsonl: Callable[..., Path], line: str, message: str
) -> None:
    path = write_jsonl([paper_record(1), line, paper_record(2)])
    result = load_corpus(path)
    assert [p.paper_id for p in result.papers] == ["p1", "p2"], "good lines survive"
    assert result.skipped == 1
    error = result.errors[0]
    assert error.line == 2 and error.path == path
    assert f"{path}:2:" in str(error) and message in str(error)


def test_strict_mode_fails_on_the_first_bad_record(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl([paper_record(1), '{"title": "no abstract"}'])
    with pytest.raises(CorpusError, match=r"papers\.jsonl:2: no abstract: no abstract"):
        load_corpus(path, CorpusSettings(strict=True))


def test_duplicates_are_stored_once(write_jsonl: Callable[..., Path], tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_jsonl([paper_record(1), paper_record(1)], name="a.jsonl")
    # Same title under another id and with other casing/punctuation: the same paper.
    retitled = paper_record(1, id="other", title="A STUDY OF violins, number 1!")
    write_jsonl([retitled], name="b.jsonl")
    result = load_corpus(folder)
    assert [p.paper_id for p in result.papers] == ["p1"]
    assert result.duplicates == 2 and result.skipped == 0


def test_duplicate_id_with_different_content_is_an_error(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl([paper_record(1), paper_record(1, abstract="Something else entirely.")])
    result = load_corpus(path)
    assert len(result.papers) == 1
    assert "duplicate id 'p1' with different content" in str(result.errors[0])
    assert result.errors[0].line == 2


def test_a_folder_mixes_profiles_and_jsonl(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    write_jsonl([paper_record(1), paper_record(2)])
    (folder / "dragan.txt").write_text(PROFILE.read_text())
    result = load_corpus(folder)
    assert len(result.papers) == 52 and len(result.profiles) == 1
    assert len(result.files) == 2


def test_truncated_profile_names_the_block(tmp_path: Path) -> None:
    text = PROFILE.read_text()
    cut = text[: text.index("Randomly masking")]  # stop right after UniMASK's author line
    path = tmp_path / "cut.txt"
    path.write_text(cut)
    result = load_corpus(path)
    assert len(result.papers) == 1
    assert result.errors[0].line == 19 and "no abstract" in str(result.errors[0])


def test_binary_and_unknown_files_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "blob.txt").write_bytes(b"\x89PNG\x00\x01\x02")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = load_corpus(folder)
    messages = " | ".join(map(str, result.errors))
    assert "blob.txt: looks like a binary file" in messages
    assert "notes.pdf: unsupported file type" in messages


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded(
    write_jsonl: Callable[..., Path], tmp_path: Path, encoding: str
) -> None:
    utf8 = write_jsonl([paper_record(1, title="Über glaciers — naïve"), paper_record(2)])
    folder = tmp_path / "encoded"
    folder.mkdir()
    mark = b"\xfe\xff" if encoding == "utf-16-be" else b""  # that codec writes no mark itself
    (folder / "papers.jsonl").write_bytes(mark + utf8.read_text("utf-8").encode(encoding))
    (folder / "dragan.txt").write_bytes(mark + PROFILE.read_text("utf-8").encode(encoding))
    result = load_corpus(folder)
    assert result.errors == []
    assert len(result.papers) == 52 and "Über glaciers — naïve" in {p.title for p in result.papers}


@pytest.mark.parametrize(("encoding", "name"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_utf16_without_a_byte_order_mark_is_named_not_called_binary(
    write_jsonl: Callable[..., Path], encoding: str, name: str
) -> None:
    path = write_jsonl([paper_record(1)])
    path.write_bytes(path.read_text("utf-8").encode(encoding))  # no BOM
    errors = load_corpus(path).errors
    assert len(errors) == 1 and "binary" not in str(errors[0])
    assert f"looks like UTF-16 ({name}) text without a byte-order mark" in str(errors[0])
    assert "save it as UTF-8" in str(errors[0])


def test_symlinked_folders_are_followed_and_loops_reported(
    write_jsonl: Callable[..., Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    write_jsonl([paper_record(1)], folder=corpus)
    write_jsonl([paper_record(2)], folder=elsewhere / "deeper")
    (corpus / "linked").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "deeper" / "back-up").symlink_to(tmp_path, target_is_directory=True)  # a loop
    (corpus / "again").symlink_to(elsewhere / "deeper", target_is_directory=True)  # read already
    (corpus / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    (corpus / "also.jsonl").symlink_to(elsewhere / "deeper" / "papers.jsonl")  # a file link
    with caplog.at_level("WARNING", logger="qabot.ingest.corpus"):
        result = load_corpus(corpus)
    assert sorted(p.paper_id for p in result.papers) == ["p1", "p2"], "the linked folder is read"
    assert result.duplicates == 1, "a file reached twice is stored once"
    warnings = [r.getMessage() for r in caplog.records]
    assert any("back-up: skipped: a link to the folder" in w and "loop" in w for w in warnings)
    assert any("gone.jsonl: skipped: a broken link" in w for w in warnings)
    assert len([w for w in warnings if "skipped" in w]) == 3, warnings
    assert not any("elsewhere/deeper/back-up" in str(f) for f in result.files)


def test_missing_corpus_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus path does not exist"):
        load_corpus(tmp_path / "nope")


def test_oversized_abstract_is_capped(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl([paper_record(1, abstract="word " * 10_000)])
    paper = load_corpus(path, CorpusSettings(max_abstract_chars=1000)).papers[0]
    assert len(paper.abstract) == 1000


@pytest.mark.parametrize(
    ("cut_after", "message"),
    [
        pytest.param(
            "Our code is publicly available at https://github.com/micahcarroll/uniMASK.\n\nAIJul",
            "incomplete paper header 'AIJul'",
            id="mid-header",
        ),
        pytest.param(
            "Open Problems and Fundamental Limitations", "no authors line", id="mid-title"
        ),
    ],
)
def test_truncated_profiles_at_other_points(tmp_path: Path, cut_after: str, message: str) -> None:
    text = PROFILE.read_text()
    path = tmp_path / "cut.txt"
    path.write_text(text[: text.index(cut_after) + len(cut_after)])
    result = load_corpus(path)
    assert any(message in str(e) for e in result.errors), result.errors
    assert all("AIJul" not in p.abstract for p in result.papers), "no header glued to an abstract"


def test_a_cut_mid_abstract_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = PROFILE.read_text()
    path = tmp_path / "cut.txt"
    path.write_text(text[: text.index("Randomly masking and predicting word") + 30])
    with caplog.at_level("WARNING"):
        load_corpus(path)
    assert "ends mid-sentence" in caplog.text and "cut.txt:19" in caplog.text


def test_jsonl_takes_venue_keywords_and_doi(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl(
        [
            paper_record(
                1,
                venue="Journal  of Violins",
                keywords="strings, bows",
                doi="doi:10.5555/V.1",
                url="https://example.org/v1",
            ),
            paper_record(2, doi="not a doi"),
        ]
    )
    result = load_corpus(path)
    (paper,) = result.papers
    assert (paper.venue, paper.keywords) == ("Journal of Violins", ["strings", "bows"])
    assert paper.urls == ["https://doi.org/10.5555/V.1", "https://example.org/v1"]
    assert paper.doi == "10.5555/v.1"
    assert str(result.errors[0]) == f"{path}:2: 'doi' must look like 10.1234/abc, got 'not a doi'"


def test_a_lab_stores_shared_papers_once_and_remembers_every_profile(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    folder.mkdir()
    for page in (PROFILE, LAB_PROFILE):
        (folder / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_corpus(folder)
    assert len(loaded.papers) == 50 and loaded.duplicates == 11
    anca, jessy = loaded.profiles
    assert (anca.name, len(anca.paper_ids), anca.papers_stated) == ("Anca Dragan", 50, 66)
    assert (jessy.name, len(jessy.paper_ids), jessy.papers_stated) == ("Jessy Lin", 11, 11)
    by_id = {p.paper_id: p for p in loaded.papers}
    assert all(by_id[i].profiles == ["Anca Dragan", "Jessy Lin"] for i in jessy.paper_ids)
    others = set(by_id) - set(jessy.paper_ids)
    assert all(by_id[i].profiles == ["Anca Dragan"] for i in others)
    assert all(by_id[i].profile == "Anca Dragan" for i in by_id), "the first profile stays"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"year": 3_000_000_000, "date": None}, id="year-3e9"),
        pytest.param({"year": -300, "date": None}, id="year-negative"),
        pytest.param({"year": 1850, "date": None}, id="year-before-1900"),
        pytest.param({"date": "0001-01-01"}, id="date-0001"),
        pytest.param({"date": "9999-12-31"}, id="date-9999"),
        pytest.param({"date": "2999"}, id="date-2999"),
    ],
)
def test_implausible_years_are_reported_with_file_and_line(
    write_jsonl: Callable[..., Path], fields: dict[str, object]
) -> None:
    path = write_jsonl([paper_record(1), paper_record(2, **fields)])
    result = load_corpus(path)
    assert [p.paper_id for p in result.papers] == ["p1"], "the bad record does not reach the index"
    message = str(result.errors[0])
    assert f"{path}:2" in message and "outside the plausible publication years 1900–2100" in message


def test_the_plausible_range_is_a_setting(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl([paper_record(1, year=1850, date=None)])
    assert load_corpus(path, CorpusSettings(year_min=1800)).papers[0].year == 1850


def test_an_implausible_profile_year_names_the_line(tmp_path: Path) -> None:
    text = PROFILE.read_text(encoding="utf-8")
    first = re.search(r"^([A-Z]{2,4}[A-Z][a-z]{2} \d{1,2}), \d{4}", text, re.M)
    assert first is not None
    page = tmp_path / "p.profile.txt"
    page.write_text(text.replace(first.group(0), f"{first.group(1)}, 0001", 1), encoding="utf-8")
    _, papers, errors = parse_profile(page, CorpusSettings())
    line = text[: first.start()].count("\n") + 1
    assert len(papers) == 49 and f"{page}:{line}" in str(errors[0]) and "0001" in str(errors[0])


def test_oversized_title_is_capped(
    write_jsonl: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    path = write_jsonl([paper_record(1, title="Glaciers " * 600)])
    with caplog.at_level("WARNING"):
        paper = load_corpus(path).papers[0]
    assert len(paper.title) == 300 and paper.title.endswith("…")
    assert f"{path}:1: title of 5399 characters cut to 300" in caplog.text


def test_owner_txt_names_the_owner_and_is_not_a_profile(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    """Issue 28: a corpus of paper files names its owner in owner.txt, which is read as that
    and not as a profile page (a one-line .txt would otherwise be a profile with no papers)."""
    write_jsonl([paper_record(1), paper_record(2)])
    folder = tmp_path / "corpus"
    (folder / "owner.txt").write_text("# whose papers these are\n\n  Ada  Lovelace \n", "utf-8")
    loaded = load_corpus(folder, CorpusSettings(strict=True))
    assert loaded.owner == "Ada Lovelace", "the first line that is no comment, spaces squashed"
    assert loaded.profiles == [] and len(loaded.papers) == 2 and not loaded.errors
    assert folder / "owner.txt" not in loaded.files
    assert load_corpus(folder / "papers.jsonl").owner is None, "a one-file corpus has no folder"
    (folder / "owner.txt").write_text("# nobody yet\n", "utf-8")
    assert load_corpus(folder).owner is None


def test_jsonl_categories_of_other_archives_keep_their_archive(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    codes = ["cs.LG", "stat.ML", "physics.ao-ph", "PHYSICS.AO-PH", "hep-th", "q-fin.ST"]
    write_jsonl([paper_record(n, category=code) for n, code in enumerate(codes)])
    loaded = load_corpus(tmp_path / "corpus", CorpusSettings(strict=True))
    assert [p.category for p in loaded.papers] == [
        "LG",
        "ML",
        "physics.ao-ph",
        "physics.ao-ph",
        "hep-th",
        "q-fin.ST",
    ], "computer science's bare, as profile pages print them; the others whole, not AO-PH"


# --------------------------------------------------------------------------- bad values (issue 29)


@pytest.mark.parametrize(
    "profile, message",
    [
        pytest.param(123, "'profile' must be a name (text), got 123", id="a-number"),
        pytest.param(False, "'profile' must be a name (text), got false", id="false"),
        pytest.param(["Ada"], """'profile' must be a name (text), got ["Ada"]""", id="a-list"),
    ],
)
def test_a_jsonl_profile_that_is_no_name_is_reported(
    write_jsonl: Callable[..., Path], profile: object, message: str
) -> None:
    """`"profile": 123` was kept as a profile "123" that no page has, and `false` was dropped,
    both without a word."""
    path = write_jsonl([paper_record(1, profile="Ada Lovelace"), paper_record(2, profile=profile)])
    result = load_corpus(path)
    assert [p.profiles for p in result.papers] == [["Ada Lovelace"]]
    assert [str(e) for e in result.errors] == [f"{path}:2: {message}"]


def _profile_page(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The bundled page with `old` (whose line is returned) replaced by `new`."""
    text = PROFILE.read_text("utf-8")
    path = tmp_path / "page.profile.txt"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path, text[: text.index(old)].count("\n") + 1


UNIMASK = "UniMASK: Unified Inference in Sequential Decision Problems"
UNIMASK_AUTHORS = "Micah Carroll, Orr Paradise, Jessy Lin et al. · berkeley"


@pytest.mark.parametrize(
    "old, new, offset, message",
    [
        pytest.param(
            UNIMASK + "\n",
            "\n",
            0,
            "paper block has an empty title line (the line after the header)",
            id="empty-title",
        ),
        pytest.param(
            UNIMASK_AUTHORS + "\n",
            "\n",
            0,
            f"paper {UNIMASK!r} has an empty authors line",
            id="empty-authors-line",
        ),
        pytest.param(
            UNIMASK_AUTHORS + "\n\n",
            "",
            -2,
            f"paper {UNIMASK!r} has an empty authors line",
            id="authors-line-left-out",
        ),
        pytest.param(
            UNIMASK_AUTHORS + "\n",
            "· berkeley\n",
            0,
            f"paper {UNIMASK!r} has an empty authors line",
            id="only-affiliations",
        ),
    ],
)
def test_a_block_missing_its_title_or_authors_says_so(
    tmp_path: Path, old: str, new: str, offset: int, message: str
) -> None:
    """Both used to be reported as "paper block has no abstract"."""
    path, line = _profile_page(tmp_path, old, new)
    _, papers, errors = parse_profile(path, CorpusSettings())
    assert len(papers) == 49
    assert [str(e) for e in errors] == [f"{path}:{line + offset}: {message}"]


@pytest.mark.parametrize(
    "old, new, title",
    [
        pytest.param("LGNov 20, 2022Code\n", "LG\n", UNIMASK, id="in-the-middle"),
        pytest.param("CLJul 31, 2024\n", "CL\n", "Gemma 2: Improving", id="the-first-block"),
        pytest.param("LGNov 20, 2022Code\n", "LGNov 20,\n", UNIMASK, id="a-date-cut-short"),
    ],
)
def test_a_block_whose_header_has_no_date_is_reported(
    tmp_path: Path, old: str, new: str, title: str
) -> None:
    """It vanished: glued onto the abstract before it, or (the first block) read as the
    profile's figures, its category taken for the researcher's."""
    path, line = _profile_page(tmp_path, old, new)
    profile, papers, errors = parse_profile(path, CorpusSettings())
    assert len(papers) == 49 and profile.primary_category == "LG"
    assert profile.figures == {"Novelty": "52%", "AI Score": "59"}
    (error,) = errors
    assert str(error).startswith(f"{path}:{line}: paper header {new.strip()!r} has no date")
    assert f"the paper under it ({title[:20]}" in str(error).replace("'", "")
    assert not any(title in p.abstract for p in papers), "not glued onto the abstract before it"
