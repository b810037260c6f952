"""What an answer shape is: a way of answering a kind of question, registered by name
(qabot.answering.shapes lists them; the router picks one).

A `TextShape` answers from the papers' text: it owns how it searches and which papers it keeps,
when it abstains, its extractive rendering (no LLM) and its prompt (with one). A
`StatisticShape` answers exactly from the metadata (qabot.answering.shapes.statistics).
"""

from __future__ import annotations

import contextlib
import re
import weakref
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from langchain_core.prompts import ChatPromptTemplate

from qabot.answering.extractive import paper_label, word_pairs
from qabot.answering.framing import (
    FRAME,
    FUNCTION_WORDS,
    OVERVIEW_FRAME,
    QUESTION_WORDS,
    is_month_date,
)
from qabot.answering.prompts import ANSWER_PROMPT, neutralise
from qabot.answering.sources import SourceBlock, format_sources, sources_from_hits
from qabot.config.groups import RetrievalSettings
from qabot.domain.filters import Filters
from qabot.domain.records import Evidence, Paper, SearchHit, marker_order
from qabot.index.lexical import tokenize
from qabot.retrieval.hybrid import HybridRetriever
from qabot.retrieval.relevance import (
    Subject,
    best_relevance,
    bracketed,
    figure_in,
    figures,
    introduces,
    is_relevant,
    name_in_title,
    names_in,
    quoted_in,
    subject,
    title_acronym,
    titled_in,
)

if TYPE_CHECKING:
    from langchain_core.prompt_values import PromptValue

    from qabot.answering.route import Route
    from qabot.answering.shapes.statistics import Facts
    from qabot.answering.state import AnswerState
    from qabot.domain.records import Answer


# The scope rule (`out_of_scope`), tuned on tests/data/blind/dev{,2,3}.jsonl, checked against
# tests/data/eval_set.jsonl's paraphrases (docs/measurements.md). Abstain when the papers found
# have none of the question's specific words and less than SCOPE_MIN_COVERAGE of their weight,
# unless a paper is SCOPE_STRONG_SIMILARITY similar anyway (a paraphrase in other words) …
SCOPE_MIN_COVERAGE = 0.5
SCOPE_STRONG_SIMILARITY = 0.55
# … or when SCOPE_MAX_UNKNOWN of them is in words the corpus never uses ("StarCraft",
# "dopamine") and the papers found share none of the others or are barely similar
# (paraphrases use everyday words no abstract does, but keep some of the subject's own).
SCOPE_MAX_UNKNOWN = 0.35
SCOPE_WEAK_SIMILARITY = 0.37
# … or, for a subject of at most SCOPE_SHORT_WORDS specific words, when SCOPE_SHORT_UNKNOWN of
# it is in unknown words and no paper is SCOPE_SHORT_SIMILARITY similar.
SCOPE_SHORT_WORDS = 3
SCOPE_SHORT_UNKNOWN = 0.5
SCOPE_SHORT_SIMILARITY = 0.5
# A question the embedding rates below `min_relevance` is still answered when the papers found
# have SCOPE_WORDS_COVERAGE of its specific words, all known to the corpus (`said_in_words`).
SCOPE_WORDS_COVERAGE = 0.75
# A pair of the question's words in a row in a title found names its subject when at most this
# many of the portfolio's titles have it, or this share of them ("recommender systems": 2 of
# 50; "language models", in 4, names a field).
SCOPE_TITLE_PAIR_MAX = 2
SCOPE_TITLE_PAIR_SHARE = 0.01


