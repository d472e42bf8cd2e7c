"""The compliance policy (knowledge/policy.yaml): categories of illegal tactics, the patterns that
point at them, the cues that mark a question as defensive, and each category's refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from prompts import text

_POLICY_FILE = Path(__file__).with_name("policy.yaml")
_SENTENCE = re.compile(r"(?<=[。！？!?；;\n])")
NEGATION_REACH = 3  # characters before a tactic searched for a negating word


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    why: str
    alternative: str
    card: str  # slug of the playbook card with the compliant alternative
    patterns: tuple[re.Pattern[str], ...]  # the tactic itself: a strong signal
    topics: tuple[re.Pattern[str], ...]  # bare words of the subject: a weak signal
    passage_patterns: tuple[re.Pattern[str], ...]

    @property
    def message(self) -> str:
        return text("refusal", name=self.name, why=self.why, alternative=self.alternative)


def _sentences(normalized: str) -> list[str]:
    return [s for s in _SENTENCE.split(normalized) if s.strip()]


@dataclass(frozen=True)
class Policy:
    categories: tuple[Category, ...]
    defensive_cues: tuple[re.Pattern[str], ...]
    negation: re.Pattern[str] | None = None  # matches a negating word at the end of the text before a tactic

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def is_defensive(self, normalized: str) -> bool:
        """The text declines, reports or asks what is allowed ("客户要回扣我怎么拒绝")."""
        return any(p.search(normalized) for p in self.defensive_cues)

    def pattern_category(self, normalized: str) -> Category | None:
        """The first category a tactic pattern points at in a sentence without a defensive cue."""
        return self._first(normalized, lambda c: c.patterns)

    def topic_category(self, normalized: str) -> Category | None:
        """The first category whose subject words occur in a sentence without a defensive cue."""
        return self._first(normalized, lambda c: c.topics)

    def _first(self, normalized: str, which) -> Category | None:
        for sentence in _sentences(normalized):
            if self.is_defensive(sentence):
                continue
            for category in self.categories:
                if any(p.search(sentence) for p in which(category)):
                    return category
        return None

    def mentions_any(self, normalized: str) -> bool:
        """Any pattern or subject word, defensive or not (a feature for the classifier)."""
        return any(p.search(normalized) for c in self.categories for p in (*c.patterns, *c.topics))

    def violation(self, normalized_passage: str) -> Category | None:
        """The category of an illegal tactic a passage teaches (a passage pattern in a sentence that
        does not forbid it); such passages are indexed but never served."""
        for sentence in _sentences(normalized_passage):
            if self.is_defensive(sentence):
                continue
            for category in self.categories:
                if any(self._affirmed(p, sentence) for p in category.passage_patterns):
                    return category
        return None

    def _affirmed(self, pattern: re.Pattern[str], sentence: str) -> bool:
        """A match of ``pattern`` in ``sentence`` that is not forbidden by the word just before it
        (a playbook's "不诋毁对手" names the tactic in order to rule it out)."""
        for match in pattern.finditer(sentence):
            before = sentence[max(0, match.start() - NEGATION_REACH) : match.start()]
            if self.negation is None or not self.negation.search(before):
                return True
        return False


def _compiled(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@lru_cache(maxsize=4)
def load_policy(path: Path = _POLICY_FILE) -> Policy:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    categories = []
    for c in raw["categories"]:
        patterns = _compiled(c["patterns"])
        topics = _compiled(c.get("topics", []))
        categories.append(
            Category(
                id=c["id"],
                name=c["name"],
                why=c["why"].strip(),
                alternative=c["alternative"].strip(),
                card=c.get("card", ""),
                patterns=patterns,
                topics=topics,
                passage_patterns=(
                    _compiled(c["passage_patterns"]) if "passage_patterns" in c else patterns + topics
                ),
            )
        )
    negation = re.compile(f"(?:{raw['negation']})$") if raw.get("negation") else None
    return Policy(tuple(categories), _compiled(raw["defensive"]), negation)
