"""The chat model's call: its answer's length bound, named as each kind of endpoint takes it,
and which endpoint failures are answered around (`transient`) and which are shown."""

from __future__ import annotations

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI

from qabot.answering.llm import OPENAI_ENDPOINT, bounded, llm_failure, transient
from qabot.errors import LLMError, LLMUnavailableError


def _payload(endpoint: str) -> dict[str, object]:
    base = None if endpoint == OPENAI_ENDPOINT else endpoint
    llm = ChatOpenAI(model="m", api_key="k", base_url=base)  # type: ignore[arg-type]
    binding = bounded(llm, endpoint, 123)
    return llm._get_request_payload("hi", **binding.kwargs)


def test_openai_gets_max_completion_tokens_and_other_servers_max_tokens() -> None:
    ours = _payload(OPENAI_ENDPOINT)
    assert ours["max_completion_tokens"] == 123 and "max_tokens" not in ours
    local = _payload("http://127.0.0.1:8080/v1")
    assert local["extra_body"] == {"max_tokens": 123} and "max_completion_tokens" not in local


def _status(cls: type[openai.APIStatusError], code: int) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://x/v1/chat/completions")
    return cls("boom", response=httpx.Response(code, request=request), body=None)


@pytest.mark.parametrize(
    "exc, passes",
    [
        (_status(openai.InternalServerError, 500), True),
        (_status(openai.RateLimitError, 429), True),
        (openai.APITimeoutError(request=httpx.Request("POST", "http://x")), True),
        (ValueError("a reply that is not JSON"), True),
        (_status(openai.AuthenticationError, 401), False),
        (_status(openai.NotFoundError, 404), False),
        (_status(openai.BadRequestError, 400), False),
        (openai.APIConnectionError(request=httpx.Request("POST", "http://x")), False),
    ],
)
def test_only_failures_that_may_pass_are_answered_around(exc: Exception, passes: bool) -> None:
    assert transient(exc) is passes
    failure = llm_failure(exc, "http://x/v1")
    assert isinstance(failure, LLMError)
    assert isinstance(failure, LLMUnavailableError) is passes
