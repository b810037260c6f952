"""The Gradio chat UI: streaming answers, source cards, filters, and a `/chat` API endpoint.

Handlers call `QABot.stream` and only format its result. Every piece of corpus or user text is
escaped before it reaches the page, so a title like `<img src=x onerror=alert(1)>` shows as text.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Iterator
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from qabot.bot import QABot
from qabot.config import Settings
from qabot.domain.filters import join_clauses
from qabot.domain.genres import TYPE_NAMES, type_name
from qabot.domain.questions import clean_text, make_filters
from qabot.domain.records import Answer
from qabot.domain.taxonomy import affiliation_name, category_title
from qabot.errors import QABotError
from qabot.index.snapshot import IndexOverview
from qabot.interfaces.mcp import gradio as mcp_gradio
from qabot.interfaces.web.address import check_bindable, check_login, server_address
from qabot.interfaces.web.portfolio_tab import (
    ALL_PROFILES,
    portfolio_tab,
    stated_note,
    theme_question,
)
from qabot.interfaces.web.render import (
    answer_markdown,
    answer_messages,
    filter_chips,
    md_escape,
)
from qabot.portfolio.statistics import owner_names

log = logging.getLogger(__name__)

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
/* The quoted sentence: dark text on yellow in light and dark mode alike (7:1 and more). */
mark {background: #fde68a; color: #1f2937; padding: 0 1px; border-radius: 2px;}
.qabot-card, .qabot-sources {border: 1px solid var(--border-color-primary); border-radius: 8px;
              padding: 0.3em 0.7em; margin: 0.4em 0;}
.qabot-card summary, .qabot-sources summary {cursor: pointer; font-weight: 600;}
.qabot-card blockquote {margin: 0.4em 0; padding-left: 0.6em;}
.qabot-card:target, .qabot-card.qabot-flash {outline: 3px solid var(--color-accent);}
.qabot-chips {display: flex; flex-wrap: wrap; gap: 0.3em; align-items: center; font-size: 0.9em;}
.qabot-chip {border: 1px solid var(--border-color-primary); border-radius: 999px;
             padding: 0.1em 0.6em; background: var(--block-background-fill);}
/* Gradio draws table cells in its monospace font; names read better in the page's own. */
.qabot-table, .qabot-table * {font-family: var(--font) !important;}
/* Visible focus for the keyboard, on every control (the theme's own is a faint shadow). */
:is(textarea, input, button, summary, a, [role="tab"], [role="button"]):focus-visible
    {outline: 3px solid #1d4ed8 !important; outline-offset: 2px;}
.dark :is(textarea, input, button, summary, a, [role="tab"], [role="button"]):focus-visible
    {outline-color: #93c5fd !important;}
/* Contrast (WCAG AA, checked with axe-core in tests/e2e/test_browser.py). */
[data-testid="block-info"], .label, label span {color: var(--body-text-color) !important;}
.slider_input_container .min_value, .slider_input_container .max_value,
footer, footer a, footer button {color: var(--body-text-color) !important;}
button[role="tab"].selected {color: #3730a3 !important;}
.dark button[role="tab"].selected {color: #c7d2fe !important;}
/* A phone: the question box and Ask above the fold. */
@media (max-width: 640px) {
  #qabot-chat {height: 52vh !important; min-height: 280px;}
  .qabot-header h1 {font-size: 1.25em; margin: 0;}
  .qabot-header p {font-size: 0.85em; margin: 0.2em 0;}
}
"""
# Runs once in the page: an `[n]` link opens its card (and the "Sources (n)" group around
# it) before jumping there; a new answer is scrolled to its start, not to its last card.
HEAD = """
<script>
// Gradio gives the chat's example buttons role="list", which must hold list items only (axe
// "aria-required-children", critical): they are a group of buttons.
const qabotFixExamples = () => {
  for (const el of document.querySelectorAll('#qabot-chat .examples[role="list"]')) {
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", "Example questions");
  }
};
qabotFixExamples();  // the page may be drawn before this script runs
new MutationObserver(qabotFixExamples).observe(document.documentElement, {childList: true, subtree: true});
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.qabot-cite");
  if (!link) return;
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  event.preventDefault();
  for (let el = card; el; el = el.parentElement.closest("details")) {
    el.open = true;
    if (!el.parentElement) break;
  }
  card.scrollIntoView({block: "center"});
  card.querySelector("summary").focus({preventScroll: true});
  card.classList.add("qabot-flash");
  setTimeout(() => card.classList.remove("qabot-flash"), 1500);
});
</script>
"""
# After an answer: its question at the top of the chat, so the answer reads from its start.
# Only the chat's own scroll box moves: the page (and its header) stays where the reader left it.
SCROLL_TO_ANSWER = """() => {
  const rows = document.querySelectorAll("#qabot-chat .message-row.user-row");
  const last = rows[rows.length - 1];
  if (!last) return;
  let box = last.parentElement;
  while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
  if (!box || box === document.body || box === document.documentElement) {
    last.scrollIntoView({block: "start", behavior: "instant"});
    return;
  }
  box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
}"""
FAILURE_TEXT = "something went wrong on the server while answering; the details are in its log."
FAILURE = f"**Error:** {FAILURE_TEXT}"


