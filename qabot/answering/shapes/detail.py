"""Detail: a specific fact about a paper ("What sizes do the Gemma 2 models come in?", "How many
MDPs are in BRIDGE?", "Which LLM did CTRL-Rec use?"). The answer quotes the sentence that
states it; when the paper's abstract has none, it says so, cited ("The abstract of “Gemma 2”
does not give the learning rate."), and `Answer.unstated` names the detail.

Whether the abstract states it is decided when the papers are retrieved, from the sentences of
the whole abstract, so every answerer (and the gate) says the same.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from qabot.answering.extractive import (
    AND_ASKS,
    RELEASED,
    cite_sentence,
    contribution_sentence,
    paper_label,
    split_sentences,
    wanted_words,
)
from qabot.answering.framing import ASKING, FUNCTION_WORDS, STUDY_PEOPLE
from qabot.answering.prompts import DETAIL_PROMPT
from qabot.answering.shapes.base import (
    FRAMING,
    Detected,
    Retrieved,
    ShapeContext,
    TextShape,
    is_example,
    only_mentioned,
    with_abstract,
)
from qabot.answering.shapes.focused import named_first
from qabot.answering.sources import SourceBlock
from qabot.domain.taxonomy import GENERIC_NAMES, expand_abbreviations
from qabot.domain.text import readable
from qabot.index.lexical import tokenize
from qabot.retrieval.relevance import introduces, names_in, titled_in

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate

    from qabot.answering.state import AnswerState

_VERB = (r"(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|used|use|"
         r"uses|come|comes|keep|keeps|take|took|need|needs|needed|contain|contains|generate|"
         r"generates|process|processes|support|supports|make|makes|made|form|forms|comprise|"
         r"comprises|span|spans|cover|covers|include|includes)")  # fmt: skip
_HOW = r"how (?:many|much|big|large|long|fast|often|high|low|accurate|small|few|short)"
# How old the people of a study were (not how old a paper is: when it came out)
_HOW_OLD = re.compile(
    rf"\bhow old (?:were|are|was|is) (?:the )?(?P<who>(?:{STUDY_PEOPLE}|children|kids|teachers|"
    r"students|raters|annotators))\b|\b(?:what|which) (?:was|were|is|are) the (?:mean |average |median )?"
    rf"ages? of (?:the )?(?P<who2>{STUDY_PEOPLE})\b",
    re.I,
)
# A quantity: "how many MDPs are …", "how much video can …", "what sizes do …", "how big was
# the user study".
_QUANTITY = re.compile(
    # "how much better than baselines …": the comparison's words and what it is against
    r"(?:^(?:so,? |and ))?\bhow much (?P<cmp>better|worse|faster|slower|more|less|higher|lower)\s+than\s+"
    r"(?P<than>(?:[\w'-]+\s+){0,2}?[\w'-]+)(?=\s+(?:on|in|at|for|with|is|are|was|were|does|do|did)\b|\s*[?,]|$)|"
    # (or at the end: "the one with a user study - how many people?")
    # ("and how much video can 2.5 process?": the noun, not the bare "how much" below)
    rf"(?:^(?:so,? |and )(?=(?:up to )?(?:{_HOW})\s+(?!(?:is|are|was|were)\b)\w))?\b(?:up to )?(?P<how>{_HOW})\s+(?!(?:is|are|was|were)\b)(?P<noun>(?:[\w'-]+\s+){{0,3}}?[\w'-]+?)(?:\s+{_VERB}\b|\s*\?+\s*$)|"
    rf"^(?:so,? |and )?(?:up to )?(?P<how2>{_HOW})\b(?:\s+(?:is|are|was|were)\s+(?:the\s+)?(?P<noun2>(?:[\w'-]+\s+){{0,3}}"
    # ("how big was the improvement over not doing active perception?": "improvement")
    r"[\w'-]+?)(?=\s+(?:for|in|of|on|at|used|with|over|from|against|compared|relative|versus|vs)\b|"
    r"\s*\?|$))?|"
    # "what resolution …", and after a lead-in: "In the paper on X, what fraction of …"
    # (not "what's wrong with information gain?": a problem, not a gain's size; nor "which one
    # is about saving labeling time?": a pick, not the size of a saving)
    r"(?:^|[,;:]\s*|[?.!]\s+|\s[-—–]\s+|\s+and\s+)(?:what|which)(?:'s|’s)?\s+(?:(?:is|was|are|were)\s+(?:the\s+)?)?(?:the\s+)?(?!wrong\b|ones?\s|papers?\s)(?P<noun3>(?:[\w.'-]+\s+){0,3}?"
    r"(?:sizes?|resolution|number|count|length|width|window|rate|amount|percentage|score|accuracy|"
    r"budget|cost|price|dimension|dimensions|fraction|proportion|share|ratio|percent|coefficients?|"
    r"temperature|threshold|hyperparameters?|savings?|speed-?ups?|improvements?|gains?|"
    r"reductions?|margin|values?(?=\s+(?:of|for)\s)|constants?))\b",
    re.I,
)  # fmt: skip
# An entity: "which LLM did they use", "what base language model was …", "what was the task".
_ENTITY_HEADS = (
    r"(?:llms?|vlms?|models?|datasets?|benchmarks?|algorithms?|languages?|hardware|gpus?|tpus?|"
    r"encoders?|networks?|corpora|corpus|"
    r"areas?|applications?|settings?|scenarios?|modalit(?:y|ies)|"
    r"licen[cs]es?|metrics?|conditions?|tasks?|environments?|domains?|games?|methods?|"
    r"baselines?|architectures?|optimi[sz]ers?|platforms?|tools?|libraries|library|frameworks?|"
    r"simulators?|robots?|sensors?|arms?|grippers?|techniques?|approach(?:es)?|objectives?|"
    r"loss(?:es)?|users|participants|ways)"
)  # fmt: skip
_ENTITY = re.compile(
    r"(?:^|[,;:?.!]\s+|\s[-—–]\s+|\s+and\s+)(?:so,? )?(?:what|which)(?:'s|’s)?\s+(?:(?:is|was|are|were)\s+)?(?:the\s+)?(?!(?:does|do|did|has|have|had|can|could|would|will)\s)(?P<noun>(?:[\w'-]+\s+){0,4}?"
    rf"{_ENTITY_HEADS}(?:\s+{_ENTITY_HEADS})*)\b",
    re.I,
)  # fmt: skip
# A place: "where is the leaderboard hosted?".
# (… or asked second: "was it peer reviewed / where was it published?")
_WHERE = re.compile(r"(?:^|[/;]\s*|[?]\s+)where(?:'s|’s| is| are| was| were| can)\b.*\b(?P<verb>hosted|released|available|"
                    r"published|run|found|find|deployed|downloaded|download|accessed|access)\b|"
                    # "was it peer reviewed?", "which conference was it at?", "what venue?":
                    # where it was published says
                    r"\b(?P<reviewed>peer[- ]reviewed|(?:which|what)\s+(?:conference|venue|journal|"
                    r"workshop|proceedings)s?)\b", re.I)  # fmt: skip
# Where a paper's code is: "is the code for the correlated proxies paper public?", "Overcooked
# paper - link to code?", "where's the uniMASK code?"
_CODE_ASK = re.compile(
    r"\blink to (?:the |their |its )?(?:code|repo)|\bcode (?:link|url)\b|\bgithub (?:link|repo)|"
    r"\b(?:is|was|are) (?:the |their |its )?code\b.{0,60}\b(?:public|available|released|online|"
    r"open[- ]sourced?)\b|\bwhere(?:'s|’s| is| can i (?:find|get)) (?:the |their |its )?(?:[\w-]+ )?code\b|"
    # "whats the repo for the orpo work?", "code for the grounded commonsense paper?"
    r"\bwhat(?:'s|’s|s| is) (?:the |their |its )?(?:repo|repository|github|code (?:repo|link|url))\b|"
    r"^(?:the )?(?:code|repo|repository|github)\s+(?:for|of)\b|"
    # "is there code for Dynalang?", "did they release code?" (of one paper: not "is there code
    # for any of her papers?", a count)
    r"\b(?:is|was) there (?:any |public |open[- ]source |released )?code (?:for|of|from|with) "
    r"(?!any\b|all\b|her\b|his\b|their (?:papers|work)|the (?:papers|group|lab)\b)|"
    r"\b(?:did|do|does|have|has) (?:they|it|the authors) (?:release|publish|share|open[- ]source)d? "
    r"(?:the |their |its |any )?code\b|"
    # "does the Dynalang paper have code available?", "does it have public code?"
    r"\b(?:does|did|do) (?:it|they|the [\w\s-]{1,40}?(?:paper|work|method)|(?-i:[A-Z])[\w.+-]*) have "
    r"(?:any |public |open[- ]source |released )?code\b",
    re.I,
)
# A sentence that lists things: "…: A and B", "such as", "including", "namely".
_LISTS = re.compile(
    r":\s+\S|\bsuch as\b|\bincluding\b|\bnamely\b|\(\d\)|\b(?:both|either)\b|\w\w+s like\b", re.I
)  # "tasks like behavior cloning, …"
# A number, not an enumerator ("(1)", "2)").
_ENUMERATOR = re.compile(r"\(\d+\)|(?<![\w.])\d+\)")
_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
                 r"hundreds?|thousands?|millions?|billions?|trillions?")  # fmt: skip
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_COUNT = re.compile(rf"~?\d[\d,.^]*(?:[kKMB]|%|x)?|(?:{_NUMBER_WORDS})|\d+-(?:person|participant|user)s?",
                    re.I)  # fmt: skip
_MAGNITUDE = re.compile(r"\b(?:thousand|million|billion|trillion|[kKMB])\b|\d[kKMB]\b|%|\bhours?\b|"
                        r"\btokens?\b|\bparameters?\b", re.I)  # fmt: skip
# A name that can answer "which model / dataset / algorithm": an acronym, a CamelCase word, or
# a word with digits ("PPO", "DQN", "GPT-4", "Llama-3", "MessySurfaces").
_NAME = re.compile(
    r"\b(?:[A-Z]{2,}[\w.-]*|[A-Z][a-z]+[A-Z][\w-]*|[A-Za-z]+-?\d[\w.-]*|\d+[A-Z]{2,}\w*|"
    r"[A-Z][a-z]+ \d+(?:\.\d+)*|\d+(?:\.\d+)?[BMK])\b"  # "Gemini 1.0", a size: "2B", "27B"
)

# The aside a follow-up about the last answer's paper ends with, "… (in “Title”)?"
# (qabot.answering.followups): searched for, but not the question's own words (the title's
# "Games" is not what "what game do they use?" asks about).
_IN_PAPER = re.compile(r"\s*\(in “[^”]*”\)\??\s*$")


def in_paper(question: str, title: str) -> str:
    """`question` about the paper titled `title`, with the title as that aside."""
    return f"{question.strip().rstrip('?')} (in “{title}”)?"


# What a detail's head word may be written as in an abstract.
_SYNONYMS = {
    "size": {"size", "scale", "parameter", "billion", "million"},
    "sizes": {"size", "scale", "parameter", "billion", "million"},
    "big": {"size", "scale", "person", "participant", "user"},
    "large": {"size", "scale", "participant"},
    "long": {"length", "hour", "minute", "token", "second"},
    "length": {"length", "long", "hour", "token"},
    "video": {"video", "hour", "minute"},
    "host": {"host", "hosted"},
    "hosted": {"host", "avail", "access", "found"},
    "found": {"found", "find", "avail", "access", "host", "download"},
    "people": {"person", "people", "participant", "user", "subject"},
    "participants": {"person", "people", "participant", "user", "subject"},
    "users": {"person", "people", "participant", "user"},
    "often": {"often", "time", "rate", "frequency"},
    # what a paper calls its contribution ("the method": "a discrete optimization algorithm, ARCA")
    "method": {"method", "algorithm", "approach", "framework", "techniqu"},
    "ways": {"way", "method", "approach", "strategi", "techniqu"},
    "algorithm": {"algorithm", "method", "approach"},
    "approach": {"approach", "method", "algorithm", "framework"},
    "better": {"better", "outperform", "improv", "gain", "higher", "faster"},
    # "how big was the gain from active perception?": "an average 12.9% improvement"
    "gain": {"gain", "improv", "increas"},
    "code": {"code", "github", "repositori", "implement"},
    "params": {"paramet", "param"},
    # what a paper calls where it was tried ("excel on tasks ranging from game-playing to …")
    "environments": {"environ", "task", "domain", "benchmark", "game"},
    # … and in which domains ("dialogue tasks that include teaching and preference elicitation")
    "domains": {"domain", "task", "applic"},
    # … and on which tasks ("We apply our approach to two domains …: mental health support, and
    # soliciting charitable donations")
    "tasks": {"task", "domain", "environ", "benchmark"},
    # "what three experimental settings …": "in a synthetic environment, an assistive robotics
    # environment …, and a natural language processing problem"
    "settings": {"set", "environ", "domain", "task", "problem", "benchmark"},
}
# A change a figure measures ("how much did it improve …?"), each form written as any of them.
_GAINS = {"improv", "better", "gain", "outperform", "increas", "boost", "higher", "faster"}
_LOSSES = {"reduc", "decreas", "lower", "fewer", "less", "save", "cut", "drop"}
_CHANGE = re.compile(
    r"\b(?:improv|increas|boost|gain|outperform|help|speed|reduc|decreas|sav|cut|drop|lower)\w*",
    re.I,
)
for _word in ("improve", "improved", "improves", "improvement", "improvements", "increase",
              "increased", "increases", "boost", "boosted", "boosts", "gain", "gains", "help",
              "helped", "helps", "outperform", "outperformed", "speed", "speedup", "speedups",
              "speed-up", "speed-ups"):  # fmt: skip
    _SYNONYMS[_word] = _GAINS
for _word in ("reduce", "reduced", "reduces", "reduction", "reductions", "decrease",
              "decreased", "decreases", "save", "saved", "saves", "saving", "savings", "cut",
              "cuts", "drop", "dropped", "drops", "lower", "lowered"):  # fmt: skip
    _SYNONYMS[_word] = _LOSSES
_RANGE = re.compile(r"\bfrom (?:about |roughly )?\d[\d.,]*\s*\w*\s+to \d", re.I)
_CHANGED_BY = re.compile(
    r"\b(?:improv|increas|boost|gain|reduc|decreas|cut|lower|rais|speed)\w*\b[^.;]{0,160}?\bby "
    r"(?:an? (?:average|factor|total|margin) of |about |roughly |around |up to |over |nearly |almost )?"
    r"\d[\d.,]*\s*(?:%|x\b|×|times\b|percent)",
    re.I,
)
# The adjectives of "how long/big/fast …" whose synonyms say how the figure is written.
_MEASURES = {"big", "large", "long", "fast", "often"}


# The researcher as the verb's subject ("how many PhD students does she supervise?"): when no
# paper is named and none states it, a detail of the person, which no abstract gives.
_OF_THE_PERSON = re.compile(r"\b(?:does|did|do|is|was|has|have) (?:she|he)\b", re.I)


# A paper described by words of its title: "the adversaries paper", "the misuse paper"
# (not "the dialogue paper that rewrites conversations in hindsight": described further on)
_DESCRIBED_PAPER = re.compile(
    r"\bthe\s+(?:[\w-]+\s+){1,4}?(?:paper|article|report)\b"
    r"(?!\s+(?:that|which|who|with|on|about|where|in|from|by)\b|\s*[-—–:])",
    re.I,
)


def _titled(words: set[str], title: str) -> bool:
    """A paper described by `words` (stems) is the one titled `title`: two of them are its
    title's (the one, if that is all there is: "the adversaries paper")."""
    return len(words & set(tokenize([title])[0])) >= min(2, len(words))


