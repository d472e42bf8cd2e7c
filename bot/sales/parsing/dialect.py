"""Dialect and colloquial wording read as standard Mandarin, once, before a visit report is parsed.

陈生话冇兴趣，唔使再嚟 → 陈生说没兴趣，不用再来; 伊拉老欢喜额 → 他们很喜欢的; 徐汇个X → 徐汇的X. The words are data
(lexicon/dialect.txt): Cantonese, Wu and northeastern forms, and words kept as typed (讲座 is no 说座).

A replacement may change the length of the text, so the reading keeps, for every character it has, the
position of the typed character it came from: names found in the reading are given back as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.sales.parsing import lexicon


@dataclass(frozen=True)
class Reading:
    """``text`` as read, and for each of its characters the index of the typed character it came from."""

    text: str
    origin: tuple[int, ...]

    def typed_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the typed text that the read span [start, end) came from."""
        if start >= end or not self.origin:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


@cache
def _table() -> tuple[dict[str, str], frozenset[str], int]:
    sections = lexicon.sections("dialect")
    mapping: dict[str, str] = {}
    for line in sections.get("map", ()):
        written, _, standard = line.partition(" ")
        if written and standard.strip():
            mapping[written] = standard.strip()
    keep = frozenset(sections.get("keep", ()))
    longest = max((len(w) for w in (*mapping, *keep)), default=1)
    return mapping, keep, longest


@cache
def _possessive() -> tuple[frozenset[str], tuple[str, ...]]:
    """The particles read as 的 right after a place (徐汇个宝庆布业), and the places, longest first."""
    particles = frozenset(lexicon.sections("dialect").get("possessive_after_place", ()))
    places = {*lexicon.words("place_names"), *lexicon.words("place_words")}
    return particles, tuple(sorted(places, key=len, reverse=True))


def _after_place(read: list[str]) -> bool:
    tail = "".join(read[-6:])
    return any(tail.endswith(place) for place in _possessive()[1])


def read_standard(typed: str) -> Reading:
    """The text with its dialect words read as standard Mandarin (longest word first, kept words as typed)."""
    mapping, keep, longest = _table()
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    while pos < len(typed):
        for size in range(min(longest, len(typed) - pos), 0, -1):
            piece = typed[pos : pos + size]
            if piece in keep:
                out.append(piece)
                origin.extend(range(pos, pos + size))
                break
            standard = mapping.get(piece)
            if standard is not None:
                out.append(standard)
                # each read character points into the typed word; the last one to its last character
                origin.extend(pos + min(i, size - 1) for i in range(len(standard) - 1))
                origin.append(pos + size - 1)
                break
        else:
            particle = typed[pos] in _possessive()[0] and _after_place(out)
            out.append("的" if particle else typed[pos])
            origin.append(pos)
            size = 1
        pos += size
    return Reading("".join(out), tuple(origin))