def api_text(answer: Answer) -> str:
    """Plain-text answer with a numbered source list, for the `/chat` API endpoint."""
    return answer.transcript()


def _filters(
    year_from: Any,
    year_to: Any,
    categories: Any,
    author: Any,
    has_code: Any,
    bounds: tuple[int, int] | None = None,
    affiliation: Any = None,
    profile: Any = None,
    paper_type: Any = None,
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
        "paper_type": paper_type or None,  # ("": any kind)
    }


def reversed_years(filters: dict[str, Any]) -> bool:
    lo, hi = filters.get("year_from"), filters.get("year_to")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi))
    return numbers and lo > hi  # type: ignore[operator]


def filters_in_words(filters: dict[str, Any]) -> str:
    """The UI's filters as a phrase ("from 2025 on, in Machine Learning"); "" when none is on
    or a value is not one the filters take (`QABot.stream` then names it)."""
    return join_clauses(filter_phrases(filters))


def filter_phrases(filters: dict[str, Any]) -> list[str]:
    """`filters_in_words`' phrases, one per filter on."""
    try:
        return make_filters(filters).phrases()
    except QABotError:
        return []


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
        paper_type: str | None = None,
    ) -> Iterator[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]:
        """Stream one exchange into the chat; errors become a friendly chat message. `history`
        (the page's hidden state) keeps each answer as `Answer.as_turn()`, citations as data."""
        text = clean_text(str(message or ""))
        # Each answer's sources get ids of their own, for its `[n]` links to jump to.
        turn = 1 + sum(m.get("role") == "user" for m in shown)
        shown = [*shown, {"role": "user", "content": md_escape(text)}]
        filters = _filters(year_from, year_to, categories, author, has_code, self.bounds,
                           affiliation, profile, paper_type)  # fmt: skip
        if reversed_years(filters):
            refusal = (
                f"**Error:** the year range is reversed: “From year” {filters['year_from']} is "
                f"after “To year” {filters['year_to']}. Set the range under Filters."
            )
            yield "", [*shown, {"role": "assistant", "content": refusal}], history
            return
        note = self.notes(text, filters)
        streamed = ""
        try:
            for item in self.bot.stream(message, history, **filters):
                if isinstance(item, Answer):
                    # The cited papers' records, not the statistics: those are built after
                    # the first answer (QABot.warm_up), not inside it.
                    papers = self.bot.papers_by_id([c.paper_id for c in item.citations])
                    shown += answer_messages(item, item.standalone_question, papers, turn, note)
                    history = [*history, {"role": "user", "content": item.question}, item.as_turn()]
                    yield "", shown, history
                    return
                streamed += item
                bubble = answer_markdown(streamed)
                bubble = f"{note}\n\n{bubble}" if note else bubble
                yield "", [*shown, {"role": "assistant", "content": bubble}], history
        except QABotError as exc:
            yield (
                "",
                [*shown, {"role": "assistant", "content": f"**Error:** {md_escape(str(exc))}"}],
                history,
            )
        except Exception:  # the UI must stay usable; the details go to the server log
            log.exception("unexpected error while answering %r", str(message)[:200])
            yield "", [*shown, {"role": "assistant", "content": FAILURE}], history

    def notes(self, question: str, filters: dict[str, Any]) -> str:
        """What the reader must know to read the answer right, above it: that filters are on
        (in words), and that a long question was shortened to the limit."""
        lines = []
        if words := filters_in_words(filters):
            lines.append(f"*Filters on: papers {md_escape(words)}.*")
        limit = self.bot.settings.retrieval.max_question_chars
        if len(question.strip()) > limit:
            lines.append(
                f"*Your question is {len(question.strip()):,} characters long; only its first "
                f"{limit:,} were read.*"
            )
        return "\n\n".join(lines)

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
            "**Answerer: offline extractive mode.** Answers quote the papers' abstracts; no "
            "language model is used.\n\n*For whoever runs this bot:* to answer with an LLM, "
            "set `OPENAI_API_KEY` (or `OPENAI_BASE_URL` for a local server) and restart it."
        )
    endpoint = bot.settings.openai_base_url or "api.openai.com"
    return f"**Answerer:** `{md_escape(bot.answerer)}` via {md_escape(endpoint)}"


