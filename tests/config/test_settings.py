"""Settings: QABOT_* variables, .env, nested groups, and the answerer default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from qabot import ConfigError, Settings
from qabot.testing.mock_llm import MockChatModel


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
    with pytest.raises(ConfigError) as info:
        Settings(retrieval={"kk": 3})
    assert "QABOT_RETRIEVAL__KK is not a known setting (did you mean QABOT_RETRIEVAL__K?)" in str(
        info.value
    )


@pytest.mark.parametrize(
    ("var", "meant"),
    [
        ("QABOT_RETREIVAL__K", "QABOT_RETRIEVAL__K"),
        ("QABOT_RETREIVAL__MIN_RELEVANCE", "QABOT_RETRIEVAL__MIN_RELEVANCE"),
        ("QABOT_INDX__CHUNK_SIZE", "QABOT_INDEX__CHUNK_SIZE"),
    ],
)
def test_misspelt_variables_name_the_key_that_was_meant(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, var: str, meant: str
) -> None:
    monkeypatch.setenv(var, "3")
    with caplog.at_level("WARNING"):
        Settings()
    assert f"ignoring unknown setting {var} (did you mean {meant}?)" in caplog.text


def test_a_misspelt_key_inside_a_group_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_RETRIEVAL__MIN_RELEVENCE", "0.2")
    with pytest.raises(ConfigError, match="did you mean QABOT_RETRIEVAL__MIN_RELEVANCE"):
        Settings()


def _numeric_fields() -> list[tuple[str, Any]]:
    fields = [
        (f"QABOT_{n.upper()}", f)
        for n, f in Settings.model_fields.items()
        if f.annotation in (int, float)
    ]
    for group, field in Settings.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            fields += [
                (f"QABOT_{group.upper()}__{n.upper()}", f)
                for n, f in field.annotation.model_fields.items()
                if f.annotation in (int, float)
            ]
    return fields


@pytest.mark.parametrize(("var", "field"), _numeric_fields(), ids=[v for v, _ in _numeric_fields()])
def test_every_numeric_setting_is_bounded(
    monkeypatch: pytest.MonkeyPatch, var: str, field: Any
) -> None:
    bounds = {type(m).__name__ for m in field.metadata}
    assert bounds & {"Ge", "Gt"} and bounds & {"Le", "Lt"}, f"{var} needs a lower and upper bound"
    for value in ("-1e12", "1e12", "abc"):
        monkeypatch.setenv(var, value)
        with pytest.raises(ConfigError) as info:
            Settings()
        message = str(info.value)
        assert var in message and "\n" not in message and "pydantic.dev" not in message, message
        assert "unset it" in message, "the line says how to fix it"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"QABOT_RETRIEVAL__MIN_RELEVANCE": "2"}, "QABOT_RETRIEVAL__MIN_RELEVANCE must be ≤ 1"),
        ({"QABOT_RETRIEVAL__MIN_RELEVANCE": "-0.5"}, "QABOT_RETRIEVAL__MIN_RELEVANCE must be ≥ 0"),
        (
            {"QABOT_INDEX__CHUNK_OVERLAP": "400", "QABOT_INDEX__CHUNK_SIZE": "200"},
            "QABOT_INDEX__CHUNK_OVERLAP (400) must be smaller than QABOT_INDEX__CHUNK_SIZE (200)",
        ),
        (
            {"QABOT_PARSING__YEAR_MIN": "2000", "QABOT_PARSING__YEAR_MAX": "1990"},
            "QABOT_PARSING__YEAR_MIN (2000) must not be after QABOT_PARSING__YEAR_MAX (1990)",
        ),
        (
            {"QABOT_PARSING__SNAPSHOT_YEAR": "1950", "QABOT_PARSING__YEAR_MIN": "1990"},
            "QABOT_PARSING__SNAPSHOT_YEAR (1950) must lie within",
        ),
    ],
)
def test_cross_field_and_range_checks_are_one_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as info:
        Settings()
    assert named in str(info.value) and "\n" not in str(info.value)


def test_chroma_server_from_host_port_and_ssl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_CHROMA_HOST", "chroma.internal")
    monkeypatch.setenv("QABOT_CHROMA_PORT", "443")
    monkeypatch.setenv("QABOT_CHROMA_SSL", "true")
    assert Settings().chroma_url == "https://chroma.internal:443"
    monkeypatch.setenv("QABOT_CHROMA_URL", "http://other:9000")
    assert Settings().chroma_url == "http://other:9000", "an explicit URL wins"


def test_a_misspelt_dotenv_key_is_named_as_written(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("QABOT_RETREIVAL__K=3\nFOO=1\n")
    with pytest.raises(ConfigError) as info:
        Settings()  # the test runs in tmp_path (conftest)
    message = str(info.value)
    assert "QABOT_RETREIVAL__K is not a known setting (did you mean QABOT_RETRIEVAL__K?)" in message
    assert "; FOO is not a known setting" in message and "\n" not in message


def test_the_owner_of_a_bibliography_corpus_is_a_setting(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 28: a .bib, CSL-JSON or RIS corpus has no profile page to name its owner."""
    assert Settings().owner is None
    monkeypatch.setenv("QABOT_OWNER", "  Ada   Lovelace ")
    assert Settings().owner == "Ada Lovelace", "spaces as in the papers' author lists"
    assert "unknown setting" not in caplog.text, "QABOT_OWNER is a known variable"
    monkeypatch.setenv("QABOT_OWNER", "")
    assert Settings().owner is None, "set but empty: no owner, not a nameless one"


