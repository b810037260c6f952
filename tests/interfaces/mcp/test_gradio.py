"""The MCP tools on Gradio's MCP server (`qabot serve --mcp`), driven by the official `mcp`
client over streamable HTTP, with the same checks as over stdio (test_server.py)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.types import CallToolResult
from pydantic import SecretStr

from qabot import QABot
from qabot.interfaces.mcp.gradio import gradio_docstring
from qabot.interfaces.mcp.server import PortfolioTools
from qabot.interfaces.web.ui import launch
from tests.conftest import BPD_ID
from tests.interfaces.mcp.test_server import (
    BPD_Q,
    TOOLS,
    check,
    check_edge_calls,
    edge_calls,
    exercise,
    free_port,
    record,
    run,
)


def test_gradio_docstring_carries_parameter_descriptions(extractive_bot: QABot) -> None:
    doc = gradio_docstring(PortfolioTools(extractive_bot).tools()[1])
    assert doc.startswith("List the papers that best match")
    assert "    k: How many papers to return (1-50)." in doc
    assert "    author: Only papers with an author whose name contains" in doc


# -- over HTTP: Gradio's MCP server ---------------------------------------------------------


def _app_settings(bot: QABot, **app: Any) -> Any:
    return bot.settings.model_copy(
        update={"app": bot.settings.app.model_copy(update={"port": free_port(), **app})}
    )


@pytest.fixture(scope="module")
def mcp_url(extractive_bot: QABot) -> Iterator[str]:
    demo, url = launch(_app_settings(extractive_bot, mcp=True), bot=extractive_bot, block=False)
    yield url + "gradio_api/mcp/"
    demo.close()


def test_http_tools(mcp_url: str) -> None:
    assert mcp_url.startswith("http://127.0.0.1:"), "loopback by default"

    async def session() -> dict[str, Any]:
        async with streamable_http_client(mcp_url) as (read, write, _):
            async with ClientSession(read, write) as client:
                return await exercise(client)

    check(run(session))


def test_http_checks_every_argument_as_stdio_does(mcp_url: str) -> None:
    """Issue 29: over HTTP k=51 was accepted (the docs say 1-50; stdio refused it), and the
    transports disagreed on k="5" and on unknown arguments."""

    async def session() -> list[str]:
        async with streamable_http_client(mcp_url) as (read, write, _):
            async with ClientSession(read, write) as client:
                return await edge_calls(client)

    check_edge_calls(run(session))


def test_the_schema_lists_the_tools_that_tools_list_lists(mcp_url: str) -> None:
    """/gradio_api/mcp/schema (read by Hugging Face's MCP client) lists every endpoint Gradio
    knows unless told otherwise; the page's /chat API is not an MCP tool there either."""

    async def listed() -> set[str]:
        async with streamable_http_client(mcp_url) as (read, write, _):
            async with ClientSession(read, write) as client:
                await client.initialize()
                return {t.name for t in (await client.list_tools()).tools}

    schema = httpx.get(mcp_url + "schema", timeout=30).json()
    assert {tool["name"] for tool in schema} == run(listed) == TOOLS


def test_a_blocking_launch_warms_up_and_adds_structured_content_before_it_blocks(
    extractive_bot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python app.py --mcp` launches blocking: what follows the launch must run first."""
    import gradio as gr
    from mcp import types

    seen: dict[str, Any] = {}

    def block_thread(demo: gr.Blocks) -> None:  # returns at once instead of serving forever
        server = demo.mcp_server_obj.mcp_server  # type: ignore[attr-defined]
        seen["handler"] = server.request_handlers[types.CallToolRequest].__name__
        seen["warming"] = warming.call_count

    warming = _Counter(extractive_bot.warm_up)
    monkeypatch.setattr(gr.Blocks, "block_thread", block_thread)
    monkeypatch.setattr(extractive_bot, "warm_up", warming)
    demo, _ = launch(_app_settings(extractive_bot, mcp=True), bot=extractive_bot, block=True)
    demo.close()
    assert seen == {"handler": "call_checked", "warming": 1}


class _Counter:
    def __init__(self, inner: Any) -> None:
        self.inner, self.call_count = inner, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.call_count += 1
        return self.inner(*args, **kwargs)


def test_http_mcp_is_off_by_default(extractive_bot: QABot) -> None:
    demo, url = launch(_app_settings(extractive_bot), bot=extractive_bot, block=False)
    try:
        assert httpx.post(url + "gradio_api/mcp/", json={}, timeout=30).status_code == 404
    finally:
        demo.close()


def test_http_mcp_behind_the_page_login(extractive_bot: QABot) -> None:
    """Gradio's login does not cover /gradio_api/mcp/; the same credentials do, as Basic auth."""
    settings = _app_settings(
        extractive_bot, mcp=True, auth_user="ada", auth_password=SecretStr("s3cret")
    )
    demo, url = launch(settings, bot=extractive_bot, block=False)
    mcp_url = url + "gradio_api/mcp/"

    def basic(user: str, password: str) -> dict[str, str]:
        return {
            "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        }

    try:
        for headers in ({}, basic("ada", "wrong"), basic("eve", "s3cret")):
            for path in ("", "sse", "schema"):
                response = httpx.get(mcp_url + path, headers=headers, timeout=30)
                assert response.status_code == 401, (path, headers)
            refused = httpx.post(
                mcp_url,
                headers=headers,
                timeout=30,
                json={
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": "portfolio_statistics", "arguments": {}},
                },
            )
            assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]

        async def session() -> CallToolResult:
            http = create_mcp_http_client(auth=httpx.BasicAuth("ada", "s3cret"))
            async with http, streamable_http_client(mcp_url, http_client=http) as (r, w, _):
                async with ClientSession(r, w) as client:
                    await client.initialize()
                    return await client.call_tool("ask", {"question": BPD_Q})

        assert record(run(session))["citations"][0]["paper_id"] == BPD_ID
        # The page itself keeps Gradio's own login.
        assert (
            httpx.post(url + "gradio_api/call/ask", json={"data": [BPD_Q]}, timeout=30).status_code
            == 401
        )
    finally:
        demo.close()
