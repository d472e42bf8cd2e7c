"""Settings shared by every layer: read once from the environment (pydantic-settings)."""

from config.settings import DEFAULT_EMBEDDING_MODEL, ConfigError, Settings, get_settings, load_settings

__all__ = ["DEFAULT_EMBEDDING_MODEL", "ConfigError", "Settings", "get_settings", "load_settings"]
