"""The Gradio UI: handlers, escaping, and the served app driven through gradio_client."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.embeddings import Embeddings
from pydantic import SecretStr

from qabot import QABot
from qabot.domain.records import Answer, Citation
from qabot.interfaces.web.portfolio_tab import portfolio_figures, portfolio_view, theme_question
from qabot.interfaces.web.render import answer_messages, highlight
from qabot.interfaces.web.ui import (
    FAILURE,
    ChatService,
    _filters,
    filters_in_words,
    header_markdown,
    launch,
    md_escape,
)
from tests.conftest import BPD_ID, ROOT, make_settings

BPD_Q = "What is the Boltzmann policy distribution?"
BPD_TITLE = (
    "The Boltzmann Policy Distribution: Accounting for Systematic Suboptimality in Human Models"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def service(extractive_bot: QABot) -> ChatService:
    return ChatService(extractive_bot)


@pytest.fixture(scope="module")
def served(extractive_bot: QABot) -> Iterator[str]:
    """The real app on a free loopback port, as `python app.py` serves it."""
    settings = extractive_bot.settings.model_copy(
        update={"app": extractive_bot.settings.app.model_copy(update={"port": free_port()})}
    )
    demo, url = launch(settings, bot=extractive_bot, block=False)
    yield url
    demo.close()


@dataclass
class Card:
    title: str
    body: str
    opened: bool
    anchor: str


_CARD = re.compile(
    r'<details class="qabot-card" id="(?P<id>[^"]+)"(?P<open> open)?><summary>(?P<title>.*?)'
    r"</summary>(?P<body>.*?)</details>"
)


def _cards(shown: list[dict[str, Any]]) -> list[Card]:
    """The source cards of the chat's last answer (HTML `<details>`, one per source)."""
    return [
        Card(html.unescape(m["title"]), m["body"], bool(m["open"]), m["id"])
        for m in _CARD.finditer(str(shown[-1]["content"]))
    ]


def _last_text(states: list[Any]) -> str:
    return " ".join(str(m["content"]) for m in states[-1][1])


def test_respond_streams_and_ends_with_cards(service: ChatService) -> None:
    states = list(service.respond(BPD_Q, [], [], None, None, None, None, False))
    assert len(states) > 1, "the answer streams"
    box, shown, history = states[-1]
    assert box == "" and shown[0]["role"] == "user"
    cards = _cards(shown)
    assert cards and cards[0].title.startswith("[1] The Boltzmann Policy")
    assert "<mark>" in cards[0].body, "the quoted sentence is highlighted"
    assert (
        "Cassidy Laidlaw, Anca Dragan · Apr 22, 2022 · Artificial Intelligence" in cards[0].body
    ), "the category by name"
    assert cards[0].opened and not any(c.opened for c in cards[1:]), "the first card starts open"
    assert history == [
        {"role": "user", "content": BPD_Q},
        {
            "role": "assistant",
            "content": history[1]["content"],
            "citations": [BPD_ID],
            "shape": "definition",
        },
    ], "the hidden history keeps the answer's citations and shape as data"


def test_a_chat_answer_does_not_build_the_statistics(
    bundled_store: Path, embeddings: Embeddings
) -> None:
    """The cards need the cited papers only: the statistics (seconds at 100k papers) are
    built after a server's first answer, not inside it."""
    bot = QABot(make_settings(bundled_store), embeddings=embeddings)
    *_, (_, shown, _) = ChatService(bot).respond(BPD_Q, [], [], None, None, None, None, False)
    cards = _cards(shown)
    assert "Cassidy Laidlaw, Anca Dragan · Apr 22, 2022 · Artificial Intelligence" in cards[0].body
    assert not bot.live.has_statistics


def test_follow_up_in_the_ui_uses_history(service: ChatService) -> None:
    *_, (_, shown, history) = service.respond(BPD_Q, [], [], None, None, None, None, False)
    *_, (_, shown, _) = service.respond(
        "who wrote it?", shown, history, None, None, None, None, False
    )
    assert "is by Cassidy Laidlaw, Anca Dragan" in _last_text([(None, shown)])


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_empty_questions_get_a_friendly_message(service: ChatService, question: str) -> None:
    states = list(service.respond(question, [], [], None, None, None, None, False))
    reply = states[-1][1][-1]["content"]
    assert reply.startswith("**Error:**") and "question" in reply
    assert "Traceback" not in reply


