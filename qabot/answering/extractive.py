"""The extractive answerer: no LLM, only sentences copied from the sources, each cited.

It is the offline default and the brain of the mock chat model. It never writes a claim of its
own: every sentence it returns is a sentence of a source abstract (or the source's own title,
authors and year lines), followed by that source's `[n]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from qabot.answering.framing import ASKING, FUNCTION_WORDS, QUESTION_WORDS
from qabot.answering.prompts import MISSING_SIDE_TEXT, UNRESOLVED_SIDE_TEXT
from qabot.answering.sources import SourceBlock
from qabot.domain.links import code_link
from qabot.domain.records import date_order
from qabot.domain.text import readable
from qabot.index.lexical import tokenize
from qabot.retrieval.relevance import PAPER_REFERENCE, names_in, reference_words

# (not after "e.g.", "i.e.", "cf.", "vs.", "w.r.t.": "celebrities (e.g. "Barack Obama …")" is
# one sentence)
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bcf\.)(?<!\bvs\.)(?<!w\.r\.t\.)\s+(?=[A-Z0-9\"'(“])"
)
WHO = re.compile(
    # "Which reports is she an author on?" asks for her papers (a survey), not who wrote one;
    # "Is she an author on the Gemma 2 paper?" is this.
    r"^(?!(?:which|what)\b[^?]*\b(?:is|are|was|were) \w+ an? (?:co-?)?authors? (?:on|of)\b).*?"
    r"\b(who\b.*\b(wrote|write|author|authored|behind|made|make|built|created|developed|led|"
    r"leads|headed|ran|invented|coined|came up with|come up with)\b|"
    # … not "what do the authors recommend?": the authors as the subject of what is asked
    r"authors?\b(?!\s+(?:recommend|propose|suggest|argue|find|found|show|claim|say|conclude|use|"
    r"mean|think|believe|do|did|want|describe|introduce|present|study|test|evaluate|call|define|"
    r"view|see|regard|consider|feel|studied|address|approach|tackle|handle|deal|dealt|treat|frame|"
    r"attack|explore|investigat|model|cope|go about|went about|work|worked)\w*)|"
    r"written by|^who did (?:it|this|that|the (?:work|paper|study|research)|“[^”]+”)\s*\??$|"
    # "who else is on it?", "who's on that paper?": its author list
    r"\bwho(?:['’]s| is| was| are| were)?(?: else)?(?: is| was)? (?:on|behind) (?:it|this|that|them|"
    r"the (?:paper|study|report|work)|that (?:paper|study|report|one)|“[^”]+”)\s*\??$|"
    # "who worked on the chain of thought monitorability paper?" (not "who worked on X?",
    # a topic: whose papers are on it)
    r"\bwho (?:\w+ )?(?:worked on|contributed to|(?:was|were) (?:involved in|on)|took part in)\b"
    r"(?:[^?]*\b(?:paper|study|report|article|project)\b|\s+(?:it|this|that|them|“[^”]+”)\s*\??$|"
    # … or a thing named in three words or more ("who worked on the generalized acquisition
    # function for preference-based reward learning?": a title's words)
    r"\s+the (?!most\b|same\b|topic\b|area\b|field\b)(?:[\w'-]+\s+){2,}[\w'-]+\s*\??$))",
    re.I,
)
WHEN = re.compile(
    # ("how old is it?", not "how old were the participants?": their age)
    r"\b(when (was|were|did|is)|what year|which year|how old(?! (?:were|are) (?:the )?(?:participants|"
    r"users|people|subjects|volunteers|humans|children|kids|teachers|students|raters|annotators))|"
    r"how recent|(?:exact|publication|release|submission|publishing) date|what(?:'s|’s| is| was) "
    r"(?:its|the|their) date)\b"
    # … not "when is it fine?", "when does it work?": under what conditions
    r"(?!\s+(?:it|that|this|they|the \w+|“[^”]+”)\s+(?:fine|ok|okay|enough|true|false|safe|good|"
    r"bad|better|worse|possible|useful|helpful|needed|necessary|appropriate|robust|accurate|reliable|valid|"
    r"the case|a problem|an issue|harmful|dangerous|effective)\b)",
    re.I,
)
# "remind me of the title", "what was its title again?": the paper's name (it abstained)
TITLE_ASKED = re.compile(
    # (or a clause after a reference: "the first one you listed — what's its title again?")
    r"(?:^|[-:;—–]\s)\W*(?:(?:and|ok|so|sorry),?\s+)?(?:(?:can you |could you |pls |please )?remind me (?:of )?|"
    r"what(?:'s|’s| is| was) |(?:and )?)(?:the|its|it's|that paper's|the paper's|“[^”]+”(?:['’]s)?) "
    r"(?:full |exact )?(?:title|name)(?: again)?(?: of (?:it|that|that paper|the paper|“[^”]+”))?(?: again)?"
    r"\s*[?.!]*\s*$",
    re.I,
)
_CONTRIBUTION = re.compile(
    r"\bwe (propose|introduce|present|show|find|develop|study|formali[sz]e|argue|demonstrate)",
    re.I,
)
# Words that say what kind of answer is wanted, not what it is about.
_GENERIC = set(
    tokenize(
        [
            "paper papers work research study approach method group portfolio report reports "
            "publish published wrote author authors tell explain describe idea "
            "anyone someone thing done summarise summarize summary overview "
            "evolved evolve compare comparison differ difference earlier"
        ]
    )[0]
)
MAX_SENTENCES = 3
_LINK = re.compile(r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|org|io|ai|net)/\S*")
_ASKS_WHERE = re.compile(
    r"\b(?:where|code|link|url|github|website|download|available|access)\b", re.I
)
# The question asks what a described thing is called: "I remember an agent that uses diverse
# language to predict the future, what was it?", "… what's it called?", "what was the name of
# the agent that …?"
ASKS_NAME = re.compile(
    r"\bwhat(?:'s|’s| is| was| were) (?:it|that|this|they|its name|their name|the name)(?: called)?\s*\??$|"
    r"\bwhat(?:'s|’s| is| was| were) (?:it|that|this|they|(?:the|their|its) [\w-]+(?: [\w-]+)?) called\b|"
    r"\b(?:what(?:'s|’s| is| was)|do you know|tell me) the name of\b|\bwhat was (?:it|that) (?:again|now)\b",
    re.I,
)
# A sentence that gives a thing its name: "We instantiate this in Dynalang, an agent …", "we
# introduce AssistanceZero", "a method we call CoS", "… , called SiLVR, …"
_NAMING = re.compile(
    r"\b(?i:we (?:introduce|present|propose|develop|release|build|instantiate (?:this|it|these ideas) in)|"
    r"introducing|(?:we |which we )(?:call|name|dub|term)|called|named|dubbed|termed)\s+"
    r"(?:(?i:a|an|the|our|this|it|them)\s+)?(?:[a-z][\w-]*,?\s+){0,3}?"
    r"[A-Z][\w-]*(?=[\s,.:;()]|$)",
)
SURVEY_PAGE = 10  # entries a survey shows in full; the rest are listed by title
THEMES_FROM = 6  # more entries than this are grouped under theme headings


def split_sentences(text: str) -> list[str]:
    parts = (s.strip() for chunk in text.split(" … ") for s in _SENTENCE_END.split(chunk))
    return [s for s in parts if len(s) > 20 and not _CUT_AT_ABBREVIATION.search(s)]


# A passage the chunker cut after an abbreviation's full stop ("Modeling the human as
# Boltzmann-rational w.r.t.", "… about celebrities (e.g."): half a sentence, not one to quote
_CUT_AT_ABBREVIATION = re.compile(
    r"(?:\b(?:w\.r\.t|e\.g|i\.e|cf|vs|et al|approx|resp)\.?|\(e\.g\.?)$", re.I
)


_CODE_WORDS = set(tokenize(["code github repository implementation"])[0])
# A sentence that releases something ("Our code is publicly available at …"): where code is
RELEASED = re.compile(r"\b(?:available|released?|open[- ]sourced?|publicly)\b", re.I)
# "… and is the code online?", "Which dataset …, and how many users …?": a second question
# asked in the same breath
AND_ASKS = re.compile(
    r",?\s+and\s+(?=(?:how|which|what|who|when|where|did|does|do|is|are|was|were)\b)", re.I
)


def _content(text: str) -> set[str]:
    return set(tokenize([text])[0]) - _GENERIC


# Everyday words a question uses for what abstracts say in their own words ("did they test it
# with real people?": "a user study with real humans").
_EVERYDAY: dict[str, set[str]] = {
    tokenize([word])[0][0]: set(tokenize([academic])[0])
    for word, academic in (
        ("people", "humans human participants users person"),
        ("person", "humans human participants users people"),
        # "did they test it on real patients?": "we show that our approach … outperforms …
        # in a neurologically realistic model of an injured brain" (dev8 and dev9 alike)
        ("test", "evaluate evaluation experiments study show outperforms simulated"),
        ("try", "evaluate experiments"),
        # "how did they evaluate it?": "In experiments with the MovieLens dataset …", "In a
        # study with 19 Letterboxd users …" (dev14)
        ("evaluate", "experiments experiment study evaluation benchmark"),
        ("results", "find show outperforms"),
        ("achieve", "show outperforms improves find"),
        # "did it beat the baselines?": "demonstrating superior performance over both RL
        # fine-tuning and prompting methods" (dev20)
        ("beat", "outperforms outperform superior improves improvement better"),
        # "what do they propose?": "we then outline a comprehensive plan …"
        ("propose", "outline introduce recommend advocate plan"),
        ("recommend", "propose outline advocate urge"),
        ("suggest", "propose recommend outline argue"),
    )
}
# A title quoted in the question (a follow-up's reference, rewritten), or a paper described
# ("the minecraft building assistant paper", PAPER_REFERENCE): it picked the paper.
_QUOTED_TITLE = re.compile(r"“[^”]+”")


def wanted_words(question: str) -> set[str]:
    """The question's content words and what an abstract may write for the everyday ones."""
    words = _content(question)
    return words | {f for w in words for f in _EVERYDAY.get(w, ())}


