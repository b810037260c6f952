"""The router: does a question need exact portfolio statistics, or the papers' text?

Two implementations behind one `Route` result:
- `route_question`: deterministic patterns plus the metadata vocabulary (author names, years,
  categories). Used by the extractive and mock answerers, and as the LLM router's fallback.
- `LLMRouter`: the chat model picks a tool (`portfolio_statistic` or `search_papers`) by tool
  calling; any failure falls back to the deterministic router.

Labels: "statistic" (answered from metadata alone), "retrieval" (top-k search), "mixed" (search
restricted by metadata the question names, or a metadata list with per-paper summaries).

Shapes decide how broad the answer is: "focused" (one paper or a few, in depth: "what is X?"),
"survey" (every paper on a topic: "what has she done on X?", "which papers ...", "summarise
her work on X", "how has her work on X evolved"), "compare" (both sides of "compare A with B",
"how does A differ from B"), "metadata" (statistics).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from qabot.answering.framing import (
    ASKING,
    DATE_ORDER,
    FILLER,
    FIRST_AUTHOR,
    FUNCTION_WORDS,
    frames,
    month_named,
    without_asking_lead,
)
from qabot.answering.framing import FRAME as _FRAME
from qabot.answering.framing import OVERVIEW_FRAME as _OVERVIEW_FRAME
from qabot.answering.llm import ROUTE_MAX_TOKENS, STEP_SHARE, Deadline, bounded, llm_failure
from qabot.answering.prompts import ROUTER_SYSTEM
from qabot.answering.route import Route
from qabot.answering.shapes import (
    FOCUSED,
    LIST_PAPERS,
    SHAPES,
    STATISTIC_SHAPES,
    TEXT_SHAPES,
    StatisticShape,
    TextShape,
)
from qabot.answering.shapes.base import Detected
from qabot.answering.shapes.survey import CHRONOLOGICAL
from qabot.domain.filters import Filters
from qabot.domain.genres import PaperType
from qabot.domain.names import name_key
from qabot.domain.taxonomy import AFFILIATION_ALIASES, GENERIC_NAMES, category_names, in_field_terms
from qabot.errors import LLMUnavailableError
from qabot.index.lexical import tokenize
from qabot.index.vocabulary import WORDS, Vocabulary

log = logging.getLogger(__name__)

_CLIENT_MODULES = {"openai", "httpx", "httpcore", "langchain_openai"}

# A question asking for papers with code: "papers with code on RLHF", "is the code out?",
# "github". Not code as a subject: "code generation", "multi-turn code assistance", "agents
# that write code" (that filter hid the very paper on it).
_CODE = re.compile(
    r"\b(?:github|implementations?|open[- ]source)\b|"
    r"(?<!writing )(?<!write )(?<!writes )(?<!generate )(?<!generating )(?<!surface )\bcode\b"
    r"(?![- ](?:generation|assist\w*|completion|synthesis|editing|repair|review|models?|llms?|"
    r"questions?|tasks?|problems?|benchmarks?|agents?|understanding|reasoning)\b)",
    re.I,
)
# Any four-digit year, so "in 1800" or "in 9999" becomes a filter that matches nothing instead
# of being ignored (which listed every paper). Not part of a longer number or a decimal.
_YEAR = r"(?<![\d.,])([1-9]\d{3})(?![\d]|[.,]\d)"
# Category names come from the arXiv taxonomy (qabot.domain.taxonomy). Most are also research topics
# ("robotics", "machine learning", "security"), so a name means the category only when:
# - the question says "category", "arXiv" or "cs.": "papers in the robotics category";
# - it is a full arXiv name with "and", which nobody uses for a topic: "computation and language";
# - it qualifies the papers: "robotics papers", "NLP publications";
# - or it is all a "how many" question asks about: "how many papers on robotics?".
# Elsewhere it stays a topic: "what has she done on robotics?" searches the abstracts.
_CATEGORY_NAMES = category_names()


# Kinds of paper a question asks for (qabot.domain.genres), by the words people use for them.
# Adjectives of "report" are read with it ("big Google model tech reports"); names are not
# ("Gemini model reports" are Gemini's). Two tiers: words that name the kind ("technical
# reports", "position papers"), read wherever they are; and words that stand for it only when
# they are the whole topic ("what has she done on large foundation models?", "the big-model
# work"), not when they are where a topic is studied ("how do they make big models safer?").
_BIG_WORD = (
    r"(?:big|large|large-scale|frontier|foundation|flagship|multimodal|open|open-weight|"
    r"generative|state-of-the-art|google(?:['’]s)?|deepmind|ai|llm|image|language|new)"
)
_BIG = rf"(?:{_BIG_WORD}(?:[\s/,-]+(?:or|and|&)\s+|[\s/-]+))*"
_BIG_THEN_ONE = rf"(?:{_BIG}{_BIG_WORD}[\s-]+[a-z]+[\s-]+|{_BIG})"
_KIND_NAMED: dict[str, re.Pattern[str]] = {
    "report": re.compile(
        # (… and one word more before "model" after an adjective: "big industry model reports")
        rf"\b{_BIG_THEN_ONE}(?:model[\s-]+)?(?:release[\s/-]+|/\s*)?"
        r"(?:technical|tech)[\s-]+report(?:[\s-]+papers|s\b|\b)|"
        rf"\b{_BIG_THEN_ONE}model(?:[\s-]+(?:release|launch))?[\s-]+"
        r"(?:reports?|release[\s-]+papers?)\b|"
        rf"\b{_BIG}(?:model|system)[\s-]+cards?\b|\b{_BIG}(?:model[\s-]+)?release[\s-]+papers?\b",
        re.I,
    ),
    "position": re.compile(
        r"\b(?:(?:position|perspective|opinion|agenda(?:[\s-](?:setting|style))?|strategy|"
        r"consensus|vision|policy(?=[\s/-]+(?:or|and)\b))(?:[\s/,-]+(?:or|and)?[\s-]*)?)+"
        r"(?:papers?|pieces?|articles?|statements?|essays?|writing)\b",
        re.I,
    ),
    "survey": re.compile(
        r"\b(?:survey|review)[\s-]+(?:papers?|articles?)\b|\bliterature reviews?\b|"
        r"\bsurveys?\b(?=\s+(?:of|on)\b)|\b(?:any|the|her|their|his|which)\s+surveys\b|"
        r"\ba\s+(?:survey|review)(?=\s*[?.!]*\s*$)|"  # "is it a survey?"
        r"\b(?:a|any)\s+(?:literature\s+)?reviews?\s+(?:of|on)\b",  # "is there a review of …?"
        re.I,
    ),
}
_KIND_WHOLE: dict[str, re.Pattern[str]] = {
    "report": re.compile(
        rf"\b{_BIG}(?:model[\s-]+(?:releases?|launch(?:es)?|families|family|teams?)|(?:big|large)-model[\s-]+work|"
        rf"(?:foundation|frontier|big|large|flagship)[\s-]+(?:ai[\s-]+)?models?)\b",
        re.I,
    ),
    # "anything that argues a position rather than proposing a method?" (the review of round
    # seventeen: it found 2 papers by the words, where the kind has 4)
    "position": re.compile(
        r"\b(?:argu(?:e|es|ing)|mak(?:e|es|ing)|tak(?:e|es|ing)|stak(?:e|es|ing))\s+(?:out\s+)?(?:a|an)\s+"
        r"(?:position|argument|stance|case)\b(?:,?\s+(?:rather than|instead of|as opposed to|not)\s+"
        r"(?:propos|present|introduc|run|report|build)\w*\s+(?:a\s+|an\s+|new\s+)*(?:methods?|algorithms?|"
        r"experiments?|results?|systems?|models?|techniques?))?",
        re.I,
    ),
}
# What else a question asking for a kind says of it: who made them ("has she been involved
# in", "built", "co-authored"), examples ("like Gemini, Gemma or Imagen", "(Gemini, Gemma)"),
# what it is not ("rather than the empirical work"), and the kind's adjectives on their own
# ("technical reports for big models").
_KIND_FRAME = re.compile(
    r"\b(?:building|build|built|training|train|trained|releasing|released|developing|"
    r"development|involv\w*|contribut\w*|part of|been on|show(?:s|ed)? up on|authors? on|"
    r"co-?authored|wrote|writing|published|co-?author|introduc\w*)\b|"
    r"\b(?:like|such as|e\.g\.?|including)\s+[^?.;:()]+|\([^()]*\)|"
    r"\b(?:rather than|as opposed to|instead of)\s+(?:the\s+)?(?:new\s+)?(?:(?:experimental|empirical|"
    r"technical)\s+)?(?:work|papers?|research|studies|methods?|techniques?|algorithms?|experiments?)\b|"
    r"\b(?:judging|according|based)\b|"
    # what a position paper is about ("position papers about where the field should go"
    # searched for "field go", dev13)
    r"\b(?:about |on )?where (?:the|our|this|ai|ml) (?:field|research|community|area|discipline)\s+"
    r"(?:should|could|might|ought to|needs? to|will|is|was)?\s*(?:go|head|be (?:going|heading|headed)|"
    r"going|heading|headed)\b|\b(?:the )?(?:future|direction) of (?:the|our|this) (?:field|research|area)\b|"
    r"\b(?:about |on )?the direction (?:the|our|this|ai) (?:field|research|community|area) should "
    r"(?:take|go|head)\b|\bsummari[sz](?:e|es|ed|ing) (?:a|the|their|its) (?:field|area|literature)\b|"
    rf"\b{_BIG}models?\b|\b(?:google(?:['’]s)?|deepmind|big|large)\b",
    re.I,
)


def _kind(q: str, author: str | None) -> tuple[str | None, str, bool]:
    """The kind of paper `q` asks for; `q` without the words that ask for it when it asks
    for the kind's papers ("which papers are position papers?"), or with "paper" for them
    when it asks of one ("who wrote the paper on …?"); and which of the two."""
    for kind, pattern in _KIND_NAMED.items():
        if found := pattern.search(q):
            # ("reports", "position writing", "the model-report work": its papers)
            many = bool(re.search(r"(?:s|writing)$", found.group(0), re.I)
                        or re.match(r"[\s-]+(?:work|research|output)\b", q[found.end():], re.I))  # fmt: skip
            if many:
                rest = re.sub(
                    r"^[\s-]+(?:work|research|output)\b", " ", q[found.end() :], flags=re.I
                )
                q = _KIND_FRAME.sub(" ", pattern.sub(" ", f"{q[: found.start()]} {rest}"))
            else:  # … one of them: the rest of the question is still what is asked of it
                q = f"{q[: found.start()]} paper {q[found.end() :]}"
            return kind, q, many
    for kind, pattern in _KIND_WHOLE.items():
        if pattern.search(q):
            rest = _KIND_FRAME.sub(" ", pattern.sub(" ", q))
            if not topic_query(rest, author):
                return kind, rest, True
    return None, q, False


def _names(categories: Iterable[str]) -> dict[str, str]:
    """The category names to read: the table's, and those of the corpus's categories of
    other archives ("atmospheric and oceanic physics" only when some paper is in it)."""
    other = [c for c in categories if "." in c or "-" in c]
    return category_names(other) if other else _CATEGORY_NAMES


_PAPERS_NOUN = r"(?:papers?|publications?|articles?|preprints?|work)\b"


_OR_LATER = re.compile(
    rf"\b{_YEAR},? or (?:(?P<later>later|after|newer|more recent|since|onwards?)|earlier|before|older)\b",
    re.I,
)


def _years(q: str) -> tuple[int | None, int | None]:
    if m := re.search(
        rf"\bbetween {_YEAR} and {_YEAR}\b|\bfrom {_YEAR} (?:to|through|until) {_YEAR}\b|\b{_YEAR}\s*[-–]\s*{_YEAR}\b",
        q,
    ):  # noqa: E501
        years = [int(y) for y in m.groups() if y]
        return min(years), max(years)
    if m := re.search(rf"\b{_YEAR}\s*[-–]\s*(\d{{2}})\b(?!\d)", q):  # "2023-24"
        start = int(m.group(1))
        end = start // 100 * 100 + int(m.group(2))
        return min(start, end), max(start, end)
    # "between 2019 and the recent papers", "from 2020 to now": from that year on
    if m := re.search(
        rf"\b(?:between {_YEAR} and|from {_YEAR} (?:to|through|until)) (?:now|today|the present|"
        r"present|(?:the )?(?:most )?recent(?: (?:papers|ones|work|years))?|(?:the )?latest(?: ones| papers)?)\b",
        q,
        re.I,
    ):
        return int(m.group(1) or m.group(2)), None
    # ("papers from 2025 on LLMs": "on" opens the topic, so 2025 alone)
    if m := re.search(
        rf"\bsince {_YEAR}\b|\bfrom {_YEAR} (?:onwards?\b|on\b(?!\s+(?!and\b|or\b)[a-z]))", q, re.I
    ):
        return int(m.group(1) or m.group(2)), None
    # "from 2024 or later", "2019 or earlier"
    if (m := _OR_LATER.search(q)) and m["later"]:
        return int(m.group(1)), None
    if m:
        return None, int(m.group(1))
    if m := re.search(rf"\bafter {_YEAR}\b", q):
        return int(m.group(1)) + 1, None
    if m := re.search(rf"\bbefore {_YEAR}\b", q):
        return None, int(m.group(1)) - 1
    if m := re.search(rf"\b(?:until|through|up to) {_YEAR}\b", q):
        return None, int(m.group(1))
    if m := re.search(rf"\b{_YEAR}\b", q):
        return int(m.group(1)), int(m.group(1))
    return None, None


def _code_pattern(code: str) -> re.Pattern[str]:
    """A category code as a question writes it: a bare code in capitals ("RO", not "ro"), and
    another archive's whole code in any case ("physics.ao-ph")."""
    flags = re.I if "." in code or "-" in code else 0
    return re.compile(rf"(?<![\w.-]){re.escape(code)}(?![\w-])", flags)


