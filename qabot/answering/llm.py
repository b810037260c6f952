"""Chat model backends: OpenAI (or any compatible server), with one deadline per question.

The extractive answerer is not a chat model; `make_llm` returns None for it and the chain uses
`qabot.answering.extractive` directly.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig

from qabot.errors import LLMError, LLMUnavailableError, QABotError

if TYPE_CHECKING:
    from qabot.config import Settings


def transient(exc: Exception) -> bool:
    """Whether an endpoint failure is the model not answering this time (a timeout, an
    overloaded or failing server, a malformed reply), as opposed to a configuration error (a
    bad key, a wrong URL or model name, a request the server refuses), which must be shown,
    not answered around."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return True  # before APIConnectionError, its base class: a slow server, not a wrong URL
    configuration = (
        openai.AuthenticationError,  # 401: the key
        openai.PermissionDeniedError,  # 403
        openai.NotFoundError,  # 404: the URL's path or the model's name
        openai.BadRequestError,  # 400: a request this server does not take
        openai.UnprocessableEntityError,
        openai.APIConnectionError,  # nothing listens there: the URL
    )
    return not isinstance(exc, configuration)


def llm_failure(exc: Exception, endpoint: str) -> LLMError:
    """An endpoint failure as a message naming the endpoint and what to check; an
    `LLMUnavailableError` when it may pass by itself."""
    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > 300:
        detail = detail[:300] + "…"
    import openai

    kind = LLMUnavailableError if transient(exc) else LLMError
    failure = kind(
        f"The language model at {endpoint} failed ({detail}). Check that the server is running "
        "and that OPENAI_BASE_URL, OPENAI_API_KEY and QABOT_OPENAI__MODEL are right, or set "
        "QABOT_LLM=extractive to answer without an LLM."
    )
    if isinstance(failure, LLMUnavailableError):
        failure.timed_out = isinstance(exc, openai.APITimeoutError)
    return failure


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
        self.step = False  # a preliminary step's share (see `share`), which is not reported

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def share(self, fraction: float) -> Deadline:
        """A budget for one preliminary step (routing, condensing) that leaves the rest for
        the answer: a model that stalls on the step must not spend the whole question's time,
        since the step falls back to a deterministic one and the answer still needs the model."""
        part = Deadline(fraction * max(self.remaining(), 0.0), self.endpoint)
        part.end = min(self.end, part.end)
        part.step = True
        return part

    def expired(self) -> LLMError:
        late = LLMUnavailableError(
            f"The language model at {self.endpoint} did not answer within this step's "
            f"share ({self.seconds:.1f} s) of the question's deadline."
            if self.step
            else f"The language model at {self.endpoint} did not finish answering within the "
            f"question's deadline of {self.seconds:g} s (QABOT_OPENAI__DEADLINE). Check that the "
            "server is running and not overloaded, raise the deadline for a slow local model, "
            "or set QABOT_LLM=extractive to answer without an LLM."
        )
        late.timed_out = True
        return late

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
        threading.Thread(
            target=context.run, args=(produce,), daemon=True, name="qabot-llm-call"
        ).start()
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
    return settings.openai_base_url or OPENAI_ENDPOINT


def make_openai_chat(settings: Settings) -> BaseChatModel:
    """ChatOpenAI for OpenAI or any compatible server, with retries and timeout from settings
    (`Settings.get_llm` is the only caller)."""
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


OPENAI_ENDPOINT = "https://api.openai.com/v1"

# Preliminary steps are short by nature: a routing tool call is tens of tokens, a condensed
# question one line. Bounding them keeps a model that loops (a 135M model does) from holding a
# single-slot server (llama.cpp) for its whole context, which queued every later request.
ROUTE_MAX_TOKENS = 256
CONDENSE_MAX_TOKENS = 96
# The share of the question's remaining time each of them may take.
STEP_SHARE = 0.3


def bounded(llm: Any, endpoint: str, max_tokens: int) -> Any:
    """The model with its answer's length bounded. OpenAI's API takes `max_completion_tokens`
    (what langchain-openai sends for `max_tokens`); compatible servers (llama.cpp, older vLLM
    and Ollama) know only `max_tokens` and ignore the other, so they get that name."""
    # A binding (tools bound) answers attribute lookups from the model it wraps.
    if endpoint.rstrip("/") == OPENAI_ENDPOINT or not hasattr(llm, "extra_body"):
        return llm.bind(max_tokens=max_tokens)
    return llm.bind(
        extra_body={**(getattr(llm, "extra_body", None) or {}), "max_tokens": max_tokens}
    )


def answerer_name(llm: BaseChatModel | None) -> str:
    """What `Answer.answerer` says: "extractive", "openai:<model>", or a model's own `answerer`
    attribute (the test doubles in qabot.testing set one), else its class name."""
    if llm is None:
        return "extractive"
    own = getattr(llm, "answerer", None)
    if isinstance(own, str) and own:
        return own
    name = getattr(llm, "model_name", None)
    return f"openai:{name}" if name else type(llm).__name__


def guarded_stream(
    llm: BaseChatModel,
    prompt: Any,
    endpoint: str,
    config: RunnableConfig | None = None,
    deadline: Deadline | None = None,
) -> Iterator[str]:
    """Stream a model's text, turning any endpoint failure into an `LLMError`, and refusing to
    pass off a stream that stopped before the model said it was finished. With a `deadline`,
    the stream must end before the question's time budget does."""
    finished = False
    chunks = (
        deadline.stream(lambda: llm.stream(prompt, config=config))
        if deadline
        else llm.stream(prompt, config=config)
    )
    try:
        for chunk in chunks:
            if chunk.response_metadata.get("finish_reason"):
                finished = True
            if chunk.content:
                yield str(chunk.content)
    except QABotError:
        raise
    except Exception as exc:  # the client library raises many types; all mean "endpoint failed"
        raise llm_failure(exc, endpoint) from exc
    if not finished:
        raise LLMUnavailableError(
            f"The answer from the language model at {endpoint} stopped before it was finished "
            "(the stream was cut off), so it was discarded. Ask again."
        )
