"""The words that frame a question rather than name its subject ("which papers did she publish
on …", "I'm interested in …", "how many …"): left out of what is searched for and of what the
papers must cover. One place for the router, the shapes and the scope rule."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

from qabot.index.lexical import one_slip, tokenize

# Words that shape the request rather than name a research topic.
FRAME = set(
    tokenize(
        [
            "paper papers publish published publishes publication publications work works worked group lab "
            "she her he his they their them profile portfolio list show give name many number count total "
            "year years code github implementation implementations open source category categories "
            "written wrote write author authors earliest oldest first last latest newest recent most summarise "
            "summarize summary overview theme themes topic topics main everything come came out release "
            "released appear appeared indexed index state stated listed coauthor coauthors co collaborator "
            "collaborators collaborate often frequently every all which what do did does done have has since "
            "after before between until through up from in on during tell me about researcher research "
            "arxiv lists person people h-index citations cited novelty score area areas agenda mainly mostly "
            "available links link release releases new old newer older time ever date dated dates how "
            "there are is was were be been any much when affiliation affiliations institution "
            # "what else has Erik Jones written?": the rest of his papers, as "other" asks
            "other others another else "
            "institutions universities per each timeline fewest least put fall falls under belong belongs "
            "classified filed authored produce produced contain contains those these ones above "
            "together jointly alongside collaboration collaborations partnership where get find download can could "
            "obtain grab "
            # "did they publish anything in 2024?": the year's papers, not a topic "anything"
            "anything something "
            # "What has Micah Carroll written here?": this portfolio, not a subject
            "here "
            # "papers from March 2024, in date order": an order asked for (dev21: a survey of
            # "order")
            "order ordered sort sorted chronological chronologically reverse "
            # "what did she publish in spring 2022?", "in the second half of 2019?": the year's
            # papers (dates show the rest), not a survey of "spring" (filters are by month)
            "spring summer autumn winter half quarter second "
            # "what other papers did Cassidy Laidlaw lead?": her papers (an author list is
            # all the portfolio says of who led one)
            "lead led"
        ]
    )[0]
)


# Words that frame an overview request in the ways people ask one ("I'm interested in X: what
# should I read?", "X: what has been studied here?", "How has the lab approached X?"), left out
# of what a survey searches for. Not part of FRAME: they do not make a question a statistic.
OVERVIEW_FRAME = set(
    tokenize(
        [
            "interested interest read reading anything studied study studies approached approach "
            "tackled tackle addressed address looked look explored explore touched covered cover "
            "suggest start starting curious know find looking want see lately "
            "anca group's lab's written writing worked working published done something stuff "
            "things thing else exist exists existing relevant related regarding concerning "
            "side problem question here line part "
            # how they went about it ("what approaches has the group taken to X?", "what angle
            # do they take on X?", "how has the group tried to solve X?")
            "angle stance perspective handled tried dealt ways proposed "
            # "what's been their strategy for X?", "what methods have they brought to X?",
            # "how do these papers attack X?", "how do their papers frame X?"
            "strategy strategies brought bring attack attacked frame framed methodology "
            "playbook philosophy tactics creating create created "
            # how they took part ("how does the group engage with X?", "running user studies",
            # "how have they critiqued RLHF?")
            "engage engages engaged run ran running conduct conducted include includes included "
            "conducting critique critiques critiqued critiquing "
            # "in what ways have they contributed to X?", "how does the lab think about X?",
            # "what's their thinking on X?"
            "contributed contribute think thinking "
            # who is asking and for what ("I'm writing a thesis chapter on X", "I'm in a startup")
            "thesis chapter dissertation essay startup"
        ]
    )[0]
)


# The words that make a sentence a question ("should", "can", "how", "actually"): never a
# topic, though a survey's query kept them ("AGI safety governance should").
ASKING = set(
    tokenize(
        [
            "did do does is are was were be been being has have had can could would should will "
            "may might must what which who whom whose when where why how actually really please"
        ]
    )[0]
)


# Question words, and what a detail question asks ("what year did X come out?", "how big was
# the study?"): they say what kind of answer is wanted, not what it is about, and an abstract
# need not use them.
QUESTION_WORDS = ASKING | set(
    tokenize(
        [
            "year years month months come came out big bigger biggest large larger largest "
            "small smaller smallest long longest short shortest highest lowest fastest slowest "
            "best worst main key many much often tell give show "
            "explain describe define mean means meaning stand refer refers simple terms briefly "
            "know remember recall paper papers one ones kind sort type way ways exactly "
            "use used uses using part say says said "
            # verbs and adjectives too general to be a subject ("took part", "goes wrong")
            "take takes took taken taking keep keeps kept keeping let lets go goes going went "
            "gone get gets got getting make makes made making deal deals dealt handle handles handled "
            "handling cope copes coped fix fixes bad "
            "badly wrong good better best try tries tried back step led headed"
        ]
    )[0]
)


# Chat filler and what is left of a year range ("since 2024 onwards pls"): never a topic, not
# even of a question that is otherwise a statistic.
# ("just the ones by …", "only those from 2024": narrowing a list, no subject)
FILLER = set(tokenize(["pls plz thx ty please thanks onwards onward now okay ok just only"])[0])


# English function words beyond bm25s's 33 stop words ("too", "also", "very", "whose"): never
# a question's subject, though a small corpus may not use them (the scope rule would count a
# word no abstract uses as a subject the portfolio lacks).
FUNCTION_WORDS = (
    set(
        tokenize(
            [
                "about above across after afterwards again against all almost alone along already "
                "also although always am among amongst amount another any anyhow anyone anything "
                "anyway anywhere around because become becomes becoming before beforehand behind "
                "below beside besides beyond both can cannot could down due during each either else "
                "elsewhere enough etc even ever every everyone everything everywhere except few "
                "first for former formerly further hence her here hereby herein hers herself him "
                "himself his how however i indeed inside instead it its itself just last latter "
                "least less many may me meanwhile might mine more moreover most mostly much must my "
                "myself namely neither never nevertheless next nobody none noone nor nothing now "
                "nowhere off often once one only onto other others otherwise our ours ourselves out "
                "over own per perhaps please rather same seem seemed seeming seems several she "
                "should since so some somehow someone something sometime sometimes somewhere still "
                "than thanks thank thence there thereafter thereby therefore therein thereupon "
                "these thing those though through throughout thru thus together too toward towards "
                "under until up upon us very via we well what whatever when whence whenever where "
                "whereafter whereas whereby wherein whereupon wherever whether which while whither "
                "who whoever whole whom whose why within without would yet you your yours yourself "
                "yourselves maybe okay ok hi hello hey theirs ahead "
                # contractions typed without the apostrophe ("Im interested in …")
                "im ive youre theyre dont doesnt didnt isnt arent wasnt werent hasnt havent "
                "cant couldnt wouldnt shouldnt whats thats theres hows whos wheres "
                # … and with it: "aren't" is tokenized as "aren"
                "aren isn don doesn didn wasn weren hasn haven couldn wouldn shouldn"
            ]
        )[0]
    )
    | FILLER
)


# Who takes part in a study ("how many people?" asks about one, not a count of papers)
STUDY_PEOPLE = (
    r"people|persons|participants|users|humans|subjects|annotators|raters|volunteers|respondents"
)

# An order asked for, not a paper: "list her papers from 2025, newest first" (it answered with
# the earliest one, for "first"), "…, oldest first"
# … from one end to the other: "list her robotics papers from oldest", "oldest to newest" (a
# review: the earliest alone); a survey asked so is in date order (`CHRONOLOGICAL`)
FROM_END_ORDER = (
    r"\bfrom (?:the )?(?:oldest|earliest|newest|latest|most recent)\b(?: to (?:the )?\w+(?: recent)?)?|"
    r"\b(?:oldest|earliest|newest|latest) to (?:the )?(?:newest|latest|most recent|oldest|earliest)\b"
)
DATE_ORDER = rf"(?:newest|latest|most recent|recent|oldest|earliest) (?:ones? |papers? )?first\b|{FROM_END_ORDER}"
# … the newest first ("most recent first", "in reverse chronological order")
NEWEST_FIRST = re.compile(
    r"\b(?:newest|latest|most recent|recent) (?:ones? |papers? )?first\b|"
    r"\breversed? (?:chronological|date)\b|"
    r"\bfrom (?:the )?(?:newest|latest|most recent)\b(?! to (?:the )?(?:newest|latest))|"
    r"\b(?:newest|latest|most recent) to (?:the )?(?:oldest|earliest)\b",
    re.I,
)


# A month with its year ("in November 2024", "from Nov 2024", "March 3, 2024"); a month
# name alone stays a word ("may", "march")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_YEAR = re.compile(
    rf"\b(?P<month>{_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?(?=[1-9]\d{{3}}\b)", re.I
)


def month_named(question: str) -> tuple[int | None, str]:
    """The month a question dates papers by, and the question with the month left out (its
    year stays for the year filter to read): "which papers came out in November 2024?" ->
    (11, "which papers came out in 2024?"). A filter is of one month: between two ("between
    March 2023 and May 2024") the years alone are read."""
    found = list(_MONTH_YEAR.finditer(question))
    if not found:
        return None, question
    first = found[0]["month"].lower()[:3]
    month = [m.lower() for m in calendar.month_abbr].index(first) if len(found) == 1 else None
    return month, _MONTH_YEAR.sub("", question)


def is_month_date(name: str) -> bool:
    """A name that is a date ("November 2024", "Nov 7, 2024"), not a model and its version."""
    return (
        re.fullmatch(rf"(?:{_MONTHS})\.?(?:\s+\d{{1,2}},?)?(?:\s+\d{{4}})?", name, re.I) is not None
    )


def without_asking_lead(words: list[str]) -> list[str]:
    """A capitalised run of words without the asking and function words that open it ("What's
    Anca Dragan's", "Has Anca"): what is left may be a name."""
    while words and set(tokenize([words[0]])[0]) <= ASKING | FUNCTION_WORDS:
        words = words[1:]
    return words


# What may follow a stem in a word that still means it ("published", "affiliations",
# "collaborators"): inflections and the commonest noun endings, not a derivation that makes
# another word of it ("personalizing" is not "person").
_ENDINGS = re.compile(
    r"(?:e|s|es|ed|d|ing|er|ers|ly|y|ies|ied|ion|ions|ation|ations|ator|ators|ate|ated|ates|"
    r"ating|ity|ities|ment|ments|able|ant|ance|ize|izes|ized|ise|ises|ised)?"
)


def frames(word: str, frame: frozenset[str] | set[str]) -> bool:
    """A word of the question frames it (every stem of it is in `frame`, or it has none: a
    stop word), unless it is another word built on a framing stem: "personalizing" stems to
    "person", which frames "which person wrote …" but is not what "papers about personalizing
    model outputs" asks for (measured: that survey searched for "model outputs individual
    users" and found none of the personalization papers)."""
    stems = tokenize([word])[0]
    if not stems:
        return True
    if not set(stems) <= frame:
        return False
    lower = re.sub(r"['’]s$", "", word.lower())  # "people's", "group's"
    if len(stems) == 1 and lower.startswith(stems[0]):
        return _ENDINGS.fullmatch(lower[len(stems[0]) :]) is not None
    return True


# A greeting or aside before the question ("Hi! quick question: …", "quick one: …"): not its
# subject, and its colon is not a topic's ("X: what has been studied?").
_PREAMBLE = re.compile(
    r"^(?:(?:hi|hey|hello|ok(?:ay)?|quick (?:one|question|q)|question|qq)\b[!,:;.\s-]*)+", re.I
)


def without_preamble(question: str) -> str:
    """The question without a greeting or "quick question:" before it."""
    return _PREAMBLE.sub("", question).strip() or question


# Contractions typed without their apostrophe ("theory of deep rl: whats here?", "im
# interested in …"): the phrasing rules read "what's" and "I'm".
_CONTRACTIONS = {
    "whats": "what's", "thats": "that's", "theres": "there's", "hows": "how's",
    "whos": "who's", "wheres": "where's", "im": "I'm", "ive": "I've", "youre": "you're",
    "theyre": "they're", "theyve": "they've", "shes": "she's", "dont": "don't",
    "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "arent": "aren't",
    "wasnt": "wasn't", "werent": "weren't", "hasnt": "hasn't", "havent": "haven't",
    "cant": "can't", "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
}  # fmt: skip

# The words the phrasing rules read, spelled whole. A typo of one ("im intrested in robotics,
# what shoud I read?") made the question read as a focused one, and the typo as a subject no
# paper covers: an abstention (tests/data/blind/dev8.jsonl).
_ASKING_WORDS = frozenset(
    [
        "interested",
        "interesting",
        "interest",
        "should",
        "would",
        "could",
        "recommend",
        "recommended",
        "suggest",
        "papers",
        "paper",
        "publications",
        "publication",
        "published",
        "publish",
        "research",
        "researched",
        "anything",
        "something",
        "everything",
        "what",
        "which",
        "where",
        "there",
        "their",
        "about",
        "approached",
        "approach",
        "tackled",
        "studied",
        "explored",
        "worked",
        "written",
        "overview",
        "summary",
        "summarise",
        "summarize",
        "evolved",
        "portfolio",
        "relevant",
        "related",
        "regarding",
        "please",
        "read",
        "reading",
        "looked",
    ]
)


def _inflected(word: str, is_english: Callable[[str], bool]) -> bool:
    """`word` is English, or an inflection the vocabulary check misses ("summaries",
    "evolves"): a real word is never respelled into an asking word."""
    forms = [word, word[:-1]]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    return any(is_english(f) for f in forms if len(f) > 2)


def respell_asking(text: str) -> str:
    """`text` with the words that say how it asks spelled as the phrasing rules read them: a
    contraction without its apostrophe ("whats" -> "what's"), and a word that is not English
    one slip from exactly one asking word ("intrested" -> "interested", "recomend" ->
    "recommend"). Topic words are left to the search's own respelling, which knows the
    corpus (qabot.index.lexical.LexicalIndex.respell); a real word is never changed."""
    from qabot.embeddings.words import is_english

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if not (word.islower() or word.istitle()):
            return word  # "IM", "ChatGPT": a name, not a typo
        if lower in _CONTRACTIONS:
            fixed = _CONTRACTIONS[lower]
        elif len(word) < 3 or lower in _ASKING_WORDS or _inflected(lower, is_english):
            return word
        elif len(near := [w for w in _ASKING_WORDS if one_slip(lower, w)]) == 1:
            fixed = near[0]
        else:
            return word
        return fixed[0].upper() + fixed[1:] if word[0].isupper() else fixed

    # chat shorthand for a summary ("give me a tl;dr of the rlhf open problems paper")
    text = re.sub(r"\btl\s*;?\s*dr\b", "summary", text, flags=re.I)
    # chat shorthand for "you" after the verbs that ask ("can u recommend …", "do u have …")
    text = re.sub(r"\b(can|could|would|will|do|did|have|are|r)\s+u\b(?!['’.-])",
                  lambda m: f"{'are' if m[1].lower() == 'r' else m[1]} you", text, flags=re.I)  # fmt: skip
    # not inside a hyphenated or apostrophised word ("Q-SFT", "o'clock")
    return re.sub(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])", fix, text)


