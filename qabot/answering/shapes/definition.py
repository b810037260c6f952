"""Definition: "What is X?", "Explain X", "How does X work?", "What does X mean?": the sentence
that says what X is, quoted from the paper that introduces X (or, for a concept no paper
names in its title, the best match)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from qabot.answering.extractive import (
    MAX_SENTENCES,
    best_sentence,
    cite_sentence,
    contributions,
    listed_after,
    paper_label,
    puts_to_use,
    split_sentences,
)
from qabot.answering.prompts import DEFINITION_PROMPT
from qabot.answering.shapes.base import (
    Detected,
    Retrieved,
    ShapeContext,
    TextShape,
    only_mentioned,
    with_abstract,
)
from qabot.answering.shapes.focused import named_first
from qabot.answering.shapes.terms import ASPECT_SENTENCE, asked_aspect, asked_term, defined_term
from qabot.answering.sources import SourceBlock
from qabot.domain.text import readable
from qabot.index.lexical import tokenize
from qabot.retrieval.relevance import names_in, title_acronym, titled_in

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate

    from qabot.answering.state import AnswerState


DEFINING_SOURCES = 3  # the sources a definition looks for its defining sentence in
# What a named thing is called as a kind ("the ARCA algorithm", "the BRIDGE dataset")
_KIND_OF_THING = (r"(?:method|algorithm|framework|model|approach|agent|dataset|benchmark|system|"
                  r"technique|objective|architecture|environment)s?")  # fmt: skip


def defining_sentence(term: str, block: SourceBlock) -> str | None:
    """The sentence of `block` that says what `term` is: it names the term (or all of its
    words), best with a definition's wording ("X is", "X, a …", "we introduce X", "X extends")."""
    found = defining_sentences(term, block, 1)
    return found[0] if found else None