def word_pairs(text: str) -> set[tuple[str, str]]:
    """Adjacent pairs of (stemmed) words, neither a function word: "human study"."""
    words = [tokenize([w])[0] for w in re.findall(r"[\w'-]+", text.lower())]
    stems = [w[0] if len(w) == 1 and w[0] not in FUNCTION_WORDS else None for w in words]
    return {(a, b) for a, b in zip(stems, stems[1:], strict=False) if a and b}


def cite_sentence(sentence: str, number: int) -> str:
    sentence = sentence.rstrip()
    if sentence[-1:] in ".!?":
        # (a stop set apart, after a link: "… github.io/grif/ .")
        return f"{sentence[:-1].rstrip()} [{number}]{sentence[-1]}"
    return f"{sentence} [{number}]."


def paper_label(block: SourceBlock) -> str:
    year = f" ({block.year})" if block.year else ""
    return f"“{block.title}”{year}"


# "tell me about the paper on automatically auditing LLMs": the one paper on it, whole
_THE_PAPER_ON = re.compile(
    r"^\W*(?:(?:can you |could you |please )?(?:tell me (?:more )?about|describe|summari[sz]e|"
    r"explain)|what(?:'s|’s| is)) the (?:paper|study|article) (?:on|about) \S.{3,}$",
    re.I,
)