# Who did the work, as a question with no conversation before it says it: "how have they
# critiqued RLHF?", "in what ways do these researchers account for human biases?". With no
# paper said before, "they" can only be the portfolio's authors, which the phrasing rules call
# "the group" (after an answer, "how do they simulate the teachers?" is that paper's authors:
# the rules leave "they" alone). Of 404 how-approached questions of the blind sets, 41 were
# answered from one paper, not as an overview. Only where the asking is of a body of work:
# "how have they …" (what they have done over time), "in what ways do they …", "what approach
# do they take …"; "how do they define reward hacking?", "how did they let users steer …?" ask
# how one paper did it (read as overviews too, 8 answers changed, 2 for the worse).
_THEY = re.compile(
    r"(?P<lead>\b(?:has|have)|\bin what ways? (?:do|does|did|has|have)|\bwhat (?:[\w-]+ ){0,2}?"
    r"(?:approach(?:es)?|methods|techniques|strateg(?:y|ies)|angles?|lines of \w+|tools|tactics) "
    r"(?:do|does|did|has|have)) (?:they|these researchers|this researcher|the researchers?|"
    r"these authors|the authors|these people)\b(?! (?:in|from|on|of) )",
    re.I,
)
_THEIR = re.compile(
    r"\b(?:their|these researchers['’]|this researcher['’]s|the authors['’]|(?:the )?(?:group|lab|team)s)"
    r"(?= (?:[\w-]+ )?(?:take|approach(?:es)?|angle|involve?ment|contributions?|role|stance|"
    r"view|perspective|strateg(?:y|ies)|methods?)\b)",
    re.I,
)