def test_ui_filters_reach_retrieval(service: ChatService) -> None:
    lo, hi = service.bounds
    *_, (_, shown, _) = service.respond(
        "human models and reward inference", [], [], 2024, hi, ["LG"], None, True
    )
    cards = _cards(shown)
    papers = {p.title: p for p in service.bot.snapshot.papers}
    assert cards
    for card in cards:
        title = card.title.split("] ", 1)[1]
        paper = papers[title]
        assert paper.year >= 2024 and paper.category == "LG" and paper.has_code


def test_missing_index_and_dead_llm_are_friendly(
    tmp_path: Path, bundled_store: Path, embeddings: Embeddings
) -> None:
    store = tmp_path / "store"
    shutil.copytree(bundled_store, store)
    bot = QABot(make_settings(store), embeddings=embeddings, auto_ingest=False)
    service = ChatService(bot)
    shutil.rmtree(store)
    reply = list(service.respond(BPD_Q, [], [], None, None, None, None, False))[-1][1][-1]
    assert "No index in" in reply["content"] and "qabot ingest" in reply["content"]

    shutil.copytree(bundled_store, store)
    dead = make_settings(store, llm="openai", openai={"timeout": 2, "max_retries": 0})
    dead = dead.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1"})
    service = ChatService(QABot(dead, embeddings=embeddings))
    reply = list(service.respond(BPD_Q, [], [], None, None, None, None, False))[-1][1][-1]
    assert reply["content"].startswith("**Error:** The language model at http://127.0.0.1:9/v1")
    assert "Traceback" not in reply["content"]


def test_escaping_makes_markup_inert() -> None:
    escaped = md_escape('<img src=x onerror="alert(1)"> ![p](http://x) [1] *b*')
    assert "<" not in escaped and "![" not in escaped and "](" not in escaped.replace("\\]", "")
    marked = highlight("Reward <b>hacking</b> happens", "reward hacking")
    assert marked == "<mark>Reward</mark> &lt;b&gt;<mark>hacking</mark>&lt;/b&gt; happens"
    card = _cards(
        answer_messages(
            Answer(
                question="q",
                standalone_question="q",
                answer="It says so [1].",
                answerer="extractive",
                citations=[
                    Citation(
                        number=1,
                        paper_id="x",
                        title='<img src=x onerror="alert(1)"> T',
                        authors="<b>Eve</b>",
                        url='javascript:alert(1)//"><script>',
                        text="A </details><script>alert(2)</script> passage.",
                    )
                ],
            ),
            "q",
        )
    )[0]
    assert card.title == '[1] <img src=x onerror="alert(1)"> T', "the title shows as text"
    assert "<script>" not in card.body and "<b>" not in card.body and "javascript" not in card.body


def test_ui_affiliation_filter_reaches_retrieval(service: ChatService) -> None:
    *_, (_, shown, _) = service.respond(
        "language models", [], [], None, None, None, None, False, "DeepMind"
    )
    cards = _cards(shown)
    papers = {p.title: p for p in service.bot.snapshot.papers}
    assert cards and "deepmind" in service.affiliations
    for card in cards:
        title = card.title.split("] ", 1)[1]
        assert "deepmind" in papers[title].affiliations


def test_a_lab_header_and_profile_picker(lab_bot: QABot) -> None:
    header = header_markdown(lab_bot)
    assert "Anca Dragan, Jessy Lin" in header and "2 profiles are indexed" in header
    assert "Anca Dragan's profile lists 50 and states 66" in header
    assert "Jessy Lin's profile lists 11 and states 11" in header and "77" not in header
    assert header.count("only the papers a profile page lists can be indexed") == 1
    service = ChatService(lab_bot)
    assert service.profiles == ["Anca Dragan", "Jessy Lin"]
    *_, (_, shown, _) = service.respond(
        "How many papers are indexed?", [], [], None, None, None, None, False, None, "Jessy Lin"
    )
    assert "listed on Jessy Lin's profile: 11 of 11" in shown[1]["content"]
    summary, *_, affiliations, _, _ = portfolio_figures(lab_bot, "Jessy Lin")
    assert summary.startswith("Jessy Lin's profile: **11 papers indexed**")
    assert list(affiliations.columns) == ["Affiliation", "Papers"], "headers a person writes"
    by_name = dict(zip(affiliations["Affiliation"], affiliations["Papers"], strict=True))
    assert by_name["Google DeepMind"] == 3, "display names, not slugs"
    everyone = portfolio_figures(lab_bot, "All profiles")[0]
    assert "**50 papers indexed** (Anca Dragan's profile lists 50" in everyone