_PAPER_WORDS = set(tokenize(["the paper work study article report"])[0])
_OF_THE_PAPER = re.compile(
    r"\b(?:in|from|of|by) the\b[^?]{0,60}?\b(?:paper|study|article|report)\s*\??\s*$", re.I
)
_THE_PAPER = re.compile(r"\bthe\b[^?]{0,60}?\b(?:paper|work|study|article|report)\b", re.I)
_SHARES = set(tokenize(["fraction proportion share ratio percent percentage"])[0])


@dataclass(frozen=True)
class Asked:
    """What a detail question asks for."""

    # "quantity", "entity", "where", "whether" ("was there a user study?") or "basis" ("what
    # does it build on?")
    kind: str
    phrase: str  # in the question's words: "MDPs", "base language model", "hosted"
    clause: str  # what the abstract "does not give": "how many MDPs", "the base language model"
    called: bool = False  # asks for its name ("what's the loss called?")
    other: str = ""  # the alternative a yes or no offers ("real users or simulation?")
    used: bool = False  # a yes or no of a thing the paper may use, by name ("does it use mujoco?")
    best: bool = False  # which one did best ("which model scored best?"): a result, by name


def _title_as_it(question: str) -> str:
    """A follow-up's question with "it" where its paper's title stands ("prefer “…”?", "did
    they compare “…” with?"): the title is no part of what is asked."""
    # … and not at all where it leads the question ("“…”, how big was the user study?": "the
    # newer one, how big …" rewritten; the rules read a question from its start)
    question = re.sub(r"^\s*(?:and\s+|so\s+)?“[^”]*”\s*[,:;—–-]+\s*", "", question)
    return re.sub(r"“[^”]*”", "it", question)