# "not the technical ML", "besides robotics": a category the question sets aside.
_NEGATED = re.compile(
    r"\b(?:not|except|excluding|besides|other than|rather than|apart from)\s+(?:the\s+|any\s+)?"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)


def _named(pattern: re.Pattern[str], q: str) -> bool:
    """The pattern names something in the question that it does not set aside."""
    return any(not _NEGATED.search(q[: m.start()]) for m in pattern.finditer(q))


def _categories(q: str, vocab: Vocabulary, count: bool = False) -> list[str] | None:
    explicit = bool(re.search(r"categor|arxiv|\bcs\.", q, re.I))
    found = [
        c
        for c in sorted(vocab.categories)
        if (_named(_code_pattern(c), q) and (c != "AI" or explicit))
        or re.search(rf"\b(?:cs|stat|eess|math)\.{re.escape(c)}\b", q, re.I)
    ]
    lower = q.lower()
    for name, code in _names(vocab.categories).items():
        at = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lower)
        if not at or code in found:
            continue
        rest = lower[at.end() :]
        # "the Approach to Technical AGI Safety and Security paper" is one paper: a title
        title = re.match(r"\s+(?:paper|article|preprint)\b", rest) and re.search(
            r"\bthe\s+(?:[\w'’:-]+\s+){0,8}$", lower[: at.start()]
        )
        if title:
            continue
        if (
            explicit
            or " and " in name
            or re.match(rf"\s+{_PAPERS_NOUN}", rest)
            or (count and not topic_words(lower.replace(name, " "), None))
        ):
            found.append(code)
            lower = lower.replace(name, " ")  # "machine learning (statistics)" is not also LG
    return sorted(set(found)) or None