def defining_sentences(term: str, block: SourceBlock, most: int = 2) -> list[str]:
    """Up to `most` sentences of `block` that say what `term` is, best first (see
    `defining_sentence`); a second one only when it names the term itself."""
    # "Context Steering (CoS)": either name, the long one or its acronym ("CoS computes …").
    names = [n.strip() for n in re.split(r"\s*[()]\s*", term) if n.strip()] or [term]
    # "the Empower method": the abstract names it "Empower" ("Our … method, Empower, …")
    if kind := re.fullmatch(rf"(?P<name>.*[A-Z].*?)\s+{_KIND_OF_THING}", names[0]):
        names.append(kind["name"])
    words = set(tokenize([names[0]])[0])
    name = "(?:" + "|".join(re.escape(n.lower()) for n in names) + ")s?"  # "world models are …"
    scored = []
    sentences = split_sentences(block.text)
    for position, sentence in enumerate(sentences):
        lower = sentence.lower()
        named = bool(re.search(rf"(?<!\w){name}(?!\w)", lower))
        if not named and (not words or not words <= set(tokenize([sentence])[0])):
            continue
        score = 2.0 if named else 1.0
        if re.search(rf"(?<!\w){name}(?!\w)\s*(?:\([^)]*\)\s*)?(?:(?:,|\s--?|\s?[—–])\s*(?:an?|the)\b|:|is\b|are\b|"
                     # (a plural subject too: "Gemini 2.0 Flash and Flash-Lite provide …")
                     rf"refer to|refers to|means|denotes|extends?|uses?|learns?|combines?|builds?|"
                     rf"trains?|lets|enables?|provides?|predicts?|consists?|computes?|compares?|"
                     rf"operates?|relies|rely|infers?|estimates?|generates?|represents?|"
                     rf"optimi[sz]es?|maximi[sz]es?)\b",
                     lower):  # fmt: skip
            score += 2.0
        # "X are a promising alternative", "our results suggest X are tractable": what is
        # thought of X, not what X is; "by modeling … as a two-player game" says what it is.
        # … nor "this temporal distance is computationally efficient to estimate" (but "X is
        # an efficient algorithm that …" is)
        if re.search(r"\b(?:is|are) (?:an? |the )?(?:promising|tractable|powerful|popular|key|"
                     r"important|natural|effective|useful|appealing|attractive|difficult|"
                     r"challenging)\b", lower) or re.search(
                     r"\b(?:is|are) (?:computationally |very |more |highly )?(?:efficient|expensive|"
                     r"cheap|scalable|robust)\b(?!\s+(?:[\w-]+\s+)?(?:algorithm|method|approach|"
                     r"model|framework|way|technique)s?\b)", lower):  # fmt: skip
            score -= 1.5
        # "we recommend further research into X": what to do about X, not what it is
        if re.search(
            r"\bwe (?:recommend|urge|call for)\b|\bfurther research\b|\bfuture work\b", lower
        ):
            score -= 1.5
        if re.search(r"^(?:[\w-]+, )?(?:our results|we show|we find|we demonstrate|results suggest|"
                     r"these results)|\bour results (?:suggest|show)\b", lower):  # fmt: skip
            score -= 1.5
        if re.search(r"\b(?:model(?:s|ing|ling)?|formulat\w*|fram(?:e|es|ed|ing)|cast\w*)\b[^.]{0,80}"
                     r"\bas an? ", lower):  # fmt: skip
            score += 1.0
        if re.search(rf"\b(?:introduce|present|propose|call|term|define|instantiate)\w*\b[^.]{{0,80}}"
                     rf"(?<!\w){name}(?!\w)", lower):  # fmt: skip
            score += 1.5
        if re.search(r"\b(?:we define|defined as|is defined|a definition of)\b", lower):
            score += 1.0
        # "… the reward accrued within those segments, or their partial return": a gloss
        if re.search(
            rf",\s*(?:or|i\.e\.,?|known as|called|termed)\s+(?:their |its |the )?{name}(?!\w)",
            lower,
        ):
            score += 2.0
        # "Reinforcement learning from human feedback (RLHF) is a technique …"
        if re.search(rf"\(\s*{name}\s*\)\s*(?:is|are|refers to|means|denotes)\b", lower):
            score += 2.0
        scored.append((score, -position, sentence))
    ranked = sorted(scored, reverse=True)
    if not ranked or most < 2:
        return [s for _, _, s in ranked[:most]]
    at = -ranked[0][1]
    # What a definition's sentence leans on, from beside it: the sentence after that goes on
    # about the same thing ("We introduce the FACTS Leaderboard, …" then "The suite provides …
    # four distinct sub-leaderboards"), or the one before that gives the idea it rests on ("In
    # this work, we observe that … correspond to different sequence maskings" before "We
    # introduce the UniMASK framework"); a result ("after fine-tuning, UniMASK models
    # outperform …") says how well X does, not what it is. The defining sentence leads.
    after = sentences[at + 1] if at + 1 < len(sentences) else ""
    before = sentences[at - 1] if at > 0 else ""
    # "help navigate this "trilemma"": the sentence before says what it is, and leads.
    if before and re.search(
        rf"\b(?:this|these|such)\s+[\"“'‘]?{name}(?!\w)|\bour (?:[\w-]+ ){{0,2}}(?:method|approach|"
        rf"algorithm|framework|model|system|agent), {name},",
        sentences[at].lower(),
    ):
        return [before, sentences[at]]
    # … and after "we define two failure cases: deceptive inflation and …", the sentence
    # that goes on in the term's words ("policies that deceptively inflate their performance")
    in_words = bool(words) and _uses_words(words, after)
    # … or by the short name the defining sentence gives it ("we introduce Context Steering
    # (CoS) -- …" then "CoS computes contextual influence by comparing …": how it works)
    short = re.search(
        rf"(?<!\w){name}(?!\w)\s*\(\s*([a-z][\w-]{{1,9}})\s*\)", sentences[at].lower()
    )
    by_short = bool(short) and after.lower().startswith(f"{short[1]} ")
    if after and (_CONTINUES.match(after) or in_words or by_short) and not _RESULT.search(after):
        return [sentences[at], after]
    if before and _SETUP.match(before):
        return [sentences[at], before]  # what X is leads; the idea it rests on follows
    return [s for i, (score, _, s) in enumerate(ranked[:most])
            if i == 0 or (score >= 2.0 and not _RESULT.search(s))]  # fmt: skip