def asked(question: str) -> Asked | None:
    q = " ".join(_IN_PAPER.sub("?", question).split())  # a follow-up's paper is no part of it
    q = _title_as_it(q)  # … nor where its title stands for "it"
    if people := _HOW_OLD.search(q):  # "how old were the participants?": their age
        who = (people["who"] or people["who2"]).lower()
        return Asked("quantity", "age", f"how old the {who} were")
    q = re.sub(rf"\b({_HOW})\s+an?\s+", r"\1 ", q, flags=re.I)  # "how small a share of …"
    if m := _QUANTITY.search(q):
        if m["cmp"]:
            return Asked("quantity", f"{m['cmp']} {m['than']}",
                         f"how much {m['cmp'].lower()} than {m['than']}")  # fmt: skip
        how = (m["how"] or m["how2"] or "").lower()
        noun = re.sub(
            r"^(?:the|a|an|this|that|these|those|its|their)\s+", "",
            m["noun"] or m["noun2"] or m["noun3"] or "", flags=re.I,
        )  # fmt: skip
        if not noun and how == "how much" and (change := _CHANGE.search(q, m.end())):
            # "how much did active perception improve results?": a gain ("a 12.9% improvement")
            return Asked("quantity", change.group(0).lower(), "how much it changed")
        if how == "how much" and (did := re.fullmatch(
                r"(?:did|do|does)\s+(?:[\w'-]+\s+){0,3}?(?P<verb>[\w'-]+?)(?:\s+(?:it|them|this|that))?",
                noun, re.I)):  # fmt: skip
            # "how much did participants prefer it?": a figure of preferring ("preferred our
            # assistant 78% of the time")
            return Asked("quantity", did["verb"].lower(), "that figure")
        if m["noun"]:
            clause = f"{how} {noun}"  # "how many MDPs"
        elif m["noun2"]:
            # "how big the user study was", "how big the Gemma 2 models were"
            # (the head decides: "the gain over the baselines was")
            head = re.split(
                r"\s+(?:over|of|for|in|on|at|with|from|against|compared|versus|vs)\s+", noun
            )[0]
            clause = f"{how} the {noun} {'were' if re.search(r'[^s]s$', head) else 'was'}"
        elif noun:
            # "what fraction of vulnerable users was …": what it is a fraction of counts too
            if of := re.match(r"\s+of\s+(?P<what>(?:[\w'-]+\s+){0,2}?[\w'-]+?)(?=\s+(?:was|were|is|are|"
                              r"did|do|does|has|have|had|in|for|to|at|on)\b|\s*[?,]|$)", q[m.end():]):  # fmt: skip
                noun = f"{noun} of {of['what']}"
            clause = f"the {noun}"  # "the resolution"
        else:
            clause = "that figure"
        # "how long a context …": the measure is a length, written in tokens or hours
        adjective = how.split()[-1] if how else ""
        measure = adjective if adjective in _MEASURES and noun else ""
        return Asked("quantity", f"{measure} {noun}".strip() or adjective, clause)
    # "what did they compare against?", "what was it compared to?": the baselines
    if _COMPARED_TO.search(q):
        return Asked("entity", "baselines", "what it was compared against")
    # "which model scored best?", "what method performed best on it?": the winner of a result
    if m := _BEST.search(q):
        return Asked("entity", m["noun"], f"which {m['noun']} did best", best=True)
    # ("which LLM generated the conversations in the dialogue paper?": of a paper it names;
    # not "what's the bisimulation loss for in the … paper?", what a thing of it is)
    if (m := _ENTITY.search(q)) and (_asks_of_a_paper(q, m) or (
            _OF_THE_PAPER.search(q) and not re.search(r"(?:'s|’s)\s|\b(?:is|are|was|were)\s", m.group(0), re.I))):  # fmt: skip
        called = bool(re.search(r"\b(?:called|named|known as)\b", q[m.end() :], re.I))
        return Asked("entity", m["noun"], f"which {m['noun']}", called=called)
    if m := _WHERE.search(q):
        if m["reviewed"]:
            return Asked("where", "published", "where it is published")
        if m["verb"].lower() in {"find", "download", "access", "accessed", "found"}:
            return Asked("where", "found", "where it can be found")  # "where can i find it?"
        return Asked("where", m["verb"], f"where it is {m['verb'].lower()}")
    if _CODE_ASK.search(q):
        return Asked("where", "code", "where its code is")
    if _ASKS_BASIS.search(q):  # "what does it build on?": "AssistanceZero extends AlphaZero"
        return Asked("basis", "builds on", "what it builds on")
    if _HOW_WITH_PEOPLE.search(q):  # "how did they test it with people?": its study with them
        return Asked("whether", "people", "how it was tested with people")
    # (not of papers: "were there real robot experiments in any paper?" is an overview)
    # (… nor of the group's work: "have they ever tested their systems with real users?")
    # (… but "did it use any real data?" asks of the paper)
    if (m := _WHETHER.search(q)) and not re.search(
        r"\bany\s+(?:of\s+)?(?:the\s+|their\s+)?(?:papers?|works?|studies|projects?)\b|"
        r"\bin\s+any\b|\b(?:which|papers|ever|their [\w-]+s)\b",
        m["rest"], re.I,
    ):  # fmt: skip
        # "was there a user study?", "was it tried on a real robot?": yes, in the sentence
        # that says so, or the abstract does not say
        rest = m["rest"].strip(" ?.!")
        aux, who = m["aux"].lower(), m["who"].lower()
        # ("was the effective horizon paper tested …": the abstract's paper is "it")
        who = "it" if who.startswith("the ") and not who.endswith(("author", "authors")) else who
        thing = m["thing"].lower()
        used = q[: m.start("thing")].lower().endswith("use ")  # a thing it may use, by name
        a = (
            ""
            if used or re.search(r"s$|^participants|^volunteers|hardware$", thing)
            else "an "
            if thing[0] in "aeio"
            else "a "
        )
        clause = (f"anything about {a}{m['thing'] if used else thing}" if aux in {"did", "do", "does"}
                  else f"whether {who} {aux} {rest}")  # fmt: skip
        other = re.search(r"\bor\s+(?:in\s+|on\s+|with\s+|by\s+)?(?:an?\s+|the\s+)?([\w-]+)", rest)
        return Asked("whether", m["thing"], clause, other=other[1] if other else "", used=used)
    return None


# A fact of the world or the market, not of a paper: "how many people play Minecraft
# worldwide?", "how much does a Gemini Advanced subscription cost?", "how many copies has
# Overcooked sold?"
_WORLD_FACT = re.compile(
    r"\b(?:worldwide|world-wide|globally|subscriptions?|copies|market share|"
    r"stock price|share price|revenue|sales|(?:been |was |were |has |have )?sold)\b",
    re.I,
)


