"""An OpenAI-compatible chat-completions server for offline tests, with faults on demand.

It answers like `MockChatModel` (from the sources in the prompt, with `[n]` citations; survey
and compare prompts get one cited entry per source), routes with a question's shape as a model
would (`SearchPapers.shape`, `sides`), streams with server-sent events ending in `[DONE]`, answers tool calls the way the router asks
for them, and can be told to fail. Use it to test the real `openai`/`langchain-openai` path:

    with FakeOpenAIServer() as server:            # binds 127.0.0.1 on a free port
        os.environ["OPENAI_BASE_URL"] = server.url
        server.fail("429", "500")                  # the next two requests fail, then it answers
        ...
        server.requests                            # every request body it received

Faults, one per request, in order: "401" (a bad key), "429" (with Retry-After), "500", "hang" (sleeps past any
sane client timeout), "malformed" (a body that is not JSON), "cut" (a stream that stops halfway
without finishing), "stall" (a stream that goes silent halfway for `hang_seconds`, then
finishes), "invent" (an answer citing a source that does not exist). "cut", "stall" and
"invent" wait for the next answer request (one carrying <sources>), so routing and condensing
calls pass through untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from qabot.answering.router import route_question
from qabot.index.vocabulary import Vocabulary
from qabot.testing.mock_llm import MockChatModel

FAULTS = {"401", "429", "500", "hang", "malformed", "cut", "stall", "invent"}
ANSWER_FAULTS = {
    "cut",
    "stall",
    "invent",
}  # they only make sense on an answer, so routing skips them


def _messages(body: dict[str, Any]) -> list[BaseMessage]:
    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    out: list[BaseMessage] = []
    for m in body.get("messages", []):
        content = m.get("content") or ""
        if isinstance(content, list):  # content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        out.append(kinds.get(m.get("role"), HumanMessage)(content))
    return out


def _is_answer_prompt(body: dict[str, Any]) -> bool:
    return any("<sources>" in str(m.get("content", "")) for m in body.get("messages", []))


def _tool_call(body: dict[str, Any]) -> dict[str, Any]:
    """Pick the router's tool the way a model would, from the question alone."""
    question = str(_messages(body)[-1].content)
    route = route_question(question, Vocabulary())
    filters = route.filters.model_dump(exclude_none=True)
    if route.kind == "statistic":
        name, args = "PortfolioStatistic", {"intent": route.intent or "list", **filters}
    else:
        name, args = (
            "SearchPapers",
            {
                "query": route.query or question,
                "shape": route.shape,
                "chronological": route.chronological,
                **filters,
            },
        )
        if route.sides:
            args["sides"] = route.sides
    return {
        "id": f"call_{uuid.uuid4().hex[:8]}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(args)},
    }


class FakeOpenAIServer:
    """Serves /v1/chat/completions and /v1/models on 127.0.0.1 in a background thread."""

    def __init__(self, model: MockChatModel | None = None, hang_seconds: float = 30.0) -> None:
        self.model = model or MockChatModel()
        self.hang_seconds = hang_seconds
        self.faults: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []
        self.url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def fail(self, *faults: str) -> None:
        unknown = set(faults) - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {unknown}; choose from {sorted(FAULTS)}")
        self.faults.extend(faults)

    # -- the app -------------------------------------------------------------------------------

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/models")
        async def models() -> dict[str, Any]:
            return {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}

        @app.post("/v1/chat/completions")
        async def completions(request: Request) -> Any:
            body = await request.json()
            self.requests.append(body)
            fault = self.faults[0] if self.faults else None
            if fault in ANSWER_FAULTS and (body.get("tools") or not _is_answer_prompt(body)):
                fault = None  # saved for the next answer request
            elif fault is not None:
                self.faults.popleft()
            if fault == "429":
                return JSONResponse(
                    {"error": {"message": "rate limited", "type": "rate_limit"}},
                    status_code=429,
                    headers={"Retry-After": "1"},
                )
            if fault == "401":  # a configuration error: the key
                return JSONResponse(
                    {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                               "code": "invalid_api_key"}},
                    status_code=401,
                )  # fmt: skip
            if fault == "500":
                return JSONResponse(
                    {"error": {"message": "boom", "type": "server_error"}}, status_code=500
                )
            if fault == "hang":
                await asyncio.sleep(self.hang_seconds)
            if fault == "malformed":
                return Response("{this is not json", media_type="application/json")
            if body.get("tools"):
                call = _tool_call(body)
                return self._completion(body, "", [call], "tool_calls")
            text = await asyncio.to_thread(self.model.respond, _messages(body))
            if fault == "invent":
                text = text.replace("[1]", "[1][9]", 1) if "[1]" in text else f"{text} [9]"
            if body.get("stream"):
                return StreamingResponse(
                    self._sse(body, text, cut=fault == "cut", stall=fault == "stall"),
                    media_type="text/event-stream",
                )
            return self._completion(body, text, None, "stop")

        return app

    def _completion(
        self, body: dict[str, Any], text: str, calls: list[dict[str, Any]] | None, finish: str
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": text or None}
        if calls:
            message["tool_calls"] = calls
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:10]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    async def _sse(
        self, body: dict[str, Any], text: str, cut: bool, stall: bool = False
    ) -> AsyncIterator[str]:
        pieces = [p for p in text.split(" ")]
        if cut:
            pieces = pieces[: max(1, len(pieces) // 2)]
        base = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:10]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
        }
        for i, piece in enumerate(pieces):
            delta = {"content": piece + (" " if i < len(pieces) - 1 else "")}
            if i == 0:
                delta["role"] = "assistant"
            yield f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': delta, 'finish_reason': None}]})}\n\n"
            await asyncio.sleep(self.hang_seconds if stall and i == len(pieces) // 2 else 0)
        if cut:
            return  # the connection ends with no finish_reason and no [DONE]
        yield f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}\n\n"
        yield "data: [DONE]\n\n"

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        import uvicorn

        config = uvicorn.Config(self._app(), host="127.0.0.1", port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.time() + 20
        while not self._server.started:
            if time.time() > deadline:
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.02)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeOpenAIServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m qabot.testing.fake_openai [--port N]`: serve until Ctrl-C, printing the base
    URL and how to point qabot at it."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(
        prog="python -m qabot.testing.fake_openai",
        description="An OpenAI-compatible server on 127.0.0.1 that answers like qabot's mock "
        "model (cited, from the sources in the prompt): the real openai client path, offline.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    args = parser.parse_args(argv)
    server = FakeOpenAIServer()
    try:
        url = server.start(args.port)
    except (OSError, SystemExit) as exc:
        print(f"Cannot serve on 127.0.0.1:{args.port} ({exc}): pass --port N.")
        return 1
    print(f"Fake OpenAI server on {url}", flush=True)
    print(f'Use it:  OPENAI_BASE_URL={url} qabot --llm openai ask "What is Dynalang?"', flush=True)
    print("Ctrl-C stops it.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
