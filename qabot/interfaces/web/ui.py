"""The Gradio chat UI: streaming answers, source cards, filters, and a `/chat` API endpoint.

Handlers call `QABot.stream` and only format its result. Every piece of corpus or user text is
escaped before it reaches the page, so a title like `<img src=x onerror=alert(1)>` shows as text.
"""

from __future__ import annotations

import html
import inspect
import logging
import os
import re
from collections.abc import Iterator
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from qabot.bot import QABot
from qabot.config import Settings
from qabot.domain.questions import clean_text
from qabot.domain.records import Answer, Citation, Paper, Profile
from qabot.domain.taxonomy import category_label
from qabot.errors import QABotError
from qabot.index.lexical import tokenize
from qabot.index.snapshot import IndexOverview
from qabot.interfaces.mcp import gradio as mcp_gradio
from qabot.interfaces.web.address import check_bindable, check_login, server_address
from qabot.portfolio.statistics import owner_names

log = logging.getLogger(__name__)

MAX_LISTED = 50  # papers listed by name in the Portfolio tab
EXAMPLES = [
    "What is the Boltzmann policy distribution?",
    "What has this group done on reward hacking?",
    "Can an AI system deceive the humans who give it feedback?",
    "How can agents learn to understand language about the world?",
    "What is Dynalang?",
]
CSS = """
.qabot-badge {font-size: 0.9em; padding: 0.6em 0.8em; border-radius: 8px;
              background: var(--block-background-fill); border: 1px solid var(--border-color-primary);}
mark {background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px;}
"""
FAILURE_TEXT = "something went wrong on the server while answering; the details are in its log."
FAILURE = f"**Error:** {FAILURE_TEXT}"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~$])")


def md_escape(text: str) -> str:
    """Text that renders as itself in the Chatbot: no HTML, no markdown links or images."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def highlight(passage: str, question: str) -> str:
    """Escape a passage and wrap the words that match the question (by stem) in <mark>."""
    wanted = set(tokenize([question])[0])
    parts = re.split(r"(\w+)", passage)
    out = []
    for part in parts:
        escaped = md_escape(part)
        if part and part[0].isalnum() and set(tokenize([part])[0]) & wanted:
            escaped = f"<mark>{escaped}</mark>"
        out.append(escaped)
    return "".join(out)


def _card(
    c: Citation, answer: Answer, question: str, opened: bool, papers: dict[str, Paper]
) -> dict[str, Any]:
    hit = next((s for s in answer.sources if s.paper_id == c.paper_id), None)
    paper = papers.get(c.paper_id)
    facts = [md_escape(c.authors or "unknown authors")]
    if paper is not None:
        inferred = " (year inferred)" if paper.date_inferred else ""
        facts.append(paper.display_date + inferred)
    else:
        facts.append(str(c.year) if c.year else "undated")
    if c.venue:
        facts.append(f"*{md_escape(c.venue)}*")
    if hit and hit.category:
        facts.append(md_escape(hit.category))
    if hit and hit.has_code:
        facts.append("**code**")
    body = " · ".join(facts) + "\n\n" + highlight(c.text, question)
    if c.url:
        body += f"\n\n[Open]({html.escape(c.url, quote=True).replace(')', '%29')})"
    return {
        "role": "assistant",
        "content": body,
        # Without a status Gradio shows the card open; "done" starts it collapsed.
        "metadata": {
            "title": md_escape(f"[{c.number}] {c.title}"),
            **({} if opened else {"status": "done"}),
        },
    }


# A survey answer's structure: theme headings and list items keep their Markdown; the text
# after them is escaped like any other answer text.
_STRUCTURE = re.compile(r"^(#{1,4} |- )")


def answer_markdown(text: str) -> str:
    """Answer text as inert Markdown, except that lines opening with a heading ("### ") or a
    list item ("- ") render as such, so a survey answer reads as a list."""
    lines = []
    for line in text.split("\n"):
        m = _STRUCTURE.match(line)
        lines.append(m.group(1) + md_escape(line[m.end() :]) if m else md_escape(line))
    return "\n".join(lines)


def answer_messages(
    answer: Answer, question: str, papers: dict[str, Paper] | None = None
) -> list[dict[str, Any]]:
    """The answer bubble, then one collapsible source card per cited paper (the first open)."""
    text = answer_markdown(answer.answer)
    if answer.abstained:
        text = f"*{text}*"
    cards = [
        _card(c, answer, question, i == 0, papers or {}) for i, c in enumerate(answer.citations)
    ]
    return [{"role": "assistant", "content": text}, *cards]


def api_text(answer: Answer) -> str:
    """Plain-text answer with a numbered source list, for the `/chat` API endpoint."""
    return answer.transcript()


ALL_PROFILES = "All profiles"


def _filters(
    year_from: Any,
    year_to: Any,
    categories: Any,
    author: Any,
    has_code: Any,
    bounds: tuple[int, int] | None = None,
    affiliation: Any = None,
    profile: Any = None,
) -> dict[str, Any]:
    """The UI's (or an API client's) filter values, passed on as given: `QABot.stream`
    validates them and names a bad one. Only the UI's own conventions are applied here."""

    def is_number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    if bounds is not None:  # the full slider range means "no year filter": undated stay in
        lo, hi = bounds
        year_from = None if is_number(year_from) and year_from <= lo else year_from
        year_to = None if is_number(year_to) and year_to >= hi else year_to
    return {
        "year_from": year_from,
        "year_to": year_to,
        "categories": categories or None,
        "author": author or None,
        "affiliation": (affiliation.strip() or None)
        if isinstance(affiliation, str)
        else affiliation,
        "profile": profile if profile and profile != ALL_PROFILES else None,
        # An unticked box (or false over the API) means "no code filter", not "without code".
        "has_code": None if has_code in (None, False) else has_code,
    }


