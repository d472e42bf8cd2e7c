"""What transports hand to the engine and what they get back. Plain data, no messenger types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

InputKind = Literal["text", "button", "unsupported"]
BUTTON_SEPARATOR = ":"  # button data: <prefix>:<action>[:<arg>…] (bot/forms/buttons.py)


@dataclass(frozen=True)
class Incoming:
    """One thing a person did in the chat: typed text (commands included) or pressed a button."""

    sender_id: int  # the messenger's user id (Telegram user id)
    sender_name: str
    kind: InputKind
    text: str = ""  # typed text, or the button's data
    unsupported: str = ""  # what it was when the engine cannot read it: sticker, photo, voice…

    @property
    def command(self) -> str | None:
        """ "ask" for "/ask 问题" or "/ask@CoachBot 问题"; None for plain text."""
        if self.kind != "text" or not self.text.startswith("/"):
            return None
        head = self.text.split(maxsplit=1)[0][1:]
        return head.split("@", 1)[0].lower() or None

    @property
    def button_prefix(self) -> str:
        """What routes a pressed button: its data before the first ":" ("" for typed text)."""
        return self.text.split(BUTTON_SEPARATOR, 1)[0] if self.kind == "button" else ""

    @property
    def args(self) -> str:
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if self.command and len(parts) > 1 else ""


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most 64 bytes: Telegram's limit for callback data


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: bytes | None = None
    document: tuple[str, bytes] | None = None  # (file name, content)
    replace_pressed: bool = False  # edit the message whose button was pressed instead of sending anew


@dataclass(frozen=True)
class Outgoing:
    """A message the engine sends on its own (a morning push, a reminder) to a registered user."""

    recipient_id: int  # the messenger's user id
    reply: Reply


@dataclass
class Result:
    replies: list[Reply] = field(default_factory=list)
    notify: list[Outgoing] = field(default_factory=list)  # messages to other people
