"""Relevance decisions over search hits: the abstention gate (does retrieval support answering
at all?) and the survey rule (which of the hits an overview answer covers)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from qabot.domain.records import SearchHit
from qabot.domain.taxonomy import GENERIC_NAMES
from qabot.embeddings.words import is_english


def best_relevance(hits: list[SearchHit]) -> float:
    sims = [h.relevance for h in hits if h.relevance is not None]
    return max(sims) if sims else -1.0


# A proper name or acronym the question shares with a retrieved paper ("What is Dynalang?") is
# strong evidence even when the embedding model has never seen the word and scores it low.
_NAME = re.compile(r"(?<![\w])(?:[A-Z][a-z0-9]*[A-Z][\w-]*|[A-Z]{2,}[\w-]*|[A-Z][a-z][\w-]{2,})")


def named_terms(question: str) -> set[str]:
    """Capitalised words except the first, plus acronyms and CamelCase anywhere."""
    terms = set()
    for match in _NAME.finditer(question):
        word = match.group(0)
        is_first = question[: match.start()].strip() == ""
        if is_first and not any(c.isupper() for c in word[1:]):
            continue
        terms.add(word.lower())
    return terms


def _title_head(title: str) -> str:
    """A title's part before its colon (all of it without one), without a leading article:
    "The FACTS Leaderboard: …" -> "FACTS Leaderboard"."""
    return re.sub(r"^(?:the|a|an)\s+", "", title.split(":")[0].strip(), flags=re.I)


def title_name(hit: SearchHit) -> str | None:
    """The name a paper's title gives its subject: the part before a colon ("Gemma 2: …",
    "B-Pref: …"), or a short title whole ("Imagen 3"); None for a title that is a sentence."""
    return name_in_title(hit.title)


def name_in_title(title: str) -> str | None:
    """`title_name` of a title."""
    name = _title_head(title)
    return name if 1 <= len(name.split()) <= 4 else None


def title_acronym(title: str) -> str | None:
    """The acronym a title's name makes, of three letters or more: the initials of its
    capitalised words ("Goal Representations for Instruction Following: …" -> "GRIF", "The
    Boltzmann Policy Distribution: …" -> "BPD"), by which people name a paper whose abstract
    never spells it out."""
    initials = "".join(w[0] for w in re.findall(r"[\w'-]+", _title_head(title)) if w[0].isupper())
    return initials if len(initials) >= 3 else None


_QUOTED_WORDS = re.compile(r"(?<!\w)['‘\"“]([^'‘’\"“”]{5,120})['’\"”](?!\w)")


def titled_in(question: str, hits: list[SearchHit]) -> SearchHit | None:
    """The hit whose title's name the question uses, in any case ("how many parameters does
    gemma 2 27b have?"): chat is often typed in lower case; or its title's acronym, as
    written ("GRIF")."""
    lower = question.lower()
    for hit in hits:
        name = title_name(hit)
        if name and re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-]|\.\d)", lower):
            return hit
    # … or a part of its title the question quotes ("in the 'assist humans without inferring
    # rewards' experiments"), three words at least
    for quoted in _QUOTED_WORDS.findall(question):
        if len(quoted.split()) >= 3:
            part = " ".join(re.findall(r"\w+", quoted.lower()))
            for hit in hits:
                if part in " ".join(re.findall(r"\w+", hit.title.lower())):
                    return hit
    for hit in hits:
        acronym = title_acronym(hit.title)
        if acronym and re.search(rf"(?<![\w-]){acronym}s?(?![\w-])", question):
            return hit
    return None


def quoted_in(question: str, hits: list[SearchHit]) -> SearchHit | None:
    """The one hit whose passages hold words the question quotes, three at least ("the paper
    with 'put the towel next to the microwave'"): the paper is named by what it says."""
    from qabot.index.lexical import tokenize

    for quoted in _QUOTED_WORDS.findall(question):
        words = set(tokenize([quoted])[0])
        if len(quoted.split()) < 3 or len(words) < 2:
            continue
        holding = [h for h in hits
                   if words <= set(tokenize([" ".join([h.title, *(e.text for e in h.evidence)])])[0])]  # fmt: skip
        if len(holding) == 1:
            return holding[0]
    return None


# A figure a question quotes: a percentage, a decimal, a magnitude ("10M") or a number of three
# digits or more ("which paper reports a 192% improvement?", "26 to 75% time savings").
_FIGURE = re.compile(
    r"(?<![\w.,])(?:\d+(?:\.\d+)?\s?%|\d+\.\d+|\d{3,}|\d+(?:\.\d+)?[KMBT])(?![\w.]\w|\d)"
)


def figures(question: str) -> list[str]:
    """The figures a question quotes, years left out: "in 2024" is a filter the router reads,
    not a figure a paper states."""
    return [f for f in _FIGURE.findall(question) if not re.fullmatch(r"(?:19|20)\d\d", f)]


def figure_in(question: str, hits: list[SearchHit]) -> SearchHit | None:
    """The one hit whose passages state a figure the question quotes: the paper is named by
    what it reports (the embedding reads "192%" as nothing in particular)."""
    for figure in figures(question):
        written = re.escape(figure).replace(r"\ ", r"\s?")  # "192%" or "192 %"
        pattern = re.compile(rf"(?<![\w.]){written}(?!\d|\.\d)")
        holding = [h for h in hits if any(pattern.search(e.text) for e in h.evidence)]
        if len(holding) == 1:
            return holding[0]
    return None


def is_relevant(question: str, hits: list[SearchHit], min_relevance: float) -> bool:
    """The abstention gate: does retrieval support answering at all?"""
    if not hits:
        return False
    if best_relevance(hits) >= min_relevance or titled_in(question, hits) is not None:
        return True
    terms = named_terms(question)
    if not terms:
        return False
    for hit in hits:
        text = " ".join([hit.title, *(e.text for e in hit.evidence)]).lower()
        if any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in terms):
            return True
    return False


def survey_scores(hits: list[SearchHit], dense_weight: float) -> dict[str, float]:
    """Each hit's relevance relative to the best hit of this question, in [0, 1]:
    `dense_weight` × cosine ÷ best cosine + (1 − `dense_weight`) × BM25 ÷ best BM25.

    Relative, because absolute scores move with the question: MiniLM's best cosine is 0.18 for
    "RLHF" and 0.61 for "offline reinforcement learning", both for papers that are on topic.
    Both retrievers count, so a paper that only one of them ranks high needs to be near the
    top of that one (agreement of the two is what separates a topic's papers from neighbours)."""
    best_cos = max((h.relevance or 0.0 for h in hits), default=0.0)
    best_lex = max((h.lexical or 0.0 for h in hits), default=0.0)
    scores = {}
    for hit in hits:
        dense = max(hit.relevance or 0.0, 0.0) / best_cos if best_cos > 0 else 0.0
        lexical = (hit.lexical or 0.0) / best_lex if best_lex > 0 else 0.0
        scores[hit.paper_id] = dense_weight * dense + (1 - dense_weight) * lexical
    return scores


def select_relevant(
    hits: list[SearchHit], threshold: float, dense_weight: float, agree: int = 3
) -> list[SearchHit]:
    """The papers a survey answer covers, best first: those whose `survey_scores` clear
    `threshold`, and those both retrievers put in their top `agree` (dense and lexical
    agreement). The top hit always qualifies (the abstention gate has already judged it)."""
    if not hits:
        return []
    scores = survey_scores(hits, dense_weight)
    by_dense = sorted(
        (h for h in hits if h.relevance is not None), key=lambda h: -(h.relevance or 0)
    )
    by_lexical = sorted((h for h in hits if h.lexical), key=lambda h: -(h.lexical or 0))
    agreed = {h.paper_id for h in by_dense[:agree]} & {h.paper_id for h in by_lexical[:agree]}
    ranked = sorted(hits, key=lambda h: -scores[h.paper_id])
    return [
        h
        for i, h in enumerate(ranked)
        if i == 0 or scores[h.paper_id] >= threshold or h.paper_id in agreed
    ]


# -- scope: is the question's subject in the papers found? ------------------------------------

# A word in more than this share of the chunks names no subject of its own ("model",
# "language", "agents", "reward", "human"): a question sharing only such words with the papers
# is not covered by them ("What is her favourite programming language?").
GENERIC_SHARE = 0.05
# … but a word in fewer chunks than this is specific whatever its share: in a portfolio of a
# few papers every word is in a large share of them.
GENERIC_MIN_CHUNKS = 8


def _specific(share: float, chunks: int) -> bool:
    return share < GENERIC_SHARE or share * chunks < GENERIC_MIN_CHUNKS


def _weight(share: float, chunks: int) -> float:
    """How specific a word is: rarer words weigh more; a word the corpus never uses, most."""
    return math.log(1.0 + 1.0 / max(share, 1.0 / max(chunks, 1)))


@dataclass(frozen=True)
class Subject:
    """How far the papers found cover a question's subject: its specific words (those in
    under `GENERIC_SHARE` of the chunks, or in few), each weighted by how specific it is."""

    coverage: float | None  # the weighted share in the papers (None: no specific word)
    unknown: float  # the weighted share the corpus never uses ("StarCraft", "dopamine")
    known_found: int  # how many of the words the corpus uses are in the papers
    words: int = 0  # how many specific words the question has


def subject(question: str, hits: list[SearchHit], share: Callable[[str], float],
            chunks: int, ignore: Collection[str] = (), generic: bool = False) -> Subject:  # fmt: skip
    """The question's subject against the hits' titles and passages.

    `share(token)`: the share of the index's chunks with the (stemmed) token, 0 for a word
    the corpus never uses (qabot.index.lexical.LexicalIndex.chunk_share). Tokens in `ignore`
    (the question's framing) do not count; with `generic`, words in many chunks count too. A
    word the corpus uses, though not in these papers,
    counts half: the search may have ranked its papers lower ("shape" what users want); one
    it never uses counts nothing."""
    from qabot.index.lexical import tokenize

    shares = {t: s for t in set(tokenize([question])[0]) - set(ignore)
              if (generic or _specific(s := share(t), chunks)) and len(t) > 1
              and not t.isdigit() and (s := share(t)) >= 0}  # fmt: skip
    if not shares:
        return Subject(coverage=None, unknown=0.0, known_found=0)
    weights = {t: _weight(s, chunks) for t, s in shares.items()}
    texts = [" ".join([h.title, *(e.text for e in h.evidence)]) for h in hits]
    found = {t for tokens in tokenize(texts) for t in tokens} if texts else set()
    credit = {t: 1.0 if t in found else 0.5 if shares[t] > 0 else 0.0 for t in shares}
    total = sum(weights.values())
    return Subject(
        coverage=sum(w * credit[t] for t, w in weights.items()) / total,
        unknown=sum(w for t, w in weights.items() if shares[t] == 0) / total,
        known_found=sum(1 for t in shares if shares[t] > 0 and t in found),
        words=len(shares),
    )


# -- named things: the paper that introduces what a question names -----------------------------

# A name as a question writes it: capitalised words, acronyms and words with digits in a row
# ("Gemma 2", "Gemini 1.5 Pro", "AssistanceZero", "B-Pref", "Q-SFT").
_NAME_RUN = re.compile(
    r"(?<![\w'])(?:[A-Z][\w.+-]*|\d+(?:\.\d+)?[A-Za-z]*)(?:[ -](?:[A-Z][\w.+-]*|\d+(?:\.\d+)?[A-Za-z]*))*"
)
_INTRODUCES = r"(?:we (?:introduce|present|propose|develop|release|call|instantiate)|introducing|called|named)"


_OPENERS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "has",
        "have",
        "had",
        "and",
        "so",
        "also",
        "then",
        "tell",
        "explain",
        "describe",
        "give",
        "show",
        "list",
        "any",
    ]
)


