"""The terminal transport: the same engine in a shell. Buttons become numbered choices."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

from bot.engine.core import Engine
from bot.engine.messages import Attachment, Incoming, Outgoing, Reply

QUIT = {"/quit", "/exit", "exit", "quit"}
TICK_SECONDS = 30
UPLOAD = "/upload"  # /upload PATH: send a local file, as a document sent in the chat


class LocalFiles:
    """The engine's FileFetcher in the terminal: the attachment's id is a local path."""

    async def fetch(self, attachment: Attachment, target: Path) -> None:
        await asyncio.to_thread(shutil.copyfile, attachment.file_id, target)


class PrintedChannel:
    """Progress lines printed as they come (an edit is printed as a new line)."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write

    async def send(self, reply: Reply) -> object:
        self._write(reply.text)
        return reply

    async def edit(self, handle: object, reply: Reply) -> None:
        self._write(reply.text)


class TerminalChat:
    def __init__(
        self,
        engine: Engine,
        sender_id: int,
        sender_name: str,
        *,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
        outbox: Path | None = None,
    ) -> None:
        self.engine = engine
        self.sender_id = sender_id
        self.sender_name = sender_name
        self._read = read
        self._write = write
        self._outbox = outbox or engine.settings.coach_home / "outbox"
        self._choices: list[str] = []  # button data of the last reply, by number

    def show(self, reply: Reply, prefix: str = "") -> None:
        if reply.text:
            self._write(prefix + reply.text)
        for kind, payload in (("图片", reply.photo), ("文件", reply.document)):
            if payload is None:
                continue
            name, content = payload if isinstance(payload, tuple) else ("chart.png", payload)
            self._outbox.mkdir(parents=True, exist_ok=True)
            path = self._outbox / name
            path.write_bytes(content)
            self._write(f"{prefix}[{kind}] {path}")
        if reply.buttons:
            self._choices = [b.data for row in reply.buttons for b in row]
            labels = [b.label for row in reply.buttons for b in row]
            self._write("  ".join(f"[{i}] {label}" for i, label in enumerate(labels, 1)))

    def show_outgoing(self, outgoing: list[Outgoing]) -> None:
        for item in outgoing:
            prefix = "" if item.recipient_id == self.sender_id else f"(发给 {item.recipient_id}) "
            self.show(item.reply, prefix)

    async def run_tick(self) -> None:
        outgoing = await self.engine.tick()
        self.show_outgoing(outgoing)  # printing does not fail
        await self.engine.delivered(outgoing, [])

    def to_incoming(self, line: str) -> Incoming:
        head, _, rest = line.partition(" ")
        if head == UPLOAD and rest.strip():
            if self.engine.files is None:  # the first upload: files are read from this disk
                self.engine.files = LocalFiles()
            path = Path(rest.strip()).expanduser()
            size = path.stat().st_size if path.is_file() else None
            attachment = Attachment(str(path), path.name, size)
            return Incoming(
                self.sender_id, self.sender_name, "document", "", unsupported="文件", attachment=attachment
            )
        if line.isdigit() and 1 <= int(line) <= len(self._choices):
            return Incoming(self.sender_id, self.sender_name, "button", self._choices[int(line) - 1])
        return Incoming(self.sender_id, self.sender_name, "text", line)

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            await self.run_tick()

    async def run(self) -> None:
        ticker = asyncio.create_task(self._ticker())
        try:
            await self.run_tick()
            result = await self.engine.handle(Incoming(self.sender_id, self.sender_name, "text", "/start"))
            for reply in result.replies:
                self.show(reply)
            while True:
                try:
                    line = (await asyncio.to_thread(self._read, "你> ")).strip()
                except EOFError:
                    break
                if line in QUIT:
                    break
                if not line:
                    continue
                result = await self.engine.handle(self.to_incoming(line), PrintedChannel(self._write))
                for reply in result.replies:
                    self.show(reply)
                self.show_outgoing(result.notify)
        finally:
            ticker.cancel()
