"""Chat model backends: OpenAI (or any compatible server) and a deterministic mock.

The extractive answerer is not a chat model; `make_llm` returns None for it and the chain uses
`qabot.extractive` directly.
"""

from __future__ import annotations

import contextvars
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from qabot.errors import LLMError
from qabot.extractive import compare_lines, extractive_answer, survey_lines
from qabot.prompts import (
    COMPARE_SYSTEM,
    CONDENSE_SYSTEM,
    MODEL_ABSTAIN_MARKER,
    SURVEY_ORDER,
    SURVEY_SYSTEM,
)
from qabot.sources import SourceBlock, parse_prompt

if TYPE_CHECKING:
    from qabot.config import Settings

_MISSING = re.compile(r"<missing>\n(?P<sides>.*?)\n</missing>", re.DOTALL)
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|the paper|the same|"
    r"the authors?|the first|the second|the last|one|ones)\b",
    re.I,
)


def _leans_on_context(question: str) -> bool:
    return bool(_ANAPHORA.search(question)) or len(re.findall(r"\w+", question)) <= 4


def condense_heuristic(question: str, history: list[BaseMessage]) -> str:
    """Deterministic follow-up resolution: prepend the conversation's topic (its last
    self-contained user question) when this one leans on it ("who wrote it?", then "when was
    it published?"), so retrieval sees the topic. Used without an LLM and by the mock."""
    topic = None
    for message in history:
        text = str(message.content) if isinstance(message, HumanMessage) else ""
        if text and (topic is None or not _leans_on_context(text)):
            topic = text
    if topic is None or not _leans_on_context(question):
        return question
    return f"{topic} {question}"


class MockChatModel(BaseChatModel):
    """A deterministic chat model that answers from the sources in its prompt, with `[n]`.

    - Condense prompts get `condense_heuristic`.
    - `enqueue("text")` scripts the next answers, as in simonw/llm's MockModel.
    - `prompts` records every prompt it saw, for assertions.
    """

    responses: list[str] = Field(default_factory=list)
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "qabot-mock"

    def enqueue(self, *responses: str) -> None:
        self.responses.extend(responses)

    def respond(self, messages: list[BaseMessage]) -> str:
        """The reply to a prompt. Subclasses that misbehave on purpose override this."""
        text = "\n".join(str(m.content) for m in messages)
        self.prompts.append(text)
        if messages and CONDENSE_SYSTEM in str(messages[0].content):
            return condense_heuristic(str(messages[-1].content), messages[1:-1])
        if self.responses:
            return self.responses.pop(0)
        prompt = str(messages[-1].content)
        question, sources = parse_prompt(prompt)
        system = str(messages[0].content) if len(messages) > 1 else ""
        if sources and system.startswith(SURVEY_SYSTEM.split("\n", 1)[0]):
            # The survey prompt: one cited entry per source, in the order it asks for.
            return "\n".join(survey_lines(question, sources,
                                          chronological=SURVEY_ORDER[True] in system))  # fmt: skip
        if system.startswith(COMPARE_SYSTEM.split("\n", 1)[0]):
            match = _MISSING.search(prompt)
            missing = [m for m in (match["sides"].splitlines() if match else []) if m != "(none)"]
            return "\n".join(compare_lines(question, sources, missing)) or MODEL_ABSTAIN_MARKER
        return self.answer(question, sources) if sources else MODEL_ABSTAIN_MARKER

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        """The faithful answer: the extractive answerer's cited sentences."""
        return extractive_answer(question, sources)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:  # fmt: skip
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.respond(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:  # fmt: skip
        for piece in re.findall(r"\S+\s*|\s+", self.respond(messages)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        # Like a real endpoint, the last chunk says the answer is complete.
        yield ChatGenerationChunk(message=AIMessageChunk(content=""),
                                  generation_info={"finish_reason": "stop"})  # fmt: skip


def llm_failure(exc: Exception, endpoint: str) -> LLMError:
    """An endpoint failure as a message naming the endpoint and what to check."""
    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return LLMError(
        f"The language model at {endpoint} failed ({detail}). Check that the server is running "
        "and that OPENAI_BASE_URL, OPENAI_API_KEY and QABOT_OPENAI__MODEL are right, or set "
        "QABOT_LLM=extractive to answer without an LLM."
    )


T = TypeVar("T")


class Deadline:
    """One time budget for every model call a question makes: routing, condensing and the
    answer, each with the client's own retries and backoff, streaming included.

    The client's per-request timeout restarts on every retry and on every streamed chunk, so
    an endpoint that accepts the connection and never answers took timeout × tries (127 s by
    default) to report. Calls run in a worker thread that the caller stops waiting for when
    the budget is spent; the worker ends by itself when the client gives up."""

    def __init__(self, seconds: float, endpoint: str) -> None:
        self.seconds = seconds
        self.endpoint = endpoint
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> LLMError:
        return LLMError(
            f"The language model at {self.endpoint} did not finish answering within the "
            f"question's deadline of {self.seconds:g} s (QABOT_OPENAI__DEADLINE). Check that the "
            "server is running and not overloaded, raise the deadline for a slow local model, "
            "or set QABOT_LLM=extractive to answer without an LLM."
        )

    def call(self, func: Callable[[], T]) -> T:
        """`func()`, or LLMError once the budget is spent."""
        for item in self.stream(lambda: iter([func()])):
            return item
        raise AssertionError("unreachable: the call yielded nothing")  # pragma: no cover

    def stream(self, make: Callable[[], Iterator[T]]) -> Iterator[T]:
        """The items of `make()` as they come, or LLMError once the budget is spent."""
        items: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                for item in make():
                    items.put(("item", item))
                    if stop.is_set():  # the caller gave up: close the response early
                        return
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                items.put(("error", exc))
            else:
                items.put(("done", None))

        # A copy of the caller's context keeps LangChain's callbacks and tracing attached.
        context = contextvars.copy_context()
        threading.Thread(target=context.run, args=(produce,), daemon=True,
                         name="qabot-llm-call").start()  # fmt: skip
        try:
            while True:
                left = self.remaining()
                if left <= 0:
                    raise self.expired()
                try:
                    kind, value = items.get(timeout=left)
                except queue.Empty:
                    raise self.expired() from None
                if kind == "error":
                    raise value
                if kind == "done":
                    return
                yield value
        finally:
            stop.set()


def endpoint_name(settings: Settings) -> str:
    return settings.openai_base_url or "https://api.openai.com/v1"


def make_llm(settings: Settings) -> BaseChatModel | None:
    """The configured chat model; None means the extractive answerer."""
    backend = settings.resolved_llm
    if backend == "mock":
        return MockChatModel()
    if backend == "openai":
        from langchain_openai import ChatOpenAI

        # A local OpenAI-compatible server needs no key, but the client insists on one.
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        return ChatOpenAI(
            model=settings.openai.model,
            api_key=key,  # type: ignore[arg-type]
            base_url=settings.openai_base_url,
            temperature=settings.openai.temperature,
            timeout=settings.openai.timeout,
            max_retries=settings.openai.max_retries,  # the SDK backs off and honours Retry-After
        )
    return None