def names_a_paper(question: str) -> bool:
    """The question names one paper: by its quoted title or as "the X paper/study" (not "the
    lab's work", "the same study": whose, or which, is no name), or asks about "the paper on
    X"."""
    if _QUOTED_TITLE.search(question) or _THE_PAPER_ON.match(question):
        return True
    return any(
        set(reference_words(m).lower().split()) - _NO_NAME
        for m in PAPER_REFERENCE.finditer(question)
    )


_NO_NAME = {"lab's", "lab’s", "group's", "group’s", "team's", "team’s", "her", "his", "their",
            "its", "same", "other", "whole", "entire", "above", "previous", "last", "first",
            "second", "third", "latest", "newest", "oldest", "earliest", "recent", "main"}  # fmt: skip


def _without_paper(question: str) -> str:
    """The question without the paper it names (its quoted title, "the X paper")."""
    return PAPER_REFERENCE.sub(" ", _QUOTED_TITLE.sub(" ", question))


def _asked_of_paper(question: str) -> set[str]:
    """The content words the question asks besides naming a paper and how it asks."""
    return _content(_without_paper(question)) - FUNCTION_WORDS - QUESTION_WORDS


# "summarize it in one line", "tl;dr?": the gist, in one sentence
ONE_LINE = re.compile(
    r"\s*\b(?:in (?:one|a|1|a single) (?:line|sentence)|in a nutshell|one[- ]liner|tl;?dr)\b", re.I
)


def asks_gist(question: str) -> bool:
    """The question names a paper (“Title”, "the imagined conversations dialogue paper") and
    asks nothing else of it ("what's … about?", "tell me more about …"): what it contributes."""
    question = ONE_LINE.sub(" ", question)
    if _THE_PAPER_ON.match(question):
        return True
    # … not what it found ("what did the AssistanceZero human study find?": its results)
    if re.search(
        r"\b(?:find|found|show|showed|shown|conclude|concluded|results?)\b",
        _without_paper(question),
        re.I,
    ):
        return False
    return not _asked_of_paper(question) and bool(
        _QUOTED_TITLE.search(question) or PAPER_REFERENCE.search(question)
    )


def _dated(block: SourceBlock) -> str:
    """When a paper came out, as precisely as its metadata says ("is dated Aug 9, 2024")."""
    if block.date and block.date != str(block.year):
        return f"is dated {block.date}"
    return f"dates from {block.year}"


