"""Deterministic chat models that misbehave on purpose, one way each.

Each starts from the faithful mock's answer and breaks one thing. The grounding metrics must
tell every one of them apart from the faithful mock (tests/evaluation/test_grounding.py asserts it), which
is the evidence that the metrics measure something. Select one with `qabot eval --llm NAME`.
"""

from __future__ import annotations

import re

from qabot.answering.prompts import MODEL_ABSTAIN_MARKER
from qabot.answering.sources import SourceBlock
from qabot.testing.mock_llm import MockChatModel

_MARKER = re.compile(r"\[(\d+)\]")


class InventCitationMock(MockChatModel):
    """Adds a citation to a source that does not exist. Breaks: citation validity."""

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        invented = len(sources) + 4
        return _MARKER.sub(lambda m: f"{m.group(0)}[{invented}]", super().answer(question, sources))


class WrongSourceMock(MockChatModel):
    """Cites the next source instead of the right one. Breaks: citation recall and precision."""

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        k = len(sources)
        return _MARKER.sub(
            lambda m: f"[{int(m.group(1)) % k + 1}]", super().answer(question, sources)
        )


class UnsupportedSentenceMock(MockChatModel):
    """Adds a confident claim no source makes. Breaks: faithfulness and citation recall."""

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        extra = "It also reports a 43% drop in energy use across twelve hospitals in Norway [1]."
        return f"{super().answer(question, sources)} {extra}"


class NumberSwapMock(MockChatModel):
    """Changes every number (years included) by one. Breaks: faithfulness."""

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        text = super().answer(question, sources)
        # Split off the markers so "[1]" is not renumbered; only the claims' numbers change.
        parts = re.split(r"(\[\d+\])", text)
        return "".join(
            p if _MARKER.fullmatch(p) else re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), p)
            for p in parts
        )


class NoCitationMock(MockChatModel):
    """Answers faithfully but cites nothing. Breaks: citation recall."""

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        return re.sub(r"\s*\[\d+\]", "", super().answer(question, sources))


class RefuseMock(MockChatModel):
    """Refuses every question. Breaks: abstention accuracy."""

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        return MODEL_ABSTAIN_MARKER


MOCKS: dict[str, type[MockChatModel]] = {
    "mock": MockChatModel,
    "mock-invent-citation": InventCitationMock,
    "mock-wrong-source": WrongSourceMock,
    "mock-unsupported-sentence": UnsupportedSentenceMock,
    "mock-number-swap": NumberSwapMock,
    "mock-no-citations": NoCitationMock,
    "mock-refuse": RefuseMock,
}
