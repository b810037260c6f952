"""The answer chain (LCEL) over the typed `AnswerState`: condense → retrieve → gate → generate.

Each step is a Runnable from state to state; the question's registered shape
(qabot.answering.shapes) decides how it retrieves, when it abstains, and what it writes, with
or without a model. `AnswerChain.stream` runs the first three steps, streams the generated text
with invalid citation markers held back (`CitationStreamFilter`), and returns the `Answer`
built from the finished state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from langchain_core.runnables import Runnable, RunnableConfig, RunnableGenerator, RunnableLambda

from qabot.answering.citations import CitationStreamFilter
from qabot.answering.followups import condense_heuristic
from qabot.answering.llm import CONDENSE_MAX_TOKENS, STEP_SHARE, bounded, guarded_stream
from qabot.answering.prompts import CONDENSE_PROMPT
from qabot.answering.shapes.base import ShapeContext
from qabot.answering.state import AnswerState
from qabot.domain.records import Answer
from qabot.errors import LLMUnavailableError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

# What an answer says first when the model did not answer and the abstracts are quoted
# instead: out of time, or failed (a 5xx, a malformed reply, a stream cut off).
FALLBACK_NOTE = (
    "The language model did not answer in time, so this answer quotes the abstracts instead."
)
FAILED_NOTE = (
    "The language model's server did not give a usable answer, so this answer quotes the "
    "abstracts instead."
)
FALLBACK_NOTES = (FALLBACK_NOTE, FAILED_NOTE)


class AnswerChain:
    """The chain for one live index and one answerer (a chat model, or None: extractive)."""

    def __init__(
        self,
        ctx: ShapeContext,
        llm: BaseChatModel | None,
        answerer: str,
        endpoint: str = "the configured endpoint",
    ) -> None:
        self.ctx, self.llm, self.answerer, self.endpoint = ctx, llm, answerer, endpoint
        self.prepare: Runnable[AnswerState, AnswerState] = (
            RunnableLambda(self._condense, name="condense")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableLambda(self._gate, name="gate")
        )
        self.generate: Runnable[AnswerState, str] = RunnableGenerator(
            self._generate, name="generate"
        )

    # -- the steps ---------------------------------------------------------------------------

    def _condense(self, state: AnswerState, config: RunnableConfig) -> AnswerState:
        """A follow-up rewritten as a standalone question: by the model, or without one by
        prepending the conversation's topic (`condense_heuristic`)."""
        if self.llm is None:
            standalone = condense_heuristic(state.asked, state.history)
        elif not state.history:
            standalone = state.asked
        else:
            prompt = CONDENSE_PROMPT.invoke({"history": state.history, "question": state.asked})
            llm = bounded(self.llm, self.endpoint, CONDENSE_MAX_TOKENS)
            deadline = state.deadline.share(STEP_SHARE) if state.deadline else None
            try:
                text = "".join(guarded_stream(llm, prompt, self.endpoint, config, deadline))
            except LLMUnavailableError as exc:
                log.warning("condensing without the model, which did not answer: %s", exc)
                text = condense_heuristic(state.asked, state.history)
            standalone = _first_line(text) or state.asked
        return state.model_copy(update={"standalone": standalone})

    def _retrieve(self, state: AnswerState) -> AnswerState:
        found = state.text_shape.retrieve(state, self.ctx)
        return state.model_copy(
            update={
                "hits": found.hits,
                "candidates": found.candidates,
                "missing": found.missing,
                "also": found.also,
                "unstated": found.unstated,
                "none_because": found.none_because,
                "sides": found.sides,
            }
        )

    def _gate(self, state: AnswerState) -> AnswerState:
        return state.model_copy(update={"abstain": state.text_shape.abstains(state, self.ctx)})

    def _generate(self, states: Iterator[AnswerState], config: RunnableConfig) -> Iterator[str]:
        *_, state = states
        shape, sources = state.text_shape, state.text_shape.sources(state)
        if self.llm is None:
            yield from shape.extractive(state, sources)
            return
        # Endpoint failures arrive as LLMError from the guarded model call. The answer's
        # length is bounded by its shape: a small model that loops would otherwise write until
        # the deadline.
        llm = bounded(self.llm, self.endpoint, shape.max_tokens)
        yield from guarded_stream(
            llm, shape.prompt(state, sources), self.endpoint, config, state.deadline
        )

    # -- running it --------------------------------------------------------------------------

    def stream(
        self,
        state: AnswerState,
        config: RunnableConfig | None = None,
    ) -> Iterator[str | Answer]:
        """The answer's text in pieces (invalid markers never shown), then the `Answer`."""
        state = self.prepare.invoke(state, config)
        pieces: list[str] = []
        answerer = self.answerer
        if not state.abstain:
            guard = CitationStreamFilter(len(state.hits))
            try:
                for piece in self.generate.stream(state, config):
                    pieces.append(piece)
                    if out := guard.feed(piece):
                        yield out
                if rest := guard.flush():
                    yield rest
            except LLMUnavailableError as exc:
                # The model did not answer (in time): answer from the abstracts, and say so.
                # What it had written is dropped; a configuration error is not caught here.
                log.warning("answering without the model: %s", exc)
                answerer = f"extractive (fallback: {self.answerer} did not answer)"
                note = (FALLBACK_NOTE if exc.timed_out else FAILED_NOTE) + "\n\n"
                yield ("\n\n" if pieces else "") + note
                shape = state.text_shape
                pieces = [note, *shape.extractive(state, shape.sources(state))]
                yield from pieces[1:]
            shape = state.text_shape
            if epilogue := shape.epilogue(state, shape.sources(state), "".join(pieces)):
                pieces.append(epilogue)
                yield epilogue
        answer = state.model_copy(update={"text": "".join(pieces)}).to_answer(answerer)
        if answer.abstained:  # the abstention text comes from the Answer, never the stream
            yield answer.answer
        yield answer


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
