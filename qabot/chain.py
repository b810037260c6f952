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

from qabot.config import RetrievalSettings
from qabot.errors import LLMError, QABotError
from qabot.extractive import compare_lines, stream_extractive, stream_lines, survey_lines
from qabot.llms import Deadline, MockChatModel, condense_heuristic, llm_failure
from qabot.models import Answer, Citation, SearchHit
from qabot.prompts import (
    ABSTAIN_TEXT,
    ANSWER_PROMPT,
    COMPARE_PROMPT,
    CONDENSE_PROMPT,
    MODEL_ABSTAIN_MARKER,
    SURVEY_ORDER,
    SURVEY_PROMPT,
    neutralise,
)
from qabot.retrieval import HybridRetriever, is_relevant, named_terms, select_relevant
from qabot.sources import CITATION, format_sources, marker_numbers, sources_from_hits

log = logging.getLogger(__name__)

COMPARE_PER_SIDE = 2  # papers a comparison cites for one side, at most
_EARLIER = re.compile(r"\b(earlier|previous|prior|older|past)\b", re.I)


def _names_any(hit: SearchHit, terms: set[str]) -> bool:
    text = " ".join([hit.title, *(e.text for e in hit.evidence)]).lower()
    return any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in terms)


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
                endpoint: str = "the configured endpoint",
                settings: RetrievalSettings | None = None) -> Runnable:  # fmt: skip
    """Input: {"question", "history": [BaseMessage], "filters": Filters, "k": int,
    "deadline": Deadline | None}, and optionally the route's "shape" ("focused", "survey",
    "compare"), "query" (what to search for instead of the standalone question: a survey's
    topic, or the question with the names that became filters taken out), "chronological",
    "sides" (a compare's two sides) and "themes" (paper id -> theme).

    Focused: the top k papers. Survey: up to `survey_max` candidates for the topic, of which
    `select_relevant` keeps the relevant set. Compare: each side searched on its own; a side
    with no relevant paper is reported in state["missing"]."""
    settings = settings or retriever.settings
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

    def survey(query: str, filters: Any) -> tuple[list[SearchHit], list[SearchHit]]:
        candidates = retriever.search(query, k=settings.survey_max, filters=filters)
        chosen = select_relevant(candidates, settings.survey_threshold,
                                 settings.survey_dense_weight, settings.survey_agree)  # fmt: skip
        return candidates, chosen

    def compare_side(side: str, candidates: list[SearchHit], chosen: list[SearchHit],
                     other: list[SearchHit]) -> list[SearchHit]:  # fmt: skip
        """A named side is the papers that name it; a described one ("earlier assistance
        approaches") the relevant papers not on the other side (older ones, for "earlier")."""
        seen = {h.paper_id for h in other}
        if terms := named_terms(side):
            # The papers that name it, the most relevant first; others that merely mention
            # the word count only when the relevance rule kept them too.
            naming = [h for h in candidates if h.paper_id not in seen and _names_any(h, terms)]
            if naming:
                kept = {h.paper_id for h in chosen}
                return [h for i, h in enumerate(naming) if i == 0 or h.paper_id in kept][
                    :COMPARE_PER_SIDE]
        mine = [h for h in chosen if h.paper_id not in seen]
        years = [h.year for h in other if h.year]
        if _EARLIER.search(side) and years:
            mine = [h for h in mine if h.year and h.year < min(years)] or mine
        return mine[:COMPARE_PER_SIDE]

    def retrieve(state: dict[str, Any]) -> dict[str, Any]:
        shape = state.get("shape", "focused")
        # A survey searches for its topic without the framing; a follow-up for the condensed
        # question (the topic may come from the conversation).
        query = state.get("query") or state["standalone"]
        if shape == "survey":
            candidates, hits = survey(query, state["filters"])
            return {"hits": hits, "candidates": candidates, "missing": []}
        if shape == "compare" and len(state.get("sides") or []) == 2:
            hits, missing = [], []
            # A named side first ("AssistanceZero"), so "earlier approaches" can follow it.
            for side in sorted(state["sides"], key=lambda s: not named_terms(s)):
                candidates, chosen = survey(side, state["filters"])
                if not is_relevant(side, candidates[: settings.k], min_relevance):
                    missing.append(side)
                    continue
                hits += compare_side(side, candidates, chosen, hits)
            return {"hits": hits, "candidates": hits, "missing": missing}
        hits = retriever.search(query, k=state["k"], filters=state["filters"])
        return {"hits": hits, "candidates": hits, "missing": []}

    def gate(state: dict[str, Any]) -> bool:
        if state.get("shape") == "compare" and state.get("sides"):
            return not state["hits"]  # each side passed the gate on its own
        return not is_relevant(state.get("query") or state["standalone"], state["candidates"],
                               min_relevance)  # fmt: skip

    def abstain(_: dict[str, Any]) -> Iterator[str]:
        yield ABSTAIN_TEXT

    def generate(state: dict[str, Any], config: RunnableConfig) -> Iterator[str]:
        blocks = sources_from_hits(state["hits"])
        shape, question = state.get("shape", "focused"), state["standalone"]
        if llm is None:
            if shape == "survey":
                yield from stream_lines(survey_lines(
                    state.get("query") or question, blocks,
                    chronological=bool(state.get("chronological")), themes=state.get("themes"),
                ))  # fmt: skip
            elif shape == "compare" and state.get("sides"):
                yield from stream_lines(compare_lines(question, blocks, state["missing"]))
            else:
                yield from stream_extractive(question, blocks)
            return
        variables = {"sources": format_sources(blocks), "question": neutralise(question)}
        if shape == "survey":
            prompt = SURVEY_PROMPT.invoke(
                {**variables, "order": SURVEY_ORDER[bool(state.get("chronological"))]}
            )
        elif shape == "compare" and state.get("sides"):
            missing = "\n".join(neutralise(side) for side in state["missing"]) or "(none)"
            prompt = COMPARE_PROMPT.invoke({**variables, "missing": missing})
        else:
            prompt = ANSWER_PROMPT.invoke(variables)
        yield from guarded_stream(llm, prompt, endpoint, config, state.get("deadline"))

    return (
        RunnablePassthrough.assign(standalone=condense)
        | RunnablePassthrough.assign(retrieved=RunnableLambda(retrieve))
        | RunnableLambda(lambda s: {**{k: v for k, v in s.items() if k != "retrieved"},
                                    **s["retrieved"]})  # fmt: skip
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
            authors=hit.authors, url=hit.url, venue=hit.venue,
            text=" … ".join(e.text for e in hit.evidence),
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