def names_in(question: str) -> list[str]:
    """The names a question uses, longest first, without its opening word unless that is a
    name in itself (an acronym, CamelCase)."""
    found = []
    for match in _NAME_RUN.finditer(question):
        name = match.group(0).strip(" .-")
        words = name.split()
        opens = question[: match.start()].strip()
        if (
            # … or a question word opening a sentence of it ("…? How many …")
            (opens == "" or (opens[-1] in ".?!:" and words and words[0].lower() in _OPENERS))
            and words
            and not any(c.isupper() for c in words[0][1:])
        ):
            words = words[1:]  # "What", "Explain" open the question
        # A version alone ("3" of "gemma 3" typed in lower case) names its family's model
        if (words and not re.search(r"[A-Za-z]", words[0])
                and (family := re.search(r"(?<![\w-])([a-z][a-z-]{2,})\s*$", opens))):  # fmt: skip
            words = [family[1], *words]
        name = " ".join(words)
        words = name.split()
        # "Gemini 1.5 Pro", then "Gemini 1.5", never "Gemini": a version names another model.
        # A size ("Gemma 2 27B") is not a version: "Gemma 2" is still the model.
        numbered = [i for i, w in enumerate(words)
                    if any(c.isdigit() for c in w) and not re.fullmatch(r"\d+(?:\.\d+)?[BMKbmk]", w)]  # fmt: skip
        shortest = numbered[-1] + 1 if numbered else 1
        for end in range(len(words), shortest - 1, -1):
            part = " ".join(words[:end])
            # (a number alone is no name: "gemma 3" typed in lower case leaves "3")
            if ((len(part) > 2 or any(c.isdigit() for c in part)) and re.search(r"[A-Z0-9]", part)
                    and re.search(r"[A-Za-z]", part)):  # fmt: skip
                found.append(part)
    # "Google's" is Google; the field's acronyms and companies name no one paper.
    found = [re.sub(r"['’]s$", "", n) for n in found]
    return sorted({n for n in found if n.lower() not in GENERIC_NAMES}, key=lambda n: (-len(n), n))


