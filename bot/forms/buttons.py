"""Button data, written and read in one place: ``<prefix>:<action>[:<arg>…]``, at most 64 bytes
(Telegram's limit). The prefix routes the press (bot/routes.py): a button route, or the flow of
that name. Every flow and button handler reads a press through :func:`press_of`; none splits
the data by hand, and forged data reads as an unknown action, never as an error."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.messages import BUTTON_SEPARATOR as SEPARATOR
from bot.engine.messages import Incoming

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
        return sign * int(digits) if digits.isdigit() else None


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
