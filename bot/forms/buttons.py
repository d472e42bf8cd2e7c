"""Button data, written and read in one place: ``<prefix>:<action>[:<arg>…]``, at most 64 bytes
(Telegram's limit). The prefix routes the press (bot/routes.py): a button route, or the flow of
that name. Every flow and button handler reads a press through :func:`press_of`; none splits
the data by hand, and forged data reads as an unknown action, never as an error."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.engine.messages import BUTTON_SEPARATOR as SEPARATOR
from bot.engine.messages import Incoming, StaleButton

__all__ = ["StaleButton"]

MAX_BYTES = 64


def button_data(prefix: str, *parts: object) -> str:
    data = SEPARATOR.join([prefix, *map(str, parts)])
    assert len(data.encode()) <= MAX_BYTES, data
    return data


@dataclass(frozen=True)
class Press:
    prefix: str
    action: str  # the first part after the prefix ("" when there is none)
    args: tuple[str, ...]  # the parts after the action

    @property
    def rest(self) -> str:
        """Everything after the prefix, as one string (for buttons that carry a single value)."""
        return SEPARATOR.join((self.action, *self.args))

    def arg(self, index: int) -> str:
        return self.args[index] if index < len(self.args) else ""

    def number(self, value: str | None = None) -> int | None:
        """``value`` (default: the action) as a whole number, None when it is not one."""
        value = self.action if value is None else value
        sign, digits = (-1, value[1:]) if value.startswith("-") else (1, value)
        if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_ID:
            return None
        return sign * int(digits)


def press_of(incoming: Incoming) -> Press | None:
    """The pressed button, or None for typed text."""
    if incoming.kind != "button":
        return None
    prefix, *parts = incoming.text.split(SEPARATOR)
    return Press(prefix, parts[0] if parts else "", tuple(parts[1:]))


def pressed_number(incoming: Incoming) -> int | None:
    """The one whole number a ``<prefix>:<n>`` button carries (a row id), None when it carries
    anything else."""
    press = press_of(incoming)
    if press is None or press.args:
        return None
    return press.number()


MAX_ID = 2**31 - 1  # the largest INTEGER id on PostgreSQL (SQLite's limit is larger)
MAX_WORD_CHARS = 32

Arg = Callable[[str], Any]


# ---------------------------------------------------------------- typed reading (range-checked)
# Every button handler reads its data with ``parse`` or ``parse_action``; data that does not fit
# (unknown, malformed, out of range) raises StaleButton, which the engine answers with
# 这个按钮已失效. Integers are range-checked so that no forged number reaches the database.


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
    parts = data.split(SEPARATOR)
    if parts[0] != prefix or len(parts) != len(args) + 1:
        raise StaleButton(data)
    return tuple(read(raw) for read, raw in zip(args, parts[1:], strict=True))


def parse_action(data: str, prefix: str, shapes: Mapping[str, Sequence[Arg]]) -> tuple[str, tuple[Any, ...]]:
    """``<prefix>:<action>:<args>…`` where each action has its own argument types."""
    parts = data.split(SEPARATOR)
    if parts[0] != prefix or len(parts) < 2 or parts[1] not in shapes:
        raise StaleButton(data)
    action = parts[1]
    return action, parse(SEPARATOR.join([prefix, *parts[2:]]), prefix, *shapes[action])