def extractive_sentences(question: str, sources: list[SourceBlock], said: str = "") -> list[str]:
    """The cited sentences of the answer, in order. Empty when there are no sources. `said`:
    the last answer's text, whose sentences a follow-up about the paper does not repeat."""
    if not sources:
        return []
    top = sources[0]
    if TITLE_ASKED.search(question):
        return [cite_sentence(f"It is {paper_label(top)}.", top.number)]
    if WHO.search(question) or (WHEN.search(question) and top.year):
        said = (f"{paper_label(top)} is by {top.authors}." if WHO.search(question)
                else f"{paper_label(top)} {_dated(top)}.")  # fmt: skip
        # "what year was it and is the code online somewhere?": the other question too, from
        # the sentence that shares its words ("Code is available at …"), when one does
        also = []
        for part in AND_ASKS.split(question)[1:]:
            wanted = _content(part) - FUNCTION_WORDS - QUESTION_WORDS - ASKING
            if WHO.search(part) or WHEN.search(part) or not wanted:
                continue
            # (code is where a link or a release is: "multi-turn code assistance" is a subject)
            shares = [(len(wanted & _content(s)), -i, s) for i, s in enumerate(split_sentences(top.text))
                      if not _CODE_WORDS & wanted or _LINK.search(s) or RELEASED.search(s)]  # fmt: skip
            best = max(shares, default=(0, 0, ""))
            if best[0]:
                also.append(cite_sentence(readable(best[2]), top.number))
            elif _CODE_WORDS & wanted:  # "… and is the code public?" of a paper that says not
                also.append(
                    cite_sentence("Its abstract does not say where its code is.", top.number)
                )
        return [cite_sentence(said, top.number), *also[:1]]

    if _EXAMPLE_ASKED.search(question):
        # "give me an example of what it uncovered": a result that gives examples ("Our
        # approach automatically uncovers derogatory completions about celebrities (e.g. …)"),
        # not "For example, we might aim to find …", an example of the problem
        found = [s for s in split_sentences(top.text)
                 if _UNCOVERS.search(s) and _EXAMPLES.search(s) and not _HYPOTHETICAL.search(s)]  # fmt: skip
        if found:
            # … best a result said so ("we empirically show that adversaries can create …",
            # "Our approach automatically uncovers … (e.g. …)"), not a method's parts listed
            best = max(found, key=lambda s: (bool(_SAYS_EXAMPLES.search(s))
                                             + bool(_A_RESULT.search(s)), -found.index(s)))  # fmt: skip
            return [f"{paper_label(top)}: {cite_sentence(readable(best), top.number)}"]
    if _KIND_ASKED.search(question):
        # "what kind of paper is it?": the sentence that says ("In this short consensus paper,
        # we describe …"), else what it contributes
        kind = [s for s in split_sentences(top.text) if _SAYS_KIND.search(s)]
        if kind:
            return [f"{paper_label(top)}: {cite_sentence(readable(kind[0]), top.number)}"]
        return contributions(top, said)
    if asks_gist(question):
        # "tell me more about “Title”": nothing to match but the paper, so what it contributes.
        # (in one line: its first, even when the last answer quoted it, as a list's entry may)
        if ONE_LINE.search(question):
            return contributions(top)[:1]
        return contributions(top, said)
    naming = naming_sentence(top) if ASKS_NAME.search(question) else None
    if naming is not None:
        # "… what was it?": the sentence that names it first, then the one that matches the
        # description the question gave (when that is another)
        matching = best_sentence(ASKS_NAME.sub("", question), top)
        chosen = [naming, *([matching] if matching != naming else [])]
        return [("" if i else f"{paper_label(top)}: ") + cite_sentence(readable(s), top.number)
                for i, s in enumerate(chosen)]  # fmt: skip
    # A quoted title picked the paper already; the rest of the question is what is asked.
    asked = _QUOTED_TITLE.sub(" ", question) if _asked_of_paper(question) else question
    wanted = _content(asked)
    # In the top paper's sentences, neither how it asks nor the names its title uses
    # ("B-Pref", "Gemma Scope") is a word to share: every sentence of that paper is about it
    # ("GUI" in "label batches of comparisons in a GUI" is asked, though). Counted, "what"
    # and "do" held every sentence to a third of {what, do, recommend}, below the share a
    # second one must reach. Another paper's sentence is held
    # to the whole question ("Evaluating Frontier Models …" is not what "What did the Gemma
    # Scope paper evaluate?" asks, nor "… over an SFT baseline" what Q-SFT's results show).
    titled = set(tokenize([" ".join(names_in(asked))])[0]) & set(tokenize([top.title])[0])
    own = wanted - ASKING - titled or wanted - ASKING or wanted
    wider = wanted_words(asked)
    phrases = word_pairs(asked)
    # A link's words are no content ("github.com/…/effective-horizon", "google/gemma-scope"),
    # unless the question asks where something is
    links = not _ASKS_WHERE.search(asked)
    scored: list[tuple[float, float, int, str, SourceBlock]] = []
    for rank, block in enumerate(sources):
        for position, sentence in enumerate(split_sentences(block.text)):
            found = wider & _content(_LINK.sub(" ", sentence) if links else sentence)
            # An everyday word counts once, however many of its academic forms are there.
            words = own if block is top else wanted
            hits = sum(1 for w in words if w in found or _EVERYDAY.get(w, set()) & found)
            overlap = hits / len(words) if words else 0.0
            cue = 0.1 if _CONTRIBUTION.search(sentence) else 0.0
            # The question's words together as it puts them ("a human study") say more than
            # each apart ("human feedback" … "study")
            cue += 0.3 if phrases & word_pairs(sentence) else 0.0
            # Earlier sources were ranked more relevant; the prior breaks ties toward them.
            scored.append((overlap + cue + 0.2 / (rank + 1), overlap, position, sentence, block))
    first = [s for s in scored if s[4] is top]
    if not first:
        return [
            cite_sentence(f"{paper_label(top)} is the closest match in the portfolio.", top.number)
        ]
    best = max(first, key=lambda s: (s[0], -s[2]))
    chosen = [best]
    for item in sorted(scored, key=lambda s: -s[0]):
        if len(chosen) >= MAX_SENTENCES:
            break
        threshold = 0.34 if item[4] is top else 0.75
        if item is not best and item[1] >= threshold and item[3] not in {c[3] for c in chosen}:
            chosen.append(item)
    # A sentence that sets up a turn ("it may seem promising to …") is answered by the next
    # one ("Instead, we found … they backfire"): quoted alone it says the opposite.
    after = [s for s in first if s[2] == best[2] + 1 and _TURN.match(s[3]) and _SETUP.search(best[3])
             and next_in(top.text, best[3], s[3])]  # fmt: skip
    if after and after[0][3] not in {c[3] for c in chosen}:
        chosen.append(after[0])
    # "what did they find about self-play agents?": "We evaluate the performance of agents
    # trained via self-play …" says what was tested; the next sentence says what was found.
    if _FINDING_ASKED.search(question):
        tested = [c for c in chosen if c[4] is top and _EVALUATES.search(c[3])]
        # … and asked only that ("what did it find?"): what the paper tested first, whose
        # next sentence is its main finding ("These agents perform very well when paired with
        # themselves, but … significantly worse …"), not only a sentence with "find" in it
        # (a result, said in comparison: not "It consists of 155 deterministic MDPs …")
        if not tested and own <= _FINDING_STEMS:
            tested = [c for c in first if _EVALUATES.search(c[3])
                      and any(s[2] == c[2] + 1 and _COMPARATIVE.search(s[3]) for s in first)][:1]  # fmt: skip
        found = [s for c in tested for s in first if s[2] == c[2] + 1
                 and not _EVALUATES.search(s[3]) and next_in(top.text, c[3], s[3])]  # fmt: skip
        chosen += [s for s in found[:1] if s[3] not in {c[3] for c in chosen}]
        # "what did they find about optimizing LLMs for thumbs up?": the sentence sharing its
        # words sets the question up ("there is increasing interest in …"); the paper's
        # finding ("we find that: 1) … manipulation and deception are learned reliably")
        # answers it: the top paper's first finding (an abstract leads with its main one),
        # when no sentence quoted is one and there is room for it.
        # (asked what was found, not what it learns: "how might a controller learn …?")
        quoted = {c[3] for c in chosen}
        if (len(chosen) < MAX_SENTENCES and _FOUND_ASKED.search(question)
                and not any(c[4] is top and _FOUND.search(c[3]) for c in chosen)):  # fmt: skip
            findings = sorted((s for s in first if _FOUND.search(s[3]) and s[3] not in quoted),
                              key=lambda s: s[2])  # fmt: skip
            chosen += findings[:1]
            # … and the next one when it turns it ("We do show that … arbitrarily large
            # errors …" "However, … we are also able to identify … bounded linearly …"): quoted
            # alone, the first half says the opposite of the paper's finding
            turned = [s for f in findings[:1] for s in first if s[2] == f[2] + 1
                      and _TURN.match(s[3]) and next_in(top.text, f[3], s[3])]  # fmt: skip
            chosen += turned[:1] if len(chosen) <= MAX_SENTENCES else []
    # "we outline two lines of defense." is answered by the sentences that list them
    # (each once, and where it follows the announcement: chunks may overlap)
    for said in listed_after(top.text, best[3], MAX_SENTENCES + 1 - len(chosen)):
        after = [s for s in first if s[3] == said and s[2] > best[2]]
        if after and said not in {c[3] for c in chosen}:
            chosen.append(after[0])
    # Keep each source's sentences together and in the abstract's own order.
    chosen.sort(key=lambda s: (s[4].number, s[2]))
    out: list[str] = []
    seen: set[int] = set()
    for _, _, _, sentence, block in chosen:
        prefix = "" if block.number in seen else f"{paper_label(block)}: "
        seen.add(block.number)
        out.append(prefix + cite_sentence(readable(sentence), block.number))
    return out


