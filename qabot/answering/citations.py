"""Citation markers: `[n]` in answer text resolved against the numbered sources, invalid ones
dropped, both after the answer (`parse_citations`) and while it streams (`CitationStreamFilter`)."""

from __future__ import annotations

import logging
import re

from qabot.answering.prompts import CITATION, MODEL_ABSTAIN_MARKER
from qabot.domain.records import Citation, SearchHit

__all__ = ["CITATION", "CitationStreamFilter", "marker_numbers", "parse_citations"]
log = logging.getLogger(__name__)


def marker_numbers(group: str) -> list[int]:
    """The source numbers in one marker's group ("1, 2" -> [1, 2]; " 2 " -> [2]; "-1" -> [-1],
    which no source has, so it is dropped like any other invalid number)."""
    return [int(n) for n in re.split(r"\s*[,;]\s*", group.strip())]


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
    # Removing one marker can join a new one from its neighbours ("[0[0]]" -> "[0]"): again
    # until nothing changes (each pass removes characters, so it ends).
    while (again := CITATION.sub(replace, cleaned)) != cleaned:
        cleaned = again
    if dropped:
        log.warning("dropped citations %s: only sources 1..%d exist", dropped, len(hits))
        cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
        cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    citations = []
    for n in sorted(used):
        hit = hits[n - 1]
        citations.append(
            Citation(
                number=n,
                paper_id=hit.paper_id,
                title=hit.title,
                year=hit.year,
                authors=hit.authors,
                url=hit.url,
                venue=hit.venue,
                text=" … ".join(e.text for e in hit.evidence),
            )
        )
    return cleaned, citations, dropped


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
