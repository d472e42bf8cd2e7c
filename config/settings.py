"""All configuration, read once from the environment and an optional `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "multilingual-e5-small"
# How the e5 model is run: "onnx" (onnxruntime, no torch: the default wherever `coach model build`
# exported it) or "torch" (sentence-transformers; also what EMBEDDING_INT8 and other models use).
EmbeddingRuntime = Literal["onnx", "torch"]
DEFAULT_EMBEDDING_RUNTIME: EmbeddingRuntime = "onnx"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    coach_home: Path = Path("./var")
    database_url: str | None = None
    chroma_url: str | None = None
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_runtime: EmbeddingRuntime = DEFAULT_EMBEDDING_RUNTIME
    embedding_int8: bool = False  # torch runtime only: int8 linear layers, ~1.3x faster, worse ranking
    coach_models_dir: Path | None = None  # where built models live; default COACH_HOME/models

    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)  # per request, counted from the moment it is sent
    llm_queue_wait_s: float = Field(
        default=10.0, ge=0
    )  # longest wait for a free slot before skipping the LLM
    llm_concurrency: int = Field(default=1, ge=1, le=64)  # requests in flight at once (the server's slots)
    llm_answer_max_tokens: int = Field(default=220, ge=16, le=4096)
    llm_extract_max_tokens: int = Field(default=320, ge=16, le=4096)
    llm_seed: int = Field(default=7, ge=0)
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    # how the server is made to return visit fields: a JSON schema it enforces, a forced tool call,
    # or plain JSON asked for in the prompt, parsed leniently and repaired once
    llm_output_mode: Literal["json_schema", "tools", "json"] = "json_schema"
    llm_breaker_failures: int = Field(default=3, ge=1)  # consecutive failures that open the circuit
    llm_breaker_cooldown_s: float = Field(default=60.0, gt=0)  # how long the LLM is then skipped

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_listen: str = "0.0.0.0"
    telegram_port: int = Field(default=8443, ge=1, le=65535)

    coach_timezone: str = "Asia/Shanghai"
    # Script of answers and source excerpts: "simplified" converts traditional documents at display;
    # "original" shows each document in its own script (pinyin and mojibake are removed either way).
    coach_display_script: Literal["simplified", "original"] = "simplified"

    @field_validator("coach_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        if value and value.startswith("postgresql://"):
            value = "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("chroma_url", "llm_base_url", "telegram_api_base_url", "telegram_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.coach_timezone)

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.coach_home / 'coach.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.coach_home / "chroma"

    @property
    def cache_dir(self) -> Path:
        """Derived data that can be rebuilt at any time (exemplar vectors, the persisted BM25 index)."""
        return self.coach_home / "cache"

    @property
    def models_dir(self) -> Path:
        return self.coach_models_dir or self.coach_home / "models"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


class ConfigError(SystemExit):
    """Raised with a one-line message naming the offending variable."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "?"
        raise ConfigError(f"配置错误 {variable}: {first['msg']}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
