"""The compliance policy (knowledge/policy.yaml): what is refused, and with which words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_POLICY_FILE = Path(__file__).with_name("policy.yaml")


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    patterns: tuple[re.Pattern[str], ...]
    message: str


@dataclass(frozen=True)
class Policy:
    categories: tuple[Category, ...]

    def violation(self, normalized_text: str) -> Category | None:
        """The first category whose pattern occurs in text already normalized for the index."""
        for category in self.categories:
            if any(p.search(normalized_text) for p in category.patterns):
                return category
        return None


@lru_cache(maxsize=4)
def load_policy(path: Path = _POLICY_FILE) -> Policy:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Policy(
        tuple(
            Category(
                id=c["id"],
                name=c["name"],
                patterns=tuple(re.compile(p) for p in c["patterns"]),
                message=c["message"].strip(),
            )
            for c in raw["categories"]
        )
    )
