"""`qabot.interfaces.web.serving.serve`, behind `python app.py` and `qabot serve`: the page first, then the
warm-up, and nothing on the page's path that only answering needs (docs/measurements.md,
"Cold start")."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from langchain_core.embeddings import Embeddings

import qabot.interfaces.web.serving
from qabot import QABot
from qabot.interfaces.web import gradio_import, prefetch
from tests.conftest import ROOT, make_settings
from tests.interfaces.mcp.test_server import free_port

# Imported by answering, not by the page: LangChain's chat-model base (it imports LangSmith's
# run trees, 0.4-0.5 s), Chroma and the embedding runtimes (the warm-up loads them), torch.
NOT_FOR_THE_PAGE = [
    "langchain_core.language_models.chat_models",
    "langsmith.run_trees",
    "langchain_text_splitters",
    "chromadb",
    "onnxruntime",
    "torch",
    "bm25s",
    "qabot.answering.chain",
    "qabot.answering.llm",
    "qabot.answering.router",
    "qabot.interfaces.langchain",
]


def test_the_page_path_imports_nothing_that_only_answering_needs() -> None:
    code = (
        "import json, sys, qabot.interfaces.web.ui, qabot.interfaces.web.serving; "
        f"print(json.dumps([m for m in {NOT_FOR_THE_PAGE!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_app_py_starts_reading_ahead_before_it_imports_the_bot() -> None:
    """app.py's own imports (settings, errors, webapp) leave the bot, Gradio and LangChain to
    `serve`, which starts the read-ahead first."""
    code = (
        "import runpy, sys; runpy.run_path('app.py', run_name='not_main'); "
        "print(sorted(m for m in ('qabot.bot', 'gradio', 'langchain_core') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("hooked", [True, False], ids=["skipped", "as-gradio-ships"])
def test_gradio_is_imported_without_its_stub_writer_and_still_works(hooked: bool) -> None:
    """qabot.interfaces.web.gradio_import swaps Gradio's `.pyi` writer for a no-op before any component class
    is made. The writer parses each component's source with `ast.get_source_segment` (nothing
    else in Gradio calls it), so counting those calls shows whether it ran; Gradio as it ships
    is the control."""
    code = f"""if True:
        import ast, json, sys
        calls = []
        real = ast.get_source_segment
        ast.get_source_segment = lambda *a, **k: calls.append(1) or real(*a, **k)
        from qabot.interfaces.web import gradio_import
        first = gradio_import.skip_stub_writer() if {hooked!r} else None
        import gradio as gr
        import gradio.blocks_events as events, gradio.component_meta as meta
        with gr.Blocks() as demo:  # still works: components, an event, its function
            box, out = gr.Textbox(), gr.Textbox()
            box.submit(lambda s: s.upper(), box, out)
        print(json.dumps({{
            "first": first, "again": gradio_import.skip_stub_writer(), "parsed": len(calls),
            "skipped": [f.create_or_modify_pyi is gradio_import._no_stub for f in (meta, events)],
            "hook_left": any(isinstance(f, gradio_import._Finder) for f in sys.meta_path),
            "event": [fn.fn("abc") for fn in demo.fns.values()],
        }}))
    """
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["again"] is False and got["hook_left"] is False and got["event"] == ["ABC"]
    if hooked:
        assert got["first"] is True and got["parsed"] == 0 and got["skipped"] == [True, True]
    else:
        assert got["parsed"] > 50 and got["skipped"] == [False, False]


def test_a_gradio_without_the_stub_writer_is_imported_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When a Gradio release moves or renames the writer, the swap cannot apply: the import
    goes on as it is, and the log says (at warning level) that the hook needs updating."""
    import types

    class Inner:
        def create_module(self, spec: object) -> None:
            return None

        def exec_module(self, module: types.ModuleType) -> None:
            module.something_else = lambda: None  # type: ignore[attr-defined]

    module = types.ModuleType(gradio_import.MODULE)
    with caplog.at_level(logging.WARNING, logger=gradio_import.__name__):
        gradio_import._Loader(Inner()).exec_module(module)
    assert not hasattr(module, gradio_import.FUNCTION)
    assert any(
        r.levelno == logging.WARNING and "needs updating" in r.getMessage() for r in caplog.records
    )


