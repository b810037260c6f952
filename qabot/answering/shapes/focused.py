"""Focused: one thing in depth ("What is the Boltzmann policy distribution?"): the top k papers,
answered from one or a few of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from qabot.answering.extractive import stream_extractive
from qabot.answering.shapes.base import Detected, TextShape
from qabot.answering.sources import SourceBlock

if TYPE_CHECKING:
    from qabot.answering.state import AnswerState


class Focused(TextShape):
    name: ClassVar[str] = "focused"
    description: ClassVar[str] = "one thing in depth ('what is X?')"

    def detect(self, question: str) -> Detected | None:
        return Detected()  # the default: the registry tries it last

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        yield from stream_extractive(state.standalone, sources)
