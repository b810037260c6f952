"""A full disk under the index (issue 29): said as a full disk, in one line, and nothing lost.

It used to be reported as a damaged database with advice to rebuild, and `ingest --rebuild`
then moved the live Chroma folder aside and died with a traceback, losing the index. Two kinds
of test: fault injection (Chroma's SQLite error, an OSError ENOSPC), which always runs, and a
real full tmpfs, which needs root to mount one and is skipped without it.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from qabot import QABot
from qabot.errors import DiskFullError, IndexCorruptError, disk_full
from qabot.index.chroma import forget_cached_client
from qabot.index.integrity import check_index
from qabot.index.manifest import read_manifest
from qabot.ingest.build import ingest
from qabot.interfaces.cli.base import app
from tests.conftest import make_settings, paper_record

FULL = "error returned from database: (code: 13) database or disk is full"


def test_a_full_disk_is_told_apart_from_damage() -> None:
    from chromadb.errors import InternalError

    assert disk_full(InternalError(FULL))
    assert disk_full(OSError(errno.ENOSPC, "No space left on device"))
    wrapped = RuntimeError("writing failed")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert disk_full(wrapped), "the cause counts"
    damaged = "error returned from database: (code: 11) database disk image is malformed"
    assert not disk_full(InternalError(damaged))
    assert not disk_full(OSError(errno.EACCES, "Permission denied"))


@pytest.fixture
def chroma_disk_full(store_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Chroma's own open fails as SQLite does on a full disk (it writes a row on every open)."""
    import chromadb
    from chromadb.errors import InternalError

    def full(*args: Any, **kwargs: Any) -> None:
        raise InternalError(FULL)

    forget_cached_client(store_copy / "chroma")
    monkeypatch.setattr(chromadb, "PersistentClient", full)
    return store_copy


def test_asking_on_a_full_disk_says_so_and_not_rebuild(
    chroma_disk_full: Path, embeddings: Embeddings
) -> None:
    bot = QABot(make_settings(chroma_disk_full), embeddings=embeddings)
    with pytest.raises(DiskFullError) as info:
        bot.search("reward hacking")
    message = str(info.value)
    assert "is full" in message and "Nothing is damaged" in message, message
    assert "rebuild" not in message and not isinstance(info.value, IndexCorruptError)
    problems = check_index(make_settings(chroma_disk_full)).problems
    assert [p.fix for p in problems] == ["see the message"], problems
    assert "is full" in problems[0].what


def test_ingest_on_a_full_disk_sets_nothing_aside(
    chroma_disk_full: Path, embeddings: Embeddings
) -> None:
    before = read_manifest(chroma_disk_full)
    for rebuild in (False, True):
        with pytest.raises(DiskFullError, match="stays live and unchanged"):
            ingest(make_settings(chroma_disk_full), embeddings, rebuild=rebuild)
    assert not list(chroma_disk_full.glob("chroma.damaged-*")), "the live index was not moved"
    assert read_manifest(chroma_disk_full) == before


def test_ingest_that_runs_out_of_space_while_writing_keeps_the_old_index(
    tmp_path: Path,
    embeddings: Embeddings,
    write_jsonl: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import qabot.ingest.build as build

    write_jsonl([paper_record(n) for n in range(6)])
    settings = make_settings(tmp_path / "store", corpus=tmp_path / "corpus")
    ingest(settings, embeddings)
    before = read_manifest(settings.store)
    write_jsonl([paper_record(n) for n in range(8)])

    def no_space(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(settings.store))

    monkeypatch.setattr(build, "write_paper_table", no_space)
    with pytest.raises(DiskFullError, match="no space left while writing the new index"):
        ingest(settings, embeddings)
    assert read_manifest(settings.store) == before
    assert len(QABot(settings, embeddings=embeddings).search("glaciers", k=10)) >= 1


# -- a real full disk ------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (root only; skipped elsewhere)."""
    where = tmp_path / "tiny"
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        forget_cached_client(where / "store" / "chroma")
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_real_full_disk_under_every_command(
    tiny_disk: Path, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_jsonl([paper_record(n) for n in range(6)]).parent
    store = tiny_disk / "store"
    monkeypatch.setenv("QABOT_STORE", str(store))
    monkeypatch.setenv("QABOT_CORPUS", str(corpus))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest"]).exit_code == 0
    before = read_manifest(store)
    write_jsonl([paper_record(n) for n in range(8)])  # something new to write
    filler = tiny_disk / "filler"
    with filler.open("wb") as out, pytest.raises(OSError, match="No space left"):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    for command in (["ingest"], ["ingest", "--rebuild"], ["ask", "glaciers"], ["search", "x"]):
        forget_cached_client(store / "chroma")  # as a new process opens it
        result = runner.invoke(app, command)
        assert result.exit_code == 1, (command, result.output)
        assert len(result.output.strip().splitlines()) == 1, (command, result.output)
        assert "is full" in result.output and "rebuild" not in result.output, result.output
    forget_cached_client(store / "chroma")
    check = runner.invoke(app, ["check"])
    assert (
        check.exit_code == 1
        and "is full" in check.output
        and "fix: see the message" in (check.output)
    ), check.output
    assert not list(store.glob("chroma.damaged-*")) and read_manifest(store) == before
    filler.unlink()
    forget_cached_client(store / "chroma")
    assert runner.invoke(app, ["check"]).exit_code == 0, "freeing space is the whole fix"
    assert runner.invoke(app, ["ingest"]).exit_code == 0