# A researcher's career, not a paper's detail: "how many phd students does she supervise?",
# "who was her advisor?", "what courses does he teach?" (not "supervised", "semi-supervised":
# a way of learning)
_A_CAREER = re.compile(
    r"\b(?:phd|ph\.d\.|graduate|grad|doctoral) students?\b|(?<![\w-])supervis(?:e|es|ing|or|ors)\b|"
    r"\badvis(?:or|ors|ee|ees)\b|\bmentees?\b|\bteach(?:es|ing)?\s+(?:\w+\s+)?(?:courses?|classes)\b|"
    r"\boffice hours\b|\bsalary\b|\btenure\b",
    re.I,
)
# A sentence that reports an empirical result: evidence that a paper ran experiments.
_EMPIRICAL = re.compile(
    r"\bexperiment\w*|\bempirically\b|\bempirical (?:results?|evaluations?|stud(?:y|ies)|analys[ie]s)\b|"
    r"\bwe (?:\w+ )?(?:evaluate|test|show|find|found|demonstrate|"
    r"observe|measure)\b|\boutperform\w*|\bour results\b|\bresults (?:show|suggest|indicate)\b|"
    r"\b(?:user|human) stud(?:y|ies)\b",
    re.I,
)
# Which one came out on top in a paper's results: "which model scored best?", "what method
# performed the best?", "which agent did best?"
_BEST = re.compile(
    rf"^(?:so,? |and,? )?(?:what|which)\s+(?P<noun>(?:[\w-]+\s+)?{_ENTITY_HEADS})\s+(?:scored|scores|"
    r"performed|performs|did|does|ranked|ranks|came out|comes out|was|is|were|are)\s+(?:the\s+)?"
    r"(?:best|highest|top|strongest|most accurate)\b",
    re.I,
)
# "what did they compare against?", "what was it compared with?", "what did AssistanceZero
# beat?"
_COMPARED_TO = re.compile(
    r"^(?:so,? |and,? )?(?:what|who) (?:did|do|does|was|were|is|are) (?:they|it|the (?:\w+ )?(?:paper|method|"
    r"approach|model|authors?)|(?-i:[A-Z])[\w.+-]*)\s+(?:(?:compare[sd]?|benchmark(?:ed)?|evaluate[sd]?|"
    r"test(?:ed)?)\s+(?:(?:it|them|their (?:\w+ )?(?:method|approach|model))\s+)?(?:against|to|with)|"
    r"beat|outperform|surpass)\s*\??$",
    re.I,
)
# A sentence that says who won: "outperforms", "the best", "tops" (not "state-of-the-art",
# which abstracts say of what they introduce, beside no result).
# … by beating something ("our approach … outperforms the baselines")
_BEATING = r"\boutperform\w*|\bbeats?\b|\bsurpass\w*|\bimprovements?\b|\bsuperior\b"
_BEATS = re.compile(_BEATING, re.I)
_WINS = re.compile(rf"{_BEATING}|\bbest\b|\bhighest\b|\btops?\b|\bleads?\b", re.I)
# A question on what a paper compared against ("which algorithms did they compare against?",
# "what baselines …"), and a sentence that sets the paper's method beside others by name.
_AGAINST = re.compile(
    r"\bcompar\w*\s+(?:\w+\s+)?(?:against|to|with)\b|\bbaselines?\b|\bversus\b|\bvs\.?\s|"
    r"\bbenchmark(?:ed)? against\b|\bcompared?\s*\?|\b(?:beat|outperform|surpass)\s*\?",
    re.I,
)
_AGAINST_SAID = re.compile(
    r"\boutperform\w*|\bbaselines?\b|\b(?:compared|in comparison) (?:to|with|against)\b|\bthan\b|\brelative to\b|"
    r"\bcorrelates? with\b|\bprior methods\b|\b(?:preferred|favou?red|chosen) over\b",
    re.I,
)
# (an experiment's comparison: not extractive._SETS_BESIDE's "extends AlphaZero" or "over those
# rollouts", which set a method beside what it builds on, for a comparison of the two)
_COMPARED = re.compile(
    r"\bcompar\w*|\bagainst\b|\bthan\b|\boutperform\w*|\bcorrelat\w*|\bbaselines?\b|"
    r"\bas well as\b|\bversus\b|\bvs\.?\s|\brelative to\b|\bmatch(?:es|ing)?\b|"
    r"\b(?:preferred|favou?red|chosen) over\b",
    re.I,
)


# What a paper's method builds on, asked of the paper: "what does it build on?", "what is
# their approach based on?", "which prior work does it extend?"
_ASKS_BASIS = re.compile(
    r"^(?:so,? |and,? )?(?:what|which(?:\s+\w+){0,2}?)\s+(?:does|did|do|is|was|are)\s+(?:[\w.'’-]+\s+){1,5}?"
    r"(?:build\s+(?:up)?on|"
    r"built\s+(?:up)?on|based on|extend|rely on|derive from|derived from|start from)\b",
    re.I,
)


# An evaluation a paper may or may not have run, asked yes or no: with people ("a user study",
# "human participants") or on real hardware ("a real robot").
# A study with people: "a user study", "lab experiments", "a pilot trial"
_A_STUDY = (
    r"(?:user|human|in-person|pilot|online|lab|field)\s+(?:stud(?:y|ies)|experiments?|evaluations?|"
    r"trials?)"
)
# What a paper may use, asked yes or no: "does it use mujoco?", "did they use PPO?"
_USED = r"(?<=\buse )(?!(?:any|the|a|an|it|them|this|that)\b)[\w.+-]+(?:\s+(?!(?:in|for|on|to|with|as|at|and|or)\b)[\w.+-]+)?"
_TRIED_ON = (
    rf"{_A_STUDY}|(?:real|physical|actual)(?:[- ]world)?\s+(?:human\s+)?(?:robots?|humans|people|"
    r"users|hardware|teachers|patients|data)|"
    r"human\s+(?:participants|subjects|evaluators|raters|teachers|users)|participants|volunteers|"
    # "was it tested on people?"
    r"(?<=on |in )(?:people|humans|users|patients)|"
    # "did they run any experiments?", "did they run an experiment?" of a position paper: the
    # abstract may not say
    r"experiments?"
)
_WHETHER = re.compile(
    r"(?:^|[,;:?.!]\s+)(?:so,? |and,? |but,? )?(?P<aux>was|were|did|do|does|is|are|has|have|had)\s+"
    r"(?P<who>there|it|they|this|that|the (?:[\w.-]+\s+){0,4}?(?:paper|study|work|authors?|method|"
    # … or a paper's name ("did B-Pref use real humans?", "does Dynalang use Atari?")
    r"approach)|(?-i:[A-Z])[\w.+-]*[A-Za-z][\w.+-]*(?:\s+\d[\w.]*)?)\s+"
    rf"(?P<rest>(?:[\w'-]+\s+){{0,6}}?(?P<thing>{_TRIED_ON}|{_USED})\b[^?.!]*)",
    re.I,
)
# "how did they test it with people?", "how was it evaluated with real users?"
_HOW_WITH_PEOPLE = re.compile(
    r"\bhow\b[^?.!]{0,40}\b(?:test|evaluat|tri|assess|validat|check)\w*\b[^?.!]{0,30}\b(?:with|on|"
    rf"by|using|among)\s+(?:real\s+|actual\s+|human\s+)?(?:{STUDY_PEOPLE})\b",
    re.I,
)
_EVALUATES = re.compile(
    r"\b(?:evaluat(?:e|es|ed|ing|ion)|experiments?|illustrat(?:e|es|ed|ing)|demonstrat(?:e|es|ed|ing)|"
    r"deploy(?:s|ed|ing)?|test(?:s|ed|ing)?|"
    r"hardware|physical)\b",
    re.I,
)
_PRIOR_WORK = re.compile(r"\b(?:prior|previous|existing|past|current) (?:work|methods?|approaches|analyses|"
                         r"solutions|techniques)\b|"
                         r"\bneither\b|\bso far\b", re.I)  # fmt: skip
_WITH_PEOPLE = re.compile(
    r"\bhuman (?:data|input|subjects|participants|evaluators|raters|teachers)\b|"
    r"\breal(?:-world)? (?:humans?|users?|people)\b|\bsimulat(?:ed|ing|ion|e)\b|"
    # … or a model of them instead ("a neurologically realistic model of an injured brain")
    r"\brealistic model\b",
    re.I,
)
_IN_THE_REAL_WORLD = re.compile(
    r"\b(?:achiev|perform|deploy|demonstrat|show|evaluat|test)\w*\b[^.;]{0,40}\breal(?:[- ]world)\b|"
    r"\breal(?:[- ]world) (?:robots?|experiments?|evaluations?|deployments?|tasks)\b",
    re.I,
)
_PEOPLE_STUDY = re.compile(
    rf"\b{_A_STUDY}\b|\b(?:participants|volunteers|human subjects)\b|"
    r"\breal (?:humans|users|people)\b|\b\d+-person\b|\bstudy with\b|"
    rf"\b\d+\s+(?:[\w-]+\s+){{0,2}}?(?:{STUDY_PEOPLE})\b",
    re.I,
)


def asked_parts(question: str) -> list[tuple[str, Asked]]:
    """The question's parts that ask for a detail, each with what it asks: those of its "…, and
    which …" pieces, led by the whole question when `asked` reads it for something no piece
    asks (a verb shared by both: "What dataset and which users were used …")."""
    whole = asked(question)
    pieces = AND_ASKS.split(question)
    parts = [(p, a) for p in pieces if (a := asked(p))] if len(pieces) > 1 else []
    if whole and all(a.phrase != whole.phrase for _, a in parts):
        parts.insert(0, (question, whole))
    return parts