class ChatService:
    """The UI's handlers, kept apart from layout so they can be tested without a browser."""

    def __init__(self, bot: QABot) -> None:
        self.bot = bot
        # The summary is written at ingest, so the page waits neither for the paper table nor
        # (with a local store) for Chroma; with no index yet, this builds it.
        self.overview = overview = bot.overview()
        summary = overview.summary
        lo, hi = summary.year_min, summary.year_max
        self.bounds = (lo, hi) if lo is not None and hi is not None else (1900, 2100)
        self.categories = summary.categories
        # A field's portfolio lists 100k+ people; the page offers the most frequent (the box
        # takes any name typed in) instead of shipping every name to the browser.
        self.authors = summary.authors
        self.affiliations = summary.affiliations
        # A lab indexes several profiles; the user can narrow the chat to one of them.
        self.profiles = [p.name for p in overview.profiles]

    def respond(
        self,
        message: str,
        shown: list[dict[str, Any]],
        history: list[dict[str, Any]],
        year_from: float | None,
        year_to: float | None,
        categories: list[str] | None,
        author: str | None,
        has_code: bool,
        affiliation: str | None = None,
        profile: str | None = None,
    ) -> Iterator[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]:
        """Stream one exchange into the chat; errors become a friendly chat message. `history`
        (the page's hidden state) keeps each answer as `Answer.as_turn()`, citations as data."""
        shown = [*shown, {"role": "user", "content": md_escape(clean_text(str(message or "")))}]
        filters = _filters(
            year_from, year_to, categories, author, has_code, self.bounds, affiliation, profile
        )
        text = ""
        try:
            for item in self.bot.stream(message, history, **filters):
                if isinstance(item, Answer):
                    # The cited papers' records, not the statistics: those are built after
                    # the first answer (QABot.warm_up), not inside it.
                    papers = self.bot.papers_by_id([c.paper_id for c in item.citations])
                    shown += answer_messages(item, item.standalone_question, papers)
                    history = [*history, {"role": "user", "content": item.question}, item.as_turn()]
                    yield "", shown, history
                    return
                text += item
                yield "", [*shown, {"role": "assistant", "content": answer_markdown(text)}], history
        except QABotError as exc:
            yield (
                "",
                [*shown, {"role": "assistant", "content": f"**Error:** {md_escape(str(exc))}"}],
                history,
            )
        except Exception:  # the UI must stay usable; the details go to the server log
            log.exception("unexpected error while answering %r", str(message)[:200])
            yield "", [*shown, {"role": "assistant", "content": FAILURE}], history

    def chat(
        self,
        question: str,
        history: list[dict[str, Any]] | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        categories: list[str] | None = None,
        author: str | None = None,
        has_code: bool = False,
    ) -> Iterator[str]:
        """Ask the portfolio a question; streams the answer, ending with its numbered sources.

        `history` is the conversation so far as [{"role": "user"|"assistant", "content": ...}];
        keep each answer's text as returned (with its source list), so that follow-ups such as
        "tell me more about the second one" find the papers it listed; an assistant turn may
        also carry them as data, "citations": [paper ids in reading order]. Affiliations and
        profiles are read from the question ("… with DeepMind"); the endpoint keeps its seven
        arguments so that plain-HTTP callers' positional lists stay valid.
        """
        filters = _filters(year_from, year_to, categories, author, has_code)
        text = ""
        try:
            for item in self.bot.stream(question, history, **filters):
                if isinstance(item, Answer):
                    yield api_text(item)
                    return
                text += item
                yield text
        except QABotError as exc:
            yield f"Error: {exc}"
        except Exception:  # the endpoint answers every request; the details go to the log
            log.exception("unexpected error while answering %r over /chat", str(question)[:200])
            yield f"Error: {FAILURE_TEXT}"


