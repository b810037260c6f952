"""The MCP tools on Gradio's own MCP server, at `/gradio_api/mcp/` (`qabot serve --mcp`).

Gradio publishes every public API endpoint of a Blocks as an MCP tool. `add_gradio_tools`
registers `qabot.interfaces.mcp.server.PortfolioTools` as such endpoints without restating them: the same
signatures, and an "Args:" docstring (where Gradio reads parameter descriptions) written from
the same annotations. Gradio's MCP layer returns a tool's value as text, so the record goes out
as JSON text, the same JSON `qabot mcp` sends. Once the app is launched, `adapt_mcp_server`
makes Gradio's server behave as `qabot mcp` does: it publishes the tools only (not the page's
`/chat` API, not even in `/gradio_api/mcp/schema`), refuses an argument a tool does not take
with a did-you-mean, and hands each record to clients as structured content too.
"""

from __future__ import annotations

import base64
import functools
import inspect
import json
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any, get_type_hints

import gradio as gr
from mcp import types
from pydantic import BaseModel
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from qabot.bot import QABot
from qabot.errors import QABotError
from qabot.interfaces.mcp.server import PortfolioTools, check_tool_calls, tool_errors

log = logging.getLogger(__name__)


def gradio_docstring(fn: Callable[..., Any]) -> str:
    """The tool's description plus an "Args:" section built from its parameter annotations:
    the form Gradio reads parameter descriptions from."""
    hints = get_type_hints(fn, include_extras=True)
    lines = [inspect.cleandoc(fn.__doc__ or ""), "", "Args:"]
    for name in inspect.signature(fn).parameters:
        described = [
            m.description
            for m in getattr(hints[name], "__metadata__", ())
            if getattr(m, "description", None)
        ]
        lines.append(f"    {name}: {described[0] if described else name}")
    return "\n".join(lines if len(lines) > 3 else lines[:1])


class GradioToolError(gr.Error):
    """A `gr.Error` whose text is just the message: Gradio's MCP layer reports `str(error)`,
    which for `gr.Error` is the message's repr, quotes and all."""

    def __str__(self) -> str:
        return str(self.message)


def gradio_endpoint(fn: Callable[..., BaseModel]) -> Callable[..., str]:
    """`fn` as a Gradio API function: the same signature, the record as JSON text, and a qabot
    error as `gr.Error` (whose message Gradio passes on; other errors it hides)."""
    checked = tool_errors(fn)

    @functools.wraps(fn)
    def endpoint(*args: Any, **kwargs: Any) -> str:
        try:
            result = checked(*args, **kwargs)
        except QABotError as exc:
            raise GradioToolError(str(exc), print_exception=False) from None
        return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)

    hints = get_type_hints(fn)
    endpoint.__annotations__ = {**{k: v for k, v in hints.items() if k != "return"}, "return": str}
    endpoint.__signature__ = inspect.signature(fn).replace(return_annotation=str)  # type: ignore[attr-defined]
    endpoint.__doc__ = gradio_docstring(fn)
    del endpoint.__wrapped__  # type: ignore[attr-defined]  # Gradio must see this signature
    return endpoint


# The `_mcp_type` of an API endpoint that MCP must not publish. Gradio's tools/list skips any
# type but "tool"; its `/schema` lists every endpoint, which `adapt_mcp_server` corrects.
NOT_FOR_MCP = "api"