# A sentence that sets one thing beside another ("strongly correlates with PPO and DQN",
# "extends AlphaZero", "192% over an SFT baseline", "outperforms …")
_SETS_BESIDE = re.compile(
    r"\bcompar\w*|\bthan\b|\boutperform\w*|\bcorrelat\w*|\bextends?\b|\bover\b|\bversus\b|"
    r"\bvs\.?\s|\brelative to\b|\bbaselines?\b|\bunlike\b|\binstead of\b|\bbeyond\b",
    re.I,
)


def sentences_naming(side: str, text: str) -> list[str]:
    """The sentences of `text` that name `side`: as written ("traditional controls"), or by
    its longest name when that is one (an acronym, a version: "GPT-4 Turbo"; not "Diffusion"
    of "Stable Diffusion XL")."""
    whole = re.sub(r"^(?:the|a|an)\s+", "", side.strip(), flags=re.I)
    names = [whole, *[n for n in names_in(side)[:1] if re.search(r".[A-Z0-9]", n)]]
    patterns = [rf"(?<![\w-]){re.escape(n)}(?![\w-])" for n in names]
    return [s for s in split_sentences(text) if any(re.search(p, s, re.I) for p in patterns)]


def compared_within(side: str, other: str, block: SourceBlock) -> str | None:
    """A comparison whose one side no paper is about, though the other side's paper names it
    ("how does SQIRL compare to PPO?": the SQIRL paper "strongly correlates with PPO"): that
    paper's sentences naming it, those setting the two side by side first; None when none
    names it."""
    naming = sentences_naming(side, block.text)
    if not naming:
        return None
    naming.sort(key=lambda s: not _SETS_BESIDE.search(s))  # stable: the abstract's order
    text = " ".join(cite_sentence(readable(s), block.number) for s in naming[:2])
    return (f"The portfolio has no paper about {side}. The paper on {other} sets the two side "
            f"by side:\n\n{paper_label(block)}: {text}")  # fmt: skip


def naming_sentence(block: SourceBlock) -> str | None:
    """The first sentence of the abstract that names what the paper introduces ("We
    instantiate this in Dynalang, …"), if one does."""
    return next((s for s in split_sentences(block.text) if _NAMING.search(s)), None)


def next_in(text: str, sentence: str, following: str) -> bool:
    """`following` comes right after `sentence` in `text`: the next sentence of the abstract,
    not of another evidence chunk (chunks are joined by " … " in ranked order)."""
    return re.search(rf"{re.escape(sentence)}\s+{re.escape(following)}", text) is not None


_TURN = re.compile(r"(?:instead|however|but|yet|in contrast|surprisingly)\b", re.I)
# … what such a sentence is: an expectation the next one turns ("it may seem promising to …")
_SETUP = re.compile(
    r"\b(?:may|might|would) (?:seem|appear|expect)|\bseems? (?:promising|natural|reasonable|like)\b|"
    r"\b(?:one|we) (?:might|would|may) (?:expect|hope|think)|\bintuitively\b|\bit is tempting\b",
    re.I,
)


# (a count near its end; the list must then open with "First" right after it)
_ANNOUNCES = re.compile(
    r"\b(?:the following|two|three|four|five|several)\s+(?:[\w-]+\s+){0,3}[\w-]+\s*[.:]$", re.I
)
# The question asks what a paper found, and a sentence says what it tested (its finding is
# what follows)
_FINDING_ASKED = re.compile(r"\b(?:find|found|findings?|show|showed|shown|results?|conclude[ds]?|"
                            r"conclusions?|learn(?:ed|t)?|discover(?:ed|y)?)\b", re.I)  # fmt: skip
_COMPARATIVE = re.compile(
    r"\b(?:better|worse|outperform\w*|significantly|than|fail\w*|succeed\w*|improv\w*)\b", re.I
)
_FINDING_STEMS = frozenset(
    tokenize(
        [
            "find found findings show showed shown result results conclude concluded "
            "conclusion learn learned discover discovered"
        ]
    )[0]
)
_FOUND_ASKED = re.compile(r"\b(?:find|found|findings?|results?|conclude[ds]?|conclusions?|"
                          r"discover(?:ed|y)?)\b", re.I)  # fmt: skip
# A sentence saying what a paper found ("we find that …", "our results show …")
_FOUND = re.compile(r"\bwe (?:\w+ )?(?:find|found|show|showed|demonstrate|observe)\b|\b(?:results?|"
                    r"experiments|findings) (?:\w+ )?(?:show|suggest|indicate|reveal|demonstrate)\b",
                    re.I)  # fmt: skip
_EVALUATES = re.compile(r"\bwe (?:evaluate|test|compare|measure|assess|examine|benchmark)\b", re.I)
_ENUMERATES = re.compile(r"(?:first|second|third|fourth|the first|the second)\b", re.I)