# -- issue 29: values that used to start something wrong, or print a traceback ------------------


@pytest.mark.parametrize(
    ("env", "named"),
    [
        pytest.param(
            {"QABOT_APP__AUTH_USER": "admin"},
            "QABOT_APP__AUTH_USER is set but QABOT_APP__AUTH_PASSWORD is not set",
            id="user-without-password",
        ),
        pytest.param(
            {"QABOT_APP__AUTH_USER": "admin", "QABOT_APP__AUTH_PASSWORD": ""},
            "QABOT_APP__AUTH_USER is set but QABOT_APP__AUTH_PASSWORD is empty",
            id="empty-password",
        ),
        pytest.param(
            {"QABOT_APP__AUTH_USER": "admin", "QABOT_APP__AUTH_PASSWORD": "   "},
            "QABOT_APP__AUTH_PASSWORD is empty",
            id="blank-password",
        ),
        pytest.param(
            {"QABOT_APP__AUTH_PASSWORD": "s3cret"},
            "QABOT_APP__AUTH_PASSWORD is set but QABOT_APP__AUTH_USER is not set",
            id="password-without-user",
        ),
    ],
)
def test_half_a_login_is_refused(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    """Half a login used to serve the page, /chat and MCP with no login at all."""
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as info:
        Settings()
    message = str(info.value)
    assert named in message and "would serve without a login" in message, message
    assert "\n" not in message and "s3cret" not in message


def test_a_whole_login_or_none_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().app.login is None
    monkeypatch.setenv("QABOT_APP__AUTH_USER", "admin")
    monkeypatch.setenv("QABOT_APP__AUTH_PASSWORD", "s3cret")
    assert Settings().app.login == ("admin", "s3cret")


@pytest.mark.parametrize("group", ["QABOT_RETRIEVAL", "QABOT_APP", "QABOT_INDEX"])
def test_a_group_given_a_word_is_one_line(monkeypatch: pytest.MonkeyPatch, group: str) -> None:
    """QABOT_RETRIEVAL=garbage: pydantic-settings cannot parse it as JSON and raised its own
    SettingsError, a traceback."""
    monkeypatch.setenv(group, "garbage")
    with pytest.raises(ConfigError) as info:
        Settings()
    message = str(info.value)
    assert f"{group} sets the whole" in message and f"{group}__" in message, message
    assert "\n" not in message


def test_a_group_given_a_word_in_dotenv_says_so(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("QABOT_RETRIEVAL=oops\n")
    with pytest.raises(ConfigError, match="QABOT_RETRIEVAL in .env sets the whole retrieval"):
        Settings()  # the test runs in tmp_path (conftest)


def test_a_dotenv_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"QABOT_LLM=extractive\nNAME=caf\xe9 \xff\n")
    with pytest.raises(ConfigError) as info:
        Settings()  # the test runs in tmp_path (conftest)
    message = str(info.value)
    assert f"{tmp_path / '.env'} is not UTF-8 text (byte 0xe9 on line 2)" in message, message
    assert "\n" not in message


@pytest.mark.parametrize("variable", ["QABOT_STORE", "QABOT_CORPUS"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_folder_setting_is_not_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str
) -> None:
    """QABOT_STORE= (set, but empty) was Path(""), the current folder: `qabot ingest` built
    its index among whatever files were there."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        Settings()
    assert f"{variable} is empty, which would mean the current folder" in str(info.value)
    assert list(tmp_path.iterdir()) == []
