"""What transports hand to the engine and what they get back. Plain data, no messenger types."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

InputKind = Literal["text", "button", "document", "unsupported"]

#: The largest file a bot may download from Telegram's Bot API (getFile refuses bigger ones): the
#: limit for every attachment, whatever the transport.
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class StaleButton(Exception):
    """Button data that is unknown, malformed, out of range or names someone else's record: the
    engine answers it with 这个按钮已失效 (read with bot/forms/buttons.py)."""


BUTTON_SEPARATOR = ":"  # button data: <prefix>:<action>[:<arg>…] (bot/forms/buttons.py)


@dataclass(frozen=True)
class Attachment:
    """A file someone sent, as the messenger describes it before anything is downloaded."""

    file_id: str  # the messenger's handle for fetching the bytes (FileFetcher)
    name: str  # the file name as sent ("" when the messenger gave none)
    size: int | None  # bytes, as declared by the messenger (None when unknown)
    mime: str = ""


class FileFetcher(Protocol):
    """Downloads an attachment's bytes into a local file (the transport implements it)."""

    async def fetch(self, attachment: Attachment, target: Path) -> None: ...


class Channel(Protocol):
    """The chat a handler is answering, for long work that shows its progress before it replies:
    send a message now, then edit it as the work goes on."""

    async def send(self, reply: Reply) -> object | None:
        """Send at once; returns a handle for ``edit`` (None when it could not be sent)."""

    async def edit(self, handle: object, reply: Reply) -> None:
        """Replace the text of a message sent with ``send`` (failures are the transport's to log)."""


@dataclass(frozen=True)
class Incoming:
    """One thing a person did in the chat: typed text (commands included), pressed a button, or
    sent a document."""

    sender_id: int  # the messenger's user id (Telegram user id)
    sender_name: str
    kind: InputKind
    text: str = ""  # typed text, or the button's data
    unsupported: str = ""  # what it was when the engine cannot read it: sticker, photo, voice…
    original: str = ""  # the text as typed, before the edge normalisation (bot/engine/normalize.py)
    attachment: Attachment | None = None  # the sent file, for kind "document" (text: its caption)

    @property
    def display_text(self) -> str:
        """What the person typed (traditional script and full-width forms kept), for echoing back."""
        return self.original or self.text

    def as_typed(self, read: str) -> str:
        """The typed form of ``read`` when it is this input's text or arguments (for notes kept
        for display); ``read`` itself otherwise."""
        typed = self.display_text
        if read == self.text.strip():
            return typed.strip()
        parts = typed.split(maxsplit=1)
        if read and read == self.args and len(parts) > 1:
            return parts[1].strip()
        return read

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
    claim: tuple[str, str] | None = None  # (kind, key) of the push claim it settles once sent or failed


@dataclass
class Result:
    replies: list[Reply] = field(default_factory=list)
    notify: list[Outgoing] = field(default_factory=list)  # messages to other people
