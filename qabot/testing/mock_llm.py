"""A deterministic chat model for tests: it answers from the sources in its prompt, with `[n]`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from qabot.answering.extractive import extractive_answer
from qabot.answering.followups import condense_heuristic
from qabot.answering.prompts import CONDENSE_SYSTEM, MODEL_ABSTAIN_MARKER, SURVEY_ORDER
from qabot.answering.route import Route
from qabot.answering.shapes import FOCUSED, TEXT_SHAPES, TextShape
from qabot.answering.sources import SourceBlock
from qabot.answering.state import AnswerState

_MISSING = re.compile(r"<missing>\n(?P<sides>.*?)\n</missing>", re.DOTALL)


def prompted_shape(system: str) -> TextShape | None:
    """The registered text shape whose prompt this system message is (by its first line), as a
    model would tell from its instructions; None for another prompt."""
    head = system.split("\n", 1)[0]
    for shape in TEXT_SHAPES:
        template = shape.prompt_template.messages[0].prompt.template  # type: ignore[union-attr]
        if head and template.split("\n", 1)[0] == head:
            return shape
    return None


_BLOCK = re.compile(
    r'<source id="(?P<n>\d+)">\s*Title: (?P<title>.*?)\nAuthors: (?P<authors>.*?)\n'
    r"Year: (?P<year>.*?)\n(?:Published: (?P<date>.*?)\n)?Text: (?P<text>.*?)\n</source>",
    re.DOTALL,
)
_QUESTION = re.compile(r"<question>\n(?P<q>.*?)\n</question>", re.DOTALL)


def parse_prompt(prompt: str) -> tuple[str, list[SourceBlock]]:
    """Read the question and sources back out of a rendered answer prompt (for mock models)."""
    match = _QUESTION.search(prompt)
    question = match["q"] if match else prompt
    blocks = [
        SourceBlock(
            number=int(m["n"]),
            paper_id="",
            title=m["title"],
            authors=m["authors"],
            year=int(m["year"]) if m["year"].isdigit() else None,
            text=m["text"],
            date=m["date"] if m["date"] and m["date"] not in ("unknown", m["year"]) else None,
        )
        for m in _BLOCK.finditer(prompt)
    ]
    return question, blocks


class MockChatModel(BaseChatModel):
    """A deterministic chat model that answers from the sources in its prompt, with `[n]`.

    - Condense prompts get `condense_heuristic`.
    - `enqueue("text")` scripts the next answers, as in simonw/llm's MockModel.
    - `prompts` records every prompt it saw, for assertions.
    """

    # What `Answer.answerer` says for it and for the misbehaving mocks built on it.
    answerer: ClassVar[str] = "mock"
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
        shape = prompted_shape(system)
        if shape is None or shape is FOCUSED:
            return self.answer(question, sources) if sources else MODEL_ABSTAIN_MARKER
        if not sources and not shape.needs_sides:
            return MODEL_ABSTAIN_MARKER
        # Another shape's prompt: its own extractive rendering, as the extractive answerer gives.
        match = _MISSING.search(prompt)
        missing = [m for m in (match["sides"].splitlines() if match else []) if m != "(none)"]
        route = Route(
            kind="retrieval",
            label="retrieval",
            shape=shape.name,
            chronological=any(SURVEY_ORDER[o] in system for o in SURVEY_ORDER if o != "relevance"),
            newest_first=SURVEY_ORDER["newest"] in system or SURVEY_ORDER["newest one"] in system,
            just_one=SURVEY_ORDER["newest one"] in system or SURVEY_ORDER["oldest one"] in system,
        )
        state = AnswerState(
            question=question,
            asked=question,
            standalone=question,
            route=route,
            shape=shape,
            missing=missing,
        )
        return "".join(shape.extractive(state, sources)) or MODEL_ABSTAIN_MARKER

    def answer(self, question: str, sources: list[SourceBlock]) -> str:
        """The faithful answer: the extractive answerer's cited sentences."""
        return extractive_answer(question, sources)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.respond(messages)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in re.findall(r"\S+\s*|\s+", self.respond(messages)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        # Like a real endpoint, the last chunk says the answer is complete.
        yield ChatGenerationChunk(
            message=AIMessageChunk(content=""), generation_info={"finish_reason": "stop"}
        )