def _spelled_out(acronym: str, title: str) -> bool:
    """The title has words, one after another, whose initials make `acronym` ("RL":
    "Reinforcement Learning")."""
    letters = acronym.rstrip("s").lower()
    initials = "".join(w[0].lower() for w in re.findall(r"[A-Za-z][\w'-]*", title))
    return len(letters) >= 2 and letters in initials


def _uses_words(words: set[str], sentence: str) -> bool:
    """Every one of the (stemmed) words is in the sentence, in any form of it: the stemmer
    gives "overjustification" and "overjustify" different stems, but not different starts."""
    tokens = set(tokenize([sentence])[0])
    return all(any(t.startswith(w[: max(5, len(w) - 3)]) for t in tokens) for w in words)


_CONTINUES = re.compile(
    r"(?:it|this|these|each|specifically|concretely|in particular|to do (?:so|this)|the (?:suite|"
    r"framework|method|approach|model|algorithm|benchmark|leaderboard|agent|system|key idea|"
    r"idea|objective|loss|prior))\b",
    re.I,
)
_SETUP = re.compile(
    r"(?:in this (?:work|paper),? we (?:observe|note|argue|posit|hypothesi[sz]e)|our (?:work|"
    r"approach|method) (?:leverages|builds|rests|relies)|our (?:key |main |core )?(?:idea|insight|"
    r"observation|intuition) is|the key (?:idea|insight) is|we observe that)\b",
    re.I,
)
_RESULT = re.compile(
    r"\b(?:we (?:show|find|found|demonstrate|evaluate|validate)|our (?:results|experiments)|"
    r"results (?:show|suggest|indicate)|outperform\w*|empirically|experiments? (?:show|on|in))\b",
    re.I,
)


# What a thing is made of or how it was built, which a passing mention never says
_INSIDE = re.compile(r"\bhow (?:does|do|did|is|was|were)\b.*\b(?:work|built|trained|made)\b|"
                     r"\barchitecture\b|\btrain(?:ed|ing)\b|\brecipe\b|\binternals?\b", re.I)  # fmt: skip


