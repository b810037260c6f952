"""Which of a paper's links is the paper, which its code, and which something else (a project
page): one decision, so a card says "Paper" only for the paper and "Code" only for code.

Links come from the source record (a DOI, an arXiv id, a `url` field) and from the abstract
("code at https://github.com/…"); their order says nothing about what they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

# Hosts whose links are a paper itself (a DOI resolves to one; arXiv ids are stored as links).
PAPER_HOSTS = (
    "doi.org",
    "arxiv.org",
    "openreview.net",
    "aclanthology.org",
    "proceedings.mlr.press",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "jmlr.org",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "sciencedirect.com",
    "nature.com",
    "science.org",
    "biorxiv.org",
    "ojs.aaai.org",
)
# Hosts whose links are code, weights or data: what the "code" badge is about.
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co")


def _host(url: str) -> str:
    """The web host of an http(s) link; "" for anything else, so a `javascript:` link is
    never offered as the paper, whatever host it names."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:  # a malformed link from an abstract
        return ""
    return host.lower().removeprefix("www.") if parts.scheme.lower() in ("http", "https") else ""


def _on(url: str, hosts: Iterable[str]) -> bool:
    host = _host(url)
    return any(host == h or host.endswith("." + h) for h in hosts)


def paper_link(urls: Iterable[str]) -> str | None:
    """The first link that is the paper (DOI, arXiv, a proceedings page), or None."""
    return next((u for u in urls if _on(u, PAPER_HOSTS)), None)


def page_link(urls: Iterable[str]) -> str | None:
    """The first web link that is neither the paper nor code: a project page, say."""
    return next((u for u in urls if _host(u) and not _on(u, PAPER_HOSTS + CODE_HOSTS)), None)


def code_link(urls: Iterable[str]) -> str | None:
    """The first link to code (GitHub, GitLab, Hugging Face, …), or None."""
    return next((u for u in urls if _on(u, CODE_HOSTS)), None)


def other_link(urls: Iterable[str]) -> str | None:
    """The first web link that is neither the paper nor code: usually a project page."""
    return next(
        (
            u
            for u in urls
            if _host(u)
            and u.lower().startswith(("http://", "https://"))
            and not _on(u, PAPER_HOSTS)
            and not _on(u, CODE_HOSTS)
        ),
        None,
    )