def as_the_group(text: str) -> str:
    """`text`, a question with no conversation before it, with "they" and "their" as the
    portfolio's authors written as the phrasing rules name them ("the group", "the group's")."""
    text = _THEY.sub(lambda m: f"{m['lead']} the group", text)
    return _THEIR.sub("the group's", text)


# qabot's own view asked for: "do you think AGI will arrive before 2030?", "what's your view on
# chain-of-thought monitoring?", "in your opinion, is RLHF doomed?" (not "do you think I should
# read …?", a request for papers)
_OPINION = (
    (
        re.compile(
            r"^(?:(?:so|ok|okay|and|but|honestly),?\s+)?(?:do|would|will) you (?:personally |honestly |really )?"
            r"(?:think|believe|reckon|expect|predict|agree|guess)(?:\s+that)?\s+(?P<rest>.+)$",
            re.I,
        ),
        "{rest}",
    ),
    (
        re.compile(
            r"^(?:(?:so|ok|okay|and|but|honestly),?\s+)?what do you (?:personally |honestly |really )?"
            r"(?:think|believe|reckon)\s+(?:about|of|on|regarding)\s+(?P<rest>.+)$",
            re.I,
        ),
        "what does the group think about {rest}",
    ),
    (
        re.compile(
            r"^(?:(?:so|ok|okay|and|but|honestly),?\s+)?what(?:'s|’s| is| are) your (?:personal |honest |own )?"
            r"(?:opinions?|views?|takes?|thoughts|predictions?|stance)\s+(?:on|about|of|regarding)\s+"
            r"(?P<rest>.+)$",
            re.I,
        ),
        "what's the group's view on {rest}",
    ),
    (
        re.compile(
            r"^(?:(?:so|ok|okay|and|but|honestly),?\s+)?in your (?:personal |honest )?(?:opinion|view),?\s+"
            r"(?P<rest>.+)$",
            re.I,
        ),
        "{rest}",
    ),
)
_ASKS_FOR_READING = re.compile(r"\b(?:i|we) should\b|\bshould (?:i|we)\b", re.I)


