"""Identity of names and titles across their spellings: one decision, used by the corpus
readers (duplicates), the statistics (co-authors), the router (author names) and follow-ups."""

from __future__ import annotations

import functools
import re
import unicodedata


def _is_initial(token: str) -> bool:
    """ "j" or "j." (a middle initial)."""
    return "a" <= token[0] <= "z" and (len(token) == 1 or (len(token) == 2 and token[1] == "."))


@functools.lru_cache(maxsize=1 << 18)  # the paper table and the router key the same names
def name_key(name: str) -> str:
    """Identity of an author name across variants: "Stuart J. Russell" = "Stuart Russell".

    Accents, case and middle initials are ignored; first and last name must agree.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # Plain string tests, not regexes: this runs for every author of 100k papers at start-up.
    words = [
        w
        for t in ascii_name.replace(".", ". ").split()
        if not _is_initial(t) and (w := t.strip(".,"))
    ]
    if not words:
        return ascii_name.strip()
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1]}"


def normalise_title(title: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to spot duplicate papers."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
