"""The MCP tools and `qabot mcp` (stdio), driven by the official `mcp` client. The same checks run
over HTTP in test_gradio.py."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import CallToolResult

from qabot import QABot, QuestionError
from qabot.domain.filters import Filters
from qabot.interfaces.mcp.server import PortfolioTools, stdio_server
from tests.conftest import BPD_ID, ROOT, make_settings

BPD_Q = "What is the Boltzmann policy distribution?"
TOOLS = {"ask", "search", "portfolio_statistics"}
TIMEOUT = 120  # seconds for one whole client session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(session: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(session(), TIMEOUT))


def record(result: CallToolResult) -> dict[str, Any]:
    """The tool's record: the text content is its JSON on both transports."""
    assert not result.isError, result.content
    return json.loads(result.content[0].text)  # type: ignore[union-attr]


async def exercise(session: ClientSession) -> dict[str, Any]:
    """What every transport must do: list the tools, answer with the cited paper, refuse bad
    calls with the error's message."""
    await session.initialize()
    listed = {t.name: t for t in (await session.list_tools()).tools}
    ask = await session.call_tool("ask", {"question": BPD_Q})
    filtered = await session.call_tool(
        "search", {"question": "reward hacking", "k": 3, "year_from": 2024}
    )
    empty = await session.call_tool("ask", {"question": "   "})
    bad_filter = await session.call_tool("search", {"question": "robots", "year_from": "soon"})
    misspelt = await session.call_tool("ask", {"question": BPD_Q, "yaer_to": 2019})
    stats = await session.call_tool("portfolio_statistics", {})
    return {
        "tools": listed,
        "ask": ask,
        "search": filtered,
        "empty": empty,
        "bad_filter": bad_filter,
        "misspelt": misspelt,
        "stats": stats,
    }


def check(got: dict[str, Any]) -> None:
    tools = got["tools"]
    assert set(tools) == TOOLS, "exactly the three tools, no UI endpoint among them"
    for name in ("ask", "search"):
        props = tools[name].inputSchema["properties"]
        assert set(props) >= set(Filters.model_fields), f"{name} takes every filter"
        assert all(p.get("description") for p in props.values()), f"{name}: described params"
        assert tools[name].inputSchema["required"] == ["question"]
    assert "cited" in tools["ask"].description

    answer = record(got["ask"])
    assert got["ask"].structuredContent == answer, "the record is structured content too"
    assert not answer["abstained"]
    cited = answer["citations"][0]
    assert cited["paper_id"] == BPD_ID and cited["number"] == 1 and "[1]" in answer["answer"]
    assert cited["year"] == 2022 and "url" in cited
    assert "Boltzmann" in cited["passage"]

    papers = record(got["search"])["papers"]
    assert 1 <= len(papers) <= 3 and all(p["year"] >= 2024 for p in papers)
    assert "reward hacking" in papers[0]["title"].lower()

    assert got["empty"].isError
    assert "The question is empty" in got["empty"].content[0].text
    assert "Traceback" not in got["empty"].content[0].text
    # FastMCP names the parameter; Gradio's server quotes the value its schema rejects.
    bad = got["bad_filter"].content[0].text
    assert got["bad_filter"].isError and ("year_from" in bad or "'soon'" in bad), bad
    # A misspelt filter is refused as the Python API refuses it, not dropped: an answer that
    # ignored it would look filtered.
    misspelt = got["misspelt"].content[0].text
    assert got["misspelt"].isError, misspelt
    assert "yaer_to is not an argument of ask (did you mean year_to?)" in misspelt, misspelt

    stats = record(got["stats"])
    assert stats["papers_indexed"] == 50 and stats["researchers"] == ["Anca Dragan"]


# Calls on which the two transports disagreed (issue 29): FastMCP validates with pydantic (k "5"
# is 5, and k's bound is known), Gradio with JSON Schema (k "5" refused, k=51 accepted). Each is
# now checked by qabot first, as the Python API checks it; (arguments, what the reply says).
EDGE_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("search", {"question": "reward hacking", "k": 51}, "k must be ≤ 50 (got 51)"),
    ("search", {"question": "reward hacking", "k": 0}, "k must be ≥ 1"),
    ("search", {"question": "reward hacking", "k": "5"}, "5 papers"),
    ("search", {"question": "reward hacking", "k": "many"}, "Invalid parameter: k"),
    ("search", {"question": "reward hacking", "k": 2.5}, "Invalid parameter: k"),
    ("search", {"question": "reward hacking", "year_from": "2024", "k": 2}, "2 papers"),
    ("search", {"question": "reward hacking", "k": None}, "5 papers"),
    ("search", {"question": "reward hacking", "colour": "red"}, "colour is not an argument"),
    ("ask", {"question": 5}, "question must be text"),
    ("ask", {}, "question is missing"),
    ("portfolio_statistics", {"k": 3}, "portfolio_statistics takes no arguments"),
]


async def edge_calls(session: ClientSession) -> list[str]:
    """What each of EDGE_CALLS gets: "N papers" for a search that ran, else the error's text."""
    await session.initialize()
    said = []
    for tool, arguments, _ in EDGE_CALLS:
        result = await session.call_tool(tool, arguments)
        text = result.content[0].text  # type: ignore[union-attr]
        if result.isError:
            said.append(text)
        else:
            papers = json.loads(text)["papers"]
            said.append(f"{len(papers)} papers" + ("" if tool == "search" else text))
    return said


