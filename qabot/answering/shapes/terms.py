"""What a definition question asks about ("What is X?", "Explain X", "X — what is it?"): the
term, read past what stands around it, and the aspect asked for ("the key insight behind X").
Apart from the Definition shape, so that other shapes can tell a definition from themselves
("MessySurfaces — what is it?" is not the overview "X — what …?")."""

from __future__ import annotations

import re

from qabot.answering.framing import without_preamble

# The thing a definition question asks about, in the ways people ask (one to eight words).
_ASKS = [re.compile(p, re.I) for p in (
    # "what do they mean by a human's 'empowerment' in the Empower paper?"
    r"^what (?:do|does|did) (?:they|the authors|the paper|it|she|he|you) mean by\s+"
    r"(?P<x>(?:\S+\s*){1,8}?)(?:\s+in\b.*)?\??$",
    # "what's Kalamang got to do with it?", "what does AlphaZero have to do with it?": the
    # term, in the paper it is asked of (tests/data/blind/dev18.jsonl)
    r"^(?:so,? )?what(?:'s|’s|s| is| has)\s+(?P<x>(?:\S+\s*){1,6}?)\s+got to do with\b.*$",
    r"^(?:so,? )?what (?:does|do|did)\s+(?P<x>(?:\S+\s*){1,6}?)\s+ha(?:ve|s|d) to do with\b.*$",
    r"^(?:so,? )?(?:what|who)(?:'s|’s|s| is| are| was| were)\s+(?P<x>(?:\S+\s*){1,8}?)"
    # (the term's last word takes the space after it: what follows it opens without one)
    r"(?:\s*\b(?:in a nutshell|in short|exactly|again|"
    r"(?:meant|used|good|designed|intended|built) for))?\s*\??$",  # "what is X meant for?"
    # "Explain how AssistanceZero works.": the thing, not "how AssistanceZero works"
    r"^(?:please |can you |could you )?(?:explain|describe|tell me)(?: to me)?\s+how\s+(?P<x>(?:\S+\s*){1,6}?)\s+"
    r"(?:actually |really )?works?(?:\s+under the hood|\s+exactly|\s+in practice)?\s*[.?!]?$",
    r"^(?:please |can you |could you )?(?:explain|define|describe|eli5|explain like i'?m (?:5|five))[:,]?\s+(?P<x>(?:\S+\s*){1,8}?)"
    r"(?:\s*\b(?:in simple terms|briefly|simply|to me|for me|quickly|in short|in brief|"
    r"in a nutshell|at a high level|in layman'?s terms|in (?:a|one) sentence(?: or two)?|"
    r"in (?:a few|two|three) sentences|in plain (?:english|words)|for a layperson|like i'?m five))?"
    r"\s*[.?!]?$",
    r"^how (?:does|do|did|would)\s+(?P<x>(?:\S+\s*){1,6}?)\s+(?:actually |really |even )?work"
    r"(?:\s+under the hood|\s+exactly|\s+in practice|\s+in a nutshell)?\??$",
    # "gemma 2 in a nutshell?", "Dynalang, eli5?"
    r"^(?P<x>(?:\S+\s*){1,6}?)\s*,?\s+(?:in a nutshell|in short|in simple terms|in plain english|"
    r"in (?:one|a) sentence|eli5|tl;?dr)\s*\??$",
    # "Q-SFT - can you explain it?", "UniMASK: what is it?"
    r"^(?P<x>(?:\S+\s*){1,8}?)\s*(?:\s[-—–]|[:,])\s*(?:so,? )?(?:can you |could you |please )?"
    r"(?:(?:explain|define|describe|what(?:'s|’s| is)) (?:it|this|that)\b|what(?:'s|’s| is) the "
    r"(?:core |main |key |basic |big )?(?:idea|point|intuition|trick)\b|what (?:does|do) (?:it|that|this) "
    r"(?:refer to|mean|stand for)\b).*$",
    # (not "what does fine-tuning do for it?": what it does to something else)
    r"^what (?:does|do)\s+(?P<x>(?:\S+\s*){1,6}?)\s+(?:mean|do(?!\s+(?:for|to|with)\b)|stand for|"
    r"refer to)\b.*$",
    r"^how (?:does|do|did) (?:they|the authors|the paper|it) define\s+(?P<x>(?:\S+\s*){1,6}?)"
    r"(?:\s+in\b.*)?\??$",
    # "Tell me about Dynalang." (tests/data/blind/dev8.jsonl): a name, said as its paper says
    # it ("AssistanceZero", "Q-SFT", "Gemma 2"); "tell me about robotics" is a topic, and so
    # may an acronym be ("HRI", "LLMs")
    r"^(?:please |can you |could you )?tell me (?:a bit |a little |more )?about\s+"
    r"(?P<x>(?-i:[A-Z][a-z]+[A-Z][\w.+-]*|[A-Z][\w]*-[A-Z][\w.+-]*|[A-Z][\w.+-]*\s+\d[\w.]*|"
    r"(?P<word>[A-Z][a-z]{3,})))"
    r"\s*[.?!]?$",
)]  # fmt: skip
# Not a definition: what a paper is about ("What is the Gemini 2.5 report about?"), a person.
_NOT = re.compile(
    r"\babout\??$|\b(?:her|his|their|she|he)\b|^what is (?:the )?(?:paper|one)\b|"
    r"^what(?:'s|’s) been\b|"  # "what's been done on X?": an overview
    r"\btake on\b|"  # "what's the lab's take on X?": how they approached it
    r"\b(?:the|this) (?:group|lab|team)['’]?s\b|"  # "what is the group's approach to X?"
    # … nor "anything on robotics in short?", "summarize everything on X in short", "the first
    # one — what's the core idea there?" (a paper of the last list)
    r"\b(?:anything|everything|summari[sz]e|overview|papers|publications)\b|"
    r"^(?:the\s+)?(?:first|second|third|fourth|fifth|last|other|latter|former|that|this)\s+(?:one|paper)\b",
    re.I,
)
# A quoted term, its quotes at the word's edges ("a human's 'empowerment'": not "'s '").
_QUOTED = re.compile(r"(?<![\w])['‘’\"“”]([^'‘’\"“”]{2,60})['‘’\"“”](?!\w)")


