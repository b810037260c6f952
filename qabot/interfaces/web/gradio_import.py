"""Importing Gradio without its type-stub writer: 1.5 s of every start-up.

Every time Gradio is imported, its component metaclass rewrites a `.pyi` type stub beside each
component's source (`gradio.component_meta.create_or_modify_pyi`, Gradio 6). For each of about
80 classes it parses the whole source file and the stub with `ast`, renders a Jinja template,
and writes into site-packages if the stub differs. The stubs are for type checkers and editors,
and Gradio's wheel ships them already written; nothing reads them at run time. Here that was
1.5 s of a 3.3 s `import gradio` (1.8 s without it, warm page cache; docs/measurements.md,
"Cold start"), all of it on the page's path.

`skip_stub_writer()` swaps the function for a no-op as soon as its module has run, before any
component class exists (the module that calls it for `gr.Blocks` subclasses imports it by
name, so it gets the no-op too). It only hooks that one module's import, and does nothing when
Gradio is already imported. A Gradio that renames or moves the function is imported as it is,
only slower, with a warning in the log; pyproject.toml pins Gradio's major version, and
tests/interfaces/web/test_serving.py checks that the swap still applies.
"""

from __future__ import annotations

import importlib.abc
import logging
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

MODULE = "gradio.component_meta"
FUNCTION = "create_or_modify_pyi"
_lock = threading.Lock()


def skip_stub_writer() -> bool:
    """Arrange for the next import of Gradio to skip its stub writer. False when it is too late
    (Gradio's component module is imported already) and nothing was changed."""
    with _lock:
        if MODULE in sys.modules:
            return False
        if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
            sys.meta_path.insert(0, _Finder())
        return True


def _no_stub(*args: Any, **kwargs: Any) -> None:
    """Gradio's `create_or_modify_pyi`, skipped (see the module's docstring)."""


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: it asks the finders after it for Gradio's component module and
    wraps that module's loader. It leaves `sys.meta_path` after that one import."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != MODULE:
            return None
        with _lock:
            if self in sys.meta_path:
                sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


class _Loader(importlib.abc.Loader):
    """The module's own loader, then the swap."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        if callable(getattr(module, FUNCTION, None)):
            setattr(module, FUNCTION, _no_stub)
        else:  # a Gradio that moved or renamed it: correct, but every start is slower
            log.warning(
                "%s has no %s any more, so Gradio's .pyi stub writer runs at this import (about "
                "1.5 s of every start); qabot.interfaces.web.gradio_import needs updating for "
                "this Gradio version",
                MODULE,
                FUNCTION,
            )

    def __getattr__(self, name: str) -> Any:
        """get_source, is_package, ...: the inner loader's (inspect and pkgutil use them). Not
        for `inner` itself or dunders, so a copy or pickle of the loader cannot recurse."""
        if name == "inner" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.inner, name)
