"""Every LLM prompt and user-facing text lives as a file in this folder; this module reads them."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import yaml

PROMPTS_DIR = Path(__file__).parent


@cache
def prompt(name: str) -> str:
    """The prompt file `prompts/<name>.md`."""
    return (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    """texts.zh.yaml plus one texts.<feature>.zh.yaml per feature; a key defined twice is an error."""
    merged: dict[str, str] = {}
    for path in sorted(PROMPTS_DIR.glob("texts*.zh.yaml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"text {key!r} is defined twice (again in {path.name})")
            merged[key] = value
    return merged


def text(key: str, /, **values: object) -> str:
    """A user-facing text from prompts/texts.zh.yaml, formatted with `values`."""
    template = _texts()[key]
    return template.format(**values) if values else template