class Definition(TextShape):
    name: ClassVar[str] = "definition"
    description: ClassVar[str] = "what something is or how it works ('what is X?', 'explain X')"
    prompt_template: ClassVar[ChatPromptTemplate] = DEFINITION_PROMPT

    def detect(self, question: str) -> Detected | None:
        return Detected() if defined_term(question) else None

    def not_the_subject(self, state: AnswerState) -> set[str]:
        """The question's words besides the term ("in a sentence or two", an acronym in
        brackets that restates it: "temporal representation alignment (TRA)")."""
        term = asked_term(state.standalone)
        if term is None:
            return set()
        main = re.sub(r"\([^)]*\)", " ", term)
        return set(tokenize([state.standalone])[0]) - set(tokenize([main])[0])

    def abstains(self, state: AnswerState, ctx: ShapeContext) -> bool:
        """A term that is a paper's title acronym ("TRA") is that paper, however unknown the
        letters are to the scope rule."""
        term = asked_term(state.standalone)
        if state.candidates and term and term == title_acronym(state.candidates[0].title):
            return False
        return super().abstains(state, ctx)

    def retrieve(self, state: AnswerState, ctx: ShapeContext) -> Retrieved:
        hits = ctx.search(state.search_text, k=state.k, filters=state.filters)
        hits, _ = named_first(state, hits, ctx)
        # The defining sentence may sit outside the passages search picked: the whole abstract,
        # of each source the answer looks for it in ("this trilemma thing": the paper that
        # says what the trilemma is came second, with the passage after the one that does).
        hits = [with_abstract(h, ctx) for h in hits[:DEFINING_SOURCES]] + hits[DEFINING_SOURCES:]
        term = asked_term(state.standalone)
        top = hits[:DEFINING_SOURCES]
        if term and titled_in(state.standalone, top) is None and only_mentioned(term, top):
            # "What is AlphaZero?", "How does GPT-4 Turbo's architecture work?": a thing one
            # paper only mentions (AssistanceZero extends AlphaZero; Gemini 1.5 compares itself
            # with GPT-4 Turbo). What it is: that mention, said to be one (dev21: it quoted the
            # mention as a definition). How it works inside: the portfolio does not say.
            name = names_in(term)[0]
            where = next((h for h in top
                          if name.lower() in " ".join(e.text for e in h.evidence).lower()), None)  # fmt: skip
            if where is not None and not _INSIDE.search(state.standalone):
                return Retrieved(hits=[where], candidates=hits, missing=[name])
            why = (f"The portfolio mentions {name} only in passing"
                   f"{f', in “{where.title}”' if where else ''}; no paper here is about it.")  # fmt: skip
            return Retrieved(hits=[], candidates=hits, missing=[], none_because=why)
        return Retrieved(hits=hits, candidates=hits)

    def extractive(self, state: AnswerState, sources: list[SourceBlock]) -> Iterator[str]:
        if not sources:
            return
        if state.missing:  # a thing the paper only mentions (`retrieve`): that mention
            name, block = state.missing[0], sources[0]
            said = [s for s in split_sentences(block.text) if name.lower() in s.lower()]
            yield (f"No paper here is about {name}; one mentions it in passing. "
                   f"{paper_label(block)}: {cite_sentence(readable((said or [block.text])[0]), block.number)}")  # fmt: skip
            return
        term = asked_term(state.standalone) or state.standalone
        aspect, block = asked_aspect(state.standalone), sources[0]
        every = split_sentences(block.text) if aspect else []
        if aspect and (said := [s for s in every if re.search(ASPECT_SENTENCE[aspect], s, re.I)]):
            # "what's the key insight behind X?": the sentence that gives it ("Our key insight
            # is that …"), from the paper on X, and the next one when it puts the insight to
            # use ("We use this fact to rewrite and augment existing suboptimal data, …")
            quoted = [said[0]]
            at = every.index(said[0])
            if at + 1 < len(every) and puts_to_use(block.text, said[0], every[at + 1]):
                quoted.append(every[at + 1])
            # … or the ones that list what it announces ("… can solve two challenges with
            # effective influence." "First, we show …" "Second, we show …")
            quoted += listed_after(block.text, said[0], MAX_SENTENCES)
            text = " ".join(cite_sentence(readable(s), block.number) for s in quoted)
            yield f"{paper_label(block)}: {text}"
            return
        # The source that defines the term; the top one (the paper that introduces it, or the
        # best match) when none says it in a sentence of its own.
        for block in sources[:DEFINING_SOURCES]:
            # "What is GRIF?": the name its title's initials make, said in the title's words
            spelled = (block.title.split(":")[0]
                       if term.strip(" ?") == title_acronym(block.title) else term)  # fmt: skip
            if sentences := defining_sentences(spelled, block):
                break
            # "trilemma in democratic deliberation": the term, without where it is from (a
            # word of its own, not "new in RLHF")
            head, _, where = spelled.partition(" in ")
            if (len(where.split()) >= 2 and re.fullmatch(r"[A-Za-z-]{6,}", head)
                    and (sentences := defining_sentences(head, block))):  # fmt: skip
                break
            if spelled != term and block is sources[0]:
                # … in no sentence of its own: what the paper contributes says what it is
                yield " ".join(contributions(block))
                return
        else:
            block = sources[0]
            words = set(tokenize([term])[0])
            # (an acronym the title spells out is its words too: "RL on hindsight
            # regenerations for dialogue agents", "… via Reinforcement Learning on …")
            spelled_out = {t for w in re.findall(r"\b[A-Z]{2,5}s?\b", term)
                           for t in tokenize([w])[0] if _spelled_out(w, block.title)}  # fmt: skip
            if words and words - spelled_out <= set(tokenize([block.title])[0]):
                # "hindsight regenerations for dialogue agents: what does that refer to?": the
                # paper's title names it, no sentence does: what the paper contributes
                yield " ".join(contributions(block))
                return
            # (by what it asks, not by the words of the title a follow-up names it by)
            sentences = [best_sentence(re.sub(r"“[^”]+”", " ", state.standalone), block)]
        # … with the sentences that list what it announces ("… two challenges." "First, …")
        sentences += [s for s in listed_after(block.text, sentences[-1], MAX_SENTENCES)
                      if s not in sentences]  # fmt: skip
        text = " ".join(cite_sentence(readable(s), block.number) for s in sentences)
        yield f"{paper_label(block)}: {text}"
