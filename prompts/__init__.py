"""Every LLM prompt and user-facing text lives as a file in this folder; this module reads them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROMPTS_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
def prompt(name: str) -> str:
    """The prompt file `prompts/<name>.md`."""
    return (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    return yaml.safe_load((PROMPTS_DIR / "texts.zh.yaml").read_text(encoding="utf-8"))


def text(key: str, /, **values: object) -> str:
    """A user-facing text from prompts/texts.zh.yaml, formatted with `values`."""
    template = _texts()[key]
    return template.format(**values) if values else template