def check_edge_calls(said: list[str]) -> None:
    for (tool, arguments, expected), got in zip(EDGE_CALLS, said, strict=True):
        assert expected in got, f"{tool}({arguments}): {got}"
        assert "\n" not in got and "Traceback" not in got, got


def test_stdio_checks_every_argument_as_the_python_api_does(extractive_bot: QABot) -> None:
    """The same calls over HTTP: test_gradio.py; both must give these replies."""

    async def session() -> list[str]:
        server = stdio_server(extractive_bot)._mcp_server
        async with create_connected_server_and_client_session(server) as client:
            return await edge_calls(client)

    check_edge_calls(run(session))


# -- the tools themselves -------------------------------------------------------------------


def test_filter_parameters_are_the_filters(extractive_bot: QABot) -> None:
    """The tools offer every `Filters` field, so a filter added there reaches MCP clients."""
    ask, search, stats = PortfolioTools(extractive_bot).tools()
    assert list(inspect.signature(ask).parameters) == ["question", *Filters.model_fields, "history"]
    assert list(inspect.signature(search).parameters) == ["question", "k", *Filters.model_fields]
    assert not inspect.signature(stats).parameters
    by_keyword = ask(BPD_Q, year_to=2021)
    by_position = ask(BPD_Q, None, 2021)  # as Gradio calls it
    assert by_keyword == by_position and BPD_ID not in [c.paper_id for c in by_keyword.citations]
    with pytest.raises(QuestionError, match="year is not an argument of ask"):
        ask(BPD_Q, year=2021)


def test_tools_keep_no_state_between_calls(extractive_bot: QABot) -> None:
    """A follow-up means nothing to the tools without a history: they keep none themselves."""
    tools = PortfolioTools(extractive_bot)
    first = tools.ask(BPD_Q)
    again = tools.ask(BPD_Q)
    assert first == again
    follow_up = tools.ask("Who wrote it?")
    assert follow_up.question == "Who wrote it?"
    assert BPD_ID not in [c.paper_id for c in follow_up.citations[:1]] or follow_up.abstained


def test_ask_takes_a_history_whose_turns_carry_their_citations(extractive_bot: QABot) -> None:
    tools = PortfolioTools(extractive_bot)
    first = tools.ask("Which papers study recommender systems?")
    cited = [c.paper_id for c in first.citations]
    history = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.answer, "citations": cited},
    ]
    second = tools.ask("tell me more about the second one", history=history)
    assert [c.paper_id for c in second.citations] == [cited[1]]
    with pytest.raises(QuestionError, match="history"):
        tools.tools()[0]("Who wrote it?", history=[{"content": "no role"}])


def test_stdio_tools_in_memory(extractive_bot: QABot) -> None:
    """The FastMCP server with the official client over in-memory streams (fast)."""

    async def session() -> dict[str, Any]:
        server = stdio_server(extractive_bot)._mcp_server
        async with create_connected_server_and_client_session(server) as client:
            return await exercise(client)

    got = run(session)
    check(got)
    assert got["tools"]["ask"].outputSchema["properties"]["citations"]


def test_unexpected_failure_is_one_line(
    extractive_bot: QABot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(extractive_bot, "search", broken)

    async def session() -> CallToolResult:
        async with create_connected_server_and_client_session(
            stdio_server(extractive_bot)._mcp_server
        ) as client:
            await client.initialize()
            return await client.call_tool("search", {"question": "robots"})

    result = run(session)
    assert result.isError and "internal error" in result.content[0].text
    assert "secret internal detail" not in result.content[0].text
    assert "secret internal detail" in caplog.text, "the details go to the log"


def test_missing_index_is_a_tool_error(tmp_path: Path, embeddings: Any) -> None:
    bot = QABot(
        make_settings(tmp_path / "empty", llm="extractive"),
        embeddings=embeddings,
        auto_ingest=False,
    )

    async def session() -> CallToolResult:
        async with create_connected_server_and_client_session(
            stdio_server(bot)._mcp_server
        ) as client:
            await client.initialize()
            return await client.call_tool("ask", {"question": BPD_Q})

    result = run(session)
    assert result.isError and "No index in" in result.content[0].text
    assert "Run `qabot ingest` first." in result.content[0].text


# -- over stdio: `qabot mcp` as a desktop client starts it ----------------------------------


@pytest.mark.slow
def test_stdio_command(bundled_store: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QABOT_STORE": str(bundled_store),
        "QABOT_CORPUS": str(ROOT / "corpus"),
        "QABOT_LLM": "extractive",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "qabot", "mcp"], env=env, cwd=str(tmp_path)
    )

    async def session() -> dict[str, Any]:
        with (tmp_path / "stderr.log").open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as client:
                    return await exercise(client)

    check(run(session))


@pytest.mark.slow
def test_stdio_command_without_index_fails_in_one_line(tmp_path: Path) -> None:
    """A missing corpus is said once on stderr; the client sees the server end, not hang."""
    env = {
        **os.environ,
        "QABOT_STORE": str(tmp_path / "none"),
        "QABOT_CORPUS": str(tmp_path / "missing"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "qabot", "mcp"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "Traceback" not in done.stderr and "Error:" in done.stderr
