"""Who and when: who wrote a paper, when it came out, answered from its metadata ("Who wrote
the Boltzmann policy distribution paper?", "What year did AssistanceZero come out?")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from qabot.answering.extractive import (
    TITLE_ASKED,
    WHEN,
    WHO,
    extractive_sentences,
    shared_listed_authors,
    stream_extractive,
)
from qabot.answering.prompts import WHO_WHEN_PROMPT
from qabot.answering.shapes.base import Detected, Retrieved, ShapeContext, TextShape, with_abstract
from qabot.answering.shapes.focused import named_first
from qabot.answering.sources import SourceBlock

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate

    from qabot.answering.state import AnswerState


SAME_AUTHORS = re.compile(r"\bby the same group\b")


def shared_authors(a: SourceBlock, b: SourceBlock) -> str:
    """Whom two papers' author lists share, said as a sentence (a list cut short with "et al."
    may hide more)."""
    shared = shared_listed_authors(a, b)
    cut = (
        " (as listed: a list that ends in “et al.” may hide more)"
        if "et al" in f"{a.authors}{b.authors}"
        else ""
    )
    if not shared:
        return f"Their listed authors have no one in common{cut} [{a.number}][{b.number}]."
    who = shared[0] if len(shared) == 1 else f"{', '.join(shared[:-1])} and {shared[-1]}"
    return (
        f"Both list {who} as author{'s' if len(shared) > 1 else ''}{cut} [{a.number}][{b.number}]."
    )


class WhoWhen(TextShape):
    name: ClassVar[str] = "who-when"
    description: ClassVar[str] = "who wrote a paper or when it came out, from its metadata"
    prompt_template: ClassVar[ChatPromptTemplate] = WHO_WHEN_PROMPT
    max_tokens: ClassVar[int] = 120
    reads_code: ClassVar[bool] = True  # "when did it come out, and is the code public?"

    def detect(self, question: str) -> Detected | None:
        asks = WHO.search(question) or WHEN.search(question) or TITLE_ASKED.search(question)
        return Detected() if asks else None

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        hits = ctx.search(state.search_text, k=state.k, filters=state.filters)
        hits, _ = named_first(state, hits, ctx)
        # whole, so a second question asked with it finds its sentence ("… and is the code
        # online?": "Code is available at …" may sit in another passage)
        hits = [with_abstract(h, ctx) for h in hits[:1]] + hits[1:]
        return Retrieved(hits=hits, candidates=hits)

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        picked = state.filters.paper_ids
        if picked and len(picked) > 1:
            # "when were those published?" after a list: each of its papers, in its order
            order = {pid: i for i, pid in enumerate(picked)}
            blocks = sorted(sources, key=lambda b: order.get(b.paper_id, len(order)))
            said = [" ".join(extractive_sentences(state.standalone, [b])) for b in blocks]
            if len(blocks) == 2 and SAME_AUTHORS.search(state.standalone):
                said.append(shared_authors(*blocks))  # "is that the same group as before?"
            yield " ".join(s for s in said if s)
            return
        yield from stream_extractive(state.standalone, sources)