def _affiliation(q: str, vocab: Vocabulary) -> tuple[str | None, str | None]:
    """(affiliation as papers list it, as the question wrote it): "at Stanford", "with
    Google DeepMind". Known forms only: the vocabulary's, else the alias table's."""
    forms = vocab.affiliations or AFFILIATION_ALIASES
    lower = q.lower()
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        if at := re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", lower):
            return forms[form], q[at.start() : at.end()]
    return None, None


_NAME_SEQ = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]+)){1,3}")
# Phrases that make a capitalised name an author even when no paper lists it. "the Goal
# Representations for Instruction Following paper" is a title: one paper needs "'s".
# … but not "how does Context Steering work?", "does CoS work for …": a method that works.
# (… nor "the Offline RL with Observation Histories paper": a title's words before "paper")
_AUTHOR_CUE = (r"(?:\bby|(?:papers?|works?|publications?|research|articles?|students?|group|lab) of|\bfrom|"
               r"\bwith)\s+{name}\b(?!\s+(?:paper|work|study|article|report)s?\b)|(?<!\bthe )\b{name}(?:(?:'s|’s)?\s+(?:publish|wrote|writ|"
               r"co-?author|papers)|(?:'s|’s)\s+paper)|(?<!\bthe )(?<!\bdoes )(?<!\bdo )(?<!\bdid )(?<!\bwould )(?<!\bwill )"
               r"(?<!\bcan )\b{name}(?:'s|’s)?\s+work")  # fmt: skip