# "give me an example of what it found", "what kinds of failures did it uncover?" …
_EXAMPLE_ASKED = re.compile(
    # "give me a concrete example" (of the paper the follow-up is about)
    r"^\s*(?:ok,? |so,? |and,? )?(?:give me |show me |can you (?:give|show) (?:me )?|any |got )?(?:an? |some |one )?"
    r"(?:concrete |specific |real )?examples?(?: (?:of|from|in) (?:it|this|that|“[^”]+”))?"
    r"(?:\s*\(in “[^”]+”\))?\s*[?.!]*\s*$|"
    r"\bexamples?\b[^?]*\b(?:f[oi]u?nd|uncover\w*|discover\w*|reveal\w*|produc\w*|generat\w*|"
    r"show\w*|elicit\w*)|\bwhat (?:kinds? of |sorts? of |types? of )?[\w-]+(?: [\w-]+)? did (?:it|they|“[^”]+”|"
    r"the (?:method|approach|paper|authors)) (?:uncover|find|discover|reveal|produce|elicit|get|obtain|generate|create)\b",
    re.I,
)
# … and a sentence that reports what was found, with examples
_UNCOVERS = re.compile(
    r"\b(?:uncover|find|found|discover|reveal|produc|generat|elicit|creat)\w*\b", re.I
)
_EXAMPLES = re.compile(r"\be\.g\.|\bsuch as\b|\bincluding\b|\([^)]{8,}\)|, and\b", re.I)
_SAYS_EXAMPLES = re.compile(r"\be\.g\.|\bsuch as\b|\bincluding\b", re.I)
_A_RESULT = re.compile(
    r"\b(?:we|our (?:approach|method|work|results?))\s+(?:\w+\s+){0,2}?(?:show|find|found|uncover|"
    r"reveal|demonstrate|discover)\w*\b",
    re.I,
)
_HYPOTHETICAL = re.compile(r"\b(?:might|could|would|may)\b|^for example\b", re.I)


# "what kind of paper is it?", and a sentence that says ("In this short consensus paper", "This
# position paper argues", "we survey …")
_KIND_ASKED = re.compile(
    r"\bwhat (?:kind|type|sort) of (?:an? )?(?:paper|work|study|article|publication|report)\b", re.I
)
_SAYS_KIND = re.compile(
    r"\bthis (?:[\w-]+ ){1,3}(?:paper|report|article|study)\b|\bwe (?:\(\d\) )?(?:survey|review)\b|"
    r"\b(?:position|survey|review|consensus|perspective|technical) (?:paper|report)\b",
    re.I,
)


# A sentence that opens by pointing back at the one before it
_LEANS_BACK = re.compile(
    r"(?:when|if|since|because|as|given|under) (?:this|these|that|those|so)\b|"
    r"(?:this|these|such|it)\s+(?!(?:work|paper|study|article|report|thesis|chapter|abstract)\b)\w+",
    re.I,
)
_OURS = re.compile(
    r"\bour (?:[\w-]+ ){0,2}(?:method|approach|algorithm|model|framework|agent)\b", re.I
)


# … and what else says what a paper does ("In this work, we explore a new method …", "Our key
# insight is …", "by introducing a new dataset, BRIDGE"): asked what a paper is about, a
# background sentence that opens its abstract is no answer (tests/data/blind/dev8.jsonl).
_DEFINES = re.compile(r"\bwe (?:formally |first )?define\b", re.I)
_KEY_IDEA = re.compile(r"\bour (?:key|main|central|core) (?:insight|idea)\b", re.I)
_GIST = re.compile(
    r"\bin this (?:work|paper),? we\b|\bour (?:(?:key|main|central|core) )?(?:insight|idea|contribution)s?\b|"
    r"\bwe (?:explore|generalize|generalise|leverage)\b|\bby introducing\b",
    re.I,
)


# A sentence that puts the one before to use ("We use this fact to …", "Building on this, …").
APPLIES = re.compile(
    r"(?:we (?:use|leverage|exploit|build on|apply) (?:this|these|that)\b|(?:based|building) on "
    r"(?:this|these)\b|to this end\b|this (?:motivates|suggests|allows|enables|lets)\b)",
    re.I,
)


def listed_after(text: str, sentence: str, most: int) -> list[str]:
    """The sentences that list what `sentence` announces ("we outline two lines of defense.",
    "we demonstrate that offline RL can solve two challenges …": "First, …", "Second, …"):
    those that follow it in `text` one after another, the first opening with "first", up to
    `most`; none when it announces nothing."""
    if not _ANNOUNCES.search(sentence):
        return []
    sentences = split_sentences(text)
    at = sentences.index(sentence) if sentence in sentences else len(sentences)
    out: list[str] = []
    previous = sentence
    for item in sentences[at + 1 :]:
        if len(out) >= most or not _ENUMERATES.match(item):
            break
        if (previous == sentence and not re.match(r"(?:the )?first\b", item, re.I)) or not next_in(
            text, previous, item
        ):
            break
        out.append(item)
        previous = item
    return out


def puts_to_use(text: str, sentence: str, following: str) -> bool:
    """`following` comes right after `sentence` in `text` and puts it to use ("Our key insight
    is …" then "We use this fact to …")."""
    return bool(APPLIES.match(following)) and next_in(text, sentence, following)


