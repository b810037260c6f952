"""qabot's Gradio app (Hugging Face Spaces convention): `python app.py [--share] [--port N]`.

Binds 127.0.0.1:7860 unless --host/--port or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT say
otherwise. Builds the index on first use; needs no API key (offline extractive answers by
default). `--mcp` (or QABOT_APP__MCP=true) also serves the MCP tools at /gradio_api/mcp/.
"""

import argparse
import logging
import os

from qabot.config import Settings
from qabot.errors import QABotError
from qabot.interfaces.web.address import check_port
from qabot.interfaces.web.serving import serve  # light: Gradio and the bot are imported by serve()

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--share", action="store_true", help="Also open a public Gradio link.")
    parser.add_argument("--mcp", action="store_true", help="Also serve MCP at /gradio_api/mcp/.")
    parser.add_argument("--host", help="Interface to bind (default 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port (default 7860).")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parser.parse_args()
    try:
        check_port(args.port)
        # As `qabot serve` does: explicit options beat the environment the launch reads.
        if args.host:
            os.environ["GRADIO_SERVER_NAME"] = args.host
        if args.port is not None:
            os.environ["GRADIO_SERVER_PORT"] = str(args.port)
        settings = Settings()
        if args.mcp:
            settings = settings.model_copy(
                update={"app": settings.app.model_copy(update={"mcp": True})}
            )
        serve(settings, share=args.share)
    except QABotError as exc:  # e.g. a damaged index: one clear line, as `qabot serve` prints
        logging.getLogger("qabot").error("%s", exc)
        raise SystemExit(1) from None