def _author(q: str, vocab: Vocabulary) -> tuple[str | None, bool]:
    """(author name as written, is it the profile owner?), known names first."""
    lower = q.lower()
    for variant in vocab.variants_in(set(WORDS.findall(lower))):
        if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", lower):
            key = vocab.authors[variant]
            start = lower.index(variant)
            return q[start : start + len(variant)], key in vocab.owners
    for match in _NAME_SEQ.finditer(q):
        words = match.group(0).split()
        # "Has Anca worked on …": a capitalised opening word ("Has", "Did") is not a name.
        words = without_asking_lead(words)
        # … and a name with a digit is a model's ("compare with GPT-4 Turbo"), not a person's.
        if len(words) < 2 or any(c.isdigit() for c in "".join(words)):
            continue
        # … nor a company's thing ("with Google's Gemini/Gemma model families", dev15)
        if any(re.sub(r"(?:'s|’s)$", "", w).lower() in GENERIC_NAMES for w in words):
            continue
        name = re.sub(r"(?:'s|’s)$", "", " ".join(words))
        key = name_key(name)
        if key in vocab.keys:  # a variant spelling ("Stuart J. Russell")
            return name, key in vocab.owners
        # (not a topic with an acronym in it: "Offline RL papers from 2024?", dev21)
        acronym = any(re.fullmatch(r"[A-Z]{2,}s?", w) for w in words)
        if not acronym and re.search(_AUTHOR_CUE.format(name=re.escape(name)), q):
            return name, False  # named as an author, but no paper lists them
    for last in vocab.last_names_in(set(WORDS.findall(q))):
        key = vocab.last_names[last]
        if re.search(rf"(?<!\w){re.escape(last)}(?!\w)", q) and q.strip().split()[0] != last:
            full = re.search(rf"(?:[A-Z][\w'’-]+\s+){{0,2}}{re.escape(last)}", q)
            return (full.group(0) if full else last), key in vocab.owners
    # A profile's owner by her first name, capitalised ("how many papers list Anca first?"),
    # when no other owner shares it
    firsts = [key.split()[0] for key in vocab.owners]
    for first in firsts:
        if firsts.count(first) == 1 and (
            at := re.search(rf"\b{re.escape(first.capitalize())}\b", q)
        ):
            return at.group(0), True
    return None, False


# Two people joined as joint authors: "papers by A and B", "A & B", "A's work with B", "what did
# A write together with B?"; a comparison ("compare A's work with B's") joins nobody.
_JOINED = r"{a}(?:'s|’s)?\s+(?:[\w-]+\s+){{0,3}}?(?:and|&|with)\s+(?:also\s+)?{b}(?!\w)"
_COMPARED = re.compile(r"\b(?:compar\w*|contrast\w*|versus|vs\.?|differ\w*|or)\b", re.I)


def _coauthors(q: str, first: str | None, vocab: Vocabulary) -> list[tuple[str, bool]]:
    """The other people a question names as joint authors with `first`, as written, each with
    whether they own a profile."""
    if first is None or _COMPARED.search(q):
        return []
    named: list[tuple[str, bool]] = []
    rest, last = q, first
    while len(named) < 3:
        rest = rest.replace(last, " \u2063 ")  # a mark where the name before was
        other, is_owner = _author(rest, vocab)
        if other is None or other == first or other in (n for n, _ in named):
            break
        a, b = re.escape("\u2063"), re.escape(other)
        if not re.search(f"{_JOINED.format(a=a, b=b)}|{_JOINED.format(a=b, b=a)}", rest, re.I):
            break
        named.append((other, is_owner))
        last = other
    return named


def topic_words(
    q: str, author: str | None, categories: list[str] | None = None, affiliation: str | None = None
) -> set[str]:
    """Content words left once the request's framing, years, names, categories and
    affiliations are out."""
    text = re.sub(rf"\b{_YEAR}\b", " ", q)
    for code in categories or []:
        text = re.sub(rf"\b(?:cs|stat|eess|math)\.{re.escape(code)}\b", " ", text, flags=re.I)
        text = _code_pattern(code).sub(" ", text)
        for name, named in _names(categories).items():
            if named == code:
                text = re.sub(re.escape(name), " ", text, flags=re.I)
    for name in (author, affiliation):
        if name:
            text = re.sub(re.escape(name), " ", text, flags=re.I)
    return {
        t
        for w in re.findall(r"[\w'’-]+", text)
        if not frames(w, _FRAME | FILLER)
        for t in tokenize([w])[0]
        if not t.isdigit() and len(t) > 1
    }


# Roles that name a field themselves: "I'm a roboticist" asks about robotics
_FIELD_ROLES = {
    "roboticist": "robotics robot",
    "neuroscientist": "brain neuroscience",
    "theorist": "theory",
    "psychologist": "psychology human behavior",
    "economist": "economics",
    "linguist": "language",
    "philosopher": "philosophy",
    "statistician": "statistics",
}


def _role(group: str) -> str:
    """Who may ask ("a journalist", "a roboticist"), with the role that names a field as
    `group`."""
    return (
        r"(?:journalist|reporter|funder|investor|student|undergrad(?:uate)?|grad student|researcher|"
        r"engineer|developer|teacher|professor|lecturer|scientist|policy ?maker|founder|writer|"
        r"practitioner|newcomer|beginner|manager|designer|clinician|doctor|physician|lawyer|analyst|"
        rf"(?P<{group}>{'|'.join(_FIELD_ROLES)}))"
    )


_PERSONA = re.compile(
    rf"\bI(?:'m|’m|m| am)\s+(?:a|an)\s+(?P<field>(?:[\w-]+\s+){{0,3}}?){_role('role')}s?\b(?:\s+(?:covering|focused on|"
    r"focusing on|working on|interested in|studying|researching|writing about|looking (?:at|into)|"
    r"who (?:works? on|studies|cares about|is interested in|wants? to (?:learn about|work on|do)))\b)?|"
    rf"\b(?:to|for)\s+(?:a|an|my)\s+(?P<field2>(?:[\w-]+\s+){{0,2}}?){_role('role2')}s?\b(?:\s+who\s+(?:wants?|would like|"
    r"is trying|needs?|hopes?)\s+to\s+(?:do|learn|work on|get into|study|start)?\b)?|"
    r"\b(?:would|do|can|could) you recommend\b|\byou[’']d recommend\b",
    re.I,
)


