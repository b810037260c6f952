"""qabot's Gradio app (Hugging Face Spaces convention): `python app.py [--share]`.

Binds 127.0.0.1:7860 unless GRADIO_SERVER_NAME / GRADIO_SERVER_PORT say otherwise. Builds the
index on first use; needs no API key (offline extractive answers by default).
"""

import argparse
import logging

from qabot.errors import QABotError
from qabot.ui import launch

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--share", action="store_true", help="Also open a public Gradio link.")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    share = parser.parse_args().share
    try:
        launch(share=share)
    except QABotError as exc:  # e.g. a damaged index: one clear line, as `qabot serve` prints
        logging.getLogger("qabot").error("%s", exc)
        raise SystemExit(1) from None