def test_the_header_names_the_owner_of_a_bibliography_corpus(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    """Issue 28: a corpus of paper files has no profile to name; its named owner is named."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "formats" / "zotero.bib", corpus)
    (corpus / "owner.txt").write_text("Maja Lindqvist\n", "utf-8")
    bot = QABot(make_settings(tmp_path / "store", corpus=corpus), embeddings=embeddings)
    header = header_markdown(bot)
    assert header.startswith("# qabot · Maja Lindqvist\n"), header
    assert "profiles are indexed" not in header
    summary, *_, coauthors, _, _, _ = portfolio_figures(bot)
    assert "Maja Lindqvist" not in list(coauthors["Co-author"]), "not her own co-author"
    assert "lists end in “et al.”" in summary, "one Zotero entry ends in 'and others'"


def test_header_shows_profile_count_and_span(extractive_bot: QABot) -> None:
    header = header_markdown(extractive_bot)
    assert "Anca Dragan" in header and "50 papers indexed" in header
    assert "states 66" in header and "2019–2026" in header


def test_the_page_needs_no_parsed_paper_table(
    store_copy: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k papers parsing the table takes seconds, so the page is built from the summary
    written at ingest and the paper table is parsed by the warm-up thread instead."""
    from qabot.index.snapshot import IndexSnapshot

    def refuse(self: IndexSnapshot) -> None:
        raise AssertionError("the paper table was parsed while building the page")

    bot = QABot(make_settings(store_copy), embeddings=embeddings, auto_ingest=False)
    with monkeypatch.context() as patch:
        patch.setattr(IndexSnapshot, "_read_papers", refuse)
        header, service = header_markdown(bot), ChatService(bot)
    assert "50 papers indexed" in header and "2019–2026" in header
    assert service.bounds == (2019, 2026) and "CL" in service.categories
    assert "Anca Dragan" in service.authors
    bot.warm_up().join(timeout=120)
    assert bot.snapshot._papers is not None, "warm-up parses it before the first question"


# -- the served app ---------------------------------------------------------------------------


def test_app_binds_loopback(served: str) -> None:
    assert served.startswith("http://127.0.0.1:")


def test_chat_endpoint_returns_answer_with_titled_citations(served: str) -> None:
    result = Client(served, verbose=False).predict(BPD_Q, api_name="/chat")
    assert "[1]" in result and "Sources:" in result
    assert f"[1] {BPD_TITLE} (2022)" in result


def test_chat_endpoint_streams(served: str) -> None:
    job = Client(served, verbose=False).submit(
        "What has this group done on reward hacking?", api_name="/chat"
    )
    updates = list(job)
    assert len(updates) > 1, updates
    assert "Sources:" in updates[-1] and "Sources:" not in updates[0]


def test_chat_endpoint_follow_up(served: str) -> None:
    client = Client(served, verbose=False)
    first = client.predict(BPD_Q, api_name="/chat")
    history = [{"role": "user", "content": BPD_Q}, {"role": "assistant", "content": first}]
    follow = client.predict("who wrote it?", history=history, api_name="/chat")
    assert "is by Cassidy Laidlaw, Anca Dragan" in follow


def test_chat_endpoint_reports_bad_input(served: str) -> None:
    assert (
        Client(served, verbose=False)
        .predict("   ", api_name="/chat")
        .startswith("Error: The question is empty")
    )


def test_optional_basic_auth(extractive_bot: QABot) -> None:
    settings = extractive_bot.settings.model_copy(
        update={
            "app": extractive_bot.settings.app.model_copy(
                update={
                    "port": free_port(),
                    "auth_user": "ada",
                    "auth_password": SecretStr("s3cret"),
                }
            )
        }
    )
    demo, url = launch(settings, bot=extractive_bot, block=False)
    try:
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match="Could not login"):
            Client(url, auth=("ada", "wrong"), verbose=False)
        authed = Client(url, auth=("ada", "s3cret"), verbose=False)
        assert f"[1] {BPD_TITLE}" in authed.predict(BPD_Q, api_name="/chat")
    finally:
        demo.close()