_PUBLIC_POLICY = re.compile(
    r"\b(?:AI|public|tech(?:nology)?|science|government)\s+polic(?:y|ies)\b(?:\s*(?:and|&|or)\s+governance\b)?|"
    r"\bpolic(?:y|ies)\s*(?:and|&|or|/)\s*(?:governance|regulation|law)\b|"
    r"\b(?:governance|regulation)\s*(?:and|&|or|/)\s*polic(?:y|ies)\b|\bpolicy[- ]?makers?\b|"
    r"\bpolicy[- ](?:facing|oriented)\b",
    re.I,
)

# Words before a role that say nothing of a field ("a PhD student", "a new researcher")
_NO_FIELD = frozenset(
    [
        "phd",
        "grad",
        "graduate",
        "undergrad",
        "undergraduate",
        "new",
        "junior",
        "senior",
        "young",
        "first-year",
        "second-year",
        "aspiring",
        "freelance",
        "independent",
        "curious",
        "retired",
        "former",
        "master's",
        "masters",
        "doctoral",
        "postdoc",
        "postdoctoral",
        "tech",
        "science",
    ]
)


def _field_of(match: re.Match[str]) -> str:
    """Who asks, as their field: "I'm a game designer interested in AI teammates" -> "game"
    (a game designer's teammates are in games), "I'm a PhD student" -> nothing."""
    words = (match["field"] or match["field2"] or "").split()
    role = _FIELD_ROLES.get((match["role"] or match["role2"] or "").lower(), "")
    return " " + " ".join([*(w for w in words if w.lower() not in _NO_FIELD), role]) + " "


def _as_governance(match: re.Match[str]) -> str:
    """ "AI policy" -> "AI governance", "policy & governance" -> "governance"."""
    said = re.sub(r"polic(?:y|ies)(?:[- ]?makers?)?", "governance", match.group(0), flags=re.I)
    said = re.sub(r"\bgovernance\s*(?:and|&|or|/)\s*governance\b", "governance", said, flags=re.I)
    return f" {said} "


# How they went about it ("how did they go about training chatbots that plan?"), not the topic:
# "go" stayed in 51 survey queries of the blind sets, and BM25 weighs it as rare (two papers use
# it). Without it, coverage / precision on those 51: 0.606 / 0.700 -> 0.620 / 0.727.
_GO_ABOUT = re.compile(r"\b(?:go|goes|going|gone|went)\s+about\b", re.I)


def topic_query(q: str, author: str | None) -> str:
    """The question's words minus its framing, years and author, in order: what a survey
    searches for ("What has this group done on reward hacking?" -> "reward hacking")."""
    text = re.sub(re.escape(author), " ", q, flags=re.I) if author else q
    text = CHRONOLOGICAL.sub(" ", text)
    # "the policy side of her work, not the technical ML": what it sets aside is not searched
    text = re.sub(
        r"[,;.]\s*(?:but |and )?(?:not|rather than|except|excluding)\b[^,;.?!]*",
        " ",
        text,
        flags=re.I,
    )
    # "RLHF-related", "safety-focused": the topic is the word before the hyphen ("BERT-style"
    # stays: like BERT, not BERT); "can you recommend some papers", "the group's take on" ask.
    text = re.sub(r"(?<=\w)-(?:related|focused|oriented|ish)\b", "", text,
                  flags=re.I)  # fmt: skip
    text = re.sub(r"\btake on\b", " ", text, flags=re.I)
    # "how do they deal with the fact that humans aren't perfectly rational?": how they handle
    # it asks, the fact is the topic
    text = re.sub(r"\b(?:deal|dealt|cope|coped)\s+with\b|\bthe fact that\b", " ", text, flags=re.I)
    # "any other papers critical of RLHF?": how they view it ("critical" is one stem with the
    # "Actor Critic" of a title)
    text = re.sub(
        r"\b(?:critical|skeptical|sceptical)\s+(?:of|about|towards?)\b", " ", text, flags=re.I
    )
    # "what other big-picture safety papers are there?": how broad, not what about (no abstract
    # says "big-picture", which read as the subject the portfolio lacks)
    text = re.sub(r"\b(?:big[- ]picture|high[- ]level|bird['’]s[- ]eye)\b", " ", text, flags=re.I)
    # "I'm a journalist covering AI policy", "… to a student who wants to do AI research with
    # games": who asks is not what they ask about
    text = _PERSONA.sub(_field_of, text)
    # "AI policy", "policy & governance", "policymakers": policy as governments make it, not
    # an agent's policy, which is what the papers of an RL portfolio mean by the word
    text = _PUBLIC_POLICY.sub(_as_governance, text)
    # "running user studies": a kind of study is the topic, not the framing "studies on X"
    text = re.sub(r"\b(user|human|field|lab|case|pilot|in-person|ablation)\s+(stud(?:y|ies))\b",
                  r"\1-\2", text, flags=re.I)  # fmt: skip
    # "any other papers on red-teaming like that?": what it is like is the last answer's
    text = re.sub(
        r"\b(?:just |something )?like (?:that|this|it|those|these)\b", " ", text, flags=re.I
    )
    text = re.sub(r"\b(?:(?:can|could|would|do) you )?recommend(?= (?:me |us )?(?:some |a few |any |"
                  r"her |his |their |good )?(?:[\w-]+ )?(?:papers|reading|readings|work|publications)\b)",
                  " ", text, flags=re.I)  # fmt: skip
    text = re.sub(r"\b(?:any|some|your|a) (?:reading )?(?:recommendations?|suggestions?)(?: (?:for|on) something)?\b",
                  " ", text, flags=re.I)  # fmt: skip
    # "can you recommend something on X?", "recommend me a paper on X": the asking, not X
    text = re.sub(r"^\W*(?:please |so,? )?(?:(?:can|could|would) you (?:please )?)?(?:recommend|suggest)"
                  r"(?: (?:me|us))?(?: (?:something|anything|a paper|one|a few|some|papers|reading))?\b",
                  " ", text, flags=re.I)  # fmt: skip
    text = _GO_ABOUT.sub(" ", text)
    # "recovering what people want from what they do": everyday phrases of framing words
    # ("what", "people", "want") said in the field's terms before the framing goes (single
    # words wait for the search, which knows whether the abstracts use them)
    text = in_field_terms(text, keep=lambda _: True)
    words = re.findall(r"[\w'’.-]*\w", text)
    # Function words and the asking words too: "AGI safety governance — what should I read?"
    # searched for "AGI safety governance should", and "should" ranked papers that use it.
    frame = _FRAME | _OVERVIEW_FRAME | FUNCTION_WORDS | ASKING
    keep = [w for w in words if not re.fullmatch(r"(19|20)\d{2}", w) and not frames(w, frame)]
    return " ".join(keep)