def test_serve_skips_the_stub_writer_after_the_cli_and_app_py_imports(tmp_path: Path) -> None:
    """Nothing `qabot serve` or `python app.py` imports before `serve` loads Gradio, so the
    swap in `serve` is in time (it returns False, and logs, when it is not)."""
    store = tmp_path / "store"
    store.mkdir()
    (store / "manifest.json").write_text("{}")  # an index exists: no first build to start
    code = f"""if True:
        import json, runpy, sys, threading, types
        import qabot.interfaces.cli  # what `qabot serve` has imported when it calls serve
        runpy.run_path("app.py", run_name="not_main")  # and what app.py has
        from qabot.interfaces.web import gradio_import
        from qabot.config import Settings
        from qabot.interfaces.web.serving import serve
        returned = []
        real = gradio_import.skip_stub_writer
        gradio_import.skip_stub_writer = lambda: returned.append(real()) or returned[-1]
        ui = types.ModuleType("qabot.interfaces.web.ui")  # the page itself is not the point here
        ui.launch = lambda settings, share, bot: returned.append("launch")
        sys.modules["qabot.interfaces.web.ui"] = ui
        bot = types.SimpleNamespace(warmed=threading.Event(), stop_warm_up=lambda: None)
        settings = Settings(store={str(store)!r}).model_copy(update={{"app": Settings().app.model_copy(update={{"prefetch": False}})}})
        serve(settings, bot=bot)
        print(json.dumps(returned))
    """
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, "launch"]


def test_the_read_ahead_list_names_the_loaded_code_and_survives_bad_lists(tmp_path: Path) -> None:
    listed = tmp_path / "cache" / "startup-files.txt"
    listed.parent.mkdir()
    stale, recent = listed.parent / ".startup-files-old", listed.parent / ".startup-files-new"
    stale.write_text(""), recent.write_text("")  # a writer killed mid-way, an hour ago and now
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    prefetch.record(listed)
    assert not stale.exists() and recent.exists(), "only another writer's old leftovers go"
    recent.unlink()
    files = listed.read_text(encoding="utf-8").splitlines()
    assert any("/gradio/" in f and f.endswith(".pyc") for f in files), "bytecode, not sources"
    assert any(".so" in f for f in files), "shared libraries too"
    assert all(os.path.isabs(f) for f in files)
    assert not list(listed.parent.glob(".startup-files-*")), "no temporary file left"
    thread = prefetch.start_prefetch(listed)
    assert thread is not None
    thread.join(timeout=60)
    # Stale, relative or binary lines are skipped; no list or an unwritable place is no error.
    listed.write_bytes(b"relative/file.pyc\n/no/such/file.so\n\xff\xfe\n")
    assert prefetch.start_prefetch(listed) is None  # not text: no read-ahead
    listed.write_text("relative/file.pyc\n/no/such/file.so\n", encoding="utf-8")
    thread = prefetch.start_prefetch(listed)
    assert thread is not None
    thread.join(timeout=60)
    assert prefetch.start_prefetch(tmp_path / "missing.txt") is None
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    prefetch.record(blocker / "startup-files.txt")  # its folder cannot be made: logged, no raise


