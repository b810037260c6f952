"""The `qabot` command line, through typer's test runner."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import qabot.bot
import qabot.interfaces.web.serving
from qabot.interfaces.cli.base import app
from tests.conftest import BPD_ID, CORPUS, DATA, paper_record

runner = CliRunner()


@pytest.fixture
def env(store_copy: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """CLI runs against a copy of the bundled index (the real model loads in-process)."""
    monkeypatch.setenv("QABOT_STORE", str(store_copy))
    monkeypatch.setenv("QABOT_CORPUS", str(CORPUS))
    return {}


def test_ask_json_cites_the_boltzmann_paper(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "--json", "What is the Boltzmann policy distribution?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"answer", "abstained", "citations", "sources"}
    assert data["abstained"] is False
    assert data["citations"][0]["paper_id"] == BPD_ID
    assert {"paper_id", "title", "year", "authors", "text"} <= set(data["citations"][0])


def test_ask_streams_text_and_lists_sources(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "What is the Boltzmann policy distribution?"])
    assert result.exit_code == 0
    assert "[1] The Boltzmann Policy Distribution" in result.stdout


def test_search_with_filters(env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        [
            "search",
            "--json",
            "-k",
            "3",
            "--year-from",
            "2024",
            "--category",
            "LG",
            "human feedback",
        ],
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert 0 < len(hits) <= 3
    assert all(h["year"] >= 2024 and h["category"] == "LG" for h in hits)


def test_ingest_prints_a_summary(tmp_path: Path, write_jsonl, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_jsonl([paper_record(1), '{"title": "broken"}', paper_record(2)])
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(tmp_path / "corpus"), "ingest"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 papers" in result.output
    assert re.search(
        r"Time: reading the corpus [\d.]+ s \(\d+%\), the embedding model [\d.]+ s \(\d+%\), "
        r"chunking",
        result.output,
    )
    # A record without an abstract is counted apart, in JSONL as in bibliographies (issue 29).
    assert "Skipped 1 record(s): 1 without an abstract, 0 malformed" in result.output
    assert "papers.jsonl:2: broken: no abstract" in result.output
    again = runner.invoke(app, ["--corpus", str(tmp_path / "corpus"), "ingest"])
    assert "up to date" in again.output


def test_strict_ingest_fails_cleanly(tmp_path: Path, write_jsonl, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_jsonl([paper_record(1), '{"title": "broken"}'])
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(tmp_path / "corpus"), "ingest", "--strict"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "papers.jsonl:2" in result.output
    assert "Traceback" not in result.output


def test_missing_index_is_built_first_saying_so(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(corpus), "search", "--json", "Boltzmann"])
    assert result.exit_code == 0, result.output
    assert "No index in" in result.output and "building it" in result.output


def test_errors_are_one_line_without_traceback(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(tmp_path / "missing"), "ask", "anything"])
    assert result.exit_code == 1
    assert "corpus path does not exist" in result.output and "Traceback" not in result.output


def test_empty_question_is_refused(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 1 and "question is empty" in result.output


def test_chat_keeps_history_for_follow_ups(env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["chat"], input="What is the Boltzmann policy distribution?\nwho wrote it?\n/quit\n"
    )
    assert result.exit_code == 0, result.output
    # Only the follow-up answer says "is by"; the source list alone would not.
    assert "is by Cassidy Laidlaw, Anca Dragan" in result.stdout


def test_help_teaches_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "search", "ask", "chat", "check"):
        assert command in result.output


def test_stats_json_and_table(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["stats", "--json", "--coauthors", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["papers_indexed"] == 50 and data["papers_stated"] == 66
    assert data["counts_by_year"]["2024"] == 16 and len(data["papers_with_code"]) == 9
    assert [a["name"] for a in data["top_coauthors"]][0] == "Micah Carroll"
    assert len(data["top_coauthors"]) == 3 and data["topics"]
    table = runner.invoke(app, ["stats"])
    assert table.exit_code == 0 and "Papers per year" in table.stdout
    assert "Micah Carroll" in table.stdout and "profile states 66" in table.stdout


def test_ask_routes_statistics(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "--json", "How many papers came out in 2024?"])
    data = json.loads(result.stdout)
    assert data["answerer"] == "portfolio" and "16 of 50" in data["answer"]
    assert len(data["citations"]) == 16


def test_strict_from_the_environment_is_honoured(tmp_path: Path, write_jsonl, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_jsonl([paper_record(1), '{"title": "broken"}'])
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("QABOT_PARSING__STRICT", "true")
    result = runner.invoke(app, ["--corpus", str(tmp_path / "corpus"), "ingest"])
    assert result.exit_code == 1 and "papers.jsonl:2" in result.output
    relaxed = runner.invoke(app, ["--corpus", str(tmp_path / "corpus"), "ingest", "--no-strict"])
    assert relaxed.exit_code == 0 and "Skipped 1 record(s)" in relaxed.output


def test_empty_corpus_is_one_line_without_traceback(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "corpus").mkdir()
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = runner.invoke(app, ["--corpus", str(tmp_path / "corpus"), "ingest"])
    assert result.exit_code == 1 and "no papers to index" in result.output
    assert "Traceback" not in result.output


def test_eval_writes_reports_and_compares(env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "small.jsonl"
    lines = (DATA / "eval_set.jsonl").read_text().splitlines()
    data.write_text("\n".join(lines[:6] + lines[-4:]) + "\n")  # retrieval + unanswerable
    first = runner.invoke(
        app, ["eval", "--dataset", str(data), "--out", str(tmp_path / "a"), "--json"]
    )
    assert first.exit_code == 0, first.output
    metrics = json.loads(first.stdout)
    for key in (
        "citation_precision",
        "citation_recall",
        "faithfulness",
        "recall@5",
        "mrr",
        "abstention_accuracy",
    ):
        assert key in metrics
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "report.json",
        "report.md",
        "metrics.png",
    }
    assert "| faithfulness |" in (tmp_path / "a" / "report.md").read_text()
    second = runner.invoke(
        app,
        [
            "eval",
            "--dataset",
            str(data),
            "--llm",
            "mock-refuse",
            "--out",
            str(tmp_path / "b"),
            "--compare",
            str(tmp_path / "a" / "report.json"),
        ],
    )
    assert second.exit_code == 0, second.output
    assert "baseline" in second.stdout and "delta" in second.stdout and "-0." in second.stdout


def test_eval_stops_on_an_index_it_cannot_use(
    env: dict[str, str], store_copy: Path, tmp_path: Path
) -> None:
    """A refused index is one error, not a report in which every question failed alike."""
    manifest = store_copy / "manifest.json"
    manifest.write_text(
        json.dumps(
            {**json.loads(manifest.read_text("utf-8")), "embedding_backend": "another-backend"}
        ),
        "utf-8",
    )
    data = DATA / "eval_set.jsonl"
    result = runner.invoke(app, ["eval", "--dataset", str(data), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "another-backend backend" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_eval_stops_when_the_model_cannot_load(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qabot.errors import ConfigError

    def cannot_load(*args: object, **kwargs: object) -> None:
        raise ConfigError("Exporting the embedding model to ONNX needs torch and onnx")

    monkeypatch.setattr(qabot.bot.QABot, "ask", cannot_load)
    data = DATA / "eval_set.jsonl"
    result = runner.invoke(app, ["eval", "--dataset", str(data), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "needs torch and onnx" in result.output, result.output
    assert not (tmp_path / "o").exists(), "no report in which every question failed alike"


def test_eval_names_a_missing_dataset(env: dict[str, str], tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--dataset", str(tmp_path / "none.jsonl")])
    assert (
        result.exit_code == 1
        and "none.jsonl" in result.output
        and "eval_set.jsonl" in result.output
    )
    assert "--dataset" not in result.output, "it was passed: the advice was wrong"
    assert "Traceback" not in result.output


def test_eval_rejects_a_bad_dataset_line(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok"}\n{"nope": 1}\n')
    result = runner.invoke(app, ["eval", "--dataset", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "bad.jsonl:2" in result.output


def _affiliations() -> dict[str, list[str]]:
    from qabot.ingest.corpus import load_corpus

    return {p.paper_id: p.affiliations for p in load_corpus(CORPUS).papers}


def test_search_and_ask_take_an_affiliation(env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["search", "--json", "-k", "10", "--affiliation", "DeepMind", "language models"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    affiliations = _affiliations()
    assert hits and all("deepmind" in affiliations[h["paper_id"]] for h in hits)
    result = runner.invoke(
        app,
        [
            "ask",
            "--json",
            "--affiliation",
            "stanford",
            "How can robots follow language instructions?",
        ],
    )
    data = json.loads(result.stdout)
    assert data["sources"] and all(
        "stanford" in affiliations[s["paper_id"]] for s in data["sources"]
    )


def test_stats_per_profile_in_a_lab(lab_bot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QABOT_STORE", str(lab_bot.settings.store))
    monkeypatch.setenv("QABOT_CORPUS", str(lab_bot.settings.corpus))
    table = runner.invoke(app, ["stats"])
    assert table.exit_code == 0, table.output
    assert "Anca Dragan: 50, states 66; Jessy Lin: 11, states 11" in table.stdout
    assert "Papers per affiliation" in table.stdout and "77" not in table.stdout
    one = json.loads(runner.invoke(app, ["stats", "--json", "--profile", "Jessy Lin"]).stdout)
    assert one["papers_indexed"] == 11 and one["papers_stated"] == 11
    bad = runner.invoke(app, ["stats", "--profile", "Nobody"])
    assert bad.exit_code == 1 and "No indexed profile matches 'Nobody'" in bad.output


def test_chat_says_there_is_nothing_to_order_and_goes_on(env: dict[str, str]) -> None:
    """An order after an answer that found nothing is told so, as a reply, and the chat goes
    on (it listed all 50 papers in date order)."""
    result = runner.invoke(
        app,
        ["chat"],
        input="any papers on protein folding?\nput them in date order\nWhich papers came out in 2019?\n/quit\n",
    )
    assert result.exit_code == 0, result.output
    assert "so there is nothing to put in order" in result.output
    assert "Traceback" not in result.output
    assert "On the Utility of Learning about Humans for Human-AI Coordination" in result.stdout


def test_chat_follow_up_refers_to_the_list_just_given(env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        ["chat"],
        input="Which papers came out in 2019?\n"
        "which of those have code?\ntell me more about the second one\n/quit\n",
    )
    assert result.exit_code == 0, result.output
    assert "Indexed papers among the 2 papers just discussed that link their code" in result.stdout
    assert (
        "On the Utility of Learning about Humans for Human-AI Coordination” (2019):"
        in result.stdout
    )


def test_check_passes_a_healthy_index_then_names_damage_and_its_fix(
    env: dict[str, str], store_copy: Path
) -> None:
    healthy = runner.invoke(app, ["check"])
    assert healthy.exit_code == 0 and healthy.output.startswith("OK:"), healthy.output
    assert "files (" in healthy.output and "verified in" in healthy.output
    manifest = json.loads((store_copy / "manifest.json").read_text())
    indptr = (
        store_copy / "generations" / manifest["generation"] / "lexical" / "indptr.csc.index.npy"
    )
    data = indptr.read_bytes()
    indptr.write_bytes(data[:200] + bytes(len(data) - 200))  # same size, the damage
    damaged = runner.invoke(app, ["check"])
    assert damaged.exit_code == 1, damaged.output
    assert "lexical/indptr.csc.index.npy: content changed" in damaged.output
    assert "fix: run `qabot ingest`" in damaged.output and "1 problem(s)" in damaged.output
    as_json = runner.invoke(app, ["check", "--json"])
    report = json.loads(as_json.output)
    assert as_json.exit_code == 1 and report["ok"] is False
    assert report["problems"][0]["part"].endswith("lexical/indptr.csc.index.npy")
    repaired = runner.invoke(app, ["ingest"])
    assert repaired.exit_code == 0
    assert "The live index was damaged (lexical/indptr.csc.index.npy" in repaired.output
    assert "Index is up to date" not in repaired.output
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_search_refuses_bm25_arrays_damaged_with_their_size_kept(
    env: dict[str, str], store_copy: Path
) -> None:
    """Before (issue 29): `qabot search` used the damaged memory-mapped arrays without a
    word; only `qabot check` noticed."""
    manifest = json.loads((store_copy / "manifest.json").read_text())
    scores = store_copy / "generations" / manifest["generation"] / "lexical" / "data.csc.index.npy"
    data = bytearray(scores.read_bytes())
    data[-64:] = bytes(64)  # some BM25 scores zeroed: the file loads, searches score less
    scores.write_bytes(bytes(data))
    result = runner.invoke(app, ["search", "--mode", "lexical", "reward"])
    assert result.exit_code == 1, result.output
    line = result.output.strip()
    assert "\n" not in line and "lexical/data.csc.index.npy: content changed" in line, line
    assert "Run `qabot ingest` to repair it" in line
    assert runner.invoke(app, ["ingest"]).exit_code == 0
    assert runner.invoke(app, ["search", "--mode", "lexical", "reward"]).exit_code == 0


def test_check_help_teaches_what_it_verifies_and_the_fixes() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    for words in ("checksum", "qabot ingest", "--rebuild", "Exit code", "--json"):
        assert words in result.output, words


@pytest.mark.parametrize(
    ("flag", "variable", "expected"),
    [
        pytest.param([], None, False, id="off-by-default"),
        pytest.param(["--mcp"], None, True, id="flag"),
        pytest.param([], "true", True, id="environment"),
        pytest.param(["--no-mcp"], "true", False, id="flag-beats-environment"),
    ],
)
def test_serve_mcp_option(
    flag: list[str], variable: str | None, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    monkeypatch.setattr(
        qabot.interfaces.web.serving, "serve", lambda settings, share: seen.append(settings)
    )
    if variable:
        monkeypatch.setenv("QABOT_APP__MCP", variable)
    result = runner.invoke(app, ["serve", *flag])
    assert result.exit_code == 0, result.output
    assert seen[0].app.mcp is expected


# -- bad values at the boundary: one line, exit 1 -----------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["search", "-k", "-1", "reward hacking"], "k must be ≥ 1 (got -1)"),
        (["search", "-k", "0", "reward hacking"], "k must be ≥ 1 (got 0)"),
        (["ask", "-k", "0", "reward hacking"], "k must be ≥ 1 (got 0)"),
        (
            ["search", "--mode", "bogus", "reward hacking"],
            "mode must be 'hybrid', 'dense' or 'lexical'",
        ),
        (["ask", "--year-from", "3000000000", "reward hacking"], "year_from must be ≤ 9999"),
        (["search", "--year-to", "-300", "reward hacking"], "year_to must be ≥ 1"),
        (["search", "-k", "abc", "reward hacking"], "Invalid value for '-k'"),
        (["search", "--year-from", "1.5", "reward hacking"], "Invalid value for '--year-from'"),
        (["search", "--bogus", "reward hacking"], "No such option: --bogus"),
    ],
)
def test_bad_option_values_are_one_line(env: dict[str, str], args: list[str], named: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and named in result.output, result.output
    assert result.output.startswith("Error: ")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    k=st.one_of(st.integers(-(10**12), 10**12), st.text(max_size=4)),
    year=st.one_of(st.integers(-(10**12), 10**12), st.text(max_size=4)),
    mode=st.sampled_from(["hybrid", "dense", "lexical", "bogus", ""]),
    category=st.text("ABCXYZ.", max_size=4),
)
def test_any_option_values_give_hits_or_one_error_line(
    env: dict[str, str], k: object, year: object, mode: str, category: str
) -> None:
    args = [
        "search",
        "-k",
        str(k),
        "--year-from",
        str(year),
        "--mode",
        mode,
        "-c",
        category,
        "reward hacking",
    ]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output


def test_invalid_unicode_on_the_command_line_is_repaired(env: dict[str, str]) -> None:
    # Python hands the byte 0xff of `qabot ask $'reward \xff hacking'` over as "\udcff".
    result = runner.invoke(app, ["ask", "reward \udcff hacking"])
    assert result.exit_code == 0, result.output
    assert "[1]" in result.stdout


def test_chat_survives_a_line_that_is_not_utf8(env: dict[str, str]) -> None:
    lines = b"reward \xff hacking\nWhat is the Boltzmann policy distribution?\n/quit\n"
    result = runner.invoke(app, ["chat"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("[1]") >= 2, "both lines are answered"


@pytest.mark.parametrize(
    "filters",
    [
        ["--year-from", "2025", "--year-to", "2020"],
        ["--category", "ZZ"],
        ["--author", "Nobody Atall"],
    ],
)
def test_ask_says_when_the_filters_match_no_paper(env: dict[str, str], filters: list[str]) -> None:
    for command in ("ask", "search"):
        result = runner.invoke(app, [command, *filters, "What is reward hacking?"])
        assert result.exit_code == 0, result.output
        assert "No indexed paper matches these filters (" in result.stdout, result.stdout


def test_author_repeated_is_the_papers_they_wrote_together(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["search", "--author", "Laidlaw", "--author", "Russell", "RL"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Effective") == 2 and "Correlated" not in result.stdout, (
        result.stdout
    )
    result = runner.invoke(app, ["ask", "--author", "Laidlaw", "--author", "Hinton", "RL"])
    assert "(papers by Laidlaw and Hinton)" in result.stdout, result.stdout


def test_first_author_is_the_papers_the_author_led(env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["search", "--json", "-k", "20", "--author", "Vivek Myers", "--first-author", "RL"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 4 and all(h["authors"].startswith("Vivek Myers") for h in hits), hits
    result = runner.invoke(app, ["ask", "--author", "Myers", "--first-author", "robots"])
    sources = [line for line in result.stdout.splitlines() if re.match(r"\s*\[\d+\] ", line)]
    assert result.exit_code == 0 and sources, result.stdout
    assert all("— Vivek Myers," in line for line in sources), result.stdout
    result = runner.invoke(app, ["ask", "--author", "Hinton", "--first-author", "robots"])
    assert "(papers led by Hinton)" in result.stdout, result.stdout


def test_an_empty_lexical_search_does_not_blame_filters(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["search", "--mode", "lexical", "zzzxqv"])
    assert result.exit_code == 0
    assert "filter" not in result.stdout and "No paper contains any word" in result.stdout


def test_a_bad_setting_is_one_line_naming_the_variable(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QABOT_RETRIEVAL__MIN_RELEVANCE", "2")
    result = runner.invoke(app, ["ask", "What is reward hacking?"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert "QABOT_RETRIEVAL__MIN_RELEVANCE must be ≤ 1 (got '2')" in result.output


# -- what a first-day user meets (issue 28): help, -k on ask, serve's port, eval's default ------

# A Python type where the help should say what to type: `<bool>`, `<str>`, `<list[str]>`, ...
PYTHON_TYPE = re.compile(r"<(bool|str|int|float|path|list|dict|tuple)\b[^>]*>")


def _commands() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ["", *_commands()])
def test_help_shows_what_to_type_not_python_types(command: str) -> None:
    result = runner.invoke(app, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert not PYTHON_TYPE.search(result.output), PYTHON_TYPE.findall(result.output)
    if command in ("search", "ask"):
        assert re.search(r"--has-code\s+Only papers", result.output), "a flag takes no value"
        assert re.search(r"--category\s+-c\s+CODE", result.output)
        assert re.search(r"--k\s+-k\s+N\s", result.output), "both take -k"


def test_has_code_is_a_flag(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["search", "--has-code", "--json", "reward"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits and all(h["has_code"] for h in hits)


@pytest.mark.parametrize("args", [["-k", "2"], ["--k", "2", "--json"]], ids=["-k", "--k json"])
def test_ask_takes_k_as_search_does(
    env: dict[str, str], args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-k` on ask is the API's k: how many papers the answer is drawn from."""
    seen = []
    real_stream = qabot.bot.QABot.stream

    def stream(self, question, history=None, *, k=None, **filters):  # type: ignore[no-untyped-def]
        seen.append(k)
        return real_stream(self, question, history, k=k, **filters)

    monkeypatch.setattr(qabot.bot.QABot, "stream", stream)
    result = runner.invoke(app, ["ask", *args, "What is the Boltzmann policy distribution?"])
    assert result.exit_code == 0, result.output
    assert seen == [2]
    bad = runner.invoke(app, ["ask", "-k", "101", "reward hacking"])
    assert bad.exit_code == 1 and "k must be ≤ 100 (got 101)" in bad.output, bad.output


