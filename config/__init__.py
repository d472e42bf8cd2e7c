"""Settings shared by every layer: read once from the environment (pydantic-settings)."""

from config.settings import (
    DEFAULT_EMBEDDING_MODEL,
    DEFAULT_EMBEDDING_RUNTIME,
    ConfigError,
    EmbeddingRuntime,
    Settings,
    get_settings,
    load_settings,
)

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_EMBEDDING_RUNTIME",
    "ConfigError",
    "EmbeddingRuntime",
    "Settings",
    "get_settings",
    "load_settings",
]