@dataclass(frozen=True)
class ShapeContext:
    """What a shape reads besides the question: the live index's search and the settings."""

    retriever: HybridRetriever
    settings: RetrievalSettings

    def search(self, text: str, k: int, filters: Filters) -> list[SearchHit]:
        """Search for an answer: typos in the question respelled for BM25 (see
        `HybridRetriever.search`), which the bare search API leaves as typed."""
        return self.retriever.search(text, k=k, filters=filters, respell=True)

    def word_share(self, token: str) -> float:
        """The share of the index's chunks with a (stemmed) word."""
        return self.retriever.snapshot.lexical.chunk_share(token)

    @property
    def chunks(self) -> int:
        return self.retriever.snapshot.manifest.chunks

    @property
    def papers(self) -> int:
        return len(self.retriever.snapshot.paper_index)

    def by_acronym(self, acronym: str) -> str | None:
        """The one indexed paper whose title's initials spell `acronym` ("TRA": "Temporal
        Representation Alignment: …"), if exactly one does: people name a paper so though
        its abstract never spells it out, and search cannot find it by those letters."""
        snapshot = self.retriever.snapshot

        def build() -> dict[str, list[str]]:
            table: dict[str, list[str]] = {}
            ids, titles = (
                paper_column(snapshot.papers, "paper_id"),
                paper_column(snapshot.papers, "title"),
            )
            for pid, title in zip(ids, titles, strict=True):
                if made := title_acronym(str(title)):
                    table.setdefault(made, []).append(str(pid))
            return table

        found = _ACRONYMS.get(snapshot, build).get(acronym, [])
        return found[0] if len(found) == 1 else None

    def titles_with(self, pair: tuple[str, str]) -> int:
        """How many indexed papers' titles have the (stemmed) words `pair` in a row."""
        snapshot = self.retriever.snapshot
        counts = _TITLE_PAIRS.get(snapshot, lambda: Counter(
            p for title in paper_column(snapshot.papers, "title") for p in word_pairs(str(title))))  # fmt: skip
        return counts[pair]

    def title_families(self) -> frozenset[str]:
        """The first words of the names titles open with ("gemma" of "Gemma 2: …"), lower-cased."""
        snapshot = self.retriever.snapshot
        return _FAMILIES.get(snapshot, lambda: frozenset(
            name.split()[0].lower() for t in paper_column(snapshot.papers, "title")
            if (name := name_in_title(str(t)))))  # fmt: skip

    def author_words(self) -> frozenset[str]:
        """The words of the indexed papers' author names, lower-cased ("vivek", "myers"): a
        name a question uses that the passages do not is no subject when it is an author's."""
        snapshot = self.retriever.snapshot
        return _AUTHOR_WORDS.get(snapshot, lambda: frozenset(
            w.lower() for names in paper_column(snapshot.papers, "authors") for name in (names or [])
            for w in re.findall(r"[\w'-]+", str(name))))  # fmt: skip

    def abstract(self, paper_id: str) -> str | None:
        """A paper's whole abstract (None if it is not indexed)."""
        snapshot = self.retriever.snapshot
        row = snapshot.paper_index.get(paper_id)
        return None if row is None else str(snapshot.papers.value("abstract", row) or "")


_T = TypeVar("_T")


class PerSnapshot(Generic[_T]):
    """A table built once per index snapshot: held weakly, so a replaced snapshot is neither
    kept alive nor mistaken for a new one that reuses its memory (as an id() could be); a
    reload builds it again. One slot, replaced whole, so a reader never sees a table beside
    another snapshot's reference."""

    def __init__(self) -> None:
        self._slot: tuple[Callable[[], object], _T | None] = (lambda: None, None)

    def get(self, snapshot: object, build: Callable[[], _T]) -> _T:
        held, value = self._slot
        if held() is not snapshot or value is None:
            value = build()
            # (a plain list of papers, a caller's or a test's, takes no weak reference: it is
            # built per call)
            with contextlib.suppress(TypeError):
                self._slot = (weakref.ref(snapshot), value)
        return value


def paper_column(papers: Sequence[Paper], name: str) -> list[Any]:
    """One field of every paper: the paper table's column (no `Paper` made), or each paper's
    attribute (a plain list)."""
    column = getattr(papers, "column", None)
    return list(column(name)) if column else [getattr(p, name) for p in papers]


_ACRONYMS: PerSnapshot[dict[str, list[str]]] = PerSnapshot()  # title acronym -> paper ids
_TITLE_PAIRS: PerSnapshot[Counter[tuple[str, str]]] = PerSnapshot()
_FAMILIES: PerSnapshot[frozenset[str]] = PerSnapshot()
_AUTHOR_WORDS: PerSnapshot[frozenset[str]] = PerSnapshot()


@dataclass(frozen=True)
class Retrieved:
    hits: list[SearchHit]  # the numbered sources the answer cites
    candidates: list[SearchHit]  # what the abstention gate judges
    missing: list[str] = field(default_factory=list)  # compared sides with no paper
    # Papers that also pass the relevance rule, listed after the answer when it does not cite
    # them ("Also in the portfolio: …"): how broad an answer is follows the evidence.
    also: list[str] = field(default_factory=list)
    # The detail asked for that the papers' abstracts do not give ("how many participants"):
    # the answer says so (`Answer.unstated`).
    unstated: str | None = None
    # Why nothing is answered, in words, when the papers on the subject are all outside the
    # filters ("No paper from 2025 on is about reward hacking; 1 paper on it is outside …").
    none_because: str | None = None
    # A comparison's sides in the question's order, each with its papers' ids.
    sides: list[tuple[str, list[str]]] = field(default_factory=list)