# "what do you think the main finding of X is?" asks "what is the main finding of X?"
_WRAPPED = re.compile(
    r"^(?:(?:so|ok|okay|and|but),?\s+)?(?P<wh>what|which|who|when|where|how)\s+(?:do|would) you "
    r"(?:think|say|reckon|guess)\s+(?P<rest>.+?)\s+(?P<verb>is|are|was|were)\s*\??\s*$",
    re.I,
)


def unwrapped(text: str) -> str:
    """`text` without a "do you think" that only wraps an ordinary question ("what do you think
    the main finding of the targeted manipulation paper is?" -> "what is the main finding of
    the targeted manipulation paper?"); other text as it is."""
    found = _WRAPPED.match(text.strip())
    if found is None:
        return text
    return f"{found['wh']} {found['verb']} {found['rest']}?"


# A forecast with a date ("do you think AGI will arrive before 2030?", "will RLHF be replaced
# within the next five years?"): no abstract dates the future, so none answers it, however
# close its topic (two blind sets' writers, independently, hold it out of scope).
_DATED_FORECAST = re.compile(
    r"\bwill\b[^?.!]*\b(?:before|by|in|until|within|around)\s+(?:the\s+(?:end\s+of\s+)?)?"
    r"(?:(?P<year>20\d\d)|(?:the next )?(?:\w+ )?(?:years?|decades?))\b",
    re.I,
)