def build_ui(bot: QABot, mcp: bool = False) -> gr.Blocks:
    """The whole page. Loads the model and index once; requests reuse them. `mcp`: also
    register the MCP tools as API endpoints, for Gradio's MCP server to publish."""
    service = ChatService(bot)
    lo, hi = service.bounds
    with gr.Blocks(title="qabot") as demo:
        gr.Markdown(header_markdown(bot, service.overview), elem_classes=["qabot-header"])
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    show_label=False,
                    height=560,
                    autoscroll=False,  # the answer is scrolled to its start instead
                    buttons=["copy"],
                    placeholder="Ask a question about the papers, or start with one of these:",
                    examples=[{"text": q} for q in EXAMPLES],
                    elem_id="qabot-chat",
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        label="Your question",
                        show_label=False,
                        placeholder="e.g. What has this group done on reward hacking?",
                        scale=6,
                        min_width=200,
                        elem_id="qabot-question",
                        max_length=20_000,
                    )
                    send = gr.Button(
                        "Ask", variant="primary", scale=1, min_width=70, elem_id="qabot-ask"
                    )
                with gr.Row(equal_height=True):
                    chips = gr.HTML("", elem_id="qabot-chips", padding=False)
                    clear = gr.Button(
                        "Clear filters", size="sm", visible=False, elem_id="qabot-clear", scale=0
                    )
                    new_chat = gr.Button("New chat", size="sm", elem_id="qabot-new", scale=0)
                with gr.Accordion("Filters", open=False, elem_id="qabot-filters"):
                    with gr.Row():
                        year_from = gr.Slider(
                            lo, hi, value=lo, step=1, label="From year", elem_id="qabot-from"
                        )
                        year_to = gr.Slider(
                            lo, hi, value=hi, step=1, label="To year", elem_id="qabot-to"
                        )
                    cats = gr.CheckboxGroup(
                        [(category_title(c), c) for c in service.categories],
                        label="arXiv categories",
                        elem_id="qabot-categories-filter",
                    )
                    with gr.Row():
                        author = gr.Dropdown(
                            service.authors,
                            value=None,
                            allow_custom_value=True,
                            label="Author (any part of the name)",
                        )
                        affiliation = gr.Dropdown(
                            [(affiliation_name(a), a) for a in service.affiliations],
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
                    with gr.Row():
                        has_code = gr.Checkbox(
                            False, label="Only papers with code", elem_id="qabot-has-code"
                        )
                        # (qabot.domain.genres: read from each paper's title and abstract)
                        paper_type = gr.Dropdown(
                            [("Any", ""), *((type_name(k).capitalize(), k) for k in TYPE_NAMES)],
                            value="",
                            label="Kind of paper",
                            elem_id="qabot-paper-type",
                        )
            with gr.Tab("Portfolio", id="portfolio") as tab:
                themes, theme_list = portfolio_tab(bot, tab, service.profiles)
            with gr.Tab("About", id="about"):
                gr.Markdown(
                    badge_markdown(bot), elem_classes=["qabot-badge"], elem_id="qabot-badge"
                )
        history = gr.State([])
        controls = [year_from, year_to, cats, author, has_code, affiliation, profile, paper_type]
        inputs = [box, chatbot, history, *controls]
        outputs = [box, chatbot, history]
        for trigger in (box.submit, send.click):
            trigger(service.respond, inputs, outputs, api_visibility="private").then(
                None, js=SCROLL_TO_ANSWER
            )

        def example(evt: gr.SelectData) -> str:
            return str(evt.value.get("text", "")) if isinstance(evt.value, dict) else ""

        chatbot.example_select(example, None, box, api_visibility="private").then(
            service.respond, inputs, outputs, api_visibility="private"
        ).then(None, js=SCROLL_TO_ANSWER)

        def ask_theme(index: int, names: list[str]) -> tuple[Any, str]:
            return gr.Tabs(selected="chat"), theme_question(names[index])

        themes.click(ask_theme, [themes, theme_list], [tabs, box], api_visibility="private").then(
            service.respond, inputs, outputs, api_visibility="private"
        ).then(None, js=SCROLL_TO_ANSWER)

        # The filters in words beside the input, and "Clear filters" while any is on.
        def show_chips(*values: Any) -> tuple[str, Any]:
            phrases = filter_phrases(_filters(*values[:5], service.bounds, *values[5:]))
            return filter_chips(phrases), gr.Button(visible=bool(phrases))

        for control in controls:
            control.change(show_chips, controls, [chips, clear], api_visibility="private")
        clear.click(
            lambda: (lo, hi, [], None, False, None, ALL_PROFILES, ""),
            None,
            controls,
            api_visibility="private",
        )

        # A reversed range is refused at the control: moving one end past the other moves both.
        def keep_order(moved: float, other: float, moved_is_from: bool) -> Any:
            if moved_is_from and moved > other or not moved_is_from and moved < other:
                return gr.Slider(value=moved)
            return gr.Slider()

        year_from.change(
            lambda a, b: keep_order(a, b, True), [year_from, year_to], year_to,
            api_visibility="private",
        )  # fmt: skip
        year_to.change(
            lambda b, a: keep_order(b, a, False), [year_to, year_from], year_from,
            api_visibility="private",
        )  # fmt: skip
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


def page_theme() -> gr.themes.Base:
    """The Soft theme with AA contrast: its indigo 500 under white text is 4.5:1 only for
    large text, and its labels are indigo on pale indigo (3.6:1)."""
    return gr.themes.Soft().set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color="white",
        button_secondary_background_fill_hover_dark="*primary_700",
        block_label_text_color="*neutral_700",
        block_title_text_color="*neutral_700",
        block_label_text_color_dark="*neutral_200",
        block_title_text_color_dark="*neutral_200",
    )


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
            theme=page_theme(),
            css=CSS,
            head=HEAD,
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
