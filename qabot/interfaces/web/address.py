"""Where the web app listens, and whether it can, checked before anything is built.

Gradio finds a taken port only once the page is built (and, on a first start, the index is
being built beside it), and then raises a 52-line traceback advising `server_port` in
`launch()`, which a user of `qabot serve` or `app.py` never calls. The check here binds the
address as the server will, so the failure is one line naming `--port`, at once.
"""

from __future__ import annotations

import errno
import os
import socket

from qabot.config import Settings
from qabot.config.groups import half_login
from qabot.errors import ConfigError, ServeError


def check_login(settings: Settings) -> tuple[str, str] | None:
    """The basic-auth (user, password), None for no login, or a ConfigError for half of one.

    `Settings` refuses half a login already; settings copied with `model_copy` (as `--mcp`
    is applied) are not validated again, so the server checks once more before it starts."""
    if problem := half_login(settings.app.auth_user, settings.app.auth_password):
        raise ConfigError(f"Invalid settings: {problem}.")
    return settings.app.login


def check_port(port: int | None, option: str = "--port") -> None:
    """Refuse a port number no server can listen on, naming the option it came from."""
    if port is not None and not 1 <= port <= 65535:
        raise ServeError(f"{option} must be a port number, 1-65535 (got {port}).")


def server_address(settings: Settings) -> tuple[str, int]:
    """(host, port): GRADIO_SERVER_NAME / GRADIO_SERVER_PORT beat the settings, as Gradio's own
    convention (`qabot serve --host/--port` and `app.py` set them)."""
    host = os.environ.get("GRADIO_SERVER_NAME") or settings.app.host
    raw = os.environ.get("GRADIO_SERVER_PORT")
    if not raw:
        return host, settings.app.port
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ServeError(f"GRADIO_SERVER_PORT must be a port number, 1-65535 (got {raw!r}).")
    return host, port


def taken_text(host: str, port: int) -> str:
    return (
        f"Port {port} on {host} is taken (another server, or qabot already running): pass "
        "--port N (or set GRADIO_SERVER_PORT) to serve on another port."
    )


def check_bindable(host: str, port: int) -> None:
    """Raise ServeError, in one line naming the option to change, unless (host, port) can be
    bound now."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ServeError(
            f"Cannot serve on {host!r} ({exc.strerror}): pass --host ADDRESS (or set "
            "GRADIO_SERVER_NAME), e.g. 127.0.0.1."
        ) from None
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port the last run left in TIME_WAIT is free to serve on.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(taken_text(host, port)) from None
            raise ServeError(
                f"Cannot serve on {host}:{port} ({exc.strerror}): pass --host ADDRESS or "
                "--port N (or set GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."
            ) from None