def test_served_app_rebuilds_an_index_deleted_under_it(
    tmp_path: Path, bundled_store: Path, embeddings: Embeddings
) -> None:
    store = tmp_path / "store"
    shutil.copytree(bundled_store, store)
    service = ChatService(QABot(make_settings(store), embeddings=embeddings))  # as the app runs
    shutil.rmtree(store)
    *_, (_, shown, _) = service.respond(BPD_Q, [], [], None, None, None, None, False)
    assert "We introduce the Boltzmann policy distribution" in shown[1]["content"]


def test_a_damaged_paper_table_is_reported_in_chat_tab_and_log(
    store_copy: Path, embeddings: Embeddings, caplog: pytest.LogCaptureFixture
) -> None:
    """The page is served from the summary, so a damaged paper table shows at the first use."""
    import json

    manifest = json.loads((store_copy / "manifest.json").read_text())
    table = store_copy / "generations" / manifest["generation"] / "papers.parquet"
    table.write_bytes(table.read_bytes()[:-100])
    bot = QABot(make_settings(store_copy), embeddings=embeddings, auto_ingest=False)
    service = ChatService(bot)
    with caplog.at_level(logging.INFO, logger="qabot"):
        bot.warm_up().join(timeout=120)
    failed = [r for r in caplog.records if r.getMessage().startswith("warming up failed")]
    assert failed and failed[0].levelno == logging.ERROR and failed[0].exc_info is None
    assert "papers.parquet" in failed[0].getMessage() and "Run `qabot ingest` to repair it" in (
        failed[0].getMessage()
    ), "one clear line naming the file and the fix, no traceback"
    reply = list(service.respond(BPD_Q, [], [], None, None, None, None, False))[-1][1][-1]
    assert reply["content"].startswith("**Error:** The index in") and "damaged" in reply["content"]
    tab = portfolio_view(bot, {})
    assert tab[0].startswith("**Error:** The index in") and "qabot ingest\\` to repair" in tab[0]


