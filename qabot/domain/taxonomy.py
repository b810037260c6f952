"""Names for the metadata codes a portfolio uses: arXiv categories and affiliations.

One table each, at the bottom of the import graph, so the router (reading questions), the
statistic answers (writing them) and the UI (labelling charts) name things the same way.
Imports nothing from qabot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# The arXiv taxonomy (https://arxiv.org/category_taxonomy), in three tables. This first one holds
# the codes stored bare, as profile pages print them: the computer-science archive in full, plus
# the categories of other archives that ML papers are cross-listed in (see `normalise_category`),
# so cs.SY and eess.SY are one SY. Its names are also what the router reads as categories.
ARXIV_CATEGORIES: dict[str, str] = {
    "AI": "Artificial Intelligence",
    "AR": "Hardware Architecture",
    "CC": "Computational Complexity",
    "CE": "Computational Engineering, Finance, and Science",
    "CG": "Computational Geometry",
    "CL": "Computation and Language",
    "CR": "Cryptography and Security",
    "CV": "Computer Vision and Pattern Recognition",
    "CY": "Computers and Society",
    "DB": "Databases",
    "DC": "Distributed, Parallel, and Cluster Computing",
    "DL": "Digital Libraries",
    "DM": "Discrete Mathematics",
    "DS": "Data Structures and Algorithms",
    "ET": "Emerging Technologies",
    "FL": "Formal Languages and Automata Theory",
    "GL": "General Literature",
    "GR": "Graphics",
    "GT": "Computer Science and Game Theory",
    "HC": "Human-Computer Interaction",
    "IR": "Information Retrieval",
    "IT": "Information Theory",
    "LG": "Machine Learning",
    "LO": "Logic in Computer Science",
    "MA": "Multiagent Systems",
    "MM": "Multimedia",
    "MS": "Mathematical Software",
    "NA": "Numerical Analysis",
    "NE": "Neural and Evolutionary Computing",
    "NI": "Networking and Internet Architecture",
    "OH": "Other Computer Science",
    "OS": "Operating Systems",
    "PF": "Performance",
    "PL": "Programming Languages",
    "RO": "Robotics",
    "SC": "Symbolic Computation",
    "SD": "Sound",
    "SE": "Software Engineering",
    "SI": "Social and Information Networks",
    "SY": "Systems and Control",
    # Other archives: stat.ML, eess.*, math.OC, q-bio.NC.
    "ML": "Machine Learning (Statistics)",
    "AS": "Audio and Speech Processing",
    "IV": "Image and Video Processing",
    "SP": "Signal Processing",
    "OC": "Optimization and Control",
    "NC": "Neurons and Cognition",
}

# The other archives' categories, stored whole in arXiv's spelling: "physics.ao-ph", not "AO-PH"
# (a bare code of another archive would collide with computer science's: math.CO is not cs.CO,
# and astro-ph.IM not eess.IV). Their names label them; the router reads them as category names
# only when the corpus has such papers (a name such as "Methodology" or "Optics" is a topic
# first).
ARXIV_OTHER_CATEGORIES: dict[str, str] = {
    "astro-ph.CO": "Cosmology and Nongalactic Astrophysics",
    "astro-ph.EP": "Earth and Planetary Astrophysics",
    "astro-ph.GA": "Astrophysics of Galaxies",
    "astro-ph.HE": "High Energy Astrophysical Phenomena",
    "astro-ph.IM": "Instrumentation and Methods for Astrophysics",
    "astro-ph.SR": "Solar and Stellar Astrophysics",
    "cond-mat.dis-nn": "Disordered Systems and Neural Networks",
    "cond-mat.mes-hall": "Mesoscale and Nanoscale Physics",
    "cond-mat.mtrl-sci": "Materials Science",
    "cond-mat.other": "Other Condensed Matter",
    "cond-mat.quant-gas": "Quantum Gases",
    "cond-mat.soft": "Soft Condensed Matter",
    "cond-mat.stat-mech": "Statistical Mechanics",
    "cond-mat.str-el": "Strongly Correlated Electrons",
    "cond-mat.supr-con": "Superconductivity",
    "econ.EM": "Econometrics",
    "econ.GN": "General Economics",
    "econ.TH": "Theoretical Economics",
    "math.AC": "Commutative Algebra",
    "math.AG": "Algebraic Geometry",
    "math.AP": "Analysis of PDEs",
    "math.AT": "Algebraic Topology",
    "math.CA": "Classical Analysis and ODEs",
    "math.CO": "Combinatorics",
    "math.CT": "Category Theory",
    "math.CV": "Complex Variables",
    "math.DG": "Differential Geometry",
    "math.DS": "Dynamical Systems",
    "math.FA": "Functional Analysis",
    "math.GM": "General Mathematics",
    "math.GN": "General Topology",
    "math.GR": "Group Theory",
    "math.GT": "Geometric Topology",
    "math.HO": "History and Overview",
    "math.KT": "K-Theory and Homology",
    "math.LO": "Logic",
    "math.MG": "Metric Geometry",
    "math.NT": "Number Theory",
    "math.OA": "Operator Algebras",
    "math.PR": "Probability",
    "math.QA": "Quantum Algebra",
    "math.RA": "Rings and Algebras",
    "math.RT": "Representation Theory",
    "math.SG": "Symplectic Geometry",
    "math.SP": "Spectral Theory",
    "math.ST": "Statistics Theory",
    "nlin.AO": "Adaptation and Self-Organizing Systems",
    "nlin.CD": "Chaotic Dynamics",
    "nlin.CG": "Cellular Automata and Lattice Gases",
    "nlin.PS": "Pattern Formation and Solitons",
    "nlin.SI": "Exactly Solvable and Integrable Systems",
    "physics.acc-ph": "Accelerator Physics",
    "physics.ao-ph": "Atmospheric and Oceanic Physics",
    "physics.app-ph": "Applied Physics",
    "physics.atm-clus": "Atomic and Molecular Clusters",
    "physics.atom-ph": "Atomic Physics",
    "physics.bio-ph": "Biological Physics",
    "physics.chem-ph": "Chemical Physics",
    "physics.class-ph": "Classical Physics",
    "physics.comp-ph": "Computational Physics",
    "physics.data-an": "Data Analysis, Statistics and Probability",
    "physics.ed-ph": "Physics Education",
    "physics.flu-dyn": "Fluid Dynamics",
    "physics.gen-ph": "General Physics",
    "physics.geo-ph": "Geophysics",
    "physics.hist-ph": "History and Philosophy of Physics",
    "physics.ins-det": "Instrumentation and Detectors",
    "physics.med-ph": "Medical Physics",
    "physics.optics": "Optics",
    "physics.plasm-ph": "Plasma Physics",
    "physics.pop-ph": "Popular Physics",
    "physics.soc-ph": "Physics and Society",
    "physics.space-ph": "Space Physics",
    "q-bio.BM": "Biomolecules",
    "q-bio.CB": "Cell Behavior",
    "q-bio.GN": "Genomics",
    "q-bio.MN": "Molecular Networks",
    "q-bio.OT": "Other Quantitative Biology",
    "q-bio.PE": "Populations and Evolution",
    "q-bio.QM": "Quantitative Methods",
    "q-bio.SC": "Subcellular Processes",
    "q-bio.TO": "Tissues and Organs",
    "q-fin.CP": "Computational Finance",
    "q-fin.GN": "General Finance",
    "q-fin.MF": "Mathematical Finance",
    "q-fin.PM": "Portfolio Management",
    "q-fin.PR": "Pricing of Securities",
    "q-fin.RM": "Risk Management",
    "q-fin.ST": "Statistical Finance",
    "q-fin.TR": "Trading and Market Microstructure",
    "stat.AP": "Applications",
    "stat.CO": "Computation",
    "stat.ME": "Methodology",
    "stat.OT": "Other Statistics",
}

# The archives. Those without subject classes (hep-th, quant-ph, ...) are categories themselves;
# the others name a category of theirs the tables above do not know ("physics.xx-ph").
ARXIV_ARCHIVES: dict[str, str] = {
    "astro-ph": "Astrophysics",
    "cond-mat": "Condensed Matter",
    "cs": "Computer Science",
    "econ": "Economics",
    "eess": "Electrical Engineering and Systems Science",
    "gr-qc": "General Relativity and Quantum Cosmology",
    "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice",
    "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory",
    "math": "Mathematics",
    "math-ph": "Mathematical Physics",
    "nlin": "Nonlinear Sciences",
    "nucl-ex": "Nuclear Experiment",
    "nucl-th": "Nuclear Theory",
    "physics": "Physics",
    "q-bio": "Quantitative Biology",
    "q-fin": "Quantitative Finance",
    "quant-ph": "Quantum Physics",
    "stat": "Statistics",
}

# Categories of other archives stored under another code: those cross-listed with ML, stored
# bare as profile pages print them, and arXiv's aliases (one category under two names).
_STORED_AS: dict[str, str] = {
    "stat.ML": "ML",
    "eess.AS": "AS",
    "eess.IV": "IV",
    "eess.SP": "SP",
    "eess.SY": "SY",
    "math.OC": "OC",
    "q-bio.NC": "NC",
    "math.IT": "IT",  # = cs.IT
    "math.NA": "NA",  # = cs.NA
    "math.MP": "math-ph",
    "stat.TH": "math.ST",
    "q-fin.EC": "econ.GN",
}
_SPELLING: dict[str, str] = {
    code.casefold(): code for code in (*ARXIV_OTHER_CATEGORIES, *ARXIV_ARCHIVES)
} | {code.casefold(): stored for code, stored in _STORED_AS.items()}


def normalise_category(code: str) -> str:
    """An arXiv category as qabot stores it. Computer science's are bare, as profile pages
    print them ("cs.LG", "lg" -> "LG"), and so are the cross-listed ones of the first table
    ("stat.ML" -> "ML"). Any other keeps its archive, in arXiv's spelling ("physics.AO-PH" ->
    "physics.ao-ph", "HEP-TH" -> "hep-th"); one no table knows keeps its subject as written."""
    text = code.strip()
    if known := _SPELLING.get(text.casefold()):
        return known
    archive, dot, subject = text.partition(".")
    if not dot:
        return text.upper()  # a bare code, as profile pages print them
    if archive.casefold() == "cs":
        return subject.upper()
    return f"{archive.lower()}.{subject}"


# What people call a category besides its arXiv name. "machine learning" is LG: it is the name
# arXiv gives cs.LG, and stat.ML keeps its qualified name above.
CATEGORY_ALIASES: dict[str, str] = {
    "nlp": "CL",
    "natural language processing": "CL",
    "computational linguistics": "CL",
    "computer vision": "CV",
    "hci": "HC",
    "multi-agent systems": "MA",
    "multiagent systems": "MA",
    "game theory": "GT",
    "security": "CR",
    "cryptography": "CR",
    "statistical machine learning": "ML",
    "control": "SY",
    "optimization": "OC",
    "speech": "AS",
}


def category_name(code: str) -> str | None:
    """ "RO" -> "Robotics", "physics.ao-ph" -> "Atmospheric and Oceanic Physics"; a category
    the tables do not know is named by its archive ("physics.xx-ph" -> "Physics"); None for a
    code of no known archive."""
    stored = normalise_category(code)
    archive = stored.partition(".")[0]
    return (
        ARXIV_CATEGORIES.get(stored)
        or ARXIV_OTHER_CATEGORIES.get(stored)
        or ARXIV_ARCHIVES.get(archive if "." in stored else stored)
    )


def category_label(code: str) -> str:
    """ "RO (Robotics)", "physics.ao-ph (Atmospheric and Oceanic Physics)", or the code alone
    when no table knows it."""
    name = category_name(code)
    return f"{code} ({name})" if name else code


def category_title(code: str) -> str:
    """What a page or message calls a category: its name ("LG" -> "Machine Learning", "ML" ->
    "Machine Learning (Statistics)"), or the code when no table knows it."""
    return category_name(code) or code


def category_names(extra: Iterable[str] = ()) -> dict[str, str]:
    """Every lower-case name or alias -> code, longest first (so "machine learning
    (statistics)" is tried before "machine learning"): those of the first table, and of the
    `extra` codes (a corpus's categories of other archives). The first table's win a tie."""
    other = ARXIV_OTHER_CATEGORIES | ARXIV_ARCHIVES  # an archive's name is no category's
    names = {other[c].lower(): c for c in extra if c in other}
    names |= {name.lower(): code for code, name in ARXIV_CATEGORIES.items()}
    names |= CATEGORY_ALIASES
    return dict(sorted(names.items(), key=lambda kv: (-len(kv[0]), kv[0])))


# Institutions as people write them -> the slug profile pages print ("deepmind", "eth-zurich").
AFFILIATION_ALIASES: dict[str, str] = {
    "google deepmind": "deepmind",
    "carnegie mellon": "cmu",
    "carnegie mellon university": "cmu",
    "university of toronto": "utoronto",
    "uc berkeley": "berkeley",
    "university of california, berkeley": "berkeley",
    "stanford university": "stanford",
    "eth zurich": "eth-zurich",
    "eth zürich": "eth-zurich",
    "massachusetts institute of technology": "mit",
    "amazon": "amazon-science",
}


# The slugs profile pages print -> the name a person would write. The one table every
# interface labels affiliations with (`affiliation_name`); a slug it lacks is title-cased.
AFFILIATION_NAMES: dict[str, str] = {
    "amazon-science": "Amazon Science",
    "baidu": "Baidu",
    "berkeley": "UC Berkeley",
    "cmu": "Carnegie Mellon University",
    "deepmind": "Google DeepMind",
    "eth-zurich": "ETH Zurich",
    "google": "Google",
    "meta": "Meta",
    "microsoft": "Microsoft",
    "mila": "Mila",
    "mit": "MIT",
    "nvidia": "NVIDIA",
    "openai": "OpenAI",
    "oxford": "University of Oxford",
    "princeton": "Princeton University",
    "stanford": "Stanford University",
    "ucla": "UCLA",
    "uw": "University of Washington",
    "utoronto": "University of Toronto",
}
# Each display name reads back as its slug, so a filter typed as shown finds the papers.
AFFILIATION_ALIASES |= {name.lower(): slug for slug, name in AFFILIATION_NAMES.items()}


def affiliation_name(slug: str) -> str:
    """ "eth-zurich" -> "ETH Zurich", "utoronto" -> "University of Toronto"; a slug the table
    lacks is title-cased ("some-lab" -> "Some Lab"), a name already written out kept."""
    text = slug.strip()
    if known := AFFILIATION_NAMES.get(text.lower()):
        return known
    if text != text.lower() or " " in text:  # written out already ("Allen Institute")
        return text
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", text) if w)


def affiliation_key(text: str) -> str:
    """Comparable form of an affiliation: "ETH Zurich", "eth-zurich" -> "ethzurich"."""
    text = AFFILIATION_ALIASES.get(" ".join(text.lower().split()), text)
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def affiliation_matches(query: str, affiliation: str) -> bool:
    """Does an affiliation filter (`query`, as a user typed it) name `affiliation`?

    A part of the name matches ("toronto" -> utoronto), and so does a longer name that
    contains the stored one ("Google DeepMind" -> deepmind; stored slugs of 4+ characters only,
    so "mit" is not found inside "submitted")."""
    needle, name = affiliation_key(query), affiliation_key(affiliation)
    if not needle or not name:
        return False
    return needle in name or (len(name) >= 4 and name in needle)


# Abbreviations of the field that a question may use where abstracts spell the words out
# ("I work on recsys"), replaced by them before searching and before judging what the papers
# cover. Only unambiguous ones: "BC" or "CV" mean other things in other fields.
ABBREVIATIONS: dict[str, str] = {
    "recsys": "recommender systems",
    "rl": "reinforcement learning",
    "rlhf": "reinforcement learning from human feedback (RLHF)",
    "llm": "large language model",
    "llms": "large language models",
    "vlm": "vision-language model",
    "vlms": "vision-language models",
    "irl": "inverse reinforcement learning",
    "marl": "multi-agent reinforcement learning",
    "nlp": "natural language processing",
    "hri": "human-robot interaction",
    "sae": "sparse autoencoder",
    "saes": "sparse autoencoders",
    "tech": "technical",
    "cot": "chain-of-thought (CoT)",
    # shorthand people type ("recommend me something on safety evals")
    "eval": "evaluation",
    "evals": "evaluations",
    "interp": "interpretability",
    "mech": "mechanistic",
    "params": "parameters",
    "lm": "language model",
    "lms": "language models",
    "pbrl": "preference-based reinforcement learning",
}
# Everyday words for the field's terms, as people who do not write papers ask ("AI that learns
# to fool the people grading it", "recovering what people want from what they do"): replaced
# by the terms abstracts use before searching and before judging what the papers cover. BM25
# matches exact words, and the scope rule read "fool" and "grading" as a subject no paper has
# (blind sets: 36 questions the portfolio answers were refused, most in such words).
# Only words no abstract of the index uses are replaced, so a corpus that writes "raters" or
# "hidden" is searched for them as they are; a phrase (two words or more) is always replaced.
EVERYDAY_TERMS: tuple[tuple[str, str], ...] = (
    (
        r"what (?:people|humans|users|a person|a user|someone|the user|the human|they) (?:really |actually )?"
        r"(?:wants?|likes?|prefers?|values?|cares? about|intends?)",
        "human preferences",
    ),
    (
        r"(?:what|how) (?:people|humans|users|someone|a person) (?:do|does|act|behave)(?: (?:or|and) "
        r"(?:believe|think))",
        "human behavior and beliefs",
    ),
    (
        r"from what (?:people|humans|users|they|a person|someone) (?:do|does|did)",
        "from human behavior",
    ),
    (r"(?:what|how) (?:people|humans|users|someone|a person) (?:believe|think)s?", "human beliefs"),
    (
        r"(?:what|how) (?:people|humans|users|someone|a person) (?:will |would )?(?:act|acts|behave|behaves)",
        "human behavior",
    ),
    (
        r"(?:what|how) (?:people|humans|users|someone|a person) (?:says?|said|tells?)",
        "human language",
    ),
    # "learning from people's either/or judgments", "reward learning from human comparisons"
    (
        r"either[/ -]or (?:judge?ments|choices|questions)|(?:side-by-side|pairwise|a/b) (?:judge?ments|choices|"
        r"ratings)|(?:human|people['’]s|users['’]) comparisons",
        "pairwise preferences",
    ),
    # (… of an objective only: "AI that cheats at chess" or "on school exams" is no paper's
    # subject, and a review found them answered with the reward-hacking paper)
    (
        r"cheat(?:s|ed|ing)?(?: on)? (?:(?:its|their|the|a|an) )?(?:own )?(?:objectives?|rewards?|goals?|"
        r"metrics?|reward functions?|specifications?|evaluations?|benchmarks?)",
        "reward hacking",
    ),
    # "situations where the agent or the human can't see everything"
    (
        r"(?:can(?:no|['’])?t|cannot|don['’]t|doesn['’]t|do not|does not) (?:see|observe) (?:everything|all)",
        "partial observability",
    ),
    # "seeing what's going on inside a model"
    (
        r"(?:(?:see|seeing|look|looking|peek|peeking|peer|peering|understand|understanding) )?"
        r"(?:inside (?:a |an |the )?(?:models?|networks?|black box(?:es)?)|what['’]?s going on inside"
        r"(?: (?:a|an|the|its) (?:models?|networks?))?)",
        "interpretability",
    ),
    (r"persuad(?:e|es|ed|ing)", "influence"),
    # what a recommender is to its users ("the stuff social media decides to show you",
    # "personalized feeds on apps", "apps like YouTube or Netflix")
    (
        r"(?:(?:the )?stuff |what )(?:social media|(?:an? |the )?apps?|youtube|netflix|tiktok|spotify|platforms?)"
        r" (?:decides?|chooses?) to show(?: you| people| users)?|(?:personali[sz]ed |social media |news |content )?"
        r"feeds?|(?:movie|music|video|shopping|streaming) apps?|apps? like (?:youtube|netflix|tiktok|spotify|amazon)"
        r"(?:,? (?:or|and) (?:youtube|netflix|tiktok|spotify|amazon))?",
        "recommender systems",
    ),
    (
        r"mak(?:e|es|ing) (?:stuff|things|facts|information) up|made[- ]up (?:facts|stuff|answers|information)|"
        r"hallucinat(?:e|es|ed|ing|ion|ions)",
        "factuality",
    ),
    (r"scratch ?pads?(?: notes)?", "chain of thought"),
    # … of people ("fool the very people grading it", "mislead their evaluators"), not of a
    # thing ("AI that fools spam filters" is about spam, which no paper is)
    (
        r"(?:(?:fool(?:s|ed|ing)?|trick(?:s|ed|ing)?|dupe[sd]?|duping|mislead(?:s|ing)?|misled|"
        r"(?:lie|lies|lying|lied) to)(?:,? (?:or|and) |\b))+ (?P<who>(?:(?:the|its|their|his|her|our|your|own|very|human|real) ){0,3}"
        r"(?:people|persons?|humans?|users?|evaluators?|graders?|raters?|overseers?|supervisors?|operators?|"
        r"developers?|testers?|annotators?|labell?ers?|us|you|them|everyone|someone))",
        r"deceive \g<who>",
    ),
    (r"sway(?:s|ed|ing)?|nudg(?:e|es|ed|ing)", "influence"),
    (
        r"downsides?|drawbacks?|pitfalls?|shortcomings?|weak spots?|(?:poke|pokes|poked|poking) holes in",
        "limitations",
    ),
    (r"grad(?:er|ers|ing)|raters?", "evaluators"),
    (r"hidden", "latent"),
    # ("fixed, previously collected datasets": offline datasets, as abstracts call them)
    (
        r"(?:logged|pre-?collected|previously collected|historical|static)"
        r"(?= (?:data|datasets?|logs|interactions|experience)\b)",
        "offline",
    ),
    (r"trial[- ]and[- ]error", "reinforcement learning"),
    (r"(?:in )?the driver['’]?s seat", "in control"),
    (r"plain (?:language|english|words)|everyday language", "natural language"),
    (
        r"gam(?:e|es|ed|ing) (?:the|a|its) (?:metric|reward|score|system|objective|evaluation|test|"
        r"benchmark)s?",
        "reward hacking",
    ),
    (r"stand-?ins?|surrogates?", "proxy"),
    (r"copilots?", "assistant"),
    (r"human[- ]subjects?(?: experiments?| studies| study| research)?", "user study"),
)
_EVERYDAY = [
    (re.compile(rf"(?<![\w'’-])(?:{p})(?![\w'’-])", re.IGNORECASE), t) for p, t in EVERYDAY_TERMS
]


def in_field_terms(text: str, keep: Callable[[str], bool] = lambda _: False) -> str:
    """The text with everyday words for the field's terms replaced by them ("AI that learns
    to fool its graders" -> "AI that learns to deceive its evaluators"), except single words
    `keep` says to leave as written (those the abstracts use). A term may keep a part of what
    it replaces (`\\g<who>`: whom "fool" is said of)."""
    for pattern, term in _EVERYDAY:
        text = pattern.sub(lambda m, t=term: m.group(0) if " " not in m.group(0) and keep(m.group(0)) else m.expand(t),
                           text)  # fmt: skip
    return text


# Names a question may use that name no one paper: the field's acronyms and its companies
# ("Google's small open LLM" names neither a paper nor a method).
GENERIC_NAMES = frozenset(ABBREVIATIONS) | {
    "ai", "ml", "agi", "api", "gpu", "gpus", "tpu", "cpu", "sota", "mdp", "mdps", "pomdp", "us",
    "uk", "google", "deepmind", "openai", "anthropic", "meta", "microsoft", "berkeley", "ucb",
}  # fmt: skip
_ABBREVIATION = re.compile(r"(?<![\w-])(" + "|".join(ABBREVIATIONS) + r")(?![\w-])", re.IGNORECASE)


def expand_abbreviations(text: str, keep: Callable[[str], bool] = lambda _: False) -> str:
    """The text with the field's abbreviations spelled out ("offline RL" -> "offline
    reinforcement learning"), except those `keep` says to leave as written."""

    def spell(match: re.Match[str]) -> str:
        word = match.group(1)
        return word if keep(word) else ABBREVIATIONS[word.lower()]

    return _ABBREVIATION.sub(spell, text)
