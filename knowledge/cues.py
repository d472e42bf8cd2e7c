"""Compositional cues of an illegal tactic (knowledge/cues/*.txt): which kinds of words a question
holds, and which kinds occur together.

Most indirect requests combine a few kinds of words rather than one telling phrase: bribery is
something of value + a person on the customer's side + a cover name or an exchange ("给采购经理报销
一趟欧洲游，算在会务费里"); misuse of personal data is an obtain verb + personal data; forgery a
document + an alteration. A whole-sentence pattern or an exemplar catches one wording; the kinds
carry over to wordings nobody wrote down. The classifier (knowledge/intent.py) sees each kind's
presence and each listed pair's co-occurrence as features, with weights fitted on the exemplars:
no cue decides anything by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.text import normalize_for_index

CUES_DIR = Path(__file__).with_name("cues")
PAIRS_FILE = "pairs.txt"
_REGEX_PREFIX = "re:"


@dataclass(frozen=True)
class CueLists:
    types: tuple[str, ...]  # the cue types, in feature order (file stems, sorted)
    matchers: tuple[re.Pattern[str], ...]  # one alternation per type
    pairs: tuple[tuple[int, int], ...]  # indices into ``types``

    @property
    def names(self) -> list[str]:
        """The feature names: each type, then each pair as "a+b"."""
        return [*self.types, *(f"{self.types[a]}+{self.types[b]}" for a, b in self.pairs)]

    def present(self, normalized: str) -> list[str]:
        """The cue types found in a normalized question."""
        return [t for t, m in zip(self.types, self.matchers, strict=True) if m.search(normalized)]

    def features(self, normalized: str) -> np.ndarray:
        """Presence (0/1) of each type, then of each pair, for a normalized question."""
        found = [1.0 if m.search(normalized) else 0.0 for m in self.matchers]
        pairs = [found[a] * found[b] for a, b in self.pairs]
        return np.asarray(found + pairs, dtype=np.float32)


def _entries(path: Path) -> list[str]:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def _matcher(entries: list[str]) -> re.Pattern[str]:
    parts = []
    for entry in entries:
        if entry.startswith(_REGEX_PREFIX):
            parts.append(entry[len(_REGEX_PREFIX) :])
        else:
            parts.append(re.escape(normalize_for_index(entry)))
    parts = sorted(set(parts), key=len, reverse=True)  # longest first: one alternation per type
    return re.compile("|".join(parts))


@lru_cache(maxsize=4)
def load_cues(directory: Path = CUES_DIR) -> CueLists:
    files = sorted(p for p in directory.glob("*.txt") if p.name != PAIRS_FILE)
    types = tuple(p.stem for p in files)
    matchers = tuple(_matcher(_entries(p)) for p in files)
    pairs = []
    for line in _entries(directory / PAIRS_FILE):
        a, b = line.split()
        if a not in types or b not in types:
            raise ValueError(f"{PAIRS_FILE}: unknown cue type in {line!r}")
        pairs.append((types.index(a), types.index(b)))
    return CueLists(types, matchers, tuple(pairs))