_NOT_AFTER = "".join(
    f"(?<!{p} )" for p in ("to", "in", "on", "of", "at", "by", "with", "from", "for")
)


def introduces(hit: SearchHit, name: str) -> int:
    """How surely the paper is the one that introduces `name`: 3 when its title opens with it
    ("Gemma 2: …", "AssistanceZero: …"), 2 when its passage says so ("we introduce Dynalang",
    "Imagen 3, a latent diffusion model"), 1 when its title only mentions it, else 0."""
    pattern = re.escape(name.lower())
    title = hit.title.lower()
    if re.match(rf"{pattern}(?![\w.])", title):
        return 3
    text = " ".join(e.text for e in hit.evidence).lower()
    # … or names it in apposition ("Imagen 3, a latent diffusion model"), though not as a place
    # or object ("scales to Overcooked, a cooperative game setting" uses Overcooked)
    if re.search(
        rf"{_INTRODUCES}[^.]{{0,100}}\b{pattern}(?![\w])|"
        # … or after what it is, in apposition ("our empowerment-maximizing method, Empower, …")
        rf"\bour (?:[\w-]+ ){{0,3}}?(?:method|approach|algorithm|model|framework|system|agent|"
        rf"technique|objective|benchmark|dataset),? {pattern}(?![\w])|"
        rf"{_NOT_AFTER}\b{pattern}\s*(?:,|:|\()\s*(?:an?|the)\b",
        text,
    ):
        return 2
    return 1 if re.search(rf"(?<![\w]){pattern}(?![\w])", title) else 0


