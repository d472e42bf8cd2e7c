import pytest

from config import ConfigError, load_settings


def test_defaults_are_embedded(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "CHROMA_URL", "LLM_BASE_URL", "LLM_MODEL", "COACH_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(coach_home=tmp_path)
    assert settings.database.startswith("sqlite+aiosqlite:///") and settings.database.endswith("coach.db")
    assert settings.chroma_path == tmp_path / "chroma"
    assert settings.timezone.key == "Asia/Shanghai"
    assert not settings.llm_enabled


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("COACH_TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://x"),
        ("CHROMA_URL", "localhost:8000"),
        ("TELEGRAM_PORT", "http"),
        ("LLM_TIMEOUT_S", "-1"),
    ],
)
def test_a_wrong_value_fails_with_one_line_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert variable in message and "\n" not in message


def test_secrets_never_show_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:very-secret-token")
    monkeypatch.setenv("LLM_API_KEY", "sk-very-secret")
    settings = load_settings()
    assert "very-secret" not in repr(settings) and "very-secret" not in str(settings.model_dump())
    assert settings.telegram_bot_token.get_secret_value() == "123456:very-secret-token"


def test_plain_postgresql_urls_get_the_async_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/coach")
    assert load_settings().database == "postgresql+asyncpg://u@db/coach"
