"""Settings: QABOT_* variables, .env, nested groups, and the answerer default."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from qabot import Settings
from qabot.llms import MockChatModel


def test_defaults() -> None:
    s = Settings()
    assert (s.corpus, s.store, s.llm) == (Path("corpus"), Path("vectorstore"), "auto")
    assert s.resolved_llm == "extractive", "no key: the offline extractive answerer"
    assert s.get_llm() is None


def test_env_vars_and_nested_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_CORPUS", "/data/papers.jsonl")
    monkeypatch.setenv("QABOT_LLM", "mock")
    monkeypatch.setenv("QABOT_RETRIEVAL__K", "8")
    s = Settings()
    assert s.corpus == Path("/data/papers.jsonl") and s.retrieval.k == 8
    assert isinstance(s.get_llm(), MockChatModel)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("QABOT_STORE=/tmp/elsewhere\nOPENAI_API_KEY=sk-test-123\n")
    s = Settings()  # the test runs in tmp_path (conftest)
    assert s.store == Path("/tmp/elsewhere")
    assert s.resolved_llm == "openai", "a key makes openai the default"
    assert "sk-test-123" not in repr(s), "the key is a secret"


def test_openai_backend_is_configured_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("QABOT_OPENAI__TIMEOUT", "5")
    llm = Settings().get_llm()
    assert llm is not None and type(llm).__name__ == "ChatOpenAI"
    assert llm.request_timeout == 5 and llm.max_retries == 3  # type: ignore[attr-defined]


def test_unknown_settings_are_rejected() -> None:
    with pytest.raises(ValidationError):
        Settings(retrieval={"kk": 3})


def test_misspelt_variables_are_named(monkeypatch: pytest.MonkeyPatch,
                                      caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    monkeypatch.setenv("QABOT_RETREIVAL__K", "3")
    with caplog.at_level("WARNING"):
        Settings()
    assert "ignoring unknown setting QABOT_RETREIVAL__K (did you mean QABOT_RETRIEVAL?)" in caplog.text


def test_chroma_server_from_host_port_and_ssl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_CHROMA_HOST", "chroma.internal")
    monkeypatch.setenv("QABOT_CHROMA_PORT", "443")
    monkeypatch.setenv("QABOT_CHROMA_SSL", "true")
    assert Settings().chroma_url == "https://chroma.internal:443"
    monkeypatch.setenv("QABOT_CHROMA_URL", "http://other:9000")
    assert Settings().chroma_url == "http://other:9000", "an explicit URL wins"