# Words a question may use that say what kind of answer it wants, not what it is about.
FRAMING = frozenset(FRAME | OVERVIEW_FRAME | QUESTION_WORDS | FUNCTION_WORDS)
# Words that name a kind of paper (qabot.domain.genres): no subject where the kind is a filter
_KIND_NAMING = "survey review report technical tech position perspective opinion consensus agenda"
KIND_WORDS = frozenset(tokenize([_KIND_NAMING])[0])


def _subject(text: str, hits: list[SearchHit], ctx: ShapeContext, ignore: Collection[str],
             generic: bool = False) -> Subject:  # fmt: skip
    # as searched; "successor-style", "RL-type": what it is like is the subject, not "style"
    text = re.sub(
        r"(?<=\w)-(?:style|type|like|esque)\b", "", ctx.retriever.spelled(text), flags=re.I
    )
    return subject(text, hits[:5], ctx.word_share, ctx.chunks, FRAMING | set(ignore), generic)


def only_mentioned(side: str, candidates: list[SearchHit]) -> bool:
    """`side` names only things no paper is about, each mentioned once in passing ("GPT-4
    Turbo" in Gemini 1.5's "a generational leap over … GPT-4 Turbo (128k)", "AlphaZero" in
    "extends AlphaZero"): nothing in the portfolio is about them (a compared side, or the
    subject of a detail asked)."""
    names = [n for n in names_in(side) if re.search(r".[A-Z0-9]", n)]  # not an everyday word
    if not names or len(names) != len(names_in(side)):
        return False
    # … the longest name ("GPT-4 Turbo", not also the "GPT-4" in it)
    pattern = rf"(?<![\w-]){re.escape(names[0].lower())}(?![\w-])"
    uses = [len(re.findall(pattern, " ".join([h.title, *(e.text for e in h.evidence)]).lower()))
            for h in candidates]  # fmt: skip
    introduced = any(introduces(h, n) for h in candidates for n in names)
    return not introduced and any(uses) and max(uses) <= 1


def with_abstract(hit: SearchHit, ctx: ShapeContext) -> SearchHit:
    """The hit with its paper's whole abstract as its evidence: a definition or a detail may
    sit in a part of the abstract that search did not pick as the best passage."""
    abstract = ctx.abstract(hit.paper_id)
    if abstract is None:
        return hit
    score = hit.evidence[0].score if hit.evidence else None
    return hit.model_copy(update={"evidence": [Evidence(chunk=0, text=abstract, score=score)]})


def is_example(question: str, name: str) -> bool:
    """The name is only an example the question offers, a guess at the answer ("which LLM
    (GPT-4? something else?)", "GPT-2 or something bigger", "like GPT-2"), not its subject."""
    n = re.escape(name)
    return bracketed(question, name) or bool(re.search(
        rf"\b(?:like|e\.g\.?|such as|say|maybe|perhaps|or)\s+{n}|"
        rf"{n}\s*,?\s*or\b|[?,]\s*{n}\s*\?", question, re.I))  # fmt: skip


def unknown_version(question: str, found: list[SearchHit], ctx: ShapeContext) -> str | None:
    """A model the question names with a version that none of the papers found uses ("Gemma
    3" where the portfolio has Gemma 2, "Llama 3", "Claude 3.5"): what it asks about is not
    in the portfolio, though a neighbour shares its name. Sizes are not versions ("Gemma 2
    27B"), and a year alone is not a name."""
    # (typed in lower case, "the context window of gemma 3", a family a title names: not "top 5")
    families = ctx.title_families()
    named = [n for n in names_in(question)
             if re.search(r"[A-Za-z]{2}", n) and re.search(r"\d", n) and not is_example(question, n)
             and not is_month_date(n) and (re.search(r"[A-Z]", n) or n.split()[0] in families)]  # fmt: skip
    # … and a question about a paper it names by title asks a detail of it ("was Gemma 2
    # trained on TPUv5e?": the abstract not saying so is the answer)
    if not named or titled_in(question, found[:5]) is not None:
        return None
    texts = [f"{h.title} {ctx.abstract(h.paper_id) or ''}".lower() for h in found]
    for name in named:
        # "2B Gemma 2" is Gemma 2; "GPT4" is "GPT-4"; "Claude 3" is "Claude 3.0"
        words = [w for w in name.lower().split() if not _SIZE.fullmatch(w)]
        parts = re.findall(r"[a-z]+|\d+(?:\.\d+)*", " ".join(words))
        if not parts:
            continue
        spelled = r"[\s-]?".join(re.escape(p) for p in parts)
        pattern = rf"(?<![\w.-]){spelled}(?:\.\d+)*(?![\w-]|\.\d)"
        if not any(re.search(pattern, t) for t in texts):
            return name
    return None