def test_serve_on_a_taken_port_is_one_line_naming_the_option(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7860")  # `serve --port` sets it: restored after
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1, result.output
    assert f"Port {port} on 127.0.0.1 is taken" in result.output and "--port N" in result.output


def test_eval_reads_its_default_set_from_any_folder(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a folder with no tests/data in it (the tests' own tmp_path), `qabot eval`
    still finds the checkout's eval set; three of its questions keep the test fast."""
    import qabot.evaluation.runner as runner_module

    read = []
    real_load = runner_module.load_dataset

    def first_three(path: Path) -> list[runner_module.EvalItem]:
        read.append(path)
        return real_load(path)[:3]

    monkeypatch.setattr(runner_module, "load_dataset", first_three)
    assert Path.cwd() == tmp_path and not (tmp_path / "tests").exists()
    result = runner.invoke(app, ["eval", "--llm", "mock-refuse", "--out", "report"])
    assert result.exit_code == 0, result.output
    assert read == [DATA / "eval_set.jsonl"]
    report = json.loads((tmp_path / "report" / "report.json").read_text("utf-8"))
    assert report["dataset"] == "tests/data/eval_set.jsonl"
    # A relative --dataset is still read from the current folder.
    shutil.copy(DATA / "eval_set.jsonl", tmp_path / "mine.jsonl")
    result = runner.invoke(app, ["eval", "--dataset", "mine.jsonl", "--llm", "mock-refuse"])
    assert result.exit_code == 0 and read[-1] == Path("mine.jsonl"), result.output


def test_eval_without_a_checkout_names_the_missing_default(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed wheel has no tests/ folder: one line saying so and what to pass."""
    import qabot.evaluation.runner as runner_module

    missing = tmp_path / "site-packages" / "tests" / "data" / "eval_set.jsonl"
    monkeypatch.setattr(runner_module, "checkout_eval_set", lambda: missing)
    result = runner.invoke(app, ["eval"])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert str(missing) in result.output and "--dataset FILE" in result.output


def test_ingest_refuses_a_corpus_file_it_cannot_read_in_one_line(
    env: dict[str, str], store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before (issue 29): a warning, "Indexed ... papers", exit 0, and the file's papers gone."""
    import errno

    read_bytes = Path.read_bytes
    profile = CORPUS / "anca-dragan.profile.txt"

    def failing(self: Path) -> bytes:
        if self == profile:
            raise OSError(errno.EIO, "Input/output error", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    before = (store_copy / "manifest.json").read_text()
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert line == (
        f"Error: {profile}: cannot be read (Input/output error). Nothing was indexed, and the "
        "index keeps the papers it had from it. Run `qabot ingest` again once it can be read, "
        "or move it out of the corpus to drop its papers."
    )
    assert "Indexed" not in result.output
    assert (store_copy / "manifest.json").read_text() == before


def test_chat_commands_and_empty_lines_are_not_answered_from_the_papers(
    env: dict[str, str],
) -> None:
    """Issue 29: in `qabot chat`, "/help" (or a line with nothing to search for) was answered
    from the papers, as a follow-up of the last answer: its paper, cited."""
    result = runner.invoke(
        app,
        ["chat"],
        input="What is the Boltzmann policy distribution?\n/help\n/halp\nand?\n/quit\n",
    )
    assert result.exit_code == 0, result.output
    assert "/new         start a new conversation" in result.output, "/help prints the commands"
    assert "unknown command '/halp'; /help lists the commands" in result.output
    assert "“and?” has no words to search for" in result.output
    assert result.stdout.count("[1] The Boltzmann Policy Distribution") == 1, (
        "only the question is answered, with its sources listed once"
    )


@pytest.mark.parametrize("password", [None, "", "  "])
def test_serve_with_half_a_login_refuses_to_start(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    """Issue 29: a user with no password (or an empty one) served the page, /chat and MCP with
    no login at all, and no warning."""
    started: list[object] = []
    monkeypatch.setattr(qabot.interfaces.web.serving, "serve", lambda *a, **k: started.append(a))
    monkeypatch.setenv("QABOT_APP__AUTH_USER", "admin")
    if password is not None:
        monkeypatch.setenv("QABOT_APP__AUTH_PASSWORD", password)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1 and not started, result.output
    assert result.output.count("\n") == 1, result.output
    assert "QABOT_APP__AUTH_USER is set but QABOT_APP__AUTH_PASSWORD is" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--port", "-1"], "--port must be a port number, 1-65535 (got -1)"),
        (["--port", "0"], "--port must be a port number, 1-65535 (got 0)"),
        (["--port", "70000"], "--port must be a port number, 1-65535 (got 70000)"),
        (["--host", "999.1.1.1"], "Cannot serve on '999.1.1.1'"),
    ],
)
def test_serve_on_an_impossible_address_is_one_line_naming_the_option(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    """Issue 29: --port -1 was named as GRADIO_SERVER_PORT and --port 0 served on 7860."""
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7860")  # `serve --port` sets it: restored after
    monkeypatch.setenv("GRADIO_SERVER_NAME", "127.0.0.1")
    result = runner.invoke(app, ["serve", *args])
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and said in result.output, result.output


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_ask_and_search_on_a_truncated_chroma_database_are_one_line(
    env: dict[str, str], store_copy: Path, keep: float
) -> None:
    """Issue 29 saw Chroma's InternalError printed by ask and search on a cut chroma.sqlite3
    (check and ingest were fine): one line naming the fix (a regression guard; it held here)."""
    from qabot.index.chroma import forget_cached_client

    database = store_copy / "chroma" / "chroma.sqlite3"
    with database.open("r+b") as file:
        file.truncate(int(database.stat().st_size * keep))
    for command in (["ask", "reward hacking"], ["search", "reward hacking"]):
        forget_cached_client(store_copy / "chroma")
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Run `qabot ingest --rebuild`" in result.output, result.output
        assert "Traceback" not in result.output


def test_the_kind_of_paper_is_a_filter(env: dict[str, str]) -> None:
    """--paper-type: the kinds read from each paper's text (qabot.domain.genres)."""
    result = runner.invoke(
        app, ["search", "--json", "-k", "20", "--paper-type", "report", "models"]
    )
    assert result.exit_code == 0, result.output
    titles = {h["title"].split(":")[0] for h in json.loads(result.stdout)}
    assert titles == {"Gemma 2", "Gemini 1.5", "Gemini 2.5", "Imagen 3"}, titles
    result = runner.invoke(app, ["search", "--paper-type", "novel", "models"])
    assert result.exit_code != 0 and "report" in result.output and "position" in result.output
    assert "Traceback" not in result.output
