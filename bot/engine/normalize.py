"""One normalisation at the edge for everything a person types, applied once when the engine
receives an Incoming and before any parser (visits, tasks, quotas, /schedule) sees it.

Typed text becomes simplified script with half-width letters and digits (後天 → 后天, 週二 → 周二,
１２月 → 12月; Chinese punctuation such as ， and 。 is kept). Every input, button data and sender
names included, loses what no record should hold: lone surrogates, NUL and other control characters,
zero-width and bidi-override characters. The text as typed stays on ``Incoming.original``."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from bot.engine.messages import Incoming
from knowledge.text import CJK_PUNCTUATION, normalize_width, to_simplified

#: Kept control characters: line breaks and tabs carry meaning in a typed message.
_KEPT_CONTROLS = frozenset("\n\t")
# Unicode categories dropped: Cc control, Cf format (zero-width, bidi overrides, BOM, soft hyphen),
# Cs surrogate (a lone one cannot even be encoded), Co private use.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
_NEEDS_SCRIPT = re.compile(r"[^\x00-\x7f]")


def strip_invisible(text: str) -> str:
    """Drop lone surrogates, control, format (zero-width, bidi) and private-use characters."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )


def normalize_typed(text: str) -> str:
    """The form every parser reads: clean, half-width, simplified script."""
    text = strip_invisible(text)
    if not _NEEDS_SCRIPT.search(text):
        return text
    return to_simplified(normalize_width(text, keep=CJK_PUNCTUATION))


def normalize_incoming(incoming: Incoming) -> Incoming:
    """The Incoming the engine routes. Button data is only cleaned: it is ours, not typed."""
    cleaned = strip_invisible(incoming.text)
    text = normalize_typed(cleaned) if incoming.kind == "text" else cleaned
    return dataclasses.replace(
        incoming,
        text=text,
        original=cleaned,
        sender_name=strip_invisible(incoming.sender_name).strip(),
        unsupported=strip_invisible(incoming.unsupported),
    )
