"""Starting the web app (`python app.py`, `qabot serve`) so that the index loads while Gradio
is imported.

Importing Gradio is seconds of Python before a page can be served (3.4-5.6 s here from an empty
page cache). The bot's warm-up (the embedding model, Chroma's HNSW file, the paper table) is
mostly native code and disk reads, which release the GIL, so it is started first and runs
behind that import. The statistics are Python too, so they wait until the first question has
been answered (`QABot.warm_up(defer_statistics=True)`). docs/measurements.md, "Cold start", has the figures.
"""

from __future__ import annotations

from qabot.bot import QABot
from qabot.config import Settings


def serve(settings: Settings | None = None, *, share: bool = False,
          bot: QABot | None = None) -> None:  # fmt: skip
    """Warm the bot up, then import Gradio, build the UI and serve it until interrupted."""
    settings = settings or (bot.settings if bot else Settings())
    bot = bot or QABot(settings)
    bot.warm_up(defer_statistics=True)
    try:
        from qabot.ui import launch  # only now: the warm-up runs while Gradio is imported

        launch(settings, share=share, bot=bot, warm=False)
    finally:  # served until stopped, a damaged index, Ctrl-C: exit once the warm-up is out of C
        bot.stop_warm_up()