_SIZE = re.compile(r"\d+(?:\.\d+)?[bmk]")


# A question for the paper that has something ("which paper got …", "what study reports …")
_WHICH_PAPER = re.compile(
    r"\b(?:which|what|any) (?:paper|one|study|work|article|publication)s?\b|"
    r"\bwhich of (?:her|his|their|the) (?:papers|works|studies)\b",
    re.I,
)


def unknown_name(question: str, ctx: ShapeContext, people: Collection[str] = ()) -> str | None:
    """A name the question asks about that no passage of the portfolio uses ("multi-agent
    reward shaping in StarCraft", "anything on AlphaFold?"): not an English word, not one of
    `people` (the authors it names), not an example it offers ("like GPT-2")."""
    from qabot.embeddings.words import is_english

    who = {w.lower() for p in people for w in re.findall(r"[\w-]+", p)} | ctx.author_words()
    for name in names_in(question):
        if is_example(question, name) or is_month_date(name):
            continue
        # "BERT-style": what it is like is the subject, not the name
        words = [w for w in re.findall(r"[\w.+-]+", name)
                 if re.search(r"[A-Za-z]", w) and not re.search(r"-(?:style|like|type|esque)$", w, re.I)
                 and re.sub(r"['’]s$", "", w.lower()) not in who and not is_english(w.lower())]  # fmt: skip
        text = ctx.retriever.spelled(" ".join(words))
        # "GPT4" is "GPT-4", "Gemini1.5" "Gemini 1.5": letters and digits apart too
        apart = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", text)
        tokens = tokenize([text])[0] if words else []
        if tokens and all(ctx.word_share(t) == 0 for t in {*tokens, *tokenize([apart])[0]}
                          if not t.isdigit()):  # fmt: skip
            return name
    return None


def out_of_scope(text: str, hits: list[SearchHit], ctx: ShapeContext,
                 ignore: Collection[str] = ()) -> bool:  # fmt: skip
    """The question's subject is not what the papers found are about, though they share
    generic words with it ("What is her favourite programming language?" finds Dynalang).
    The question's framing, and `ignore`, are not its subject."""
    found, best = _subject(text, hits, ctx, ignore), best_relevance(hits)
    if found.coverage is None:
        return False
    # Two of its words in a row in a title found ("recsys and user agency over feeds":
    # "Controlling Recommender Systems …") are its subject, however common each word is and
    # whatever else the question asks in words no abstract uses; not a pair many titles
    # share ("language models", "reinforcement learning"), which names a field, not a subject
    # (… nor what it is done with: "predicts stock prices using recommender systems")
    subject_part = re.split(r"\b(?:using|via|with|through)\b", text, maxsplit=1, flags=re.I)[0]
    asked = {p for p in word_pairs(ctx.retriever.spelled(subject_part)) if not set(p) & FRAMING}
    most = max(SCOPE_TITLE_PAIR_MAX, SCOPE_TITLE_PAIR_SHARE * ctx.papers)
    if any(ctx.titles_with(pair) <= most for h in hits[:5] for pair in asked & word_pairs(h.title)):
        return False
    if (
        found.known_found == 0
        and found.coverage < SCOPE_MIN_COVERAGE
        and best < SCOPE_STRONG_SIMILARITY
    ):
        return True
    # With none of the subject's known words in the papers, a paper as similar as
    # SCOPE_STRONG_SIMILARITY is still on it: the unknown words were everyday ones ("AI agents
    # that genuinely assist people", "pairwise preference feedback"; measured on a second blind
    # set, where no out-of-scope question came above 0.54).
    if found.unknown >= SCOPE_MAX_UNKNOWN and (
        (found.known_found == 0 and best < SCOPE_STRONG_SIMILARITY) or best < SCOPE_WEAK_SIMILARITY
    ):
        return True
    # A short subject mostly in words no abstract uses ("agents to play chess"): the one word
    # the papers share with it ("play") is not what it is about.
    return (found.words <= SCOPE_SHORT_WORDS and found.unknown >= SCOPE_SHORT_UNKNOWN
            and best < SCOPE_SHORT_SIMILARITY)  # fmt: skip