def stated_note(profiles: list[Profile], papers: int) -> str:
    """Where the papers come from, per source: each profile's own listed and stated counts
    (never one sum: a lab's profiles share papers), and the paper files' papers (JSONL, BibTeX, CSL-JSON, RIS)."""
    listed = {i for p in profiles for i in p.paper_ids}
    jsonl = papers - len(listed) if listed else 0
    if len(profiles) == 1 and jsonl <= 0:
        stated = profiles[0].papers_stated
        return f" (the profile states {stated})" if stated and stated != papers else ""
    parts = [
        f"{md_escape(p.name)}'s profile lists {len(p.paper_ids) or p.papers_listed}"
        + (f" and states {p.papers_stated}" if p.papers_stated is not None else "")
        for p in profiles
    ]
    if jsonl > 0:
        parts.append(f"{jsonl} from paper files")
    return f" ({'; '.join(parts)})" if parts else ""


def header_markdown(bot: QABot, overview: IndexOverview | None = None) -> str:
    overview = overview or bot.overview()
    summary = overview.summary
    names = [p.name for p in overview.profiles]
    # The profiles' researchers, and the named owner of the paper files (QABOT_OWNER).
    owners = owner_names(overview.profiles, overview.manifest.owner)
    who = ", ".join(owners) if owners else "the indexed papers"
    span = f" · {summary.year_min}–{summary.year_max}" if summary.year_min is not None else ""
    note = stated_note(overview.profiles, summary.papers)
    lab = (
        f" {len(names)} profiles are indexed: pick one under Filters, or ask about one by name."
        if len(names) > 1
        else ""
    )
    return (
        f"# qabot · {md_escape(who)}\n"
        f"**{summary.papers} papers indexed**{note}{span}.{lab} Ask about topics, methods "
        "or findings: every claim cites a paper, or the bot says the portfolio doesn't say."
    )


def badge_markdown(bot: QABot) -> str:
    if bot.answerer == "extractive":
        return (
            "**Offline extractive mode**: answers quote the abstracts, no LLM. To use an "
            "LLM, set `OPENAI_API_KEY`, or `OPENAI_BASE_URL` for a local server, and restart."
        )
    endpoint = bot.settings.openai_base_url or "api.openai.com"
    return f"**Answerer:** `{md_escape(bot.answerer)}` via {md_escape(endpoint)}"


def portfolio_figures(bot: QABot, profile: str | None = None) -> tuple[Any, ...]:
    """The Portfolio tab's contents, exact from the metadata (one profile's, if given)."""
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
    years = pd.DataFrame(
        {
            "year": [str(y) for y in report.counts_by_year],
            "papers": list(report.counts_by_year.values()),
        }
    )
    cats = pd.DataFrame(
        {
            "category": list(report.counts_by_category),
            "papers": list(report.counts_by_category.values()),
        }
    )
    coauthors = pd.DataFrame(
        [(a.name, a.papers) for a in report.top_coauthors], columns=["co-author", "papers"]
    )
    affiliations = pd.DataFrame(
        list(report.counts_by_affiliation.items())[:MAX_LISTED], columns=["affiliation", "papers"]
    )
    shown = report.papers_with_code[:MAX_LISTED]
    more = len(report.papers_with_code) - len(shown)
    code = f"**Papers with code** ({len(report.papers_with_code)})\n\n" + "\n".join(
        [f"- {md_escape(t)}" for t in shown] + ([f"- … and {more:,} more"] if more else [])
    )
    themes = "**Main themes** (k-means over the paper embeddings)\n\n" + "\n".join(
        f"- {md_escape(t.label)}: {len(t.paper_ids)} paper{'s' if len(t.paper_ids) > 1 else ''}"
        for t in report.topics
    )
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
        return (f"**Error:** {md_escape(str(exc))}", None, None, None, None, "", "")