def naming_hit(question: str, hits: list[SearchHit]) -> SearchHit | None:
    """The hit that introduces what the question names, if one does ("What parameter sizes
    does Gemma 2 come in?" -> "Gemma 2: Improving Open Language Models …", not Gemma Scope,
    whose title also mentions Gemma 2). The longest name that some hit introduces wins, but
    a title the question paraphrases ("the Overcooked human-AI coordination paper") beats a
    passage that only uses the name."""
    # A whole title, unquoted ("Tell me about Learning to Assist Humans without Inferring
    # Rewards"): that paper, not the one whose title opens with a name inside it
    words = " ".join(re.findall(r"\w+", question.lower()))
    for hit in hits:
        title = " ".join(re.findall(r"\w+", hit.title.lower()))
        if len(title.split()) >= 4 and f" {title} " in f" {words} ":
            return hit
    names = names_in(question)
    # How surely each hit introduces each name, once: (level, -rank, hit).
    scores = {name: [(introduces(h, name), -i, h) for i, h in enumerate(hits)] for name in names}
    for name in names:  # a title that opens with the name ("Gemma 2: …") is surest
        titles = [h for level, _, h in scores[name] if level == 3]
        # (… unless it opens several: "Gemini models" names a family, not one report)
        if len(titles) == 1:
            return titles[0]
    if (titled := titled_in(question, hits)) is not None:  # … in any case ("gemma 2 27b")
        return titled
    if (titled_as := referenced_hit(question, hits)) is not None:
        return titled_as
    if (quoting := quoted_in(question, hits)) is not None:  # "the one with 'put the towel …'"
        return quoting
    if (in_title := title_run(question, hits)) is not None:
        return in_title
    if (reporting := figure_in(question, hits)) is not None:  # "the paper with 192%"
        return reporting
    for name in names:
        scored = scores[name]
        best = max(scored, key=lambda s: (s[0], s[1]), default=None)
        # … but a name the question puts its subject in ("the empowerment approach for
        # assisting humans in Overcooked", "evaluated dangerous capabilities on Gemini models")
        # is a setting: the paper that introduced the setting is not what the question is about
        # (not "in the Overcooked user study": the study is the subject)
        setting = re.search(
            rf"(?<!paper )(?<!work )(?<!study )(?<!article )\b(?:in|on)\s+(?:the\s+)?{re.escape(name)}(?:\s+(?:environments?|games?|domains?|"
            rf"settings?|benchmarks?|models?))?(?=\s*[?.,;:!]|\s*$|\s+(?:with|and|or|for|vs\.?|versus|than)\b)",
            question,
            re.I,
        )
        if best is not None and best[0] >= 2 and not setting:
            return best[2]
        titled = [s for s in scored if s[0] == 1]
        if len(titled) == 1:  # one title names it ("the Empower paper": "… to Empower Humans")
            return titled[0][2]
        # One paper's text uses the name at all ("the paper that extends AlphaZero": only
        # AssistanceZero's abstract says AlphaZero); the search may rank a paper about the
        # question's other words ("help human users") above it.
        pattern = rf"(?<![\w]){re.escape(name.lower())}(?![\w])"
        using = [h for h in hits
                 if re.search(pattern, " ".join([h.title, *(e.text for e in h.evidence)]).lower())]  # fmt: skip
        # Only a name that cannot be an ordinary capitalised word ("AlphaZero", "GPT-4", not
        # "What" opening a second sentence).
        if len(using) == 1 and re.search(r".[A-Z0-9]", name) and not bracketed(question, name):
            return using[0]
    # A name typed in lower case ("is the code for dynalang public?"): a word no dictionary
    # has that exactly one hit's passage introduces ("We instantiate this in Dynalang")
    typed = {n.lower() for n in names}
    for word in dict.fromkeys(re.findall(r"(?<![\w-])[a-z][a-z0-9]{3,}(?![\w-])", question)):
        if word in typed or is_english(word):
            continue
        # … written as a name there, capitalised inside a sentence ("benchmark" and "offline"
        # are words that papers introduce things with, not names)
        as_name = re.compile(rf"(?<=[\w,;] ){word[0].upper()}(?i:{re.escape(word[1:])})(?![\w-])")
        found = [h for h in hits if introduces(h, word) >= 2
                 and as_name.search(" ".join(e.text for e in h.evidence))]  # fmt: skip
        if len(found) == 1:
            return found[0]
    return None