def question_shape(q: str) -> tuple[TextShape, Detected]:
    """The text shape of a question that goes to the papers' text: the first registered one
    whose `detect` matches (Focused, the default, is tried last)."""
    for shape in TEXT_SHAPES:
        if (detected := shape.detect(q)) is not None:
            return shape, detected
    raise AssertionError("the last text shape matches every question")  # pragma: no cover


def search_text(q: str, names: list[str]) -> str | None:
    """The question's topic, in its own words, once the names that became filters and the
    request's framing are out: "Which papers did Sergey Levine co-author about dialogue?" ->
    "dialogue". A question embeds poorly next to the abstracts when most of it is a name and
    "which papers did …" (measured: 0.32 vs 0.57 cosine for the dialogue paper)."""
    for name in names:
        q = re.sub(rf"{re.escape(name)}(?:'s|’s)?", " ", q, flags=re.I)
    kept = [w for w in re.findall(r"[\w'’-]+", q) if not frames(w, _FRAME)]
    return " ".join(kept) or None


# What the papers' text says ("which new institutions do they say should be created?"), not
# what their metadata counts (dev20: it ranked the paper's affiliations)
_TEXT_SAYS = re.compile(
    r"\b(?:do|does|did) (?:they|it|the (?:paper|authors?|abstract)) (?:say|propose|suggest|"
    r"recommend|call for|argue|want|envision)\b|\bshould be (?:created|established|set up|built)\b",
    re.I,
)


def _statistic(q: str, affiliation: str | None) -> StatisticShape | None:
    """The statistic shape whose pattern matches first, if any."""
    if _TEXT_SAYS.search(q):
        return None
    q = re.sub(DATE_ORDER, "", q, flags=re.I)  # an order asked for, not the earliest or latest
    q = FIRST_AUTHOR.sub(" ", q)  # … and an author put first ("list Vivek Myers first")
    shape = next((s for s in STATISTIC_SHAPES if s.pattern.search(q)), None)
    if shape is not None and shape.ranks_affiliations and affiliation:
        # "How many papers list Berkeley as an affiliation?" counts one, not the ranking.
        shape = next(
            (s for s in STATISTIC_SHAPES if s.lists_papers and s.pattern.search(q)), LIST_PAPERS
        )
    return shape


def owner_scope(
    author: str | None, is_owner: bool, vocab: Vocabulary
) -> tuple[str | None, str | None]:
    """(author filter, profile filter) for a person a question names. With one owner (a
    profile's researcher, or the named owner of a file corpus) every paper is hers, so naming
    her filters nothing; in a lab (several profiles) an owner with a profile scopes the
    question to it. Anyone else, a named owner beside other owners included, is an author."""
    if author is None or not is_owner:
        return author, None
    if len(vocab.owners) == 1:
        return None, None
    profile = vocab.profiles.get(name_key(author))
    if profile is not None and len(vocab.profiles) > 1:
        return None, profile
    return author, None


# A person asked about by name alone: "Who is Jessy Lin?", "tell me about Anca"
_WHO_IS = re.compile(
    r"(?i:(?:so,? )?(?:who(?:'s|’s| is| was)|tell me (?:more )?about|what do you know about))\s+"
    r"(?P<who>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}?)(?:'s|’s)?\s*[?.!]*",
)


# A personal fact about someone ("how old is Micah Carroll?", "where does Anca live?",
# "what's Jessy Lin's email?"): no paper says it; the person shape says so.
PERSONAL = re.compile(
    r"\bhow old\b|\bwhen was\b.{1,40}\bborn\b|\bwhere (?:does|did|do)\b.{1,40}\b(?:live|grow up|go to "
    r"school)\b|\bwhere is\b.{1,40}\bfrom\b|['’]s (?:age|email|e-mail|phone(?: number)?|address|salary|"
    r"birthday|nationality|hometown|wife|husband|partner|kids|children)\b|\bis\b.{1,40}\bmarried\b",
    re.I,
)