def test_serve_warms_up_once_the_page_is_served_and_stops_the_warm_up_after(
    bundled_store: Path,
    embeddings: Embeddings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = make_settings(bundled_store, llm="extractive")
    settings = settings.model_copy(
        update={"app": settings.app.model_copy(update={"port": free_port()})}
    )
    bot = QABot(settings, embeddings=embeddings)
    events: list[str] = []
    real_warm_up, real_stop = bot.warm_up, bot.stop_warm_up

    def warm_up(**kwargs: Any) -> Any:
        page = httpx.get(f"http://127.0.0.1:{settings.app.port}/", timeout=30)
        events.append(f"warm-up (page {page.status_code}, {kwargs})")
        return real_warm_up(**kwargs)

    def block_thread(demo: gr.Blocks) -> None:  # serving: a question over /chat, then stop
        events.append("serving")
        thread = bot.warm.thread
        assert thread is not None and thread.is_alive()
        assert bot.ask("What is the Boltzmann policy distribution?").citations
        thread.join(timeout=120)  # the first answer let the deferred statistics go
        assert not thread.is_alive() and bot.live.has_statistics
        demo.close()

    def stop_warm_up(timeout: float = 60.0) -> None:
        events.append("stop")
        real_stop(timeout)

    monkeypatch.setattr(bot, "warm_up", warm_up)
    monkeypatch.setattr(bot, "stop_warm_up", stop_warm_up)
    monkeypatch.setattr(gr.Blocks, "block_thread", block_thread)
    monkeypatch.setattr(gradio_import, "skip_stub_writer", lambda: events.append("no stubs"))
    assert bot.live.opened is None
    qabot.interfaces.web.serving.serve(settings, bot=bot)
    assert events == [
        "no stubs",
        "warm-up (page 200, {'defer_statistics': True})",
        "serving",
        "stop",
    ]
    listed = prefetch.list_path()  # written for the next start once the bot was warm
    assert listed.is_relative_to(tmp_path / "cache")
    deadline = time.monotonic() + 30
    while not listed.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any("/chromadb/" in f for f in listed.read_text(encoding="utf-8").splitlines())


def test_clients_made_at_once_from_two_threads_share_one_working_chroma(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chromadb registers a folder's shared system before it has started, without a lock: the
    warm-up's head start and a first question making the first client together got a
    half-started system (and the loser's clean-up stopped it for both)."""
    import threading

    from chromadb.config import System

    real_start = System.start

    def slow_start(self: System) -> None:
        time.sleep(0.5)  # widens the window in which the system is registered but not started
        real_start(self)

    monkeypatch.setattr(System, "start", slow_start)
    settings = make_settings(tmp_path / "store")
    results: list[object] = []

    def make() -> None:
        try:
            results.append(settings.get_vector_store().names())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(exc)

    threads = [threading.Thread(target=make) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [set(), set()]


def test_the_read_ahead_skips_fifos_and_odd_lines_and_needs_a_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "a-fifo"
    os.mkfifo(fifo)
    listed = tmp_path / "startup-files.txt"
    listed.write_text(f"{fifo}\n/with/a\0nul.pyc\n{__file__}\n", encoding="utf-8")
    thread = prefetch.start_prefetch(listed)
    assert thread is not None
    thread.join(timeout=10)
    assert not thread.is_alive(), "opening a FIFO must not block the read-ahead"
    # No home and no XDG_CACHE_HOME: no list at all, rather than one in a shared folder.
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError)))
    assert prefetch.list_path() is None
    assert prefetch.start_prefetch() is None
    prefetch.record()  # nothing to write to, and no error


def test_a_first_start_with_no_index_builds_it_while_gradio_is_imported(
    tmp_path: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page needs the index's summary, so with no index the first start builds it before
    the page: the warm-up starts that before Gradio's import, not after it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = make_settings(tmp_path / "store", llm="extractive")
    settings = settings.model_copy(
        update={"app": settings.app.model_copy(update={"port": free_port()})}
    )
    bot = QABot(settings, embeddings=embeddings)
    events: list[str] = []
    real_warm_up = bot.warm_up

    def warm_up(**kwargs: Any) -> Any:
        events.append(f"warm-up, index built: {(settings.store / 'manifest.json').exists()}")
        return real_warm_up(**kwargs)

    def block_thread(demo: gr.Blocks) -> None:
        events.append("serving")
        assert bot.ask("What is the Boltzmann policy distribution?").citations
        demo.close()

    monkeypatch.setattr(bot, "warm_up", warm_up)
    monkeypatch.setattr(gr.Blocks, "block_thread", block_thread)
    qabot.interfaces.web.serving.serve(settings, bot=bot)
    assert events[0] == "warm-up, index built: False" and "serving" in events
