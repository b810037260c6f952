"""Names a person would write for the portfolio's themes ("Human feedback and reinforcement
learning", not "Human feedback, reinforcement learning, behavior"), from the theme's keywords
and its papers' titles.

Kept apart from `themes`, which finds the clusters (and is cached with the index): naming is
cheap, reads titles only, and can change without recomputing any theme.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qabot.domain.records import Topic

# Keywords too vague to name a theme by themselves, however distinctive the clustering found them.
_VAGUE = frozenset(
    {
        "model", "models", "learning", "method", "methods", "approach", "results", "quality",
        "sota", "deep", "data", "task", "tasks", "work", "paper", "new", "using", "based",
    }
)  # fmt: skip


def _keywords(topic: Topic) -> list[str]:
    # The label capitalises its first word for display; the words themselves are lower-case.
    words = [k.strip() for k in topic.label.split(",") if k.strip()]
    return [w[:1].lower() + w[1:] if w[1:2].islower() else w for w in words]


def _in_title(keyword: str, title: str) -> bool:
    stem = re.escape(keyword.lower().rstrip("s"))
    return re.search(rf"\b{stem}", title.lower()) is not None


def theme_name(topic: Topic, title: Callable[[str], str | None]) -> str:
    """A theme's name: its keywords that name it best, those that most of its paper titles use
    (as written in the keyword list, which ranks them), one or two joined by "and"; vague
    words ("model", "quality") only when nothing else is left."""
    keywords = _keywords(topic) or ["other papers"]
    titles = [t for t in (title(pid) for pid in topic.paper_ids) if t]
    specific = [k for k in keywords if k.lower() not in _VAGUE] or keywords

    def coverage(keyword: str) -> int:
        return sum(_in_title(keyword, t) for t in titles)

    # Keep the label's order among equals: it ranks the words by how particular they are.
    ranked = sorted(specific, key=lambda k: -coverage(k))
    chosen = ranked[:1]
    if len(ranked) > 1 and (coverage(ranked[1]) > 0 or coverage(ranked[0]) == 0):
        chosen.append(ranked[1])
    name = " and ".join(chosen)
    return name[:1].upper() + name[1:]


def theme_names(topics: Sequence[Topic], title: Callable[[str], str | None]) -> list[str]:
    """One name per topic, in order; a name two themes would share gets its next keyword."""
    names: list[str] = []
    for topic in topics:
        name = theme_name(topic, title)
        if name.lower() in {n.lower() for n in names}:
            extra = [k for k in _keywords(topic) if k.lower() not in name.lower()]
            name = f"{name} ({extra[0]})" if extra else f"{name} ({len(names) + 1})"
        names.append(name)
    return names
