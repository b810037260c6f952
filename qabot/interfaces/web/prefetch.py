"""Reading the web app's code files ahead at start-up, from the list of the last start.

From an empty page cache, a start's imports (Gradio, pandas, pyarrow, Chroma, ONNX Runtime:
about 2,900 files and 480 MB here) read their files one small piece at a time, in order, each
read waiting on the disk while the interpreter has nothing else to do. Given the whole list at
once, the kernel reads them ahead in the background (`posix_fadvise(WILLNEED)` returns at once)
while Python imports what has arrived. At 100k papers, over 10 interleaved starts each, the
medians moved by 0.15 s (page) and 0.3 s (first answer), and the slow starts went: none of
them reached 5 s to the page or 10 s to the first answer, against 3 and 2 of 10 without it
(docs/measurements.md, "Cold start"). Only code files are listed: reading the index's 770 MB
ahead as well made both slower, by queueing the imports' reads behind it.

The list is what the process had loaded once it was ready to answer, written after every start
(so it follows upgrades) to a per-environment file in the user's cache directory
(`$XDG_CACHE_HOME/qabot`, else `~/.cache/qabot`; none without a home directory: a shared
folder such as /tmp would let another user choose what this process opens). A missing, stale
or unwritable list only means no read-ahead; only regular files are read ahead. Nothing here
raises.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

MAX_FILES = 20_000  # a list longer than this was not written by this module
_LIBRARY = re.compile(
    r"\.so(\.[\w.]+)?$"
)  # libarrow.so.2600, _core.cpython-311-x86_64-linux-gnu.so
TEMP_PREFIX = ".startup-files-"


def list_path() -> Path | None:
    """This environment's list: one per interpreter, environment and qabot checkout; None
    when there is no home directory (and no XDG_CACHE_HOME)."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:
        return None
    cache = base / "qabot"
    key = f"{sys.prefix}|{sys.version}|{Path(__file__).resolve().parent}"
    return cache / f"startup-files-{hashlib.sha256(key.encode()).hexdigest()[:16]}.txt"


def start_prefetch(path: Path | None = None) -> threading.Thread | None:
    """Ask the kernel to read the listed files ahead, from a background thread (opening 2,000
    files is itself some milliseconds). None when there is no list or no `posix_fadvise`."""
    path = path or list_path()
    if path is None or not hasattr(os, "posix_fadvise"):
        return None
    try:
        files = path.read_text(encoding="utf-8").splitlines()[:MAX_FILES]
    except (OSError, UnicodeDecodeError):
        return None
    thread = threading.Thread(target=_advise, args=(files,), name="qabot-prefetch", daemon=True)
    thread.start()
    return thread


def _advise(files: list[str]) -> None:
    advised = 0
    for name in files:
        if not os.path.isabs(name):
            continue
        try:  # non-blocking: a FIFO put in a file's place must not hold this thread
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
        except (OSError, ValueError):  # removed since the list was written; a NUL in a line
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
                advised += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    log.debug("reading %d code files ahead", advised)


def loaded_files() -> list[str]:
    """The files this process has imported code from, in the order it first needed them (the
    kernel reads them ahead in the order asked): each module's bytecode (its source if it has
    none) and, on Linux, the shared libraries mapped beside them, each placed after the first
    module of its package (pyarrow's libarrow after pyarrow's first module)."""
    ordered: dict[str, None] = {}
    for module in list(sys.modules.values()):  # in import order
        name = getattr(module, "__file__", None)
        if not isinstance(name, str) or not os.path.isabs(name):
            continue
        if name.endswith(".py"):
            try:
                cached = importlib.util.cache_from_source(name)
                name = cached if os.path.exists(cached) else name
            except (NotImplementedError, ValueError):
                pass
        ordered[name] = None
    modules = [f for f in ordered if os.path.isfile(f)]
    first: dict[str, int] = {}  # package folder -> its first module's position
    for i, name in enumerate(modules):
        home = _package_home(name)
        if home is not None:
            first.setdefault(home, i)
    libraries = [f for f in _mapped_libraries() if f not in ordered]
    if not modules:
        return libraries
    after: dict[int, list[str]] = {}
    for library in libraries:
        home = _package_home(library)
        at = first.get(home, len(modules) - 1) if home else len(modules) - 1
        after.setdefault(at, []).append(library)
    return [f for i, name in enumerate(modules) for f in (name, *after.get(i, []))]


def _mapped_libraries() -> list[str]:
    found: dict[str, None] = {}
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                name = fields[5].strip() if len(fields) == 6 else ""
                if name.startswith("/") and _LIBRARY.search(name):
                    found[name] = None
    except OSError:  # not Linux
        return []
    return [f for f in found if os.path.isfile(f)]


def _package_home(path: str) -> str | None:
    """`.../site-packages/pyarrow/` for any file below it (`numpy.libs/` counts as numpy's)."""
    parts = path.split(os.sep)
    if "site-packages" not in parts:
        return None
    at = len(parts) - 1 - parts[::-1].index("site-packages")
    if at + 2 > len(parts) - 1:
        return None
    package = parts[at + 1].removesuffix(".libs")
    return os.sep.join([*parts[: at + 1], package]) + os.sep


def record(path: Path | None = None) -> None:
    """Write the list for the next start, atomically (a reader never sees half of it)."""
    path = path or list_path()
    if path is None:
        return
    try:
        files = loaded_files()[:MAX_FILES]  # first: a process stopped meanwhile leaves nothing
    except Exception:  # noqa: BLE001 - a module with an odd __file__: no list this time
        log.debug("could not list the loaded files", exc_info=True)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("\n".join(files) + "\n")
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:  # a read-only home, a full disk: no read-ahead next time
        log.debug("could not write %s: %s", path, exc)


def _remove_stale(folder: Path) -> None:
    """Temporary files of a writer killed between creating and renaming one (an hour old)."""
    for stale in folder.glob(TEMP_PREFIX + "*"):
        try:
            if time.time() - stale.stat().st_mtime > 3600:
                stale.unlink()
        except OSError:
            pass