def test_app_py_reports_a_damaged_index_in_one_line(store_copy: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    manifest = json.loads((store_copy / "manifest.json").read_text())
    (store_copy / "generations" / manifest["generation"] / "chunks.json").write_text("{not json")
    env = {**os.environ, "QABOT_STORE": str(store_copy), "GRADIO_SERVER_PORT": str(free_port())}
    root = ROOT
    done = subprocess.run(
        [sys.executable, str(root / "app.py")],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "is damaged: chunks.json" in done.stderr and "Run `qabot ingest`" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_survey_renders_as_a_list_with_its_text_escaped() -> None:
    from qabot.interfaces.web.render import answer_markdown

    text = "2 papers match:\n\n### Reward, learning\n- “A <b>x</b>” (2020): Uses *stars* [1].\n- Next [2]."
    rendered = answer_markdown(text)
    lines = rendered.split("\n")
    assert lines[2] == "### Reward, learning" and lines[3].startswith("- “A &lt;b&gt;x&lt;/b&gt;”")
    assert "\\*stars\\*" in lines[3] and "\\[1\\]" in lines[3], "inline markup stays inert"
    assert answer_markdown("#hashtag [1]") == "\\#hashtag \\[1\\]", "only '### ' opens a heading"
    assert answer_markdown("**Reward <b>**") == "**Reward &lt;b&gt;**", "a compared side is bold"
    assert answer_markdown("**a** and *b*") == "\\*\\*a\\*\\* and \\*b\\*", "not inline bold"


# -- bad values at the boundary ---------------------------------------------------------------

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.lists(st.one_of(st.text(max_size=6), st.integers()), max_size=3),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    question=st.one_of(st.sampled_from(["reward \ud800 hacking", BPD_Q]), ANY_VALUE),
    history=st.one_of(ANY_VALUE, st.lists(ANY_VALUE, max_size=2)),
    year_from=ANY_VALUE,
    year_to=ANY_VALUE,
    categories=ANY_VALUE,
    author=ANY_VALUE,
    has_code=ANY_VALUE,
)
def test_chat_endpoint_answers_or_says_what_is_wrong(
    service: ChatService,
    question: Any,
    history: Any,
    year_from: Any,
    year_to: Any,
    categories: Any,
    author: Any,
    has_code: Any,
) -> None:
    """Whatever an API client sends, /chat answers or explains; never the generic failure."""
    *_, last = service.chat(question, history, year_from, year_to, categories, author, has_code)
    assert isinstance(last, str) and last
    assert "something went wrong" not in last, last
    last.encode("utf-8")  # no lone surrogate in the reply either


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(year_from=ANY_VALUE, year_to=ANY_VALUE, author=ANY_VALUE)
def test_ui_handler_shows_bad_values_as_a_chat_message(
    service: ChatService, year_from: Any, year_to: Any, author: Any
) -> None:
    *_, (box, shown, history) = service.respond(
        "reward \ud800 hacking", [], [], year_from, year_to, None, author, False
    )
    assert FAILURE not in str(shown)
    assert shown[0]["content"].encode("utf-8") and "\ufffd" in shown[0]["content"]


def test_chat_handler_names_the_bad_filter(service: ChatService) -> None:
    *_, last = service.chat("What is reward hacking?", None, "abc")
    assert last.startswith("Error: Invalid filter: year_from must be a valid integer"), last
    *_, last = service.chat("who wrote it?", "not a list")
    assert last.startswith("Error: Invalid parameter: history"), last


def test_chat_endpoint_reports_a_bad_filter_and_bad_unicode(served: str) -> None:
    client = Client(served, verbose=False)
    reply = client.predict(BPD_Q, year_from="abc", api_name="/chat")
    assert reply.startswith("Error: Invalid filter: year_from"), reply
    # gradio_client refuses to send a lone surrogate; JSON over plain HTTP carries it escaped.
    body = json.dumps({"data": ["reward \ud800 hacking", [], None, None, None, None, False]})
    event = httpx.post(
        f"{served.rstrip('/')}/gradio_api/call/chat",
        content=body,
        headers={"content-type": "application/json"},
        timeout=60,
    ).json()
    events = httpx.get(
        f"{served.rstrip('/')}/gradio_api/call/chat/{event['event_id']}", timeout=120
    ).text
    assert "event: complete" in events, events
    reply = json.loads(events.split("event: complete\ndata: ", 1)[1].splitlines()[0])[0]
    assert "Sources:" in reply and not reply.startswith("Error"), reply


def _call_chat(served: str, data: list[Any]) -> tuple[str, str]:
    """POST /gradio_api/call/chat as a plain HTTP client does: (the last event, its data)."""
    base = f"{served.rstrip('/')}/gradio_api/call/chat"
    event = httpx.post(base, json={"data": data}, timeout=60).json()
    events = httpx.get(f"{base}/{event['event_id']}", timeout=120).text
    last = events.strip().split("\n\n")[-1].splitlines()
    return last[0].removeprefix("event: "), last[1].removeprefix("data: ")


def test_chat_over_plain_http_takes_the_question_alone_and_names_what_is_missing(
    served: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 29: /gradio_api/call/chat with 1 of its 7 arguments returned {"error": null} and
    logged a traceback. The trailing arguments have defaults, as gradio_client fills them in;
    with none, or too many, the caller is told which arguments there are."""
    kind, data = _call_chat(served, [BPD_Q])
    assert kind == "complete", data
    assert f"[1] {BPD_TITLE} (2022)" in json.loads(data)[0]
    kind, data = _call_chat(served, [BPD_Q, [], 2020])
    assert kind == "complete" and "Sources:" in json.loads(data)[0], data
    kind, data = _call_chat(served, [])
    assert kind == "error" and data != "null", data
    assert "/chat needs question: its arguments are, in order, question, history" in data, data
    kind, data = _call_chat(served, [BPD_Q, [], None, None, None, None, False, "extra"])
    assert kind == "error" and "/chat takes 7 arguments" in data and "got 8" in data, data
    assert "Traceback" not in caplog.text


# -- the page before the index is open ---------------------------------------------------------


def test_the_page_is_built_from_the_summary_without_opening_chroma(bundled_store: Path) -> None:
    """In a fresh process, as the app starts: building the whole page reads the manifest and
    the summary only; Chroma (most of a second to import and open) is left to the warm-up."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\nfrom qabot import QABot, Settings\nfrom qabot.interfaces.web.ui import build_ui\n"
        "bot = QABot(Settings())\nbuild_ui(bot)\n"
        "print('CHROMA', 'chromadb' in sys.modules, 'OPENED', bot.live.opened is not None)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QABOT_")}
    env |= {"QABOT_STORE": str(bundled_store), "GRADIO_ANALYTICS_ENABLED": "False"}
    root = ROOT
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "CHROMA False OPENED False" in done.stdout, done.stdout