# What may stand between an entity and its verb: an aside in brackets (closed or not), an
# alternative ("or which LLM"), what it is of ("of user interactions").
_ASIDE = re.compile(r"^\s*\([^)]*(?:\)|$)|^\s*/\s*[\w'-]+|^\s+(?:or|and|of)\s+(?:which\s+|what\s+)?(?:[\w'-]+\s+){0,2}?"
                    r"[\w'-]+(?=\s*\(|\s+(?:or|and|of|do|does|did|is|are|was|were)\b)", re.I)  # fmt: skip


def _asks_of_a_paper(question: str, match: re.Match[str]) -> bool:
    """An entity question asks what a paper used ("Which LLM did CTRL-Rec use?", "What base
    model was Q-SFT built on?"), not what a named thing is ("What is the ARCA algorithm?": a
    definition) nor which paper did something ("Which model family from Google ships …": the
    thing asked for is the sentence's subject, so no auxiliary verb follows it)."""
    # "which specific LLM (GPT-4? something else?) did they use", "which embedding model or
    # which LLM did they use", "which dataset of user interactions did they train on": the
    # verb comes after the aside, the alternative or what the thing is of.
    rest = question[match.end() :]
    for _ in range(4):
        rest, n = _ASIDE.subn("", rest)
        if not n:
            break
    asked_from = re.sub(
        r"^[\s,;:?.!—–-]*(?:and\s+)?", "", question[match.start() :]
    )  # after a lead-in ("For CTRL-Rec, …")
    copula = re.match(r"(?:so,? )?(?:what|which)\s+(?:is|was|are|were)\b", asked_from, re.I)
    if copula and any(c.isupper() for c in match["noun"].replace("LLM", "")):
        return False  # "what is the ARCA algorithm?": a named thing, a definition
    if re.match(r"(?:her|his|my|your|favou?rite|their favou?rite)\b", match["noun"], re.I):
        return False  # "what is her favourite programming language?": about a person
    if re.match(r"\s+(?:called|named|known as)\b", rest, re.I):
        return True  # "what's the method called?"
    return bool(copula) or bool(
        re.match(
            r"\s+(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would)\b", rest, re.I
        )
    )


def _heads(phrase: str) -> set[str]:
    """The stemmed words a stating sentence may use for the detail: the phrase's head (its last
    word, plural folded: "MDPs" -> "mdp") and what it is written as ("sizes": "scale", …)."""
    words = [w for w in re.findall(r"[\w'-]+", phrase) if w.lower() not in {"the", "a", "an"}]
    if not words:
        return set()
    # "tokens of context", "fraction of vulnerable users", "gain from active perception": both
    # nouns
    if split := next((w for w in words[1:] if w in ("of", "from")), None):
        at = words.index(split, 1)
        return _heads(" ".join(words[:at])) | _heads(" ".join(words[at + 1 :]))
    head = words[-1]
    # An acronym before the head names the thing too ("SAE architecture": "JumpReLU SAEs").
    acronyms = {
        t
        for w in words[:-1]
        if re.fullmatch(r"[A-Z]{2,}s?", w)
        for t in tokenize([w.rstrip("s")])[0]
    }
    # Both forms: the tokenizer keeps "mdps" whole, and abstracts write "MDP" and "MDPs".
    forms = {head, head[:-1]} if re.fullmatch(r"[A-Z]{2,}s", head) else {head}
    # … and what the head, or a comparison before it ("better than baselines"), is written as
    # ("environment" or "environments" alike)
    keys = {head.lower(), words[0].lower(), head.lower() + "s", head.lower().removesuffix("s")}
    synonyms = " ".join(s for w in keys for s in _SYNONYMS.get(w, ()))
    return {t for f in forms for t in tokenize([f])[0]} | set(tokenize([synonyms])[0]) | acronyms


def _offsets(sentence: str, heads: set[str], how_many: bool = False) -> list[tuple[int, bool]]:
    """Where the counts stand from the head words, in words (negative: before), each with
    whether it is written in digits ("10M", not "millions"); enumerators ("(1)") are not
    counts, nor, for "how many …", a count of something else (`_counts_another`)."""
    words = re.findall(r"[\w^.'%-]+", _ENUMERATOR.sub(" ", sentence))
    at = [i for i, w in enumerate(words) if set(tokenize([w])[0]) & heads]
    # A count, not a compound ("two-player", "3D"): the number stands as its own word.
    numbered = [i for i, w in enumerate(words) if _COUNT.fullmatch(w.strip(".,;:"))
                and not _model_size_label(words, i, at)
                and not (how_many and _counts_another(words, i, at))]  # fmt: skip
    return [(j - i, any(c.isdigit() for c in words[j])) for i in at for j in numbered]


def _counts_another(words: list[str], j: int, heads_at: list[int]) -> bool:
    """`words[j]` counts something other than the head: a plural noun follows it within three
    words and the head does not ("the performance of models on four distinct
    sub-leaderboards" gives no number of models; but "how big is the dataset?" is answered by
    "a dataset of 70 real-world surfaces")."""
    after = range(j + 1, min(j + 4, len(words)))
    if any(k in heads_at for k in after):
        return False
    return any(re.fullmatch(r"[a-z][\w-]*[^s'\W]s", words[k].strip(".,;:")) for k in after)


def _model_size_label(words: list[str], j: int, heads_at: list[int]) -> bool:
    """`words[j]` is part of a model's name ("Gemma 2 9B for comparison": its version and its
    size), not a count: after a name or a version, with no counted head word right after it
    ("10M tokens", "over 400 SAEs")."""
    word = words[j].strip(".,;:")
    before = words[j - 1] if j else ""
    if j + 1 in heads_at or not re.fullmatch(r"\d+(?:\.\d+)?[BMK]?", word):
        return False
    if word[-1] in "BMK":
        return bool(re.fullmatch(r"[A-Z][\w.-]*|\d+(?:\.\d+)?", before))
    return bool(re.fullmatch(r"[A-Z][a-z][\w-]*", before)) and j > 1  # "Gemma 2", not "In 2023"


# Measures written as percentages without naming themselves ("near-perfect retrieval (>99%)")
_RATES = set(tokenize(["accuracy success rate"])[0])