def route_question(question: str, vocab: Vocabulary) -> Route:
    """Deterministic routing from patterns and the metadata vocabulary."""
    month, q = month_named(" ".join(question.split()))
    year_from, year_to = _years(q)
    q = _OR_LATER.sub(r"\1", q)  # ("2024 or later" is read: no topic "later")
    affiliation, written = _affiliation(q, vocab)
    # "with Google DeepMind" names an institution, not an author called Google DeepMind.
    # … and a title the question quotes names no author ("… Frontier LLMs with Offline
    # Goal-Conditioned RL" is not a paper "with" someone)
    unquoted = re.sub(r"“[^”]*”", " ", q.replace(written, " ") if written else q)
    author, is_owner = _author(unquoted, vocab)
    statistic = _statistic(q, affiliation)
    by_author, profile = owner_scope(author, is_owner, vocab)
    # "papers by Micah Carroll and Stuart Russell": the papers listing both. With one owner,
    # she is on every paper: "Anca and Stuart Russell" are Stuart Russell's papers.
    others = _coauthors(unquoted, author, vocab)
    joint = [n for n, owner in others if owner_scope(n, owner, vocab)[0] is not None]
    names = [n for n, _ in others] + ([author] if others and author else [])
    if joint and by_author is None:
        author, is_owner = joint[0], False
        by_author, *joint = joint
    elif joint and by_author == author:  # in the question's order, as the answer names them
        by_author, *joint = sorted([author, *joint], key=unquoted.find)
        author = by_author
    for name in names:  # names are no topic
        q = q.replace(name, " ")
    if author and not is_owner:  # "… by Stuart Russell and Anca": she is on every paper
        for owner in vocab.owners:
            first = re.escape(owner.split()[0])
            q = re.sub(rf"\b(?:and|with|&)\s+(?:also\s+)?{first}(?:['’]s)?\b", " ", q, flags=re.I)
    # "position papers on AI risk": a kind, then a topic
    paper_type, q, of_kind = _kind(q, author)
    filters = Filters(
        year_from=year_from,
        year_to=year_to,
        categories=_categories(q, vocab, count=bool(statistic and statistic.bare_categories)),
        author=by_author,
        coauthors=joint or None,
        affiliation=affiliation,
        profile=profile,
        has_code=True if _CODE.search(q) else None,
        # "papers with Vivek Myers as first author", "which papers did Erik Jones lead?"
        first_author=True if by_author and FIRST_AUTHOR.search(question) else None,
        month=month,
        paper_type=paper_type,
    )
    if author and is_owner and by_author is None and FIRST_AUTHOR.search(question):
        # "which papers did Anca Dragan lead?": she is on every paper, but first on few
        filters = filters.model_copy(update={"author": author, "first_author": True})
    topical = topic_words(q, author, filters.categories, written)
    if of_kind and not topic_query(q, author):  # "which papers are model technical reports?"
        topical = set()
    if author and not is_owner and PERSONAL.search(q):
        return Route(kind="statistic", label="statistic", intent=SHAPES["person"].name,
                     filters=filters, author_query=author, shape="metadata")  # fmt: skip
    if (person := _WHO_IS.fullmatch(q)) is not None and statistic is None:
        # "Who is Jessy Lin?", "Tell me about Anca": the portfolio says what they published,
        # not who they are: an author's papers (the question not answered), or the owner's
        # main themes
        named = person["who"]
        first = named.lower() if len(named.split()) == 1 else None
        if any(first == key.split()[0] for key in vocab.owners) or (author and is_owner):
            return Route(kind="statistic", label="statistic", intent=SHAPES["topics"].name,
                         filters=Filters(), author_query=named, shape="metadata")  # fmt: skip
        # ("tell me about Micah Carroll" leaves no topic words: their papers, listed below)
        same = author is not None and name_key(author) == name_key(named)
        if same and re.match(r"(?:so,? )?who", q, re.I):
            return Route(kind="statistic", label="statistic", intent=SHAPES["person"].name,
                         filters=filters, author_query=author, shape="metadata")  # fmt: skip
    if statistic is not None and (statistic.whole_portfolio or not topical):
        return Route(
            kind="statistic",
            label=statistic.label,
            intent=statistic.name,
            filters=filters,
            author_query=author,
            shape="metadata",
        )
    if statistic is None and not topical and not filters.is_empty():
        # "What was published between 2020 and 2022?": metadata names the whole answer.
        return Route(
            kind="statistic",
            label="statistic",
            intent=LIST_PAPERS.name,
            filters=filters,
            author_query=author,
            shape="metadata",
        )
    shape, detected = question_shape(q)
    if of_kind and shape.name in ("focused", "detail", "definition"):  # all of the kind on it
        shape = SHAPES["survey"]
    filters = shape.own_filters(filters)
    query = None
    if shape.searches_topic:
        query = topic_query(q.replace(written, " ") if written else q, author) or None
    elif _PERSONA.search(q):  # "I'm a policymaker. What do these papers recommend for …?"
        query = " ".join(_PERSONA.sub(_field_of, q).split()).strip(" .,;:!") or None
    elif filters.author or filters.affiliation or filters.profile:
        query = search_text(q, [n for n in (author, written) if n])
    return Route(
        kind="retrieval",
        label="retrieval" if filters.is_empty() else "mixed",
        filters=filters,
        author_query=author,
        shape=shape.name,
        chronological=detected.chronological,
        newest_first=detected.newest_first,
        just_one=detected.just_one,
        query=query,
        sides=list(detected.sides),
    )


# The tools' choices come from the shape registry, so a new shape is offered to the model too.
StatisticName = Literal[tuple(s.name for s in STATISTIC_SHAPES)]  # type: ignore[valid-type]
TextShapeName = Literal[tuple(s.name for s in TEXT_SHAPES)]  # type: ignore[valid-type]


_COAUTHORS_HELP = "Joint authors: 'papers by A and B' is author A, coauthors [B]."
_PAPER_TYPE_HELP = (
    "A kind of paper asked for: 'report' (a model's technical report: 'the Gemini reports', "
    "'foundation model releases'), 'position' (position or perspective papers), 'survey'."
)
_FIRST_AUTHOR_HELP = "True for the papers `author` led: 'papers with A as first author', 'A led'."


class PortfolioStatistic(BaseModel):
    """Answer exactly from the portfolio's metadata: counts, lists, co-authors, dates, figures,
    themes. Use it for questions about how many, which papers, who, when, earliest or latest."""

    intent: StatisticName = Field(
        description="; ".join(f"{s.name}: {s.description}" for s in STATISTIC_SHAPES)
    )
    year_from: int | None = None
    year_to: int | None = None
    categories: list[str] | None = None
    author: str | None = None
    coauthors: list[str] | None = Field(default=None, description=_COAUTHORS_HELP)
    affiliation: str | None = Field(default=None, description="An institution, e.g. DeepMind.")
    has_code: bool | None = None
    first_author: bool | None = Field(default=None, description=_FIRST_AUTHOR_HELP)
    paper_type: PaperType | None = Field(default=None, description=_PAPER_TYPE_HELP)