def portfolio_tab(bot: QABot, tab: gr.Tab, names: list[str]) -> None:
    """Filled when the tab is first opened, not when the page is built: at 100k papers the
    figures take a second or two that the chat page need not wait for. `names`: the
    profiles."""
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
            None, x="year", y="papers", title="Papers per year", elem_id="qabot-years"
        )
        cats = gr.BarPlot(
            None,
            x="category",
            y="papers",
            title="Papers per arXiv category",
            sort="-y",
            elem_id="qabot-categories",
        )
    with gr.Row():
        coauthors = gr.Dataframe(label="Top listed co-authors", interactive=False)
        affiliations = gr.Dataframe(
            label="Affiliations (papers listing each)",
            interactive=False,
            elem_id="qabot-affiliations",
        )
        with gr.Column():
            code = gr.Markdown()
            themes = gr.Markdown()
    cache: dict[str, tuple[Any, ...]] = {}  # per index generation and profile

    def fill(profile: str | None) -> tuple[Any, ...]:
        return portfolio_view(bot, cache, profile)

    outputs = [summary, years, cats, coauthors, affiliations, code, themes]
    tab.select(fill, pick, outputs, api_visibility="private")
    pick.change(fill, pick, outputs, api_visibility="private")


def build_ui(bot: QABot, mcp: bool = False) -> gr.Blocks:
    """The whole page. Loads the model and index once; requests reuse them. `mcp`: also
    register the MCP tools as API endpoints, for Gradio's MCP server to publish."""
    service = ChatService(bot)
    lo, hi = service.bounds
    with gr.Blocks(title="qabot") as demo:
        gr.Markdown(header_markdown(bot, service.overview))
        with gr.Tab("Chat"), gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=560,
                    buttons=["copy"],
                    placeholder="Ask a question about the papers.",
                    elem_id="qabot-chat",
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="e.g. What has this group done on reward hacking?",
                        show_label=False,
                        scale=6,
                        elem_id="qabot-question",
                        max_length=20_000,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="qabot-ask")
                new_chat = gr.Button("New chat", size="sm", elem_id="qabot-new")
                gr.Examples(EXAMPLES, inputs=box, label="Try")
            with gr.Column(scale=1):
                gr.Markdown(
                    badge_markdown(bot), elem_classes=["qabot-badge"], elem_id="qabot-badge"
                )
                with gr.Accordion("Filters", open=True):
                    year_from = gr.Slider(lo, hi, value=lo, step=1, label="From year")
                    year_to = gr.Slider(lo, hi, value=hi, step=1, label="To year")
                    cats = gr.CheckboxGroup(
                        [(category_label(c), c) for c in service.categories],
                        label="arXiv categories",
                    )
                    author = gr.Dropdown(
                        service.authors,
                        value=None,
                        allow_custom_value=True,
                        label="Author (any part of the name)",
                    )
                    affiliation = gr.Dropdown(
                        service.affiliations,
                        value=None,
                        allow_custom_value=True,
                        label="Affiliation (any part of the name)",
                    )
                    profile = gr.Dropdown(
                        [ALL_PROFILES, *service.profiles],
                        value=ALL_PROFILES,
                        label="Profile",
                        visible=len(service.profiles) > 1,
                        elem_id="qabot-profile",
                    )
                    has_code = gr.Checkbox(False, label="Only papers with code")
        with gr.Tab("Portfolio") as tab:
            portfolio_tab(bot, tab, service.profiles)
        history = gr.State([])
        inputs = [
            box,
            chatbot,
            history,
            year_from,
            year_to,
            cats,
            author,
            has_code,
            affiliation,
            profile,
        ]
        for trigger in (box.submit, send.click):
            trigger(service.respond, inputs, [box, chatbot, history], api_visibility="private")
        # A new chat forgets the conversation but keeps a question being typed. The chat's own
        # trash button must forget the hidden history too, or follow-ups would use it.
        new_chat.click(lambda: ([], []), None, [chatbot, history], api_visibility="private")
        chatbot.clear(lambda: [], None, history, api_visibility="private")
        gr.api(mcp_gradio.hidden_from_mcp(service.chat), api_name="chat")
        if mcp:
            mcp_gradio.add_gradio_tools(bot)
    take_defaults(demo, "chat", service.chat)
    return demo