def states_detail(sentence: str, what: Asked, names: list[str]) -> float:
    """How well `sentence` gives what was asked (0: not at all): it uses the detail's head
    word and, for a quantity, a number near it; for an entity, a name that is neither the
    question's own nor the field's generic acronyms."""
    tokens = set(tokenize([sentence])[0])
    heads = _heads(what.phrase)
    if what.kind == "basis":
        # "extends AlphaZero" says it; "we leverage tools from …", "modifications to the
        # Transformer architecture" say what it uses
        # … and a work it cites by author and year ("a recent example of a … system designed to
        # help people … find common ground (Tessler, Bakker, et al., 2024)") names what it
        # engages with
        return (1.0 if _BUILDS_ON.search(sentence) else 0.75 if _USES.search(sentence)
                else 0.5 if _CITES.search(sentence) else 0.0)  # fmt: skip
    if what.kind == "whether":
        if "experi" in heads and _EMPIRICAL.search(sentence):
            # "did they run an experiment?": a result says so ("Empirically, our method
            # outperforms prior methods …", "We show that AssistanceZero outperforms …")
            # without the word, however it names what it beat
            return 1.0
        # (what prior work did is no answer: "neither method has scaled … to real-world robot
        # tasks" says the opposite of what GRIF did)
        if _PRIOR_WORK.search(sentence):
            # … but where only what others do names it ("Current solutions, such as … fine-tuning"),
            # that sentence, with what the paper does instead (`Detail.extractive`)
            return 0.25 if what.used and heads & tokens else 0.0
        # "tested with real users or simulation?": a sentence on the other one answers too
        if what.other and set(tokenize([what.other])[0]) & tokens:
            return 1.0
        if _PEOPLE_STUDY.match(what.phrase) or re.search(
            r"humans|people|users|teachers|patients", what.phrase, re.I
        ):
            # a study with people says it best; human data, or a simulation instead, also
            # answer ("with simulated and human data", "In simulated experiments")
            return (
                1.5
                if _PEOPLE_STUDY.search(sentence)
                else 1.0
                if _WITH_PEOPLE.search(sentence)
                else 0.0
            )
        # "a real robot": a robot in the sentence, best where the paper is evaluated on one;
        # or the real world where it performs ("achieves robust performance in the real world")
        # ("real hardware": a robot is the hardware an abstract names)
        if "hardwar" in heads:
            heads = heads | {"robot"}
        if "data" in heads:  # "real data": a dataset the paper uses ("the MovieLens dataset")
            heads = heads | {"dataset"}
        # "does it use RL?": the field's abbreviation, as abstracts write it ("in the absence of
        # … reinforcement learning")
        spelled = re.sub(r"\s*\([^)]*\)", "", expand_abbreviations(what.phrase)).lower()
        if heads & tokens or (spelled != what.phrase.lower() and spelled in sentence.lower()):
            return 1.0 + (0.5 if _EVALUATES.search(sentence) else 0.0)
        return 1.25 if _IN_THE_REAL_WORLD.search(sentence) else 0.0
    if what.kind == "where":
        if heads & tokens and re.search(r"https?://|www\.", sentence):
            return 1.5  # a link is where
        if what.phrase == "code":
            # "… on challenging coding questions" names no place for code: its release does
            return 1.0 if heads & tokens and RELEASED.search(sentence) else 0.0
        place = re.search(
            r"(?<!^)\b[A-Z][a-z]{2,}|https?://|www\.|\w\.(?:com|org|io|ai)\b", sentence
        )
        return 1.0 if heads & tokens and place else 0.0
    if what.kind == "quantity":
        if _SHARES & set(tokenize([what.phrase])[0]) and re.search(r"\d\s*%|\bpercent", sentence):
            return 1.5  # "what fraction …": a percentage ("only 2% of users", ">99%")
        asked_words = set(tokenize([what.phrase])[0])
        if (asked_words & _RATES and asked_words - _RATES & set(tokenize([sentence])[0])
                and re.search(r"\d\s*%", sentence)):  # fmt: skip
            # "what retrieval accuracy …?": a percentage said of what it is of ("near-perfect
            # retrieval (>99%)"), however the sentence names the measure (it said the
            # abstract does not give it)
            return 1.25
        if (set(tokenize([what.phrase])[0]) <= {"size", "model", "sizes"}
                and re.search(r"\b\d+(?:\.\d+)?[BMKT]\b", sentence)):  # fmt: skip
            return 1.25  # "which model sizes?": "Gemma 2 2B and 9B"
        # "how much did it improve …?": a change said with its size however far apart ("increase
        # the success rate of a simulated human programmer … by an average of 192%")
        # (… or "how big was the gain from Empower?")
        changed = what.clause == "how much it changed" or "gain" in tokenize([what.phrase])[0]
        if changed and _CHANGED_BY.search(sentence):
            return 2.0
        # A number within 8 words of a head word …
        offsets = _offsets(sentence, heads, what.clause.startswith("how many")) if heads else []
        if not any(abs(d) <= 8 for d, _ in offsets):
            return 0.0
        # … and a count bound to the thing counted ("an 18-person user study", "19 Letterboxd
        # users") beats a figure nearby ("participants preferred it 78% of the time"); a
        # magnitude ("10M tokens", "27 billion parameters") is what a size question wants, and
        # a bound count in digits ("10M tokens") beats one in words ("millions of tokens").
        bound = [digits for d, digits in offsets if -2 <= d <= 0]
        # … and for how big, a range of magnitudes ("ranging in scale from 2 billion to 27
        # billion parameters") beats one size named ("We also train the 2B and 9B models")
        ranged = 1.25 if what.phrase.split()[0] in _MEASURES and _RANGE.search(sentence) else 0.0
        return (1.0 + max(0.75 if bound else 0.0, 0.5 if _MAGNITUDE.search(sentence) else 0.0,
                          ranged) + (0.25 if any(bound) else 0.0))  # fmt: skip
    if heads and not heads & tokens:
        return 0.0
    # "what tasks was it evaluated on?": where the paper tests itself ("We evaluate our approach
    # across diverse robotic manipulation tasks"), however it names them, beats tasks it is
    # about ("LLMs excel in tasks like question answering …")
    if heads & _TESTBEDS and _TESTED_ON.search(sentence):
        return 1.5
    own = {w.lower() for n in names for w in n.split()} | GENERIC_NAMES
    # … and the acronyms of the question's names ("CoS" for "Context Steering").
    acronyms = {"".join(w[0] for w in n.split()).lower() for n in names if len(n.split()) > 1}
    own |= acronyms
    # A name whose capitals spell one of those ("CoS") is the question's own, and so is one
    # that opens with an acronym it uses or a generic one ("LLM-as-judges"); a CamelCase
    # name whose capitals happen to spell one is not ("MovieLens" is not "ML").
    proper = _NAME.findall(sentence)
    found_acronyms = {n for n in proper
                      if "".join(c for c in n if c.isupper()).lower() in acronyms
                      or (lead := re.match(r"[A-Z]{2,}", n)) and lead.group(0).lower() in own}  # fmt: skip
    # … and a capitalised word inside the sentence ("translate English to Kalamang", "on
    # simulated Mujoco tasks"): abstracts capitalise little else.
    titled = re.findall(r"(?<=[\w,;] )[A-Z][a-z]{2,}\b", sentence)
    found = [
        n
        for n in [*proper, *titled]
        if n.lower().rstrip("s") not in own
        and n.lower() not in own
        and n not in found_acronyms
        and not all(w.lower() in own for w in n.split())  # "Gemini 1.0", the question's own
    ]
    phrase = {t for t in tokenize([what.phrase])[0] if len(t) > 1}
    # Things described in words, one after another ("in a synthetic environment, an assistive
    # robotics environment …, and a natural language processing problem")
    for stem in heads:
        at = re.escape(stem)
        if re.search(rf"\b{at}\w*\b[^.;:]{{0,40}}?,\s[^.;:]{{0,40}}?\b{at}\w*[^.;:]*?,? and\b",
                     sentence, re.I):  # fmt: skip
            return 1.0
    # Things listed after the phrase ("We study two decomposition methods: manual
    # decomposition …", "datasets such as …"): the sentence names them in words.
    if len(phrase) >= 2 and phrase <= tokens and _LISTS.search(sentence):
        return 1.0
    # "two application domains": "We apply our approach to two domains …: mental health
    # support, and soliciting charitable donations" lists them after the head word.
    lead, colon, _ = sentence.partition(": ")
    if colon and _counted(lead, heads):
        return 1.0
    # "which methods does it cover?": "(1) survey open problems … of RLHF and related methods;
    # (2) …" lists them, with the head word in the plural.
    plural = re.search(r"[^s']s$", what.phrase)  # "methods", not "LLM" nor "robot's"
    # … the list right after the head word ("related methods; (2) …"), not elsewhere
    listed = r"(?::\s+\S|;|\bsuch as\b|\bincluding\b|\binclude[sd]?\b|\bnamely\b|\branging from\b|\(\d\))"
    if (
        plural
        and any(
            re.search(r"[^s']s$", w)
            and set(tokenize([w])[0]) & heads
            and (
                re.match(rf"\W*(?:\S+\s+){{0,2}}?\W*{listed}", sentence[m.end() :], re.I)
                # … or an enumerated item about them: "(2) overview techniques to …"
                or re.search(r"\(\d\)\s+(?:\S+\s+){0,2}$", sentence[: m.start()])
            )
            for m in re.finditer(r"[\w'-]+", sentence)
            for w in [m.group(0)]
        )
    ):
        return 1.0
    # "a new interactive flight-booking task": the word before names it (when no name does)
    by_modifier = _named_by_modifier(
        sentence, heads, set(tokenize([" ".join(names)])[0]) | phrase, loose=what.called
    )
    if not found:
        return 1.0 if by_modifier else 0.0
    # The sentence must be about the detail, not merely mention a name: it uses every word of
    # a phrase of two or more ("base language model"), or a name sits near the head word.
    if len(phrase) >= 2 and phrase <= tokens and not by_modifier:
        return 1.0
    words = re.findall(r"[\w.'-]+", sentence)
    at = [i for i, w in enumerate(words) if set(tokenize([w])[0]) & heads]
    firsts = {n.split()[0] for n in found}  # "Gemini 1.0": where "Gemini" stands
    # … also as the first part of a hyphenated word ("a new Minecraft-based assistance game")
    named = [i for i, w in enumerate(words) if w.strip(".").split("-")[0] in firsts]
    # A capitalised word only, next to the head ("Mujoco tasks"): a name farther off is
    # often an example's ("starts with "Barack Obama" that a model maps …").
    plain = {
        i
        for i in named
        if words[i].strip(".") in titled
        and words[i].strip(".") not in proper
        # … but not one the thing is built on ("an algorithm based on Maximum Causal …")
        and not re.search(
            r"\b(?:based on|built on|builds on|extends|on top of)$",
            " ".join(words[max(0, i - 3) : i]),
        )
    }
    # A name by the head ("models such as Claude 3.0") says which more surely than a
    # modifier does ("multimodal models").
    near = [(i, j) for i in at for j in named if abs(i - j) <= (2 if j in plain else 6)]
    # … or a name in apposition before it ("scales to Overcooked, a cooperative game setting")
    for n in found:
        if (after := re.search(rf"\b{re.escape(n)},\s+(?:an?|the)\s+((?:[\w-]+\s+){{0,3}}[\w-]+)", sentence)) \
                and set(tokenize([after[1]])[0]) & heads:  # fmt: skip
            return 1.25
    # … most surely the name right before it ("JumpReLU SAEs", "the MovieLens dataset")
    if near:
        return 1.5 if any(j == i - 1 for i, j in near) else 1.25
    return 1.0 if by_modifier or (len(phrase) >= 2 and phrase <= tokens) else 0.0


