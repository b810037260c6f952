"""What kind of paper a paper is, read from its title and abstract: a model's technical report,
a position paper, a survey.

People ask for papers by kind ("which papers are model technical reports?", "any position
papers on AI risk?", "is there a survey of RLHF?"), and no search finds a kind by meaning: a
report's abstract is about its model (MiniLM rates "large foundation model releases" 0.3 against
the Gemini reports), a position paper's about its subject. Each kind has a few cues that its
papers' own words give away, written here once: the filter (`Filters.paper_type`), the router
(reading a kind named in a question) and the answers (naming it) all use this table. Imports
nothing from qabot.
"""

from __future__ import annotations

import re
from typing import Literal

PaperType = Literal["report", "position", "survey"]

# How an answer names each kind: (one, many).
TYPE_NAMES: dict[str, tuple[str, str]] = {
    "report": ("technical report", "technical reports"),
    "position": ("position paper", "position papers"),
    "survey": ("survey", "surveys"),
}

# A title that opens with a model's name and version ("Gemma 2: …", "Gemini 1.5: …", "Imagen
# 3", "GPT-4 Technical Report", "Llama 2: Open Foundation …"), whose abstract introduces it
# ("we introduce Gemma 2", "the Gemini 2.X model family"): the model's report. A version alone
# is not enough ("Web 2.0: …" introduces no model).
_VERSIONED_TITLE = re.compile(r"^(?P<family>[A-Z][\w]*(?:[ -][A-Z][\w]*)?)[ -]v?\d+(?:\.\d+)*\b")
# (… a name, not a title's opening word: "The 1.9 Å structure …", "Towards 6G …")
_NOT_A_NAME = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "in",
        "of",
        "for",
        "to",
        "towards",
        "toward",
        "from",
        "with",
        "at",
        "by",
        "is",
        "are",
        "why",
        "how",
        "what",
        "when",
        "do",
        "does",
        "can",
        "beyond",
    ]
)
# Within a sentence: a dot before a letter or digit is a version's ("Gemini 1.5"), not an end.
_SAME_SENTENCE = r"(?:[^.]|\.(?=\w))"
_INTRODUCES = rf"\b(?:introduc|present|releas|describ)\w*\b{_SAME_SENTENCE}{{0,60}}?\b"
_REPORT_TITLE = re.compile(r"\b(?:technical report|model card|system card)\b", re.I)
# … or a report that says it is one, of a model ("In this report, we introduce the Gemini 2.X
# model family"): biomedicine's "in this report we show …" is any study.
_REPORT_TEXT = re.compile(
    rf"\b(?:in this|this) (?:technical )?report\b{_SAME_SENTENCE}{{0,80}}\bmodels?\b|"
    r"\btechnical report\b",
    re.I,
)
_MODEL_AFTER = rf"\b{_SAME_SENTENCE}{{0,80}}\bmodels?\b"

# A paper that says what it argues or recommends ("we recommend further research", "in this
# short consensus paper", "we explore the implications") and reports no experiment of its own.
_POSITION = re.compile(
    r"\b(?:position|consensus|perspective|policy|vision) (?:paper|piece|statement)\b|"
    r"\bwe (?:recommend|argue|advocate|call for|outline)\b|"
    r"\bwe (?:explore|discuss|consider) the implications\b",
    re.I,
)
_EMPIRICAL = re.compile(
    r"\bwe (?:show|find|found|demonstrate|evaluate|test|train|prove)\b|\bexperiment(?:s|al)?\b|"
    r"\boutperform\w*|\bresults (?:show|suggest|indicate)\b|\buser stud(?:y|ies)\b|"
    r"\bbaselines?\b|\bbenchmarks?\b|\d\s*%|\bparticipants\b|\bpatients\b|\bcohort\b|"
    r"\brandomi[sz]ed\b|\bwe (?:measured|observed|analy[sz]ed|conducted|collected)\b",
    re.I,
)
_SURVEY = re.compile(
    r"\bwe (?:\(\w\) )?(?:survey|review)\b|\b(?:this|our) (?:survey|review)\b|\ba survey of\b|"
    r"\b(?:literature|systematic) review\b|^(?:a )?survey\b",
    re.I,
)


def paper_types(title: str, abstract: str) -> frozenset[str]:
    """The kinds of paper this is (most papers are none of them)."""
    found = set()
    versioned = _VERSIONED_TITLE.match(title.strip())
    family = versioned["family"].split()[0] if versioned else None
    if family and family.lower() in _NOT_A_NAME:
        family = None
    if (
        _REPORT_TITLE.search(title)
        or _REPORT_TEXT.search(abstract)
        or (family and re.search(_INTRODUCES + re.escape(family) + _MODEL_AFTER, abstract, re.I))
    ):
        found.add("report")
    if _POSITION.search(abstract) and not _EMPIRICAL.search(abstract):
        found.add("position")
    if _SURVEY.search(title) or _SURVEY.search(abstract):
        found.add("survey")
    return frozenset(found)


def type_name(paper_type: str, many: bool = True) -> str:
    """How an answer names a kind of paper ("technical reports", "position paper")."""
    one, plural = TYPE_NAMES[paper_type]
    return plural if many else one


def type_clause(paper_type: str, one: bool = False) -> str:
    """The kind as a filter says it after "papers": "that are technical reports"; with `one`,
    after "paper": "that is a technical report"."""
    return (
        f"that is a {type_name(paper_type, False)}" if one else f"that are {type_name(paper_type)}"
    )
