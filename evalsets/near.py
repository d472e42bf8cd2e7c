"""When is a training exemplar one of the evaluation questions reworded? Compared on the
normalized text (simplified script, half-width, lower-case), so a changed particle or traditional
script does not hide a copy."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

NEAR = 0.8  # SequenceMatcher ratio at which two short questions are one question reworded


def near_copies(texts: Iterable[str], questions: list[str]) -> list[tuple[str, str]]:
    """(text, question) pairs, both already normalized, that are equal or nearly equal."""
    copies = []
    for t in texts:
        matcher = SequenceMatcher(None, t, autojunk=False)
        for q in questions:
            matcher.set_seq2(q)
            if t == q or (matcher.real_quick_ratio() >= NEAR and matcher.ratio() >= NEAR):
                copies.append((t, q))
    return copies