class SearchPapers(BaseModel):
    """Search the papers' abstracts for a topic, method or finding, optionally restricted by
    year, category, author or code availability."""

    query: str = Field(description="What to search for: the topic, without the question's framing.")
    shape: TextShapeName = Field(
        default="focused",
        description=". ".join(f"{s.name}: {s.description}" for s in TEXT_SHAPES) + ".",
    )
    chronological: bool = Field(
        default=False, description="Survey ordered by year ('how has X evolved')."
    )
    sides: list[str] | None = Field(default=None, description="compare: the two things compared.")
    year_from: int | None = None
    year_to: int | None = None
    categories: list[str] | None = None
    author: str | None = None
    coauthors: list[str] | None = Field(default=None, description=_COAUTHORS_HELP)
    affiliation: str | None = Field(default=None, description="An institution, e.g. DeepMind.")
    has_code: bool | None = None
    first_author: bool | None = Field(default=None, description=_FIRST_AUTHOR_HELP)
    paper_type: PaperType | None = Field(default=None, description=_PAPER_TYPE_HELP)


class LLMRouter:
    """Routes with the chat model's tool calling; falls back to `route_question` on failure."""

    def __init__(self, llm: BaseChatModel, vocab: Vocabulary, endpoint: str = "") -> None:
        self.vocab = vocab
        self.endpoint = endpoint
        try:
            tools = llm.bind_tools([PortfolioStatistic, SearchPapers], tool_choice="any")
            self.bound: Any = bounded(tools, endpoint, ROUTE_MAX_TOKENS)
        except NotImplementedError:
            self.bound = None

    def route(self, question: str, deadline: Deadline | None = None) -> Route:
        if self.bound is None:
            return route_question(question, self.vocab)
        prompt = [SystemMessage(ROUTER_SYSTEM), HumanMessage(question)]
        try:
            if deadline is None:
                message = self.bound.invoke(prompt)
            else:
                message = deadline.share(STEP_SHARE).call(lambda: self.bound.invoke(prompt))
        except LLMUnavailableError as exc:  # the deadline: route, and answer, without it
            log.warning("LLM routing did not answer (%s); using the deterministic router", exc)
            return route_question(question, self.vocab)
        except Exception as exc:
            # A misconfigured endpoint will fail the answer too: say so now, once.
            if {c.__module__.split(".")[0] for c in type(exc).__mro__} & _CLIENT_MODULES:
                failure = llm_failure(exc, self.endpoint or "the configured endpoint")
                if not isinstance(failure, LLMUnavailableError):
                    raise failure from exc
            log.warning("LLM routing failed (%s); using the deterministic router", exc)
            return route_question(question, self.vocab)
        try:
            call = message.tool_calls[0]
            args = {k: v for k, v in call["args"].items() if v not in (None, [], "")}
            filters = Filters(
                **{
                    k: args[k]
                    for k in (
                        "year_from",
                        "year_to",
                        "categories",
                        "affiliation",
                        "has_code",
                        "paper_type",
                    )  # fmt: skip
                    if k in args
                }
            )
        except Exception as exc:  # noqa: BLE001 - no or bad tool call: decide without the model
            log.warning(
                "LLM routing gave no usable tool call (%s); using the deterministic router", exc
            )
            return route_question(question, self.vocab)
        author = args.get("author")
        named = str(author) if author else None
        is_owner = named is not None and name_key(named) in self.vocab.owners
        by_author, profile = owner_scope(named, is_owner, self.vocab)
        # A joint author who owns the only profile is on every paper: no filter. (A model may
        # give one name as a string, not a list.)
        named_too = args.get("coauthors") or []
        named_too = [named_too] if isinstance(named_too, str) else named_too
        joint = [
            str(n)
            for n in named_too
            if owner_scope(str(n), name_key(str(n)) in self.vocab.owners, self.vocab)[0]
        ]
        if joint and by_author is None:
            by_author, *joint = joint
        led = True if by_author and args.get("first_author") is True else None
        filters = filters.model_copy(
            update={"author": by_author, "profile": profile, "coauthors": joint or None,
                    "first_author": led, "month": month_named(question)[0]}
        )  # fmt: skip
        if call["name"] == "PortfolioStatistic":
            intent = args.get("intent")
            statistic = SHAPES.get(intent) if isinstance(intent, str) else None
            name = intent if isinstance(statistic, StatisticShape) else LIST_PAPERS.name
            return Route(
                kind="statistic",
                label="statistic",
                intent=name,
                filters=filters,
                author_query=author,
                shape="metadata",
            )
        # The model's shape when it gave one; the patterns' otherwise (and the sides of a
        # compare the model named without splitting them).
        found, detected = question_shape(" ".join(question.split()))
        named = SHAPES.get(args.get("shape", found.name))
        shape = named if isinstance(named, TextShape) else FOCUSED
        filters = shape.own_filters(filters)
        sides = [str(s) for s in args.get("sides", [])][:2] or list(detected.sides)
        if shape.needs_sides and len(sides) < 2:
            shape = FOCUSED
        names = filters.author or filters.affiliation or filters.profile
        return Route(
            kind="retrieval",
            label="retrieval" if filters.is_empty() else "mixed",
            filters=filters,
            author_query=author,
            shape=shape.name,
            chronological=bool(args.get("chronological", detected.chronological)),
            newest_first=detected.newest_first,
            just_one=detected.just_one,
            query=str(args.get("query") or "") or None if shape.searches_topic or names else None,
            sides=sides if shape.needs_sides else [],
        )