# A gloss of the question's subject in other words: "X, i.e. Y", "X (that is, Y)"
_GLOSS = re.compile(
    r"(?:\bi\.\s?e\.|\bie\b|\bthat is\b|\bin other words\b|\bnamely\b)[,:]?\s+(?P<gloss>[^?!)]+)",
    re.I,
)


def disjuncts(query: str, question: str) -> list[str]:
    """`query` with one side of each "A or B" the question asks dropped in turn ("medicine
    health" of "anything in medicine or health?" -> "medicine", "health"): a question asking
    for either is about each."""
    words = query.split()
    out = []
    for a, b in re.findall(r"([\w'’-]+),? or ([\w'’-]+)", question, flags=re.I):
        if a in words and b in words:
            out += [" ".join(w for w in words if w != b), " ".join(w for w in words if w != a)]
    return out


def said_in_words(text: str, hits: list[SearchHit], ctx: ShapeContext,
                  ignore: Collection[str] = ()) -> bool:  # fmt: skip
    """The papers found use the question's specific words, every one of which the corpus
    knows, though the embedding rates them low ("technical report papers": MiniLM gives the
    Gemini reports 0.29): the papers are on the subject anyway."""
    found = _subject(text, hits, ctx, ignore)
    if found.coverage is None:  # only common words ("recommender system"): those, then
        found = _subject(text, hits, ctx, ignore, generic=True)
    return (found.coverage is not None and found.coverage >= SCOPE_WORDS_COVERAGE
            and found.unknown == 0)  # fmt: skip


class AnswerShape(ABC):
    """A registered way of answering; `name` is what the router returns."""

    name: ClassVar[str]
    description: ClassVar[str]  # one line, for the LLM router's tool schema and the docs


@dataclass(frozen=True)
class Detected:
    """What the deterministic router read from a question for a text shape."""

    chronological: bool = False  # a survey in year order ("how has X evolved")
    newest_first: bool = False  # … the newest first ("list them, most recent first")
    just_one: bool = False  # … only the first of that order ("her latest paper on X")
    sides: tuple[str, ...] = ()  # a comparison's two sides