def dated_forecast(text: str, this_year: int) -> bool:
    """The question asks whether something will happen by a date to come."""
    found = _DATED_FORECAST.search(text)
    return bool(found) and (found["year"] is None or int(found["year"]) >= this_year)


def opinion_asked(text: str) -> str | None:
    """The question a request for qabot's own view asks of the papers ("do you think
    assistance games will replace RLHF?" -> "assistance games will replace RLHF?", "what's
    your view on X?" -> "what's the group's view on X?"), or None when it asks no such view."""
    if _ASKS_FOR_READING.search(text):
        return None
    for pattern, template in _OPINION:
        if found := pattern.match(text.strip()):
            return template.format(rest=found["rest"].strip())
    return None


# An author asked about as the one listed first: the papers they led (author lists keep their
# first three names, so the first is known). Not "senior/last author", nor "first paper".
# Read by the router ("which papers did Erik Jones lead?") and by follow-ups ("just the ones
# he led").
FIRST_AUTHOR = re.compile(
    r"\b(?:first|lead|leading|main)[- ]author(?:s|ed|ship)?\b|\bfirst[- ]authored\b|"
    r"\b(?:listed|named|appears?|comes?)\s+first\b|"
    # "which of those list Vivek Myers first?", "papers that name her first"
    r"\b(?:list|lists|name|names|put|puts|have|has)\s+(?:[A-Z][\w'’.-]*\s+){1,3}first\b|"
    r"\b(?:led|lead|leads|leading)\b(?!\s+(?:to|by)\b)|\bled by\b",
    re.I,
)
