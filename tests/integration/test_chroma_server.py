"""Server mode: every command against a real `chroma run` server on 127.0.0.1.

Marked slow (a server process and a fresh ingest); scripts/test.sh and CI run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from qabot import IndexStoreError, QABot
from qabot.evaluation.runner import EvalItem, run_eval
from qabot.index.manifest import load_manifest
from qabot.index.passages import IN_CHROMA
from qabot.ingest.build import ingest
from qabot.interfaces.cli.base import app
from qabot.interfaces.web.ui import ChatService
from tests.conftest import BPD_ID, make_settings
from tests.interfaces.web.test_ui import free_port

pytestmark = pytest.mark.slow
BPD_Q = "What is the Boltzmann policy distribution?"


def start_chroma(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chroma run did not start")


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = start_chroma(tmp_path_factory.mktemp("chroma-server"))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def served_store(
    chroma: str, tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings
) -> Path:
    store = tmp_path_factory.mktemp("writer") / "store"
    report = ingest(make_settings(store, chroma_url=chroma), embeddings)
    assert report.papers == 50
    return store


def test_ingest_and_ask_through_the_server(
    chroma: str, served_store: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(served_store, chroma_url=chroma)
    assert not (served_store / "chroma").exists(), "no local Chroma folder in server mode"
    assert load_manifest(settings).papers == 50  # type: ignore[union-attr]
    bot = QABot(settings, embeddings=embeddings)
    answer = bot.ask(BPD_Q)
    assert answer.citations[0].paper_id == BPD_ID
    # The server keeps the chunk texts and paper records, which other replicas rebuild from.
    assert bot.snapshot.manifest.passages == IN_CHROMA and bot.snapshot.passages is None
    got = bot.snapshot.vectors.collection.get(
        ids=[f"{BPD_ID}::0"], include=["documents", "metadatas"]
    )
    assert (
        got["documents"][0]
        and got["documents"][0] in bot.snapshot.papers[bot.snapshot.paper_index[BPD_ID]].abstract
    )
    assert "paper_json" in got["metadatas"][0] and "title" in got["metadatas"][0]
    assert ingest(settings, embeddings).up_to_date, "idempotent on the server too"


def test_a_replica_rebuilds_its_tables_from_the_server(
    chroma: str, served_store: Path, tmp_path: Path, embeddings: Embeddings
) -> None:
    writer = QABot(make_settings(served_store, chroma_url=chroma), embeddings=embeddings)
    replica = QABot(
        make_settings(tmp_path / "replica", chroma_url=chroma),
        embeddings=embeddings,
        auto_ingest=False,
    )
    for question in (BPD_Q, "reward hacking", "language models for robots"):
        assert [h.paper_id for h in replica.search(question)] == [
            h.paper_id for h in writer.search(question)
        ]
    assert replica.portfolio().counts_by_year == writer.portfolio().counts_by_year
    assert replica.portfolio().papers_stated == 66, "profiles travel with the manifest"
    run = run_eval(replica, [EvalItem(question=BPD_Q, gold_paper_ids=[BPD_ID])])
    assert run.metrics["hit@1"] == 1.0
    assert ChatService(replica).bounds == (2019, 2026), "the UI builds on a replica too"
    assert (
        replica.settings.store / "generations" / replica.snapshot.generation / "summary.json"
    ).is_file(), "the page summary is rebuilt too"
    assert replica.snapshot.summary == writer.snapshot.summary


def test_the_cli_uses_the_server(
    chroma: str, served_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QABOT_CHROMA_URL", chroma)
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "cli-store"))
    result = CliRunner().invoke(app, ["ask", "--json", BPD_Q])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["citations"][0]["paper_id"] == BPD_ID


def test_a_server_going_down_mid_session_is_a_clear_error(
    tmp_path: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc, url = start_chroma(tmp_path / "short-lived")
    bot = QABot(make_settings(tmp_path / "store", chroma_url=url), embeddings=embeddings)
    service = ChatService(bot)  # the app starts while the server is up
    assert bot.search(BPD_Q)[0].paper_id == BPD_ID
    proc.kill()
    proc.wait(timeout=20)
    with pytest.raises(IndexStoreError, match="Chroma server"):
        bot.ask(BPD_Q)
    reply = list(service.respond(BPD_Q, [], [], None, None, None, None, False))[-1][1][-1]
    assert reply["content"].startswith("**Error:**") and "Chroma server" in reply["content"]
    monkeypatch.setenv("QABOT_CHROMA_URL", url)
    monkeypatch.setenv("QABOT_STORE", str(tmp_path / "store"))
    result = CliRunner().invoke(app, ["search", BPD_Q])
    assert result.exit_code == 1 and "unreachable" in result.output
    assert "Traceback" not in result.output