# What may stand around a definition question without being its term (after a greeting,
# `without_preamble`): a lead-in naming where ("in the RLHF partial observability paper, …", "in offline
# RL, …"), a trailing aside ("(the observation histories paper explains it I think)") and a
# source (", as described in the gemma scope work", ", per the open problems paper").
_AROUND = [re.compile(p, re.I) for p in (
    r"^(?:in|for|within|according to)\s+(?!which\b|what\b)[^,?]{2,80}?(?:,\s*|\s+)(?=(?:so,? )?(?:what|who|how|explain|define|describe)\b)",
    r"\s*\([^()]*\)\s*(?=\??$)",
    r",?\s+(?:as (?:described|defined|used|explained|introduced) (?:in|by)|per|according to)\s+[^?]*(?=\??$)",
    # ", as a safety technique", ", based on how the survey describes it", "in RL terms"
    r",\s*(?:as an? |based on |in the context of |in terms of |from the perspective of )[^?]*(?=\??$)",
    r"\s+in (?:[\w-]+ )?terms(?=\s*\??$)",
    # "… they talk about", "… the paper mentions", "… Laidlaw put together"
    r"\s+(?:that |which )?(?:they|the authors|the paper|it|(?-i:[A-Z][\w-]+)) (?:talks?|writes?|speaks?) about(?=\s*\??$)",
    r"\s+(?:that |which )?(?:they|the authors|the paper|she|he|the group|the lab|(?-i:[A-Z][\w-]+)) (?:mentions?|"
    r"describes?|uses?|used|proposes?|proposed|introduces?|introduced|put together|built|made|created|"
    r"developed|came up with)(?=\s*\??$)",
)]  # fmt: skip


def _bare(question: str) -> str:
    """The question without what stands around its definition (see `_AROUND`)."""
    q = without_preamble(" ".join(question.split()))
    for _ in range(3):
        before = q
        for pattern in _AROUND:
            q = pattern.sub("", q).strip()
        if q == before:
            break
    return q


def defined_term(question: str) -> str | None:
    """The term a definition question asks about, or None if it is not one."""
    q = _bare(question)
    # "what's the 'trilemma' that the AI mediation paper talks about?": the quoted term
    if re.match(r"(?:so,? )?what(?:'s|’s| is| are| does| do)\b", q, re.I) and (
        quoted := _QUOTED.search(q)
    ):
        return quoted[1]
    if _NOT.search(q) or (term := _asked_x(q)) is None:
        return None
    # "what was that thing about translating a tiny language?": a passage described, no term
    if re.match(r"(?:(?:that|the|this) )?(?:thing|stuff|part|bit|bits)\s+(?:about|on|with|where|when)\b",
                term, re.I):  # fmt: skip
        return None
    if quoted := _QUOTED.search(term):  # "'safe shifts' in the recommender paper"
        return quoted[1]
    # "Empower, the LLM agent training method": what it is said to be is not its name;
    # "so-called trilemma": the term
    term = re.sub(r",\s*(?:the|a|an)\s+.*$", "", term)
    term = re.sub(r"^(?:the\s+)?so-?called\s+", "", term, flags=re.I)
    term = re.sub(r"\s+(?:actually|really|even|exactly)$", "", term, flags=re.I)
    term = re.split(r"\s+in (?:the|this|that|their|her)\b", term)[0]
    term = re.sub(r"^(?:the|a|an)\s+", "", term, flags=re.I)
    # "the Kalamang thing", "this trilemma stuff": a placeholder for what the term is
    term = re.sub(r"^(?:this|that)\s+(?=\S+\s+(?:thing|stuff|business)$)", "", term, flags=re.I)
    term = re.sub(r"(?<=\S)\s+(?:thing|stuff|business)$", "", term, flags=re.I)
    if aspect := _ASPECT.match(term):  # "the key insight behind X": X
        term = aspect["of"] or aspect["x"]
    return term or None