def contributions(block: SourceBlock, said: str = "") -> list[str]:
    """A paper in a few sentences: those that say what it contributes ("we propose …", "our
    method …"), in the abstract's order; its opening ones when none does. Sentences the last
    answer quoted (`said`) are left out, so "more?" says more."""
    shown = readable_said(said)
    sentences = [
        s for s in split_sentences(block.text) if readable(s) not in shown
    ] or split_sentences(block.text)
    # (… and what it defines: "We formally define two failure cases: deceptive inflation and
    # overjustification", what dev20 asked "When Your AIs Deceive You" to be about. Not a
    # `_CONTRIBUTION` verb: that pattern also cues every survey entry's sentence, and with
    # "define" in it 8 of holdout2's answers and dozens of the dev sets' changed)
    saying = [s for s in sentences
              if _CONTRIBUTION.search(s) or _OURS.search(s) or _GIST.search(s) or _DEFINES.search(s)]  # fmt: skip
    # … that read on their own: not "When this is true, we find …", "This can explain …"
    # (… unless it states the key idea: "This motivates our key insight: when a robot is …")
    saying = [s for s in saying if not _LEANS_BACK.match(s) or _KEY_IDEA.search(s)] or saying
    if len(saying) < 2:  # then the sentences that follow its first contribution, in order
        start = sentences.index(saying[0]) if saying else 0
        saying = sentences[start : start + 2] if len(sentences) > start + 1 else sentences
    # … with the sentence that puts a key insight to use ("We use this fact to rewrite …")
    applied = [s for prev, s in zip(sentences, sentences[1:], strict=False)
               if prev in saying and _GIST.search(prev) and puts_to_use(block.text, prev, s)]  # fmt: skip
    saying = [s for s in sentences if s in saying or s in applied]
    chosen = saying[:MAX_SENTENCES]
    return [
        ("" if i else f"{paper_label(block)}: ") + cite_sentence(readable(s), block.number)
        for i, s in enumerate(chosen)
    ]


def contribution_sentence(text: str) -> str | None:
    """The first sentence of `text` that says what the paper contributes ("we introduce …")."""
    return next((s for s in split_sentences(text) if _CONTRIBUTION.search(s)), None)


def readable_said(said: str) -> str:
    """The last answer's text without its citation markers, to look quoted sentences up in."""
    return re.sub(r"\s*\[\d+\]", "", said)


def extractive_answer(question: str, sources: list[SourceBlock]) -> str:
    return " ".join(extractive_sentences(question, sources))


def stream_extractive(question: str, sources: list[SourceBlock], said: str = "") -> Iterator[str]:
    """Yield the answer a sentence at a time, so interfaces can show progress."""
    for i, sentence in enumerate(extractive_sentences(question, sources, said)):
        yield (" " if i else "") + sentence


# -- surveys and comparisons ---------------------------------------------------------------


def best_sentence(question: str, block: SourceBlock) -> str:
    """The sentence of a source that best says what the paper contributes on the question's
    topic: most of the question's content words, a contribution cue ("we propose ...") as a
    tie-breaker, and the opening sentence (usually background) only when nothing beats it."""
    return best_sentences(question, block, 1)[0]


def best_sentences(question: str, block: SourceBlock, n: int) -> list[str]:
    """The `n` sentences `best_sentence` ranks first, in the abstract's order."""
    wanted = _content(question)
    sentences = split_sentences(block.text)
    if not sentences:
        return [f"{paper_label(block)} is one of the matching papers."]

    def score(item: tuple[int, str]) -> tuple[float, int]:
        position, sentence = item
        # (a link's words are no content: "Our code and data are available at
        # https://github.com/…/effective-horizon" says nothing of the effective horizon)
        overlap = len(wanted & _content(_LINK.sub(" ", sentence))) / len(wanted) if wanted else 0.0
        cue = 0.25 if _CONTRIBUTION.search(sentence) else 0.0
        opening = -0.15 if position == 0 and len(sentences) > 1 else 0.0
        return overlap + cue + opening, -position

    ranked = sorted(enumerate(sentences), key=score, reverse=True)[:n]
    return [sentence for _, sentence in sorted(ranked)]


def _entry(question: str, block: SourceBlock, links: bool = False, sentences: int = 1) -> str:
    said = " ".join(cite_sentence(readable(s), block.number)
                    for s in best_sentences(question, block, sentences))  # fmt: skip
    entry = f"- {paper_label(block)}: {said}"
    # "papers with code on reward hacking": where the code is, from the abstract's own link
    if links and (code := code_link(m.group(0).rstrip(".,;)") for m in _LINK.finditer(block.text))):
        entry += f" Code: {code}"
    return entry


def survey_lines(
    question: str,
    sources: list[SourceBlock],
    *,
    chronological: bool = False,
    newest_first: bool = False,
    just_one: bool = False,
    themes: Mapping[str, str] | None = None,
    links: bool = False,
) -> list[str]:
    """One cited entry per source: a count line, then entries (under theme headings when
    there are many), best first or in date order (oldest first, or with `newest_first` the
    newest); past `SURVEY_PAGE`, titles only. With `links`, each entry says where its code
    is."""
    if not sources:
        return []
    ordered = (
        sorted(sources, key=lambda b: (date_order(b.date, b.year), b.number))
        if chronological
        else sources
    )
    if chronological and newest_first:
        # (papers of one date stay best first; undated ones stay last)
        ordered = sorted(
            ordered, key=lambda b: (b.date is None and b.year is None,
                                    [-part for part in date_order(b.date, b.year)])
        )  # fmt: skip
    n = len(ordered)
    if just_one and chronological and n > 1:
        # "her most recent paper on X": that one, said to be the newest of the papers on X
        which = "most recent" if newest_first else "earliest"
        head = f"Of the {n} papers in the portfolio on this, the {which} is:"
        return [head, "", _entry(question, ordered[0], links, sentences=2)]
    order = (
        (("newest" if newest_first else "oldest") + " first")
        if chronological
        else "most relevant first"
    )
    head = (
        "1 paper in the portfolio matches this question:"
        if n == 1
        else (f"{n} papers in the portfolio match this question, {order}:")
    )
    shown, rest = ordered[:SURVEY_PAGE], ordered[SURVEY_PAGE:]
    if rest:  # the page shows the best ones; in year order, the best ones kept in year order
        best = {b.number for b in sorted(sources, key=lambda b: b.number)[:SURVEY_PAGE]}
        shown = [b for b in ordered if b.number in best]
        rest = [b for b in ordered if b.number not in best]
    lines = [head, ""]
    groups: dict[str, list[SourceBlock]] = {}
    for block in shown:
        # Themes would break the year order that shows how the work evolved.
        grouped = len(shown) > THEMES_FROM and not chronological
        label = (themes or {}).get(block.paper_id, "") if grouped else ""
        groups.setdefault(label, []).append(block)
    for label, blocks in groups.items():
        if label:
            lines += ["", f"### {label[:1].upper()}{label[1:]}"]
        # (the one paper an overview finds says a little more: two sentences, not one)
        lines += [_entry(question, b, links, sentences=2 if n == 1 else 1) for b in blocks]
    if rest:
        lines += [
            "",
            f"{len(rest)} more {'paper' if len(rest) == 1 else 'papers'} matched less closely:",
        ]
        lines += [f"- {cite_sentence(paper_label(b), b.number)}" for b in rest]
    return lines


