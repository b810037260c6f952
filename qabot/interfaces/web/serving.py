"""Starting the web app (`python app.py`, `qabot serve`): the page first, then the index.

A cold start is Python on one GIL: importing Gradio (about 2 s here), building and serving
the page, then opening the index. Work in a second thread does not overlap with that, it takes
turns with it, so the order decides who waits. Serving the page first and warming up right
after is the order that keeps the page fast: warming up before Gradio's import made the first
answer come about 0.6 s sooner but the page 3 s later (docs/measurements.md, "Cold start").
Four things shorten both:
- Gradio is imported without the type-stub writer it runs at every import (qabot.interfaces.web.gradio_import:
  1.5 s of a 3.3 s import);
- the code files the last start loaded are read ahead by the OS (qabot.interfaces.web.prefetch), so the
  imports do not wait on the disk one file at a time;
- the page needs only the index's summary and nothing of LangChain's chat models (LangSmith
  alone is 0.5 s), which tests/interfaces/web/test_serving.py keeps off its path;
- the warm-up loads the embedding model and Chroma's HNSW file, native calls that release
  the GIL, on the other core beside its Python steps (`QABot.warm_up`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from qabot.config import Settings
from qabot.interfaces.web import gradio_import, prefetch
from qabot.interfaces.web.address import check_bindable, check_login, server_address

if TYPE_CHECKING:
    from qabot.bot import QABot

log = logging.getLogger(__name__)


def serve(
    settings: Settings | None = None, *, share: bool = False, bot: QABot | None = None
) -> None:
    """Build the UI, serve it, warm the bot up, and serve until interrupted."""
    settings = settings or (bot.settings if bot else Settings())
    # First: half a login or a taken port is said at once, before the page or (on a first
    # start) the index is built for nothing.
    check_login(settings)
    check_bindable(*server_address(settings))
    # Named now, not when it is written: a test's cache folder is this start's, not a later one's.
    listed = prefetch.list_path() if settings.app.prefetch else None
    if listed is not None:
        prefetch.start_prefetch(listed)  # first: the imports below are what it reads ahead
    if not gradio_import.skip_stub_writer():  # 1.5 s of Gradio's import that nothing here uses
        log.info(
            "Gradio was imported before serve(), with the type-stub writer it runs at "
            "every import (about 1.5 s of the start; qabot.interfaces.web.gradio_import)"
        )
    from qabot.bot import QABot
    from qabot.index.manifest import manifest_token

    bot = bot or QABot(settings)
    if not settings.chroma_url and manifest_token(settings) is None:
        # No index yet: the page needs its summary, so the first start builds it before the
        # page. Minutes of embedding, mostly native code: start now, beside Gradio's import.
        bot.warm_up(defer_statistics=True)
    if listed is not None:
        threading.Thread(
            target=_record_when_warm, args=(bot, listed), name="qabot-prefetch-list", daemon=True
        ).start()
    try:
        from qabot.interfaces.web.ui import launch

        launch(settings, share=share, bot=bot)  # warms up once the server is up
    finally:  # served until stopped, a damaged index, Ctrl-C: exit once the warm-up is out of C
        bot.stop_warm_up()


def _record_when_warm(bot: QABot, listed: Path) -> None:
    """The next start's read-ahead list: what this one loaded to serve and answer."""
    if bot.warmed.wait(timeout=600):
        prefetch.record(listed)