def asked_term(standalone: str) -> str | None:
    """The term of a standalone question, which may be condensed without a model as the last
    question and this one ("Has the group written anything on AI and democracy? what's the
    'trilemma' they mention?"): this one's term, unless it is a pronoun ("what is it?")."""
    last = re.split(r"(?<=[?!])\s+", standalone.strip())[-1]
    if (last != standalone.strip() and (term := defined_term(last)) is not None
            and term.lower().strip(" ?") not in {"it", "this", "that", "they", "them", "those", "these"}):  # fmt: skip
        return term
    return defined_term(standalone)


def _asked_x(q: str) -> str | None:
    """What the first of `_ASKS` that matches `q` asks about, as written. One capitalised word
    after "tell me about" is a name only when it is no English word ("Dynalang", not
    "Robotics")."""
    from qabot.embeddings.words import is_english

    for pattern in _ASKS:
        if m := pattern.match(q):
            if "word" in pattern.groupindex and m["word"] and is_english(m["word"]):
                return None
            return m["x"].strip(" ?.!")
    return None


# An aspect of the term asked for: "the key insight behind X", "the X assumption".
_ASPECT = re.compile(
    r"(?:(?:key|main|core|central|basic|big)\s+)?(?P<aspect>insight|idea|intuition|assumption|"
    r"observation|hypothesis|premise)\s+(?:behind|of|in|for|underlying)\s+(?:the\s+)?(?P<of>.+)$|"
    # "the X assumption", "the hindsight regeneration idea for dialogue agents"
    r"(?P<x>(?!(?:key|main|core|central|basic|big|general|overall)\s+[\w-]+$).+?)\s+"
    r"(?P<aspect2>assumption|insight|intuition|hypothesis|premise|idea)"
    r"(?:\s+(?:for|in|of|behind)\s+.+)?$",
    re.I,
)
ASPECT_SENTENCE = {
    "insight": r"\b(?:insight|key idea|intuition|observ)",
    "idea": r"\b(?:(?:key|main|core|central|basic) idea|insight|intuition)",
    "intuition": r"\b(?:intuition|insight|idea)",
    "assumption": r"\bassum",
    "observation": r"\bobserv",
    "hypothesis": r"\bhypothes",
    "premise": r"\b(?:premise|assum)",
    # what sets it apart: "aligns language not to the goal image, but rather to the desired
    # change …", "the first scalable approach", "unlike prior work"
    "novelty": r"\b(?:but rather|rather than|instead of|unlike|in contrast to|novel|the first|"
    r"(?:key|main|our) insight)\b",
}


def asked_aspect(question: str) -> str | None:
    """The aspect of a definition asked for ("insight" for "what's the key insight behind
    X?", "assumption" for "what is the X assumption?"), if any."""
    asked = _asked_x(_bare(question))
    aspect = asked and _ASPECT.match(re.sub(r"^(?:the|a|an)\s+", "", asked, flags=re.I))
    if aspect:
        return (aspect["aspect"] or aspect["aspect2"]).lower()
    # … or asked beside the term: "X — what's the core idea there?", "RL on 'imagined
    # conversations': what's the trick?" (tests/data/blind/dev7.jsonl)
    if _NOVELTY.search(question):  # "what's novel about it?" (tests/data/blind/dev19.jsonl)
        return "novelty"
    beside = _ASKED_BESIDE.search(question)
    return (
        _BESIDE_ASPECT.get(beside["aspect"].lower(), beside["aspect"].lower()) if beside else None
    )


_ASKED_BESIDE = re.compile(
    r"\bwhat(?:'s|’s| is) the (?:(?:core|main|key|basic|big|central|underlying) )?"
    r"(?P<aspect>idea|trick|intuition|insight|point)\b",
    re.I,
)
_BESIDE_ASPECT = {"trick": "idea", "point": "idea"}
_NOVELTY = re.compile(
    r"\bwhat(?:'s|’s| is| was)\s+(?:so\s+|really\s+)?(?:novel|new|original|innovative)\s+"
    r"(?:about|in)\b|\bwhat(?:'s|’s| is| was) (?:the|its|their) novelty\b",
    re.I,
)