def title_run(question: str, hits: list[SearchHit], least: int = 3) -> SearchHit | None:
    """The one hit whose title has `least` or more of the question's words in a row, the most
    of any ("is there a paper on time-efficient reward learning?": "Time-Efficient Reward
    Learning via Visually Assisted Cluster Ranking", not the other reward-learning titles)."""
    from qabot.index.lexical import tokenize

    # … said of a paper ("a paper on …"), not a topic an overview carried over ("which of those
    # on preference-based reward learning is a benchmark?")
    said = re.search(r"\b(?:paper|article|publication|work|study)\s+(?:on|about|titled|called|named|regarding)\s+(?P<x>.+)",
                     question, re.I)  # fmt: skip
    if said is None:
        return None
    words = re.findall(r"\w+", said["x"].lower())
    titles = [" " + " ".join(re.findall(r"\w+", h.title.lower())) + " " for h in hits]
    for n in range(len(words), least - 1, -1):
        for i in range(len(words) - n + 1):
            run = " ".join(words[i : i + n])
            if len(tokenize([run])[0]) < least:
                continue  # ("the state of the art": words that say nothing)
            holding = [h for h, t in zip(hits, titles, strict=True) if f" {run} " in t]
            if len(holding) == 1:
                return holding[0]
            if holding:
                return None  # (a run two titles share names neither)
    return None