def take_defaults(demo: gr.Blocks, api_name: str, fn: Any) -> None:
    """Let plain-HTTP callers of the API endpoint `api_name` leave out trailing arguments that
    `fn` gives defaults (as `gradio_client` fills them in), and tell them plainly when a
    required one is missing or there are more values than arguments.

    Gradio refuses a call with fewer values than the endpoint has inputs with a ValueError
    that the page hides (`show_error=False`): the caller got `{"error": null}` and the log a
    traceback. Every route (/call, /run, the queue) checks the values with
    `Blocks.validate_inputs`, which this wraps for the one endpoint (GRADIO INTERNALS: checked
    by tests/interfaces/web/test_ui.py through /gradio_api/call/chat)."""
    params = list(inspect.signature(fn).parameters.values())
    names = ", ".join(p.name for p in params)
    validate = demo.validate_inputs

    def validate_inputs(block_fn: Any, inputs: list[Any]) -> None:
        if getattr(block_fn, "api_name", None) != api_name:
            pass
        elif len(inputs) > len(params):  # Gradio would drop the extra ones without a word
            raise gr.Error(
                f"/{api_name} takes {len(params)} arguments, {names}; got {len(inputs)}.",
                print_exception=False,
            )
        elif len(inputs) < len(params):
            missing = params[len(inputs) :]
            required = [p.name for p in missing if p.default is inspect.Parameter.empty]
            if required:
                raise gr.Error(
                    f"/{api_name} needs {', '.join(required)}: its arguments are, in order, "
                    f"{names} (only the first is required).",
                    print_exception=False,
                )
            inputs.extend(p.default for p in missing)  # read by Gradio after this check
        validate(block_fn, inputs)

    demo.validate_inputs = validate_inputs  # type: ignore[method-assign]


def startup_text(url: str, share: bool) -> str:
    """What a served app says on stdout, where Gradio's own lines would be: the address, and
    how to get a public link in qabot's terms (Gradio prints the public link itself)."""
    lines = [f"* Running on local URL:  {url}"]
    if not share:
        lines.append(
            "* To create a public link, start with --share (`qabot serve --share`, "
            "`python app.py --share` or `bash scripts/run.sh --share`)."
        )
    return "\n".join(lines)


def launch(
    settings: Settings | None = None,
    *,
    share: bool = False,
    bot: QABot | None = None,
    block: bool = True,
    warm: bool = True,
) -> tuple[gr.Blocks, str]:
    """Build and serve the UI on loopback (or GRADIO_SERVER_NAME/PORT). Returns (app, url).
    `warm`: start the bot's warm-up once the server is up (False: the caller sees to it)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # Gradio wraps every event in a matplotlib backend switch; unless a backend is named,
    # asking for it imports pyplot, which cost the first answer 0.8 s from a cold disk.
    os.environ.setdefault("MPLBACKEND", "Agg")
    settings = settings or (bot.settings if bot else Settings())
    auth = check_login(settings)
    host, port = server_address(settings)
    check_bindable(host, port)  # before the page is built: a taken port is one line
    bot = bot or QABot(settings)
    if warm and share:  # launch returns only once the public link is set up: warm up meanwhile
        bot.warm_up(defer_statistics=True)
    demo = build_ui(bot, mcp=settings.app.mcp)
    demo.queue(default_concurrency_limit=settings.app.concurrency, max_size=settings.app.max_queue)
    # Gradio's login does not cover its MCP path; the same credentials guard it (Basic auth).
    middleware = []
    if auth and settings.app.mcp:
        middleware.append(Middleware(mcp_gradio.MCPBasicAuth, user=auth[0], password=auth[1]))
    try:
        _, url, _ = demo.launch(
            server_name=host,
            server_port=port,
            share=share,
            auth=auth,
            prevent_thread_lock=True,
            theme=gr.themes.Soft(),
            css=CSS,
            show_error=False,
            # Gradio's start-up lines advise `share=True` in `launch()`; qabot prints its own.
            quiet=True,
            mcp_server=settings.app.mcp,
            app_kwargs={"middleware": middleware},
        )
    except OSError:  # taken since the check (Gradio's "Cannot find empty port"): the same line
        check_bindable(host, port)
        raise
    if block:
        print(startup_text(url, share), flush=True)
    if settings.app.mcp:
        mcp_gradio.adapt_mcp_server(demo)
    if warm and not share:  # only now: see qabot.interfaces.web.serving for why the page goes first
        bot.warm_up(defer_statistics=True)  # the statistics only after the first answer
    if block:  # only now: before, a blocking launch never reached the lines above
        demo.block_thread()
    return demo, url