def hidden_from_mcp(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` as an API endpoint that Gradio's MCP server does not publish: the page's `/chat`
    endpoint stays an API, while MCP clients see exactly the tools `qabot mcp` serves."""

    @functools.wraps(fn)
    def endpoint(*args: Any, **kwargs: Any) -> Any:
        yield from fn(*args, **kwargs)

    endpoint._mcp_type = NOT_FOR_MCP  # type: ignore[attr-defined]
    return endpoint


MCP_PATH = re.compile(r"/gradio_api/mcp(?:/|$)")


class MCPBasicAuth:
    """ASGI middleware: with the page behind a login, the MCP paths ask for the same user and
    password as HTTP Basic credentials.

    Gradio 6 mounts its MCP server outside its login: without this, anyone who can reach the
    port could list the tools and call those that skip the queue (tests/interfaces/mcp/test_server.py
    shows both). MCP clients send the credentials as an `Authorization: Basic ...` header."""

    def __init__(self, app: ASGIApp, user: str, password: str) -> None:
        self.app = app
        self.user = user.encode()
        self.password = password.encode()

    def allowed(self, scope: Scope) -> bool:
        header = dict(scope.get("headers", [])).get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            user, _, password = base64.b64decode(token, validate=True).partition(b":")
        except ValueError:
            return False
        # Both compared, always: no early exit that times which one was wrong.
        return secrets.compare_digest(user, self.user) & secrets.compare_digest(
            password, self.password
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and MCP_PATH.search(scope["path"]) and not self.allowed(scope):
            response = PlainTextResponse(
                "MCP on this server needs the page's user and password (HTTP Basic auth).",
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="qabot MCP"'},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def add_gradio_tools(bot: QABot) -> None:
    """Register the tools as API endpoints of the Blocks being built (call inside it).

    They skip the page's queue (`queue=False`): Gradio then calls them in-process for MCP
    instead of through an HTTP client of its own server."""
    for tool in PortfolioTools(bot).tools():
        gr.api(gradio_endpoint(tool), api_name=tool.__name__, queue=False)


def adapt_mcp_server(demo: gr.Blocks) -> None:
    """Make the launched app's MCP server serve as `qabot mcp` does (call after `launch`): the
    tools only, unknown arguments refused, records as structured content too."""
    published = getattr(demo, "mcp_server_obj", None)
    server = getattr(published, "mcp_server", None)
    if types.CallToolRequest not in getattr(server, "request_handlers", {}):
        log.warning(
            "Gradio's MCP server has no tools/call handler to wrap: tools will return "
            "their records as JSON text only and not check their argument names"
        )
        return
    # Gradio lists in /gradio_api/mcp/schema (and would call) every endpoint of this mapping,
    # whatever its `_mcp_type`; tools/list alone skips the hidden ones.
    mapping: dict[str, str] = published.tool_to_endpoint  # type: ignore[union-attr]
    parameters = {}
    for name, endpoint in list(mapping.items()):
        block_fn = published.get_block_fn_from_endpoint_name(endpoint)  # type: ignore[union-attr]
        fn = getattr(block_fn, "fn", None)
        if getattr(fn, "_mcp_type", None) == NOT_FOR_MCP:
            del mapping[name]
        elif fn is not None and getattr(fn, "_mcp_type", "tool") == "tool":
            parameters[name] = list(inspect.signature(fn).parameters)
    add_structured_content(server)
    check_tool_calls(server, parameters)  # outermost: checked before anything runs


def add_structured_content(server: Any) -> None:
    """Have an MCP server built by Gradio return each tool's JSON record as structured content
    too. Gradio 6 sends only text (its `structured_output` wraps the text blocks instead), so
    its tools/call handler, an ordinary handler of the `mcp` SDK's server, is wrapped."""
    handlers = server.request_handlers
    call = handlers[types.CallToolRequest]

    async def call_with_structure(request: types.CallToolRequest) -> types.ServerResult:
        response = await call(request)
        result = response.root
        if (
            isinstance(result, types.CallToolResult)
            and not result.isError
            and result.structuredContent is None
            and len(result.content) == 1
            and isinstance(result.content[0], types.TextContent)
        ):
            try:
                record = json.loads(result.content[0].text)
            except ValueError:
                return response
            if isinstance(record, dict):
                result.structuredContent = record
        return response

    handlers[types.CallToolRequest] = call_with_structure