def bracketed(question: str, name: str) -> bool:
    """The name stands in brackets, an example the question offers ("which LLM (GPT-4?
    something else) did they use?"), not what it is about."""
    # a bracket left open counts too ("which LLM (GPT-4 did they use?")
    return any(name.lower() in m.lower() for m in re.findall(r"\(([^()]*)(?:\)|$)", question))


# A paper referred to by what it is about: "the Overcooked human-AI coordination paper" (the
# nearest "the" before "paper": "the lead author on the Overcooked … paper"), or "in the paper
# on learning to influence human behavior, what …" (up to the comma or the question's asking).
PAPER_REFERENCE = re.compile(
    r"\bthe\s+(?P<words>(?:(?!the\b)[\w'’-]+\s+){1,8}?)(?:paper|work|study|article|report)\b|"
    r"\bthe (?:paper|study|article) (?:on|about) (?P<about>[^,;?]{3,80}?)(?=\s*[,;]|\s+(?:what|which|"
    r"how|who|when|where|why|is|are|was|were|did|does|do)\b)",
    re.I,
)


def reference_words(match: re.Match[str]) -> str:
    """What a `PAPER_REFERENCE` says the paper is about."""
    return match["words"] or match["about"]


def referenced_hit(question: str, hits: list[SearchHit], overlap: float = 0.6) -> SearchHit | None:
    """The one hit whose title the question paraphrases as "the X paper" ("the learning to
    influence human behavior paper"): at least `overlap` of X's words are in its title and
    in no other hit's as much."""
    from qabot.index.lexical import tokenize

    match = PAPER_REFERENCE.search(question)
    if match is None:
        return None
    said = reference_words(match)
    # … and what it is on, said after ("the offline RL paper on influencing human behavior":
    # "Learning to Influence Human Behavior with Offline …", not "Offline RL with …")
    if match["words"] and (on := re.match(r"\s+(?:on|about)\s+((?:[\w'’-]+\s*){1,4})",
                                          question[match.end() :])):  # fmt: skip
        said = f"{said} {on[1]}"
    words = {t for t in tokenize([said])[0] if len(t) > 1}
    if len(words) < 2:
        return None
    shares = [len(words & set(tokenize([h.title])[0])) / len(words) for h in hits]
    best = [i for i, share in enumerate(shares) if share >= overlap]
    if len(best) != 1 and not (best and sorted(shares)[-1] > sorted(shares)[-2]):
        return None
    return hits[max(range(len(hits)), key=lambda i: shares[i])] if best else None