def test_the_overview_agrees_with_the_open_index(store_copy: Path, embeddings: Embeddings) -> None:
    from qabot.index.layout import SUMMARY, generation_dir
    from qabot.index.manifest import read_manifest

    early = QABot(make_settings(store_copy), embeddings=embeddings).overview()
    bot = QABot(make_settings(store_copy), embeddings=embeddings)
    snapshot = bot.snapshot
    assert (early.summary, early.profiles) == (snapshot.summary, snapshot.profiles)
    assert early.manifest == snapshot.manifest
    # No usable summary (an older version's index, say): the overview opens the index.
    manifest = read_manifest(store_copy)
    assert manifest is not None
    (generation_dir(store_copy, manifest.generation) / SUMMARY).write_text("{}")
    fresh = QABot(make_settings(store_copy), embeddings=embeddings)
    assert fresh.overview().summary == snapshot.summary and fresh.live.opened is not None


def test_the_overview_refuses_what_opening_refuses(
    store_copy: Path, embeddings: Embeddings
) -> None:
    from qabot.embeddings.factory import embedding_backend, embedding_id
    from qabot.errors import IndexCorruptError, IndexMismatchError
    from qabot.index.layout import generation_dir
    from qabot.index.manifest import read_manifest
    from qabot.index.snapshot import read_overview

    settings = make_settings(store_copy)
    other = "torch" if embedding_backend(embeddings) != "torch" else "onnx-int8"
    with pytest.raises(IndexMismatchError, match=f"but {other} is configured"):
        read_overview(settings, embedding_id(embeddings), backend=other)
    with pytest.raises(IndexMismatchError, match="embedding model"):
        read_overview(settings, "another/model", backend=embedding_backend(embeddings))
    manifest = read_manifest(store_copy)
    assert manifest is not None
    bad = manifest.model_copy(update={"profiles": [{"name": 42}]})
    (store_copy / "manifest.json").write_text(bad.model_dump_json())
    with pytest.raises(IndexCorruptError, match="damaged"):
        read_overview(settings, embedding_id(embeddings), backend=embedding_backend(embeddings))
    (store_copy / "manifest.json").write_text(manifest.model_dump_json())
    (generation_dir(store_copy, manifest.generation) / "chunks.json").write_text("{not json")
    with pytest.raises(IndexCorruptError, match="is damaged: chunks.json"):
        QABot(make_settings(store_copy), embeddings=embeddings).overview()
    # Without a Chroma database only opening the index can say what is wrong (or rebuild it).
    shutil.rmtree(store_copy / "chroma")
    assert read_overview(settings, embedding_id(embeddings), embedding_backend(embeddings)) is None


# -- start-up: what the terminal says (issue 28) -------------------------------------------------


