"""Names for the metadata codes a portfolio uses: arXiv categories and affiliations.

One table each, at the bottom of the import graph, so the router (reading questions), the
statistic answers (writing them) and the UI (labelling charts) name things the same way.
Imports nothing from qabot.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The arXiv taxonomy (https://arxiv.org/category_taxonomy): the computer-science archive in full,
# plus the categories of other archives that ML papers are cross-listed in. Codes are stored
# without the archive prefix (see models.normalise_category), so cs.SY and eess.SY are one SY.
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
    """ "RO" -> "Robotics"; None for a code outside the table."""
    return ARXIV_CATEGORIES.get(code.upper())


def category_label(code: str) -> str:
    """ "RO (Robotics)", or the bare code when the table does not know it."""
    name = category_name(code)
    return f"{code} ({name})" if name else code


def category_names() -> dict[str, str]:
    """Every lower-case name or alias -> code, longest first (so "machine learning
    (statistics)" is tried before "machine learning")."""
    names = {name.lower(): code for code, name in ARXIV_CATEGORIES.items()}
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
}
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