# What a paper is tested on, and a sentence that says it tests itself there
_TESTBEDS = frozenset(tokenize(["task tasks environment environments domain domains benchmark "
                                "benchmarks setting settings"])[0])  # fmt: skip
_TESTED_ON = re.compile(
    r"\b(?:we|our (?:method|approach|model|agent))\s+(?:\w+\s+)?(?:evaluat|validat|test|"
    r"experiment|demonstrat)\w*\b[^.;]{0,50}?\b(?:on|across|in)\b",
    re.I,
)


def _counted(text: str, heads: set[str]) -> bool:
    """A counted set of the thing asked for: "two domains", "four areas" (a plural head word
    after a count; not "two LLM forward passes", where the word only qualifies another)."""
    words = re.findall(r"[\w'-]+", text)
    return any(w.endswith("s") and set(tokenize([w])[0]) & heads and _COUNT.fullmatch(words[i - 1])
               for i, w in enumerate(words) if i > 0)  # fmt: skip


_PLAIN_MODIFIERS = {"new", "novel", "standard", "simpl", "challeng", "common", "larg", "small",
                    "singl", "popular", "exist", "differ", "various", "sever", "two", "three",
                    # hyphenated adjectives: "best-suited", "state-of-the-art", "real-world"
                    "best", "well", "suit", "state", "art", "real", "world", "scale", "pre",
                    "train", "fine", "tune", "high", "low", "level", "open", "sourc"}  # fmt: skip


def _named_by_modifier(
    sentence: str, heads: set[str], asked: set[str], loose: bool = False
) -> bool:
    """The sentence names the thing by the word before its head ("a new interactive
    flight-booking task", and after "we introduce": "a bisimulation loss"): a word the
    question does not use and that is not a plain adjective ("new", "standard")."""
    matches = list(re.finditer(r"[\w'-]+", sentence))
    words = [m.group(0) for m in matches]
    introducing = re.search(r"\bwe (?:introduce|propose|present|develop|design)\b", sentence, re.I)
    for i, word in enumerate(words[1:], 1):
        if set(tokenize([word])[0]) & heads:
            before = tokenize([words[i - 1]])[0]
            # … and any word before one thing whose name is asked ("a temporal alignment
            # loss"), not before a plural ("language models")
            compound = (
                (loose and not re.search(r"[^s']s$", word))
                or "-" in words[i - 1]
                or (introducing is not None and matches[i].start() > introducing.start())
            )
            own = set() if loose else asked  # asked for its name, the paper's words are it
            if before and not set(before) & (own | _PLAIN_MODIFIERS) and compound:
                return True
    return False


def stating_sentence(text: str, what: Asked, question: str) -> str | None:
    """The sentence of `text` that best states what was asked, if one does."""
    question = _IN_PAPER.sub("?", question)  # the follow-up's paper is not the question's
    names = names_in(question)
    sentences = split_sentences(text)
    # A size the question names is which model it asks of, not the figure asked ("the
    # context window of the 9B model": "We also train the 2B and 9B models …" gives no window)
    own = [n for n in names if re.fullmatch(r"\d+(?:\.\d+)?[BMKT]", n)]
    unsized = (re.compile(rf"(?<![\w.])(?:{'|'.join(map(re.escape, own))})(?!\w)") if own
               else None)  # fmt: skip
    if unsized is not None:  # … and what is asked is what comes before it ("context window")
        cut = re.split(rf"\s+(?:of|for|in)\s+(?:the\s+)?{unsized.pattern}", what.phrase)[0]
        what = dataclasses.replace(what, phrase=cut) if cut.strip() else what
    scored = [
        (states_detail(unsized.sub(" ", s) if unsized else s, what, names), s) for s in sentences
    ]
    if _KINDS.match(what.phrase):
        # "what kinds of language does the agent learn to leverage?": "Dynalang learns to
        # leverage environment descriptions, game rules, and instructions" lists them right
        # after the question's own verb
        verbs = (set(tokenize([question])[0]) - set(tokenize([what.phrase, *names])[0])
                 - ASKING - FUNCTION_WORDS)  # fmt: skip
        scored += [(1.0, s) for s in sentences if _lists_after(s, verbs)]
    if what.best:
        # … said with a win ("outperforms", "the best"), or not at all: a leaderboard's
        # description names no winner
        # (the thing itself may go unnamed: "The resulting models deliver the best performance
        # for their size")
        # … or by what beat the others ("our approach … outperforms the baselines")
        heads = _heads(what.phrase)
        scored = [(max(score, 1.0 if heads & set(tokenize([s])[0]) or _BEATS.search(s) else 0.0), s)
                  for score, s in scored if _WINS.search(s)]  # fmt: skip
    if what.kind == "entity" and _AGAINST.search(_title_as_it(question)):
        # "which algorithms did they compare against?": the sentence that sets others beside
        # it by name ("SQIRL performance strongly correlates with PPO and DQN performance")
        # (or in words: "outperforms model-free RL algorithms and imitation learning", "by an
        # average of 192% over an SFT baseline")
        own = {w.lower() for n in names for w in n.split()}
        for s in sentences:
            others = len({n for n in _NAME.findall(s) if n.lower() not in own})
            if _COMPARED.search(s) and (others >= 2 or _AGAINST_SAID.search(s)):
                scored.append((2.0 if others >= 2 else 1.75, s))
    scored = [(score, s) for score, s in scored if score > 0]
    if not scored:
        return None
    # Ties go to the sentence with more of the question's words, as an abstract says them
    # ("tested in": "We show that AssistanceZero outperforms … in the Minecraft-based …")
    wanted = set(tokenize([question])[0]) | wanted_words(question)
    # "what does their method build on?": a sentence saying so in other words ("extends
    # AlphaZero") beats one that only shares the question's words
    relation = _BUILDS_ON.search(question) is not None
    return max(scored, key=lambda x: (x[0] + (0.25 if relation and _BUILDS_ON.search(x[1]) else 0),
                                      len(wanted & set(tokenize([x[1]])[0]))))[1]  # fmt: skip


_KINDS = re.compile(r"(?:kinds?|types?|sorts?|forms?) of\b", re.I)


def _lists_after(sentence: str, words: set[str]) -> bool:
    """A list ("a, b, and c") within three words after one of `words` (stems)."""
    for m in re.finditer(r"[\w'-]+", sentence):
        if set(tokenize([m.group(0)])[0]) & words and re.match(
            r"\s+(?:[\w'-]+\s+){0,2}?[\w'-]+,\s+[^.;:]{1,60}?,?\s+(?:and|or)\s+\w",
            sentence[m.end() :],
        ):
            return True
    return False


_USES = re.compile(r"\bwe (?:also )?leverage\b|\bmodifications to\b|\binspired by\b|\bdraws? on\b|"
                   r"\bon top of\b", re.I)  # fmt: skip
# An in-text citation: "(Fishkin, 2011)", "(Tessler, Bakker, et al., 2024)", "(Beltagy et al., 2020a)"
_CITES = re.compile(
    r"\((?:[A-Z][\w'-]+(?:,| and| et al\.?)?\s+){1,4}(?:et al\.,?\s+)?(?:19|20)\d\d[a-z]?\)"
)
_BUILDS_ON = re.compile(r"\bbuil(?:d|ds|t|ding) (?:up)?on\b|\bbased on\b|\bextend(?:s|ed|ing)?\b|"
                        r"\bderived? from\b", re.I)  # fmt: skip