def test_a_blocking_launch_names_the_share_option_not_gradios_launch_argument(
    extractive_bot: QABot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gradio as gr

    monkeypatch.setattr(gr.Blocks, "block_thread", lambda demo: demo.close())  # served, stopped
    settings = extractive_bot.settings.model_copy(
        update={"app": extractive_bot.settings.app.model_copy(update={"port": free_port()})}
    )
    _, url = launch(settings, bot=extractive_bot, block=True, warm=False)
    out = capsys.readouterr().out
    assert f"Running on local URL:  {url}" in out
    assert "share=True" not in out and "launch()" not in out, out
    assert "--share" in out and "qabot serve --share" in out


def _held_port() -> socket.socket:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def test_a_port_taken_after_the_check_is_the_same_one_line(
    extractive_bot: QABot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken between qabot's check and Gradio's bind: Gradio's OSError (which advises
    `server_port` in `launch()`) becomes the same ServeError naming --port."""
    import qabot.interfaces.web.ui as ui
    from qabot.errors import ServeError

    checks = []
    real_check = ui.check_bindable
    monkeypatch.setattr(
        ui, "check_bindable", lambda *a: checks.append(a) if not checks else real_check(*a)
    )
    with _held_port() as taken:
        port = taken.getsockname()[1]
        settings = extractive_bot.settings.model_copy(
            update={"app": extractive_bot.settings.app.model_copy(update={"port": port})}
        )
        with pytest.raises(ServeError, match=f"Port {port} on 127.0.0.1 is taken.*--port N"):
            launch(settings, bot=extractive_bot, block=False, warm=False)
    assert len(checks) == 1, "checked before the page was built, and again after Gradio failed"


def test_app_py_on_a_taken_port_is_one_line(store_copy: Path) -> None:
    import os
    import subprocess
    import sys

    with _held_port() as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
            env={**os.environ, "QABOT_STORE": str(store_copy)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"Port {port} on 127.0.0.1 is taken" in done.stderr and "--port N" in done.stderr


# -- issue 27: honest at a glance -------------------------------------------------------------


def test_a_reversed_year_range_is_refused(service: ChatService) -> None:
    *_, (_, shown, history) = service.respond(
        "reward hacking", [], [], 2025, 2021, None, None, False
    )
    assert shown[-1]["content"].startswith("**Error:** the year range is reversed")
    assert "From year” 2025 is after “To year” 2021" in shown[-1]["content"]
    assert history == [], "nothing was asked"


def test_the_answer_says_which_filters_are_on(service: ChatService) -> None:
    lo, hi = service.bounds
    *_, (_, shown, _) = service.respond("reward hacking", [], [], 2025, hi, ["LG"], None, True)
    assert shown[1]["content"].startswith(
        "*Filters on: papers from 2025 on, in Machine Learning, that link their code.*"
    ), shown[1]["content"]
    *_, (_, shown, _) = service.respond("reward hacking", [], [], lo, hi, None, None, False)
    assert "Filters on" not in shown[1]["content"], "the full slider range is no filter"


def test_a_shortened_question_is_said_in_the_chat(service: ChatService) -> None:
    limit = service.bot.settings.retrieval.max_question_chars
    question = "reward hacking " * (limit // 10)
    *_, (_, shown, _) = service.respond(question, [], [], None, None, None, None, False)
    assert (
        f"Your question is {len(question.strip()):,} characters long; only its first "
        f"{limit:,} were read." in shown[1]["content"]
    )


def test_the_header_explains_the_stated_count(extractive_bot: QABot) -> None:
    assert (
        "**50 papers indexed** (the profile page states 66 papers but lists only these 50, and "
        "only listed papers can be indexed)" in header_markdown(extractive_bot)
    )


def test_portfolio_years_are_continuous_and_categories_named(extractive_bot: QABot) -> None:
    _, years, cats, *_, themes = portfolio_figures(extractive_bot)
    labels = list(years["Year"])
    assert (
        labels[:3] == ["2019", "2020", "2021"]
        and dict(zip(labels, years["Papers"], strict=True))["2020"] == 0
    )
    assert all(not label.isdigit() or int(label) < dt.date.today().year for label in labels)
    assert "Machine Learning" in list(cats["Category"]) and "LG" not in list(cats["Category"])
    assert themes and all("," not in name for name, _ in themes), "names, not keyword lists"


def test_a_theme_link_asks_a_survey_question(extractive_bot: QABot) -> None:
    *_, themes = portfolio_figures(extractive_bot)
    answer = extractive_bot.ask(theme_question(themes[0][0]))
    assert answer.shape == "survey" and answer.citations, answer.answer


def test_the_kind_of_paper_filter(service: ChatService) -> None:
    """The filters' "Kind of paper" box: "" is any kind; a kind narrows the answer and shows
    as a chip ("that are position papers")."""
    states = list(
        service.respond("AI safety", [], [], None, None, None, None, False, None, None, "position")
    )
    titles = {c.title.split("] ", 1)[1].split(":")[0] for c in _cards(states[-1][1])}
    assert titles and titles <= {
        "Managing extreme AI risks amid rapid progress",
        "An Approach to Technical AGI Safety and Security",
        "Chain of Thought Monitorability",
        "Can AI mediation improve democratic deliberation?",
    }, titles
    assert filters_in_words(_filters(None, None, None, None, False, paper_type="position")) == (
        "that are position papers"
    )
    assert filters_in_words(_filters(None, None, None, None, False, paper_type="")) == ""
