"""The metadata names the router recognises in a question: authors, profile owners, categories
and affiliations, with look-ups by a name's last word.

Built once per index generation from its papers (`from_papers`), at ingest, and
saved beside the paper table (`save` / `load`, plain JSON: 1.4 MB and 30 ms at 20k papers): at 100k papers building it means
running `name_key` over ~130k author names, which the first question should not wait for.
It sits below the index (imports only the portfolio's name rules and the taxonomy) so that
ingest can write it and the router read it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qabot.domain.names import name_key
from qabot.domain.records import Paper, Profile
from qabot.domain.taxonomy import AFFILIATION_ALIASES
from qabot.portfolio.statistics import Portfolio, owner_names

WORDS = re.compile(r"\w+")
FORMAT = 1  # bumped when the saved layout changes; another version's file is rebuilt


@dataclass
class Vocabulary:
    """Metadata names the router can recognise in a question."""

    authors: dict[str, str] = field(default_factory=dict)  # lower-case variant -> name key
    owners: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    last_names: dict[str, str] = field(default_factory=dict)  # unambiguous surname -> name key
    # How a question may name an affiliation (lower case) -> the affiliation as papers list it.
    affiliations: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)  # owner's name key -> profile name

    def __post_init__(self) -> None:
        self.index()

    def index(self) -> None:
        """Look-ups by a name's last word: a question names few words, a field's portfolio
        hundreds of thousands of authors, so each question checks only the names whose last
        word it contains instead of running a pattern per name."""
        self.keys = set(self.authors.values())
        self._variants: dict[str, list[str]] = defaultdict(list)
        for variant in self.authors:
            if " " in variant and (words := WORDS.findall(variant)):
                self._variants[words[-1]].append(variant)
        self._last: dict[str, list[str]] = defaultdict(list)
        for last in self.last_names:  # insertion order is the order names are tried in
            if words := WORDS.findall(last):
                self._last[words[-1]].append(last)

    def variants_in(self, words: set[str]) -> list[str]:
        """Multi-word variants whose last word is in `words` (lower case), longest first."""
        found = {v for w in words for v in self._variants.get(w, ())}
        return sorted(found, key=lambda v: (-len(v), v))

    def last_names_in(self, words: set[str]) -> list[str]:
        order = {n: i for i, n in enumerate(self.last_names)} if words else {}
        found = {n for w in words for n in self._last.get(w, ())}
        return sorted(found, key=order.__getitem__)

    @classmethod
    def from_papers(
        cls, papers: Iterable[Paper], profiles: list[Profile], owner: str | None = None
    ) -> Vocabulary:
        """`owner`: the named owner of the paper files (QABOT_OWNER), an owner like a
        profile's, but with no profile page to scope a question to."""
        vocab = cls(owners={name_key(n) for n in owner_names(profiles, owner)})
        last_names: dict[str, set[str]] = {}
        listed: set[str] = set()
        for paper in papers:
            if paper.category:
                vocab.categories.add(paper.category)
            listed.update(paper.affiliations)
            for author in paper.authors:
                key = name_key(author)
                vocab.authors[author.lower()] = key
                vocab.authors[key] = key
                last = author.split()[-1]
                if len(last) >= 4:
                    last_names.setdefault(last, set()).add(key)
        for profile in profiles:
            vocab.profiles[name_key(profile.name)] = profile.name
        for name in owner_names(profiles, owner):
            vocab.authors.setdefault(name.lower(), name_key(name))
        for affiliation in listed:
            for form in (affiliation, affiliation.replace("-", " ")):
                vocab.affiliations[form.lower()] = affiliation
        vocab.affiliations |= {k: v for k, v in AFFILIATION_ALIASES.items() if v in listed}
        # A bare last name counts only when capitalised and unambiguous ("Russell", not "Lin").
        vocab.last_names = {n: next(iter(k)) for n, k in last_names.items() if len(k) == 1}
        vocab.index()
        return vocab

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio) -> Vocabulary:
        return cls.from_papers(portfolio.papers, portfolio.profiles, portfolio.owner)

    # -- saved with the index generation -----------------------------------------------------

    def to_json(self) -> bytes:
        """Everything, the look-up tables included, so loading is parsing only."""
        return json.dumps(
            {
                "format": FORMAT,
                "authors": self.authors,
                "owners": sorted(self.owners),
                "categories": sorted(self.categories),
                "last_names": self.last_names,
                "affiliations": self.affiliations,
                "profiles": self.profiles,
                "variants": self._variants,
                "last": self._last,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Vocabulary:
        """Raises ValueError for a damaged file or another version's layout."""
        raw: dict[str, Any] = json.loads(data)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a vocabulary of this version")
        vocab = cls.__new__(cls)  # not __init__: the look-up tables are loaded, not rebuilt
        vocab.authors = raw["authors"]
        vocab.owners = set(raw["owners"])
        vocab.categories = set(raw["categories"])
        vocab.last_names = raw["last_names"]
        vocab.affiliations = raw["affiliations"]
        vocab.profiles = raw["profiles"]
        vocab.keys = set(vocab.authors.values())
        vocab._variants = defaultdict(list, raw["variants"])
        vocab._last = defaultdict(list, raw["last"])
        return vocab

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_json())

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        return cls.from_json(path.read_bytes())
