"""Abstract text as a reader meets it: math written in LaTeX rendered as text, and a quoted
sentence that reads on its own (no "Finally," or "To address this gap," leading nowhere).

Used where answers quote the abstracts (qabot.answering.sources and extractive) and where the
eval compares what an answer states (qabot.evaluation.kinds), so both sides agree.
"""

from __future__ import annotations

import functools
import re

# A math span: $…$ on one line. Only spans with LaTeX in them are rendered, so "$5 and $10"
# stays as it is.
_MATH = re.compile(r"\$([^$\n]{1,120})\$")
_LATEXY = re.compile(r"[\\^_{}]")
# \hat{Abc}: the accent belongs on the first letter only (pylatexenc puts it on every one).
_ACCENT = re.compile(r"\\(hat|tilde|bar|vec|dot)\{([A-Za-z])([^{}]+)\}")


@functools.lru_cache(maxsize=1)
def _latex() -> object:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")


def latex_to_text(text: str) -> str:
    """`$10^{400}$` -> `10^400`, `$\\chi^2$` -> `χ^2`; text outside math spans is untouched
    (a whole abstract through a LaTeX parser loses everything after a `%`)."""
    if "$" not in text:
        return text

    def render(match: re.Match[str]) -> str:
        if not _LATEXY.search(match[1]):
            return match[0]
        inner = _ACCENT.sub(lambda m: f"\\{m[1]}{{{m[2]}}}{m[3]}", match[1])
        try:
            return str(_latex().latex_to_text(inner)).strip() or match[0]  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - pylatexenc raises several types on odd input
            return match[0]

    return _MATH.sub(render, text)


# Openings that lean on a sentence the quote leaves out: dropped, so the quote reads alone.
_LEADING = re.compile(
    r"^(?:finally|additionally|moreover|furthermore|further|however|in addition|"
    r"in contrast|by contrast|instead|consequently|as a result|therefore|thus|hence|"
    r"to this end|to that end|to do so|to do this|to address (?:this|these|that|those)"
    r"(?: \w+){0,3}|to (?:overcome|tackle|mitigate|solve|fill|bridge|combat|handle|remedy|resolve) (?:this|these|that|those)"
    r"(?: \w+){0,3}|motivated by (?:this|these)(?: \w+){0,2}|based on (?:this|these)(?: \w+){0,2}|"
    r"building on (?:this|these)(?: \w+){0,2}|specifically|importantly|crucially|notably|"
    r"surprisingly|interestingly|overall|first|second|third|then|next|lastly)\s*,\s+",
    re.IGNORECASE,
)


def readable(sentence: str) -> str:
    """A sentence quoted alone: math as text, a leading connective dropped and the sentence
    capitalised again ("Finally, we show that …" -> "We show that …")."""
    text = latex_to_text(sentence.strip())
    stripped = _LEADING.sub("", text, count=1)
    if stripped is not text and stripped:
        stripped = stripped[0].upper() + stripped[1:]
    return stripped
