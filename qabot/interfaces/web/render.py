"""How an answer looks in the chat: the answer's Markdown with `[n]` markers that jump to their
source, the source cards (HTML `<details>`, so each is one named, keyboard-operable control),
a statistic's table, and the active filters in words.

Everything from the corpus or the user is escaped here, before Gradio sees it: a title such as
`<img src=x onerror=...>` shows as text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from qabot.domain.links import code_link, other_link, paper_link
from qabot.domain.records import Answer, Citation, Paper, SearchHit, Table
from qabot.domain.taxonomy import category_title
from qabot.index.lexical import tokenize

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~$])")
# An escaped marker as `md_escape` leaves it: "\[2\]", or a group "\[1, 3\]".
_ESCAPED_MARKER = re.compile(r"\\\[(\d+(?:\s*[,;]\s*\d+)*)\\\]")
# A survey answer's structure: theme headings and list items keep their Markdown; the text
# after them is escaped like any other answer text.
_STRUCTURE = re.compile(r"^(#{1,4} |- )")
_SIDE = re.compile(r"^\*\*([^*\n]+)\*\*$")
# A sentence end: the page's own splitter, since the answering package's (qabot.answering.
# extractive) would import retrieval and LangChain's tracing into the page's start-up.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")
QUOTED_SHARE = 0.6  # of a passage sentence's words the answer must repeat to quote it


def md_escape(text: str) -> str:
    """Text that renders as itself in the Chatbot: no HTML, no markdown links or images."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def anchor(turn: int, number: int) -> str:
    """The id of source `number` of the answer to question `turn` (ids stay unique down a
    conversation, where every answer has its own [1])."""
    return f"qabot-t{turn}-s{number}"


def link_markers(escaped: str, turn: int, known: set[int]) -> str:
    """Each escaped `[n]` of a cited source as a link to its card: "[<a href=#…>2</a>]"."""

    def one(match: re.Match[str]) -> str:
        parts = re.split(r"(\s*[,;]\s*)", match.group(1))
        out = []
        for part in parts:
            if part.isdigit() and int(part) in known:
                n = int(part)
                out.append(
                    f'<a class="qabot-cite" href="#{anchor(turn, n)}" '
                    f'aria-label="source {n}">{n}</a>'
                )
            else:
                out.append(part)
        return "\\[" + "".join(out) + "\\]"

    return _ESCAPED_MARKER.sub(one, escaped)


def answer_markdown(text: str, turn: int | None = None, known: set[int] | None = None) -> str:
    """Answer text as inert Markdown, except that lines opening with a heading ("### ") or a
    list item ("- ") render as such, so a survey answer reads as a list, and a line that is
    all bold (a compare answer's side) stays bold; with `turn`, each
    `[n]` of a known source links to its card."""
    lines = []
    for line in text.split("\n"):
        m = _STRUCTURE.match(line)
        if bold := _SIDE.match(line):  # a compared side's heading, "**Reward hacking**"
            lines.append(f"**{md_escape(bold.group(1))}**")
        else:
            lines.append(m.group(1) + md_escape(line[m.end() :]) if m else md_escape(line))
    out = "\n".join(lines)
    return link_markers(out, turn, known or set()) if turn is not None else out


def highlight(passage: str, question: str) -> str:
    """Escape a passage and wrap the words that match the question (by stem) in <mark>."""
    wanted = set(tokenize([question])[0])
    parts = re.split(r"(\w+)", passage)
    out = []
    for part in parts:
        escaped = html.escape(part, quote=False)
        if part and part[0].isalnum() and set(tokenize([part])[0]) & wanted:
            escaped = f"<mark>{escaped}</mark>"
        out.append(escaped)
    return "".join(out)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def quoted_sentence(passage: str, answer_text: str, question: str) -> str | None:
    """The passage's sentence the answer quotes (most of its words are in the answer), else
    the one that shares most words with the question, else None."""
    sentences = [t for t in _SENTENCE_END.split(passage) if t.strip()]
    said, asked = _words(answer_text), _words(question)

    def share(sentence: str, words: set[str]) -> float:
        own = _words(sentence)
        return len(own & words) / len(own) if own else 0.0

    # Of the sentences the answer quotes, the one it leads with (a definition may quote the
    # idea it rests on after it, though the abstract gives that one first).
    quoted = [s for s in sentences if share(s, said) >= QUOTED_SHARE]
    if quoted:
        flat = " ".join(answer_text.split())
        # … found by its opening words (the answer cites it before its full stop)
        at = {s: flat.find(" ".join(s.split()).rstrip(".!? ")[:40]) for s in quoted}
        placed = [s for s in quoted if at[s] >= 0]
        if placed:
            return min(placed, key=lambda s: at[s])
    best = max(sentences, key=lambda s: share(s, said), default=None)
    if best is not None and share(best, said) >= QUOTED_SHARE:
        return best
    best = max(sentences, key=lambda s: len(_words(s) & asked), default=None)
    return best if best is not None and _words(best) & asked else None