class TextShape(AnswerShape):
    """An answer from the papers' text, with citations."""

    # Most tokens a model may write for this shape's answer.
    max_tokens: ClassVar[int] = 400
    # The shape searches for the question's topic without its framing ("what has she done on
    # reward hacking?" -> "reward hacking"), not for the whole question.
    searches_topic: ClassVar[bool] = False
    # The shape needs two sides (a comparison): without them the question is answered focused.
    needs_sides: ClassVar[bool] = False
    # A long answer groups its papers under the portfolio's themes (the state's `themes`).
    groups_by_theme: ClassVar[bool] = False
    # The prompt a model answers it from (qabot.answering.prompts).
    prompt_template: ClassVar[ChatPromptTemplate] = ANSWER_PROMPT
    # The shape says where a paper's code is from the paper itself, so "code" in the question
    # filters nothing ("where's the code for Empower?" is about Empower, which links none).
    reads_code: ClassVar[bool] = False
    # A question whose subject is a name no passage uses abstains ("multi-agent reward shaping
    # in StarCraft", "my online shop in Django"), however near the papers on its other words.
    # Not a detail, definition or comparison: "which LLM, e.g. Llama?", "compare it to DPO"
    # ask of a paper, or of two sides, and say what the portfolio lacks.
    gates_unknown_names: ClassVar[bool] = False

    def detect(self, question: str) -> Detected | None:
        """How the deterministic router recognises the shape (None: not this one)."""
        return None

    @classmethod
    def own_filters(cls, filters: Filters) -> Filters:
        """The filters a route of this shape keeps: both routers call it, so a shape that
        reads code itself never also filters on it."""
        return filters.model_copy(update={"has_code": None}) if cls.reads_code else filters

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        """The top k papers for the question (or its route's query)."""
        hits = ctx.search(state.search_text, k=state.k, filters=state.filters)
        return Retrieved(hits=hits, candidates=hits, missing=[])

    def abstains(self, state: AnswerState, ctx: ShapeContext) -> bool:
        """The gate: True when retrieval does not support answering at all, or finds papers
        whose subject is not the question's."""
        text, found = state.search_text, state.candidates
        ignore = self.not_the_subject(state)
        if state.filters.paper_type:  # "is there a review of …?": the kind is the filter's
            ignore = ignore | KIND_WORDS
        if found and figure_in(state.standalone, found):
            return False  # the paper is named by a figure it states ("which has 155 MDPs?")
        if found and _WHICH_PAPER.search(state.standalone) and figures(state.standalone):
            # "which paper got a 40% improvement?": no paper found states it (the one that
            # does would be first: `named_first` looks for it among a survey's worth)
            whole = [with_abstract(h, ctx) for h in found]
            if figure_in(state.standalone, whole) is None:
                return True
        if not found or unknown_version(state.standalone, found, ctx):
            return True
        # (… but not of a paper picked or named: "is it similar to ILQL?" asks of Q-SFT)
        picked = state.filters.paper_ids or "“" in state.standalone
        if (self.gates_unknown_names and not picked and unknown_name(
                state.standalone, ctx, [state.route.author_query] if state.route.author_query else [])):  # fmt: skip
            return True
        if quoted_in(state.standalone, found) is not None:
            return False  # the paper is named by words of it the question quotes
        # Papers the user picked ("which of those is about language models?"): no similarity
        # floor among them, only the scope rule.
        if state.filters.paper_ids or is_relevant(text, found, ctx.settings.min_relevance):
            # "transparency, i.e. understanding or monitoring how models reason": the user's
            # own gloss says what they mean in words the papers may use
            gloss = _GLOSS.search(state.standalone)
            return out_of_scope(text, found, ctx, ignore) and not (
                gloss and not out_of_scope(gloss["gloss"], found, ctx, ignore)
            )
        # "anything in medicine or health?": either one said is the subject said
        return not any(said_in_words(t, found, ctx, ignore)
                       for t in [text, *disjuncts(text, state.standalone)])  # fmt: skip

    def not_the_subject(self, state: AnswerState) -> set[str]:
        """Stemmed words of the question the scope rule ignores besides its framing (what a
        detail asks for: the abstract may not use "resolution" and still be the subject)."""
        return set()

    @abstractmethod
    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        """The answer without a model: source sentences, each cited, streamed in pieces."""

    def prompt(self, state: AnswerState, sources: list[SourceBlock]) -> PromptValue:
        return self.prompt_template.invoke(self.prompt_variables(state, sources))

    @staticmethod
    def prompt_variables(state: AnswerState, sources: list[SourceBlock]) -> dict[str, Any]:
        return {"sources": format_sources(sources), "question": neutralise(state.standalone)}

    @staticmethod
    def sources(state: AnswerState) -> list[SourceBlock]:
        """The numbered, neutralised sources of the state's hits."""
        return sources_from_hits(state.hits)

    def epilogue(self, state: AnswerState, sources: list[SourceBlock], text: str) -> str:
        """What follows the answer: the other papers that pass the relevance rule and that it
        does not cite, listed under "Also in the portfolio:", each cited. Written here, not
        by a model, so every answerer covers them alike."""
        if not state.also:
            return ""
        cited = set(marker_order(text))
        by_id = {s.paper_id: s for s in sources}
        rest = [by_id[p] for p in dict.fromkeys(state.also) if p in by_id]
        rest = [s for s in rest if s.number not in cited]
        if not rest:
            return ""
        listed = "".join(f"\n- {paper_label(s)} [{s.number}]" for s in rest)
        return f"\n\nAlso in the portfolio:{listed}"


class StatisticShape(AnswerShape):
    """An answer computed exactly from the metadata (qabot.answering.shapes.statistics)."""

    # What the deterministic router recognises the shape by; the registry's order decides
    # which of several matching patterns wins.
    pattern: ClassVar[re.Pattern[str]]
    # Answered over the portfolio whatever topic words the question also has ("who does she
    # publish with most?"); otherwise leftover topic words make it a search of the papers
    # ("which papers study RLHF?").
    whole_portfolio: ClassVar[bool] = False
    # Route.label: "mixed" when the answer also summarises each paper.
    label: ClassVar[str] = "statistic"
    # A category name alone is what it asks about ("how many papers on robotics?").
    bare_categories: ClassVar[bool] = False
    # It ranks affiliations: with one affiliation named, a count or list of its papers is meant.
    ranks_affiliations: ClassVar[bool] = False
    # It counts or lists papers (what a question naming one affiliation wants).
    lists_papers: ClassVar[bool] = False

    @abstractmethod
    def answer(self, question: str, route: Route, facts: Facts) -> Answer: ...
