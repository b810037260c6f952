"""The answer chain (LCEL): condense → retrieve → gate → generate, then citation parsing.

The chain's output is a dict state; streaming yields `{"text": piece}` deltas from the generate
step. `finalize` turns the final state into an `Answer`, resolving `[n]` markers against the
numbered sources and dropping any that point outside them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import (
    Runnable,
    RunnableBranch,
    RunnableConfig,
    RunnableLambda,
    RunnablePassthrough,
)

from qabot.errors import LLMError, QABotError
from qabot.extractive import stream_extractive
from qabot.llms import Deadline, MockChatModel, condense_heuristic, llm_failure
from qabot.models import Answer, Citation, SearchHit
from qabot.prompts import (
    ABSTAIN_TEXT,
    ANSWER_PROMPT,
    CONDENSE_PROMPT,
    MODEL_ABSTAIN_MARKER,
    neutralise,
)
from qabot.retrieval import HybridRetriever, is_relevant
from qabot.sources import CITATION, format_sources, marker_numbers, sources_from_hits

log = logging.getLogger(__name__)



def answerer_name(llm: BaseChatModel | None) -> str:
    if llm is None:
        return "extractive"
    if isinstance(llm, MockChatModel):
        return "mock"
    name = getattr(llm, "model_name", None)
    return f"openai:{name}" if name else type(llm).__name__


def guarded_stream(llm: BaseChatModel, prompt: Any, endpoint: str,
                   config: RunnableConfig | None = None,
                   deadline: Deadline | None = None) -> Iterator[str]:  # fmt: skip
    """Stream a model's text, turning any endpoint failure into an `LLMError`, and refusing to
    pass off a stream that stopped before the model said it was finished. With a `deadline`,
    the stream must end before the question's time budget does."""
    finished = False
    chunks = (deadline.stream(lambda: llm.stream(prompt, config=config)) if deadline
              else llm.stream(prompt, config=config))  # fmt: skip
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
        raise LLMError(
            f"The answer from the language model at {endpoint} stopped before it was finished "
            "(the stream was cut off), so it was discarded. Ask again."
        )


def build_chain(retriever: HybridRetriever, llm: BaseChatModel | None, min_relevance: float,
                endpoint: str = "the configured endpoint") -> Runnable:  # fmt: skip
    """Input: {"question", "history": [BaseMessage], "filters": Filters, "k": int,
    "deadline": Deadline | None} and optionally "query": what to search for instead of the
    standalone question (the router's, with the names that became filters taken out)."""
    if llm is None:
        condense: Runnable = RunnableLambda(lambda x: condense_heuristic(x["question"], x["history"]))
    else:
        def rewrite(state: dict[str, Any], config: RunnableConfig) -> str:
            if not state["history"]:
                return str(state["question"])
            prompt = CONDENSE_PROMPT.invoke(
                {"history": state["history"], "question": state["question"]}
            )
            pieces = guarded_stream(llm, prompt, endpoint, config, state.get("deadline"))
            return _first_line("".join(pieces)) or str(
                state["question"]
            )

        condense = RunnableLambda(rewrite)

    def retrieve(state: dict[str, Any]) -> list[SearchHit]:
        query = state.get("query") or state["standalone"]
        return retriever.search(query, k=state["k"], filters=state["filters"])

    def gate(state: dict[str, Any]) -> bool:
        return not is_relevant(state.get("query") or state["standalone"], state["hits"],
                               min_relevance)  # fmt: skip

    def abstain(_: dict[str, Any]) -> Iterator[str]:
        yield ABSTAIN_TEXT

    def generate(state: dict[str, Any], config: RunnableConfig) -> Iterator[str]:
        blocks = sources_from_hits(state["hits"])
        if llm is None:
            yield from stream_extractive(state["standalone"], blocks)
            return
        prompt = ANSWER_PROMPT.invoke(
            {"sources": format_sources(blocks), "question": neutralise(state["standalone"])}
        )
        yield from guarded_stream(llm, prompt, endpoint, config, state.get("deadline"))

    return (
        RunnablePassthrough.assign(standalone=condense)
        | RunnablePassthrough.assign(hits=RunnableLambda(retrieve))
        | RunnablePassthrough.assign(abstain=RunnableLambda(gate))
        | RunnablePassthrough.assign(
            text=RunnableBranch((lambda s: s["abstain"], RunnableLambda(abstain)),
                                RunnableLambda(generate))  # fmt: skip
        )
    )


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    return line


