"""The Portfolio tab: figures exact from the metadata (papers per year and per category,
co-authors, affiliations, papers with code) and the main themes, each a button that asks about
it. Filled when the tab is first opened, once per index generation and profile."""

from __future__ import annotations

from typing import Any

import gradio as gr

from qabot.bot import QABot
from qabot.domain.records import Profile
from qabot.domain.taxonomy import affiliation_name, category_title
from qabot.errors import QABotError
from qabot.interfaces.web.render import md_escape
from qabot.portfolio.statistics import year_rows
from qabot.portfolio.theme_names import theme_names

MAX_LISTED = 50  # papers listed by name in the Portfolio tab
ALL_PROFILES = "All profiles"


def stated_note(profiles: list[Profile], papers: int) -> str:
    """Where the papers come from, per source: each profile's own listed and stated counts
    (never one sum: a lab's profiles share papers), and the paper files' papers (JSONL, BibTeX,
    CSL-JSON, RIS). A profile page that states more papers than it lists is said in words: only
    the listed ones can be indexed."""
    listed = {i for p in profiles for i in p.paper_ids}
    jsonl = papers - len(listed) if listed else 0
    if len(profiles) == 1 and jsonl <= 0:
        stated = profiles[0].papers_stated
        if stated and stated > papers:
            return (
                f" (the profile page states {stated} papers but lists only these {papers}, "
                "and only listed papers can be indexed)"
            )
        return f" (the profile page states {stated})" if stated and stated != papers else ""
    parts = [
        f"{md_escape(p.name)}'s profile lists {len(p.paper_ids) or p.papers_listed}"
        + (f" and states {p.papers_stated}" if p.papers_stated is not None else "")
        for p in profiles
    ]
    if jsonl > 0:
        parts.append(f"{jsonl} from paper files")
    if any(p.papers_stated is not None and p.papers_stated > p.papers_listed for p in profiles):
        parts[-1] += ": only the papers a profile page lists can be indexed"
    return f" ({'; '.join(parts)})" if parts else ""


def theme_question(name: str) -> str:
    """The survey question a theme's link asks."""
    return f"Which papers are about {name[:1].lower()}{name[1:]}?"


def portfolio_figures(bot: QABot, profile: str | None = None) -> tuple[Any, ...]:
    """The Portfolio tab's contents, exact from the metadata (one profile's, if given):
    summary, papers per year, per category, co-authors, affiliations, papers with code, and
    the themes as (name, papers) pairs."""
    import pandas as pd

    profile = profile if profile and profile != ALL_PROFILES else None
    report = bot.portfolio(profile=profile)
    stated = stated_note(report.profiles, report.papers_indexed)
    whose = f"{md_escape(report.profiles[0].name)}'s profile: " if profile else ""
    basis = (
        f"Co-author counts cover listed authors only ({report.truncated_author_lists} lists end "
        "in “et al.”)."
        if report.truncated_author_lists
        else "Co-author counts are exact: every author list is complete."
    )
    summary = (
        f"{whose}**{report.papers_indexed} papers indexed**{stated}. Earliest: "
        f"{md_escape(report.earliest or 'n/a')}. Latest: {md_escape(report.latest or 'n/a')}. "
        f"{basis}"
    )
    # Every year of the span (0 where there were none), the current one marked "so far".
    rows = year_rows({int(y): n for y, n in report.counts_by_year.items()})
    years = pd.DataFrame({"Year": [y for y, _ in rows], "Papers": [n for _, n in rows]})
    cats = pd.DataFrame(
        {
            "Category": [category_title(c) for c in report.counts_by_category],
            "Papers": list(report.counts_by_category.values()),
        }
    )
    coauthors = pd.DataFrame(
        [(a.name, a.papers) for a in report.top_coauthors], columns=["Co-author", "Papers"]
    )
    affiliations = pd.DataFrame(
        [
            (affiliation_name(a), n)
            for a, n in list(report.counts_by_affiliation.items())[:MAX_LISTED]
        ],
        columns=["Affiliation", "Papers"],
    )
    shown = report.papers_with_code[:MAX_LISTED]
    more = len(report.papers_with_code) - len(shown)
    code = f"**Papers with code** ({len(report.papers_with_code)})\n\n" + "\n".join(
        [f"- {md_escape(t)}" for t in shown] + ([f"- … and {more:,} more"] if more else [])
    )
    titles = bot.papers_by_id([i for t in report.topics for i in t.paper_ids])
    names = theme_names(report.topics, lambda i: titles[i].title if i in titles else None)
    themes = [(name, len(t.paper_ids)) for name, t in zip(names, report.topics, strict=True)]
    return summary, years, cats, coauthors, affiliations, code, themes


