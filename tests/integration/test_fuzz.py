"""Property tests (hypothesis): the parsers fail only with their documented errors."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qabot.answering.citations import parse_citations
from qabot.config import CorpusSettings
from qabot.domain.records import SearchHit
from qabot.errors import CorpusError
from qabot.ingest.corpus import parse_profile
from tests.conftest import PROFILE

HEADERS = st.sampled_from(["LGNov 20, 2022Code", "CLJan 9", "ROFeb 30, 2024", "AIApr", "", "·"])
PROFILE_TEXT = PROFILE.read_text()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(HEADERS, st.text(max_size=80)), max_size=30))
def test_profile_parser_raises_only_corpus_errors(lines: list[str]) -> None:
    try:
        profile, papers, errors = parse_profile(
            Path("fuzz.txt"), CorpusSettings(), "\n".join(lines)
        )
    except CorpusError:
        return
    assert profile.papers_listed == len(papers)
    assert all(isinstance(e, CorpusError) and e.line for e in errors)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(PROFILE_TEXT)))
def test_any_truncation_of_the_real_profile_is_handled(cut: int) -> None:
    try:
        _, papers, errors = parse_profile(Path("cut.txt"), CorpusSettings(), PROFILE_TEXT[:cut])
    except CorpusError:
        return
    assert len(papers) + len(errors) >= 1
    assert all(p.abstract and p.title and p.authors for p in papers)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab [],;+-0123456789\n.")), max_size=120),
    sources=st.integers(min_value=0, max_value=6),
)
@example(text="[0[0]]", sources=0)  # removing the inner marker once made a new one
@example(text="[ 2 ] [-1] [ +1 ]", sources=1)  # spaces and signs (issue 29)
def test_citation_parser_keeps_only_valid_markers(text: str, sources: int) -> None:
    hits = [SearchHit(paper_id=f"p{i}", title=f"T{i}", score=1.0) for i in range(1, sources + 1)]
    cleaned, citations, dropped = parse_citations(text, hits)
    assert all(1 <= c.number <= sources for c in citations)
    assert len({c.number for c in citations}) == len(citations)
    again, _, dropped_again = parse_citations(cleaned, hits)
    assert dropped_again == [], "no invalid marker survives the clean-up"
    assert {c.number for c in parse_citations(cleaned, hits)[1]} == {c.number for c in citations}