# A side that only points back at a paper: "the earlier one", "the other paper"
_REFERENCE_SIDE = re.compile(
    r"(?:the\s+)?(?:earlier|earliest|older|oldest|newer|newest|later|latest|first|second|third|"
    r"last|previous|other|same|former|latter)\s+(?:one|paper|work)",
    re.I,
)


def compare_lines(
    question: str,
    sources: list[SourceBlock],
    missing: list[str] | None = None,
    sides: Sequence[tuple[str, Sequence[str]]] = (),
) -> list[str]:
    """Each side under its own heading, its papers with their most relevant sentence, each
    cited; then one line of contrast from the metadata; a side the portfolio has nothing on is
    said to be missing. Without `sides`, the papers in a single list."""
    lines = [
        UNRESOLVED_SIDE_TEXT.format(side=re.sub(r"^(?!the\b)", "the ", side, flags=re.I))
        if _REFERENCE_SIDE.fullmatch(side.strip())
        else MISSING_SIDE_TEXT.format(side=side)
        for side in missing or []
    ]
    lines += [""] if lines else []
    by_id = {b.paper_id: b for b in sources}
    groups = [(side, [by_id[p] for p in ids if p in by_id]) for side, ids in sides]
    groups = [(side, blocks) for side, blocks in groups if blocks]
    if not groups:
        return [*lines, *(_entry(question, b) for b in sources)]
    for side, blocks in groups:
        head = side.strip("“”")  # a title the question quoted is the heading without its quotes
        lines += [f"**{head[:1].upper()}{head[1:]}**", *(_side_entry(head, b) for b in blocks), ""]
    if len(groups) == 2:
        lines.append(contrast_line(groups[0][1][0], groups[1][1][0]))
    return lines[:-1] if lines and lines[-1] == "" else lines


def _side_entry(side: str, block: SourceBlock) -> str:
    """A compared paper's entry: the sentence most relevant to its side, or, for a side that is
    the paper's own title ("what's the difference between the two?"), what it contributes (its
    title's words are in every sentence of it alike: "We introduce a new dataset, BRIDGE,
    consisting of 155 deterministic MDPs …", not a finding picked by them), when it says so."""
    if side.casefold() == block.title.casefold() and (said := introducing_sentence(block.text)):
        return f"- {paper_label(block)}: {cite_sentence(readable(said), block.number)}"
    return _entry(side, block)


_INTRODUCES = re.compile(r"\bwe (?:introduce|propose|present|develop)\b|\bby introducing\b", re.I)


def introducing_sentence(text: str) -> str | None:
    """The first sentence of `text` that introduces what the paper made ("We introduce …",
    "… by introducing a new dataset, BRIDGE")."""
    return next((s for s in split_sentences(text) if _INTRODUCES.search(s)), None)


def shared_listed_authors(a: SourceBlock, b: SourceBlock) -> list[str]:
    """The authors both papers list, in `a`'s order (a list cut short with "et al." may hide
    more)."""
    theirs = set(_authors(b))
    return [x for x in _authors(a) if x in theirs]


def _authors(block: SourceBlock) -> list[str]:
    names = [a.strip() for a in re.sub(r"\bet al\.?", "", block.authors).split(",")]
    return [a for a in names if a]


def contrast_line(a: SourceBlock, b: SourceBlock) -> str:
    """One line of contrast between two sides' first papers, from their metadata only: which
    came first, and the authors they share."""
    if a.year and b.year and a.year != b.year:
        older, newer = (a, b) if a.year < b.year else (b, a)
        when = f"{paper_label(older)} came before {paper_label(newer)}"
    elif a.year and a.year == b.year:
        when = f"{paper_label(a)} and {paper_label(b)} came out the same year, {a.year}"
    else:
        when = f"{paper_label(a)} and {paper_label(b)}"
    shared = shared_listed_authors(a, b)
    if shared:
        many = len(shared) > 1
        who = f"; both list {' and '.join(shared)} as {'authors' if many else 'an author'}"
    elif "et al" not in a.authors + b.authors:  # a cut list may hide a shared author
        who = ", with no author in common"
    else:
        who = ""
    return f"In contrast: {when}{who} [{a.number}][{b.number}]."


def stream_lines(lines: list[str]) -> Iterator[str]:
    """Lines as Markdown, a line at a time ("" is a blank line, so a list stays a list)."""
    for i, line in enumerate(lines):
        yield ("\n" if i else "") + line
