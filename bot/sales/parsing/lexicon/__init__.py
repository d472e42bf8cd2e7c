"""The parser's word lists (data files next to this module), loaded once.

``words("person_titles")`` reads person_titles.txt; ``sections("outcomes")`` reads outcomes.txt as
{section: words}. The format is store.wordlists' (one entry a line, ``#`` comments, ``[section]`` heads).
"""

from __future__ import annotations

from pathlib import Path

from store.wordlists import load_sections, load_words

HERE = Path(__file__).resolve().parent


def path(name: str) -> Path:
    return HERE / f"{name}.txt"


def words(name: str) -> tuple[str, ...]:
    return load_words(path(name))


def sections(name: str) -> dict[str, tuple[str, ...]]:
    return load_sections(path(name))