# The field's acronyms and companies, as (stemmed) words: no subject of a detail question
_GENERIC_NAME_WORDS = frozenset(tokenize([" ".join(GENERIC_NAMES)])[0])


def _venue_asked(what: Asked, venue: str | None) -> bool:
    """The question asks where the paper was published ("was it peer reviewed?"), and its
    metadata names the venue (a paper file's `venue`)."""
    return bool(venue) and what.kind == "where" and what.phrase == "published"


class Detail(TextShape):
    name: ClassVar[str] = "detail"
    description: ClassVar[str] = (
        "a specific fact about a paper: a number, size, dataset, model, language or place "
        "('how many …', 'which model …'); says so when the abstract does not give it"
    )
    prompt_template: ClassVar[ChatPromptTemplate] = DETAIL_PROMPT
    max_tokens: ClassVar[int] = 200
    reads_code: ClassVar[bool] = True

    def detect(self, question: str) -> Detected | None:
        quoted = re.search(r"(?:^|\s)[\"“‘']\w[^\"“”’]*[\"”’'](?!\w)", question)
        if quoted and (
            re.match(r"(?:so,? )?what(?:'s|’s| is| are| was| were)\b", question, re.I)
            or not asked(re.sub(r"[\"“‘'][^\"“”’']*[\"”’']", "it", question))
        ):
            return None  # a quoted term asks what it means ("what is 'deceptive inflation'?")
        return Detected() if asked(question) else None

    def not_the_subject(self, state: AnswerState) -> set[str]:
        what = asked(state.standalone)
        return set(tokenize([what.phrase])[0]) if what else set()

    def abstains(self, state: AnswerState, ctx: ShapeContext) -> bool:
        """A detail of a paper the question names by its title ("Gemma 2", "GRIF", "the
        'assist humans without inferring rewards' experiments"), or of the one paper a
        follow-up is about ("which continuous control tasks did they use?"), is in scope,
        however unknown the detail's words ("random seeds", "llama"): that the abstract does
        not give it is the answer. Otherwise the gate decides."""
        if _A_CAREER.search(state.standalone):
            return True  # "how many phd students does anca supervise?": no abstract's detail
        if _WORLD_FACT.search(state.standalone):
            return True  # "how many people play Minecraft worldwide?": no paper's detail
        if state.candidates and (titled_in(state.standalone, state.candidates[:1]) is not None
                                 or len(state.filters.paper_ids or ()) == 1):  # fmt: skip
            return False  # … and so is one of the paper a follow-up is about
        # … or by the name its abstract introduces ("how many GPUs did it take to train
        # Dynalang?": "we introduce Dynalang")
        top = state.candidates[:1]
        if top and any(introduces(top[0], n) >= 2 for n in names_in(state.standalone)):
            return False
        # … or by words of its title ("did the RLHF open problems paper run any experiments?":
        # "Open Problems and Fundamental Limitations of …", words the scope rule reads as
        # framing)
        described = _THE_PAPER.search(state.standalone)
        if top and described:
            words = set(tokenize([described.group(0)])[0]) - _PAPER_WORDS
            if words and _titled(words, top[0].title):
                return False
        # "How many parameters does GPT-4 Turbo have?": a model no paper is about (Gemini 1.5
        # only compares itself with it), whose detail no abstract states where it names it
        # (not a name offered as an example, "which LLM (GPT-4? something else?) …", nor one
        # in a paper or study the question describes: "the MuJoCo tasks … in the cluster
        # ranking paper", "the user study where the 7DOF arm …")
        # (only a question that names something reads the candidates' whole abstracts)
        names = names_in(state.standalone)
        example = any(is_example(state.standalone, n) for n in names)
        about = described or re.search(r"\b(?:study|experiments?)\b", state.standalone, re.I)
        whole = (
            [with_abstract(h, ctx) for h in state.candidates[:5]]
            if names and not (example or about)
            else []
        )
        if whole and only_mentioned(state.standalone, whole) and (what := asked(state.standalone)):
            said = [s for h in whole for e in h.evidence for s in split_sentences(e.text)
                    if any(n.lower() in s.lower() for n in names)]  # fmt: skip
            if not any(states_detail(s, what, names) > 0 for s in said):
                return True
        # … but a detail of nothing the portfolio is about ("what is the stock price of
        # Google?": besides what it asks, only a company, and no paper found says it) is no
        # detail of a paper ("what is an assistance game?" is, in the words of the papers)
        asks = self.not_the_subject(state)
        own = set(tokenize([state.standalone])[0]) - asks - FRAMING - _GENERIC_NAME_WORDS
        texts = " ".join(f"{h.title} {' '.join(e.text for e in h.evidence)}" for h in top)
        if not own and not asks <= set(tokenize([texts])[0]):
            return True
        return super().abstains(state, ctx)

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        """The paper the question is about first, with its whole abstract; the next one too
        when the question names no paper."""
        hits = ctx.search(state.search_text, k=state.k, filters=state.filters)
        hits, named = named_first(state, hits, ctx)
        if (described := _DESCRIBED_PAPER.search(state.standalone)) and not state.filters.paper_ids:
            # "does the adversaries paper use GPT-4?": the paper whose title has the
            # description's words, not the one that mentions GPT-4
            words = set(tokenize([described.group(0)])[0]) - _PAPER_WORDS - FRAMING
            fits = hits and _titled(words, hits[0].title)
            for hit in (
                ctx.search(described.group(0), k=5, filters=state.filters)
                if words and not fits
                else []
            ):
                if _titled(words, hit.title):
                    hits, named = [hit, *(h for h in hits if h.paper_id != hit.paper_id)], hit
                    break
        if not hits:
            return Retrieved(hits=hits, candidates=hits)
        # One paper when the question names it or refers to one ("the Lego tidying paper"):
        # a neighbour stating a like detail is not an answer about it.
        one = named is not None or _THE_PAPER.search(state.standalone)
        looked = 1 if one else min(2, len(hits))
        hits = [with_abstract(h, ctx) for h in hits[:looked]] + hits[looked:]
        what = asked(state.standalone)
        texts = [" … ".join(e.text for e in h.evidence) for h in hits[:looked]]
        stated = (what is None or _venue_asked(what, hits[0].venue)
                  or any(stating_sentence(t, what, state.standalone) for t in texts))  # fmt: skip
        unstated = None if stated or what is None else what.clause
        if unstated and named is None and _OF_THE_PERSON.search(state.standalone):
            return Retrieved(hits=[], candidates=[])  # of the person: the gate abstains
        # About a named paper, only that paper is quoted (a neighbour may state a like detail).
        only_looked = unstated or named is not None
        return Retrieved(hits=hits[: max(looked, 1)] if only_looked else hits, candidates=hits,
                         unstated=unstated)  # fmt: skip

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        if not sources:
            return
        top = sources[0]
        what = asked(state.standalone)
        if not state.unstated and what is not None and _venue_asked(what, top.venue):
            # where it was published is the paper's metadata, not its abstract's
            yield cite_sentence(f"{paper_label(top)} appeared in {top.venue}", top.number)
            return
        if not state.unstated and what is not None:
            # Each part of "which dataset …, and how many users …" from its own sentence.
            quoted: list[tuple[SourceBlock, str]] = []
            for part, part_what in asked_parts(state.standalone):
                for block in sources[:2]:
                    if found := stating_sentence(block.text, part_what, part):
                        if (block, found) not in quoted:
                            quoted.append((block, found))
                        break
            if quoted and what.used and len(quoted) == 1 and _PRIOR_WORK.search(quoted[0][1]):
                # only what others do names it: and what the paper does instead ("a simple,
                # training-free decoding approach")
                block = quoted[0][0]
                own = contribution_sentence(block.text)
                quoted += [(block, own)] if own and own != quoted[0][1] else []
            if quoted:
                said, labelled = [], set()
                for block, sentence in quoted:  # each paper named before its first sentence
                    label = "" if block.number in labelled else f"{paper_label(block)}: "
                    labelled.add(block.number)
                    said.append(label + cite_sentence(readable(sentence), block.number))
                yield " ".join(said)
                return
        clause = state.unstated or (what.clause if what else "that")
        verb = "give" if clause.startswith("the ") or clause == "that figure" else "say"
        yield cite_sentence(
            f"The abstract of {paper_label(top)} does not {verb} {clause}", top.number
        )