def passage_html(passage: str, answer_text: str, question: str) -> str:
    """The passage, escaped, with the sentence the answer rests on marked (not every word
    that happens to match the question)."""
    text = " ".join(passage.split())  # one line: a blank line would end the HTML block
    sentence = quoted_sentence(text, answer_text, question)
    if not sentence or sentence not in text:
        return html.escape(text, quote=False)
    before, _, after = text.partition(sentence)
    return (
        html.escape(before, quote=False)
        + f"<mark>{html.escape(sentence, quote=False)}</mark>"
        + html.escape(after, quote=False)
    )


def _links(c: Citation, paper: Paper | None) -> str:
    urls = paper.urls if paper is not None else [c.url] if c.url else []
    found = [
        ("Paper", paper_link(urls)),
        ("Code", code_link(urls)),
        ("Project page", other_link(urls)),
    ]
    links = [
        f'<a href="{_attr(url)}" aria-label="{name}: {_attr(c.title)}">{name}</a>'
        for name, url in found
        if url
    ]
    return " · ".join(links)


def card_html(
    c: Citation,
    hit: SearchHit | None,
    paper: Paper | None,
    turn: int,
    *,
    opened: bool,
    passage: str | None,
) -> str:
    """One source as a `<details>`: the title as its summary; inside, authors, date, venue,
    category by name, a code badge, the passage (if given) and its Paper / Code links."""
    facts = [html.escape(c.authors or "unknown authors", quote=False)]
    if paper is not None:
        inferred = " (year inferred)" if paper.date_inferred else ""
        facts.append(html.escape(paper.display_date + inferred, quote=False))
    else:
        facts.append(str(c.year) if c.year else "undated")
    if c.venue:
        facts.append(f"<em>{html.escape(c.venue, quote=False)}</em>")
    category = (hit.category if hit else None) or (paper.category if paper else None)
    if category:
        facts.append(html.escape(category_title(category), quote=False))
    if (hit and hit.has_code) or (paper and paper.has_code):
        facts.append('<strong class="qabot-code">code</strong>')
    body = f'<p class="qabot-facts">{" · ".join(facts)}</p>'
    if passage:
        body += f"<blockquote>{passage}</blockquote>"
    if links := _links(c, paper):
        body += f'<p class="qabot-links">{links}</p>'
    title = html.escape(f"[{c.number}] {c.title}", quote=False)
    return (
        f'<details class="qabot-card" id="{anchor(turn, c.number)}"{" open" if opened else ""}>'
        f"<summary>{title}</summary>{body}</details>"
    )


def table_markdown(table: Table) -> str:
    """A statistic's table as Markdown: real headers, numbers right-aligned."""
    numeric = [
        all(r[i].replace(",", "").isdigit() for r in table.rows) for i in range(len(table.columns))
    ]
    head = "| " + " | ".join(md_escape(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
    rows = ["| " + " | ".join(md_escape(v) for v in r) + " |" for r in table.rows]
    return "\n".join([head, rule, *rows])


def answer_messages(
    answer: Answer,
    question: str,
    papers: dict[str, Paper] | None = None,
    turn: int = 0,
    note: str = "",
) -> list[dict[str, Any]]:
    """The answer bubble (with `note` above it, and a statistic's table below), then its
    sources: a card per cited paper, the first open; a statistic's sources, which are the
    papers counted rather than passages, as one closed "Sources (n)" group."""
    papers = papers or {}
    numbers = {c.number for c in answer.citations}
    text = answer_markdown(answer.answer, turn, numbers)
    if answer.abstained:
        text = f"*{text}*"
    if answer.table is not None:
        text += "\n\n" + table_markdown(answer.table)
    if note:
        text = f"{note}\n\n{text}"
    messages: list[dict[str, Any]] = [{"role": "assistant", "content": text}]
    if not answer.citations:
        return messages
    hits = {s.paper_id: s for s in answer.sources}
    counted = answer.answerer == "portfolio"
    cards = [
        card_html(
            c,
            hits.get(c.paper_id),
            papers.get(c.paper_id),
            turn,
            opened=not counted and i == 0,
            passage=None if counted else passage_html(c.text, answer.answer, question),
        )
        for i, c in enumerate(answer.citations)
    ]
    if counted:
        n = len(cards)
        body = (
            f'<details class="qabot-sources"><summary>Sources ({n})</summary>'
            + "".join(cards)
            + "</details>"
        )
    else:
        body = "".join(cards)
    messages.append({"role": "assistant", "content": body})
    return messages


def filter_chips(phrases: list[str]) -> str:
    """The active filters (`Filters.phrases`: "from 2025 on", "in Machine Learning") as chips
    beside the input, or "" when none is on."""
    if not phrases:
        return ""
    chips = "".join(
        f'<span class="qabot-chip">{html.escape(part, quote=False)}</span>' for part in phrases
    )
    return f'<div class="qabot-chips" role="status"><span>Filters on:</span> {chips}</div>'