def parse_citations(text: str, hits: list[SearchHit]) -> tuple[str, list[Citation], list[int]]:
    """Resolve `[n]` markers; drop (and report) those outside 1..len(hits)."""
    valid = range(1, len(hits) + 1)
    used: list[int] = []
    dropped: list[int] = []

    def replace(match: re.Match[str]) -> str:
        numbers = marker_numbers(match.group(1))
        keep = [n for n in numbers if n in valid]
        dropped.extend(n for n in numbers if n not in valid)
        used.extend(n for n in keep if n not in used)
        return "".join(f"[{n}]" for n in keep)

    cleaned = CITATION.sub(replace, text)
    if dropped:
        log.warning("dropped citations %s: only sources 1..%d exist", dropped, len(hits))
        cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
        cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    citations = []
    for n in sorted(used):
        hit = hits[n - 1]
        citations.append(Citation(
            number=n, paper_id=hit.paper_id, title=hit.title, year=hit.year,
            authors=hit.authors, url=hit.url, text=" … ".join(e.text for e in hit.evidence),
        ))  # fmt: skip
    return cleaned, citations, dropped


def finalize(state: dict[str, Any], answerer: str) -> Answer:
    """The final chain state as an `Answer`."""
    text = state.get("text", "").strip()
    hits: list[SearchHit] = state.get("hits", [])
    abstained = bool(state.get("abstain")) or MODEL_ABSTAIN_MARKER.lower() in text.lower()
    if abstained or not text:
        return Answer(
            question=state["question"], standalone_question=state.get("standalone", ""),
            answer=ABSTAIN_TEXT, sources=hits, abstained=True, answerer=answerer,
        )  # fmt: skip
    cleaned, citations, dropped = parse_citations(text, hits)
    return Answer(
        question=state["question"], standalone_question=state["standalone"], answer=cleaned,
        citations=citations, sources=hits, abstained=False, answerer=answerer,
        dropped_citations=dropped,
    )  # fmt: skip


class CitationStreamFilter:
    """Holds back a possible `[n]` marker while streaming until it is complete, so an invalid
    marker is never shown and then taken back. Likewise holds the opening of an answer while it
    could still be the model's abstention marker, which is replaced by the abstention text."""

    def __init__(self, sources: int) -> None:
        self.sources = sources
        self.buffer = ""
        self.opening = True

    def feed(self, piece: str) -> str:
        self.buffer += piece
        if self.opening:
            head = self.buffer.strip().lower()
            if MODEL_ABSTAIN_MARKER.lower().startswith(head) or head.startswith(
                MODEL_ABSTAIN_MARKER.lower()
            ):
                return ""
            self.opening = False
        start = self.buffer.rfind("[")
        if start != -1 and "]" not in self.buffer[start:] and len(self.buffer) - start < 16:
            ready, self.buffer = self.buffer[:start], self.buffer[start:]
        else:
            ready, self.buffer = self.buffer, ""
        return self._clean(ready)

    def flush(self) -> str:
        ready, self.buffer = self.buffer, ""
        if self.opening and MODEL_ABSTAIN_MARKER.lower() in ready.lower():
            return ""
        return self._clean(ready)

    def _clean(self, text: str) -> str:
        def keep(match: re.Match[str]) -> str:
            numbers = marker_numbers(match.group(1))
            return "".join(f"[{n}]" for n in numbers if 1 <= n <= self.sources)

        return CITATION.sub(keep, text)
