"""The LLM settings: validated, one line naming the variable when wrong, carried into the client."""

import pytest

from config import ConfigError, load_settings
from knowledge.llm import LLMConfig


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LLM_OUTPUT_MODE", "xml"),
        ("LLM_CONCURRENCY", "0"),
        ("LLM_ANSWER_MAX_TOKENS", "5"),
        ("LLM_EXTRACT_MAX_TOKENS", "many"),
        ("LLM_BREAKER_FAILURES", "0"),
        ("LLM_BREAKER_COOLDOWN_S", "0"),
        ("LLM_QUEUE_WAIT_S", "-1"),
        ("LLM_TEMPERATURE", "3"),
    ],
)
def test_a_wrong_llm_value_fails_with_one_line_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert variable in str(raised.value) and "\n" not in str(raised.value)


def test_the_settings_reach_the_client_and_the_key_stays_out_of_its_repr(monkeypatch):
    for name, value in {
        "LLM_BASE_URL": "http://127.0.0.1:8080/v1/",
        "LLM_MODEL": "qwen2.5-1.5b-instruct",
        "LLM_API_KEY": "sk-very-secret",
        "LLM_OUTPUT_MODE": "tools",
        "LLM_SEED": "42",
        "LLM_ANSWER_MAX_TOKENS": "180",
    }.items():
        monkeypatch.setenv(name, value)
    config = LLMConfig.from_settings(load_settings())
    assert (config.base_url, config.output_mode, config.seed, config.answer_max_tokens) == (
        "http://127.0.0.1:8080/v1",
        "tools",
        42,
        180,
    )
    assert config.api_key == "sk-very-secret" and "very-secret" not in repr(config)
    assert config.temperature == 0
