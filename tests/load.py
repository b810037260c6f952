"""A bounded load driver for the served app: N gradio_client sessions in parallel, each asking
several questions, every reply checked against the paper its own question must cite.

Used by tests/e2e/test_load.py (correctness under load) and benchmarks/ui_load.py (timings).
Targets only the URL it is given, which the callers start on 127.0.0.1.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gradio_client import Client

# (question, title its answer must cite): distinct papers, so a reply sent to the wrong session
# shows up as a wrong citation.
QUESTIONS: list[tuple[str, str]] = [
    ("What is the Boltzmann policy distribution?", "The Boltzmann Policy Distribution"),
    ("What is Dynalang?", "Learning to Model the World with Language"),
    ("What is the MessySurfaces dataset?", "Toward Grounded Commonsense Reasoning"),
    (
        "How does the SQIRL algorithm work?",
        "The Effective Horizon Explains Deep RL Performance in Stochastic",
    ),
    ("What has this group done on reward hacking?", "Correlated Proxies"),
    ("What is UniMASK?", "UniMASK: Unified Inference in Sequential Decision Problems"),
    (
        "What is Gemma Scope?",
        "Gemma Scope: Open Sparse Autoencoders Everywhere All At Once on Gemma 2",
    ),
    (
        "How does ARCA find prompts that make a language model misbehave?",
        "Automatically Auditing Large Language Models",
    ),
]


@dataclass
class Result:
    session: int
    question: str
    expected: str
    reply: str
    seconds: float
    error: str | None = None

    @property
    def correct(self) -> bool:
        sources = self.reply.split("Sources:", 1)[-1] if "Sources:" in self.reply else ""
        return self.error is None and f"[1] {self.expected}" in sources


def _session(url: str, session: int, per_session: int, timeout: float) -> list[Result]:
    client = Client(url, verbose=False)
    out = []
    for i in range(per_session):
        question, expected = QUESTIONS[(session + i) % len(QUESTIONS)]
        start = time.perf_counter()
        try:
            reply = client.submit(question, api_name="/chat").result(timeout=timeout)
            out.append(Result(session, question, expected, reply, time.perf_counter() - start))
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and reported
            out.append(
                Result(
                    session,
                    question,
                    expected,
                    "",
                    time.perf_counter() - start,
                    f"{type(exc).__name__}: {exc}",
                )
            )
    return out


def run_load(
    url: str, sessions: int = 16, per_session: int = 4, timeout: float = 60.0
) -> tuple[list[Result], float]:
    """All results and the wall time. Bounded: sessions x per_session requests, each timed out."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(_session, url, s, per_session, timeout) for s in range(sessions)]
        results = [r for f in futures for r in f.result()]
    return results, time.perf_counter() - start
