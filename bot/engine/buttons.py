"""Button data read defensively: ``<prefix>:<arg>:<arg>…`` with typed, range-checked arguments.

Button data comes back from the messenger as the client sends it, so it may be stale, malformed
or forged. Every button handler reads its data with ``parse`` or ``parse_action``; anything that
does not fit raises ``StaleButton``, which the engine answers with 这个按钮已失效."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

MAX_ID = 2**31 - 1  # the largest INTEGER id on PostgreSQL (SQLite's limit is larger)
MAX_WORD_CHARS = 32

Arg = Callable[[str], Any]


class StaleButton(Exception):
    """Button data that is unknown, malformed, out of range or names someone else's record."""


def ident(raw: str) -> int:
    """A database id: 1 … MAX_ID, ASCII digits only."""
    return integer(1, MAX_ID)(raw)


def integer(lowest: int, highest: int) -> Arg:
    def read(raw: str) -> int:
        if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 12:
            raise StaleButton(raw)
        value = int(raw)
        if not lowest <= value <= highest:
            raise StaleButton(raw)
        return value

    return read


def one_of(choices: Sequence[str]) -> Arg:
    def read(raw: str) -> str:
        if raw not in choices:
            raise StaleButton(raw)
        return raw

    return read


def iso_date(raw: str) -> str:
    """A date as YYYY-MM-DD (returned as typed, checked to be a real date)."""
    try:
        date.fromisoformat(raw)
    except ValueError:
        raise StaleButton(raw) from None
    if len(raw) != 10:
        raise StaleButton(raw)
    return raw


def word(raw: str) -> str:
    if not raw or len(raw) > MAX_WORD_CHARS or not raw.isascii():
        raise StaleButton(raw)
    return raw


def parse(data: str, prefix: str, *args: Arg) -> tuple[Any, ...]:
    """The typed arguments of ``<prefix>:<a1>:<a2>…``: exactly ``len(args)`` of them."""
    parts = data.split(":")
    if parts[0] != prefix or len(parts) != len(args) + 1:
        raise StaleButton(data)
    return tuple(read(raw) for read, raw in zip(args, parts[1:], strict=True))


def parse_action(data: str, prefix: str, shapes: Mapping[str, Sequence[Arg]]) -> tuple[str, tuple[Any, ...]]:
    """``<prefix>:<action>:<args>…`` where each action has its own argument types."""
    parts = data.split(":")
    if parts[0] != prefix or len(parts) < 2 or parts[1] not in shapes:
        raise StaleButton(data)
    action = parts[1]
    return action, parse(":".join([prefix, *parts[2:]]), prefix, *shapes[action])