def portfolio_view(
    bot: QABot, cache: dict[str, tuple[Any, ...]], profile: str | None = None
) -> tuple[Any, ...]:
    """The tab's contents, computed once per index generation and profile choice."""
    try:
        key = f"{bot.snapshot.generation}|{profile or ALL_PROFILES}"
        if key not in cache:
            if not any(k.startswith(f"{bot.snapshot.generation}|") for k in cache):
                cache.clear()  # a new generation: the old figures are stale
            cache[key] = portfolio_figures(bot, profile)
        return cache[key]
    except QABotError as exc:  # e.g. a damaged paper table: said on the tab, not a traceback
        return (f"**Error:** {md_escape(str(exc))}", None, None, None, None, "", [])


def portfolio_tab(bot: QABot, tab: gr.Tab, names: list[str]) -> tuple[gr.Dataset, gr.State]:
    """Filled when the tab is first opened, not when the page is built: at 100k papers the
    figures take a second or two that the chat page need not wait for. `names`: the
    profiles. Returns the themes (each a button that asks about it) and their names."""
    pick = gr.Dropdown(
        [ALL_PROFILES, *names],
        value=ALL_PROFILES,
        label="Profile",
        visible=len(names) > 1,
        elem_id="qabot-portfolio-profile",
    )
    summary = gr.Markdown("Loading the portfolio figures…")
    with gr.Row():
        years = gr.BarPlot(
            None,
            x="Year",
            y="Papers",
            title="Papers per year",
            x_label_angle=-45,
            elem_id="qabot-years",
        )
        cats = gr.BarPlot(
            None,
            x="Category",
            y="Papers",
            title="Papers per arXiv category",
            sort="-y",
            x_label_angle=-40,  # category names, not two-letter codes: they need the room
            elem_id="qabot-categories",
        )
    with gr.Row():
        with gr.Column():
            themes = gr.Dataset(
                components=[gr.Textbox(visible=False)],
                samples=[],
                label="Main themes: pick one to ask about it",
                type="index",
                elem_id="qabot-themes",
            )
            code = gr.Markdown()
        coauthors = gr.Dataframe(
            label="Top listed co-authors",
            interactive=False,
            elem_id="qabot-coauthors",
            elem_classes=["qabot-table"],
        )
        affiliations = gr.Dataframe(
            label="Affiliations (papers listing each)",
            interactive=False,
            elem_id="qabot-affiliations",
            elem_classes=["qabot-table"],
        )
    theme_names_state = gr.State([])
    cache: dict[str, tuple[Any, ...]] = {}  # per index generation and profile

    def fill(profile: str | None) -> tuple[Any, ...]:
        *figures, found = portfolio_view(bot, cache, profile)
        samples = [[f"{name} ({n} paper{'s' if n != 1 else ''})"] for name, n in found]
        return (*figures, gr.Dataset(samples=samples), [name for name, _ in found])

    outputs = [summary, years, cats, coauthors, affiliations, code, themes, theme_names_state]
    tab.select(fill, pick, outputs, api_visibility="private")
    pick.change(fill, pick, outputs, api_visibility="private")
    return themes, theme_names_state
