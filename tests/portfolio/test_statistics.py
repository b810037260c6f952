"""Portfolio statistics, checked against values computed here, independently, from the raw file.

The independent computations below read `corpus/anca-dragan.profile.txt` with their own small
regexes, not with qabot's parser, so a parser bug cannot hide a statistics bug.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import numpy as np
import pytest

from qabot import QABot
from qabot.answering.route import Route
from qabot.answering.router import route_question
from qabot.answering.shapes import SHAPES, StatisticShape
from qabot.answering.shapes.statistics import answer_statistic
from qabot.domain.names import name_key
from qabot.domain.records import Answer
from qabot.domain.taxonomy import affiliation_name
from qabot.errors import QuestionError
from qabot.index.vocabulary import Vocabulary
from qabot.ingest.corpus import load_corpus
from qabot.portfolio.statistics import Portfolio
from qabot.portfolio.themes import VectorMeans
from tests.conftest import LAB_PROFILE, PROFILE, paper_record

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def raw_blocks() -> list[dict[str, object]]:
    """(year, date, has_code, title, authors) per paper, straight from the text."""
    lines = PROFILE.read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        m = re.fullmatch(r"([A-Z]{2})([A-Z][a-z]{2}) (\d+)(?:, (\d{4}))?(Code)?", line)
        if not m:
            continue
        year = int(m[4] or 2026)
        names, _, affiliations = lines[i + 3].partition(" · ")
        out.append(
            {
                "affiliations": [a.strip() for a in affiliations.split(",") if a.strip()],
                "truncated": names.endswith(" et al."),
                "year": year,
                "date": dt.date(year, MONTHS.index(m[2]) + 1, int(m[3])),
                "code": bool(m[5]),
                "title": lines[i + 1],
                "category": m[1],
                "authors": [n.strip() for n in names.removesuffix(" et al.").split(",")],
            }
        )
    return out


RAW = raw_blocks()


@pytest.fixture(scope="module")
def pf(extractive_bot: QABot) -> Portfolio:
    return extractive_bot.portfolio_records()


def test_counts_by_year_and_category(pf: Portfolio) -> None:
    assert len(RAW) == 50
    assert pf.counts_by_year() == dict(sorted(Counter(r["year"] for r in RAW).items()))
    assert pf.counts_by_category() == dict(Counter(r["category"] for r in RAW))


def test_papers_with_code(pf: Portfolio) -> None:
    assert {p.title for p in pf.with_code()} == {r["title"] for r in RAW if r["code"]}


def test_top_coauthor(pf: Portfolio) -> None:
    def norm(name: str) -> str:  # drop middle initials: "Stuart J. Russell" -> "Stuart Russell"
        return re.sub(r"\s+[A-Z]\.\s+", " ", name)

    counts = Counter(norm(a) for r in RAW for a in r["authors"] if norm(a) != "Anca Dragan")
    top_name, top_count = counts.most_common(1)[0]
    top = pf.coauthors(1)[0]
    assert (top.name, top.papers) == (top_name, top_count) == ("Micah Carroll", 8)
    russell = next(a for a in pf.coauthors(None) if a.name == "Stuart Russell")
    assert russell.papers == counts["Stuart Russell"] == 5, "name variants are merged"


def test_earliest_and_latest(pf: Portfolio) -> None:
    first = min(RAW, key=lambda r: r["date"])
    last = max(RAW, key=lambda r: r["date"])
    assert pf.earliest().title == first["title"]  # type: ignore[union-attr]
    assert pf.latest().title == last["title"]  # type: ignore[union-attr]
    assert pf.latest().date_inferred, "the latest paper's year was inferred"  # type: ignore[union-attr]


def test_date_range_and_author_papers(pf: Portfolio) -> None:
    in_2023 = pf.in_range(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert len(in_2023) == sum(r["year"] == 2023 for r in RAW) == 13
    expected = {r["title"] for r in RAW if "Jessy Lin" in r["authors"]}
    assert {pf.by_id[i].title for i in pf.papers_by("jessy lin")} == expected


def test_name_variants() -> None:
    assert name_key("Stuart J. Russell") == name_key("Stuart Russell") == "stuart russell"
    assert name_key("Mariah L. Schrum") == name_key("Mariah Schrum")
    assert name_key("W. Bradley Knox") == "bradley knox"
    assert name_key("José  Álvarez") == "jose alvarez"


def test_report_keeps_stated_and_indexed_apart(extractive_bot: QABot) -> None:
    report = extractive_bot.portfolio()
    assert report.papers_indexed == 50 and report.papers_stated == 66
    assert report.truncated_author_lists == sum(bool(r["truncated"]) for r in RAW) == 39
    assert sum(report.counts_by_year.values()) == 50


def test_paper_means_are_one_matrix_in_the_papers_order() -> None:
    rng = np.random.default_rng(0)
    vectors = {
        pid: rng.standard_normal((n, 4)).astype(np.float32)
        for pid, n in [("a", 3), ("b", 1), ("c", 2), ("z", 1)]
    }
    means = VectorMeans(["c", "a", "b", "never"])  # "never" gets no chunk; "z" is not named
    arrivals = [(pid, v) for pid, rows in vectors.items() for v in rows]
    for pid, v in reversed(arrivals):  # in any order
        means.add(pid, v)
    result = means.means()
    assert result.ids == ["c", "a", "b", "z"]
    for pid, rows in vectors.items():
        np.testing.assert_allclose(result[pid], rows.mean(axis=0), rtol=1e-5)
    assert result.rows(result.ids) is result.matrix, "k-means gets the matrix, not a copy"
    np.testing.assert_allclose(result.rows(["b", "c"]), result.matrix[[2, 0]])
    empty = VectorMeans(["a", "b"]).means()
    assert len(empty) == 0 and "a" not in empty, "named papers without chunks: no vectors"
    grown = VectorMeans()
    for n in range(3000):  # past the first allocation of 1,024 rows
        grown.add(f"p{n}", np.full(4, n, dtype=np.float32))
    spent = grown.means()
    assert spent.matrix.shape == (3000, 4) and spent["p2999"][0] == 2999
    mixed = VectorMeans()
    mixed.add("a", np.zeros(4))
    with pytest.raises(ValueError, match="dimensions"):
        mixed.add("b", np.zeros(5))


def test_topics_partition_the_papers_and_are_stable(extractive_bot: QABot) -> None:
    topics = extractive_bot.topics()
    ids = [i for t in topics for i in t.paper_ids]
    assert len(ids) == len(set(ids)) == 50, "every paper in exactly one theme"
    assert 4 <= len(topics) <= 8 and all(t.label for t in topics)
    vectors = extractive_bot.snapshot.paper_vectors()
    assert extractive_bot.portfolio_records().topics(vectors) == topics, "deterministic"


def test_paper_themes_are_made_once_per_set_of_themes(extractive_bot: QABot) -> None:
    themes = extractive_bot.paper_themes()
    assert len(themes) == 50 and set(themes.values()) == {t.label for t in extractive_bot.topics()}
    assert extractive_bot.paper_themes() is themes, "not rebuilt for every survey question"
    first = extractive_bot.topics()
    try:  # themes of another generation (what a re-ingest gives): made again
        extractive_bot.live.set_topics([t.model_copy(update={"label": "Other"}) for t in first])
        assert set(extractive_bot.paper_themes().values()) == {"Other"}
    finally:
        extractive_bot.live.set_topics(first)
    assert extractive_bot.paper_themes() == themes


# -- answers ---------------------------------------------------------------------------------


def _statistic(portfolio: Portfolio, question: str, route: Route) -> Answer:
    """The routed statistic shape's answer, with no themes."""
    shape = SHAPES[route.shape_name]
    assert isinstance(shape, StatisticShape), route
    return answer_statistic(shape, question, route, portfolio, list)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("How many papers came out in 2024?", "16 of 50", id="count-2024"),
        pytest.param(
            "How many papers are indexed?",
            "50 papers are indexed (the profile states 66",
            id="count-all",
        ),
        pytest.param("Who does she publish with most?", "Micah Carroll (8 papers", id="coauthor"),
        pytest.param("What is her h-index?", "h-index of 117", id="h-index"),
        pytest.param(
            "What is the earliest paper?",
            "Preferences Implicit in the State of the World",
            id="earliest",
        ),
    ],
)
def test_statistic_answers_are_exact(extractive_bot: QABot, question: str, expected: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.answerer == "portfolio" and not answer.abstained
    assert expected in answer.answer


def test_listed_papers_are_the_citations(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("List everything with code")
    assert {c.title for c in answer.citations} == {r["title"] for r in RAW if r["code"]}
    for c in answer.citations:
        assert f"[{c.number}]" in answer.answer


def test_summarise_a_year_cites_every_paper_of_that_year(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Summarise the 2023 papers")
    assert {c.title for c in answer.citations} == {r["title"] for r in RAW if r["year"] == 2023}


def test_mixed_question_is_retrieval_with_a_year_filter(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What did she publish on RLHF in 2024?")
    assert answer.answerer == "extractive" and answer.sources
    assert all(s.year == 2024 for s in answer.sources)


@pytest.mark.parametrize(
    "question",
    ["Papers by Yann LeCun?", "How many papers from 2012?", "Which papers did John Doe co-author?"],
)
def test_absent_authors_and_years_get_none(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.answer.startswith("None in the indexed portfolio"), answer.answer
    assert answer.citations == []


def test_top_coauthors_cite_every_shared_paper(extractive_bot: QABot) -> None:
    import re as _re

    answer = extractive_bot.ask("Who does she publish with most?")
    rows = _re.findall(r"(\w[\w .]+?) \((\d+) papers((?: \[\d+\])?(?:\[\d+\])*)\)", answer.answer)
    assert len(rows) >= 3, answer.answer  # else the loop below would check nothing
    for name, count, marks in rows[:3]:
        assert len(_re.findall(r"\[\d+\]", marks)) == int(count), (name, count, marks)


# -- affiliations and category names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "affiliation"),
    [
        ("What did she publish with DeepMind?", "deepmind"),
        ("Which papers were written at Stanford?", "stanford"),
        ("papers with Google DeepMind", "deepmind"),
        ("How many papers list Berkeley as an affiliation?", "berkeley"),
    ],
)
def test_affiliation_questions_list_exactly_its_papers(
    extractive_bot: QABot, question: str, affiliation: str
) -> None:
    answer = extractive_bot.ask(question)
    expected = {r["title"] for r in RAW if affiliation in r["affiliations"]}  # type: ignore[operator]
    assert answer.answerer == "portfolio" and len(expected) >= 2
    assert {c.title for c in answer.citations} == expected, answer.answer
    assert f"{len(expected)} of 50" in answer.answer


def test_deepmind_has_six_papers_and_stanford_two() -> None:
    """The figures the issue names, counted from the raw file."""
    assert sum("deepmind" in r["affiliations"] for r in RAW) == 6  # type: ignore[operator]
    assert sum("stanford" in r["affiliations"] for r in RAW) == 2  # type: ignore[operator]


def test_which_institutions_appear_most(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Which institutions appear most?")
    counts = Counter(a for r in RAW for a in r["affiliations"])  # type: ignore[attr-defined]
    top, n = counts.most_common(1)[0]
    assert answer.answerer == "portfolio" and f"{affiliation_name(top)} ({n})" in answer.answer
    assert extractive_bot.portfolio().counts_by_affiliation == dict(
        sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def test_a_topic_within_an_affiliation_searches_only_its_papers(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("what did she do on safety with DeepMind?")
    deepmind = {r["title"] for r in RAW if "deepmind" in r["affiliations"]}  # type: ignore[operator]
    assert not answer.abstained and answer.sources
    assert {s.title for s in answer.sources} <= deepmind


@pytest.mark.parametrize(
    ("question", "code", "label"),
    [
        ("How many robotics papers are there?", "RO", "category Robotics"),
        ("How many NLP papers are there?", "CL", "category Computation and Language"),
        ("How many papers in computers and society?", "CY", "category Computers and Society"),
    ],
)
def test_category_names_are_exact_statistics(
    extractive_bot: QABot, question: str, code: str, label: str
) -> None:
    answer = extractive_bot.ask(question)
    expected = [r for r in RAW if r["category"] == code]
    assert answer.answerer == "portfolio", answer.answer
    assert f"{label}: {len(expected)} of 50" in answer.answer
    assert {c.title for c in answer.citations} == {r["title"] for r in expected}


def test_robotics_has_five_papers(extractive_bot: QABot) -> None:
    assert sum(r["category"] == "RO" for r in RAW) == 5
    assert (
        "category Robotics: 5 of 50"
        in extractive_bot.ask("How many robotics papers are there?").answer
    )


def test_a_co_author_topic_question_searches_his_papers(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Which papers did Sergey Levine co-author about dialogue?")
    assert not answer.abstained, answer.answer
    assert all("Sergey Levine" in s.authors for s in answer.sources)
    assert any("Dialogue" in c.title for c in answer.citations)


# -- several profiles (a lab) ------------------------------------------------------------------

JESSY = {
    ln
    for n, ln in enumerate(LAB_PROFILE.read_text().splitlines())
    if n
    and re.fullmatch(
        r"[A-Z]{2}[A-Z][a-z]{2} \d+(?:, \d{4})?(?:Code)?",
        LAB_PROFILE.read_text().splitlines()[n - 1],
    )
}


def test_the_lab_fixture_lists_eleven_seed_papers() -> None:
    assert len(JESSY) == 11 and {r["title"] for r in RAW} >= JESSY


def test_a_profile_owner_is_asked_about_her_own_figures(lab_bot: QABot) -> None:
    answer = lab_bot.ask("How many papers does Jessy Lin's profile list?")
    assert answer.answerer == "portfolio"
    assert "Jessy Lin's profile states" in answer.answer and "11 papers" in answer.answer
    assert "Anca" not in answer.answer and "77" not in answer.answer and "66" not in answer.answer


def test_counts_are_per_profile_never_summed(lab_bot: QABot) -> None:
    answer = lab_bot.ask("How many papers are indexed?")
    assert "50 papers are indexed" in answer.answer
    assert "Anca Dragan's profile states 66 papers and lists 50" in answer.answer
    assert "Jessy Lin's profile states 11 papers and lists 11" in answer.answer
    assert "77" not in answer.answer and "the profile states" not in answer.answer
    report = lab_bot.portfolio()
    assert report.papers_stated is None, "two profiles: no single stated count"
    assert report.papers_by_source == {"Anca Dragan": 50, "Jessy Lin": 11}


def test_a_profile_scoped_count(lab_bot: QABot) -> None:
    answer = lab_bot.ask("How many papers did Jessy Lin publish in 2022?")
    expected = {r["title"] for r in RAW if r["year"] == 2022 and r["title"] in JESSY}
    assert {c.title for c in answer.citations} == expected
    assert f"{len(expected)} of 11" in answer.answer


def test_coauthors_are_relative_to_the_owner_named(lab_bot: QABot) -> None:
    answer = lab_bot.ask("Who does Jessy Lin publish with most?")
    assert answer.answerer == "portfolio"
    assert "Jessy Lin (" not in answer.answer, "the owner is not her own co-author"
    listed = Counter(
        a
        for r in RAW
        if r["title"] in JESSY
        for a in r["authors"]  # type: ignore[attr-defined]
        if a != "Jessy Lin"
    )
    top, n = listed.most_common(1)[0]
    assert f"{top} ({n} papers" in answer.answer, answer.answer
    assert "Anca Dragan (" in answer.answer, "the other profile's owner is a co-author here"
    report = lab_bot.portfolio(profile="Jessy Lin")
    assert report.papers_indexed == 11 and report.papers_stated == 11
    assert "Jessy Lin" not in {a.name for a in report.top_coauthors}
    with pytest.raises(QuestionError, match="Jessy Lin"):
        lab_bot.portfolio(profile="Nobody Here")


def test_a_profile_owner_topic_question_does_not_abstain(lab_bot: QABot) -> None:
    answer = lab_bot.ask("What has Jessy Lin done on language?")
    assert not answer.abstained, answer.answer
    assert answer.citations and {c.title for c in answer.citations} <= JESSY
    assert {s.title for s in answer.sources} <= JESSY, "only her profile's papers are searched"


def test_counts_per_source_with_jsonl_papers(tmp_path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, class 9: a profile plus JSONL papers."""
    folder = tmp_path / "corpus"
    write_jsonl([paper_record(n) for n in range(30)], folder=folder)
    (folder / "anca-dragan.profile.txt").write_text(PROFILE.read_text())
    loaded = load_corpus(folder)
    portfolio = Portfolio(loaded.papers, loaded.profiles)
    vocab = Vocabulary.from_portfolio(portfolio)
    question = "How many papers are indexed?"
    text = _statistic(portfolio, question, route_question(question, vocab)).answer
    assert "80 papers are indexed" in text
    assert "Anca Dragan's profile states 66 papers and lists 50; 30 come from paper files" in text
    assert "only the 80" not in text


def test_the_earliest_paper_may_have_only_a_year() -> None:
    from qabot.answering.router import route_question
    from qabot.domain.records import Paper
    from qabot.index.vocabulary import Vocabulary

    def paper(pid: str, **when: object) -> Paper:
        return Paper(paper_id=pid, title=f"Paper {pid}", abstract="We study things.", **when)  # type: ignore[arg-type]

    papers = [
        paper("dated", date=dt.date(2021, 5, 1), date_precision="day", year=2021),
        paper("year-only", year=2019),
        paper("newest-year-only", year=2024),
        paper("undated"),
    ]
    pf = Portfolio(papers, [])
    assert pf.earliest().paper_id == "year-only" and pf.latest().paper_id == "newest-year-only"  # type: ignore[union-attr]
    assert pf.report(3).undated == 1
    route = route_question("What is the earliest paper?", Vocabulary())
    answer = _statistic(pf, "What is the earliest paper?", route)
    assert "“Paper year-only” (2019)" in answer.answer, answer.answer


def test_counts_per_source_with_bibtex_papers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Papers from a bibliography are counted as paper files, not called JSONL."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "anca-dragan.profile.txt").write_text(PROFILE.read_text())
    (folder / "refs.bib").write_text(
        "@article{lee2021,\n  title = {Grounded Widgets for Robots},\n"
        "  author = {Lee, Ann and Kim, Bo},\n  year = {2021},\n"
        "  abstract = {We study grounded widgets for robot learning.}\n}\n",
        "utf-8",
    )
    loaded = load_corpus(folder)
    portfolio = Portfolio(loaded.papers, loaded.profiles)
    question = "How many papers are indexed?"
    route = route_question(question, Vocabulary.from_portfolio(portfolio))
    text = _statistic(portfolio, question, route).answer
    assert "51 papers are indexed" in text
    assert "lists 50; 1 comes from paper files" in text and "JSONL" not in text


# -- a bibliography corpus with a named owner (issue 28) ---------------------------------------

_OWNER_BIB = """
@article{a2020, title = {Notes on the Analytical Engine}, year = {2020},
  author = {Lovelace, Ada and Babbage, Charles},
  abstract = {We describe a machine that weaves algebraic patterns.}}
@article{b2021, title = {Bernoulli Numbers by Machine}, year = {2021},
  author = {Lovelace, Ada and Babbage, Charles and Somerville, Mary},
  abstract = {We compute Bernoulli numbers with the engine.}}
@article{c2021, title = {On the Connexion of the Physical Sciences}, year = {2021},
  author = {Somerville, Mary and Lovelace, Ada},
  abstract = {We connect the physical sciences.}}
"""
_OWNER_QUESTION = "Who does she publish with most?"


def _owner_corpus(tmp_path, bib: str = _OWNER_BIB, owner: str | None = "Ada Lovelace"):  # type: ignore[no-untyped-def]
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    (folder / "papers.bib").write_text(bib, "utf-8")
    if owner:
        (folder / "owner.txt").write_text(f"{owner}\n", "utf-8")
    loaded = load_corpus(folder)
    return Portfolio(loaded.papers, loaded.profiles, loaded.owner)


def _ask(portfolio: Portfolio, question: str) -> Answer:
    return _statistic(
        portfolio, question, route_question(question, Vocabulary.from_portfolio(portfolio))
    )


def test_the_named_owner_is_not_her_own_top_coauthor(tmp_path) -> None:  # type: ignore[no-untyped-def]
    unnamed = _ask(_owner_corpus(tmp_path, owner=None), _OWNER_QUESTION).answer
    assert unnamed.startswith("The most frequent listed co-authors: Ada Lovelace (3 papers")
    answer = _ask(_owner_corpus(tmp_path), _OWNER_QUESTION)
    assert answer.answer.startswith(
        "Ada Lovelace's most frequent listed co-authors: Charles Babbage (2 papers [1][2]); "
        "Mary Somerville (2 papers [2][3])."
    ), answer.answer
    assert "Ada Lovelace (" not in answer.answer
    report = _owner_corpus(tmp_path).report()
    assert [a.name for a in report.top_coauthors] == ["Charles Babbage", "Mary Somerville"]
    assert report.owner == "Ada Lovelace" and report.owners == ["Ada Lovelace"]


def test_complete_author_lists_give_exact_counts_not_lower_bounds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    exact = _ask(_owner_corpus(tmp_path), _OWNER_QUESTION).answer
    assert "These counts are exact: all 3 author lists are complete." in exact
    assert "lower bound" not in exact and "et al." not in exact
    truncated = _OWNER_BIB.replace(
        "Somerville, Mary and Lovelace, Ada", "Somerville, Mary and others"
    )
    answer = _ask(_owner_corpus(tmp_path, truncated), _OWNER_QUESTION).answer
    assert "1 of the 3 author lists end in “et al.”, so they are lower bounds" in answer


def test_the_named_owner_filters_nothing_and_others_are_authors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    portfolio = _owner_corpus(tmp_path)
    vocab = Vocabulary.from_portfolio(portfolio)
    assert route_question("What did Ada Lovelace publish in 2021?", vocab).filters.author is None
    assert route_question("Papers by Mary Somerville?", vocab).filters.author == "Mary Somerville"
    assert (
        "from 2021: 2 of 3"
        in _ask(portfolio, "How many papers did Ada Lovelace publish in 2021?").answer
    )
    listed = _ask(portfolio, "How many papers did Mary Somerville write?").answer
    assert "2 of 3" in listed and "Listed authors only" not in listed, "no list is truncated"
    absent = _ask(portfolio, "Papers by Yann LeCun?").answer
    assert absent == "None in the indexed portfolio: no listed author matches “Yann LeCun”."


def test_a_named_owner_with_a_profile_is_one_owner_and_a_lab_gains_one() -> None:
    from qabot.domain.records import Profile

    same = Portfolio([], [Profile(name="Anca Dragan")], owner="Anca D. Dragan")
    assert same.report().owners == ["Anca Dragan"] and same.owner_keys == {"anca dragan"}
    lab = Portfolio([], [Profile(name="Anca Dragan"), Profile(name="Jessy Lin")], "Ada Lovelace")
    assert lab.report().owners == ["Anca Dragan", "Jessy Lin", "Ada Lovelace"]
    assert lab.scoped("Jessy Lin").owner_keys == {"jessy lin"}, "Ada co-authors on Jessy's page"


def test_papers_per_year_show_empty_years_and_the_current_year_as_so_far() -> None:
    from qabot.domain.records import Paper
    from qabot.portfolio.statistics import year_rows

    this_year = dt.date.today().year
    papers = [
        Paper(paper_id=f"p{y}", title=f"Paper {y}", abstract="We study things.", year=y)
        for y in (this_year - 3, this_year - 1, this_year - 1, this_year)
    ]
    question = "How many papers per year?"
    answer = _statistic(Portfolio(papers, []), question, route_question(question, Vocabulary()))
    assert f"{this_year - 2}: 0" in answer.answer, "a year without papers is shown as 0"
    assert f"{this_year} (so far): 1" in answer.answer, answer.answer
    assert answer.table is not None and answer.table.columns == ["Year", "Papers"]
    assert [r[0] for r in answer.table.rows] == [
        str(this_year - 3), str(this_year - 2), str(this_year - 1), f"{this_year} (so far)",
    ]  # fmt: skip
    assert year_rows({2019: 2, 2021: 1}, this_year=2026) == [("2019", 2), ("2020", 0), ("2021", 1)]
    assert year_rows({}) == []


def test_affiliation_answers_use_display_names() -> None:
    pf = Portfolio(load_corpus(PROFILE.parent).papers, [])
    question = "Which affiliations appear most?"
    text = _statistic(pf, question, route_question(question, Vocabulary())).answer
    assert "UC Berkeley (8)" in text and "Google DeepMind" in text, text
    assert "eth-zurich" not in text and "ETH Zurich" in text


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("What's Geoffrey Hinton's h-index?", "Geoffrey Hinton"),  # dev9: got Anca Dragan's
        ("How many citations does Sergey Levine have?", "Sergey Levine"),  # a co-author
        ("What's the h-index of Stuart Russell?", "Stuart Russell"),
    ],
)
def test_someone_elses_figures_are_not_the_profile_owners(
    extractive_bot: QABot, question: str, person: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.abstained, answer.answer
    assert f"does not give {person}'s figures" in answer.answer
    assert "117" not in answer.answer


@pytest.mark.parametrize(
    "question", ["What is Anca Dragan's h-index?", "How many citations does Anca have?"]
)
def test_the_owners_figures_by_name(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained and "h-index of 117" in answer.answer, answer.answer
