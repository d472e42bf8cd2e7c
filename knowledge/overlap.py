"""How much of one text another one contains, measured on character bigrams of the index form."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.text import normalize_for_index

_CITATION = re.compile(r"\s*\[\d+\]")
_NOISE = re.compile(r"[\W_]+")


@lru_cache(maxsize=4096)  # the same sources come back with every question about them
def content(text: str) -> str:
    """Normalized text without citations, punctuation or spaces: what overlap is measured on."""
    return _NOISE.sub("", normalize_for_index(_CITATION.sub("", text)))


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def support(part: set[str], whole: set[str]) -> float:
    """The share of `part`'s bigrams found in `whole`."""
    return len(part & whole) / len(part) if part else 0.0


def contained(part: str, whole: str) -> float:
    return support(bigrams(content(part)), bigrams(content(whole)))
