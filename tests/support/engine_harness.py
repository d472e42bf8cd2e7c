"""The main tier for features: the real engine, built by ``bot.app.build_engine`` with its route
table, on a real database (SQLite or PostgreSQL), driven through ``Engine.handle(Incoming)``.
Fakes (a clock, a knowledge base, a visit-report reader) are injected through the builder; no
messenger is involved (the PTB-over-HTTP tests in tests/transports cover that)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.app import build_engine
from bot.engine.core import Engine
from bot.engine.messages import Attachment, Channel, Incoming, Outgoing, Reply
from bot.sales.visits.extract import VisitExtractor
from config import Settings
from knowledge.service import KnowledgeBase
from store import users
from store.db import Database
from tests.support.clock import Clock


@dataclass
class Chat:
    engine: Engine
    clock: Clock
    notified: list[Outgoing] = field(default_factory=list)  # messages to others, oldest first

    async def _handle(self, incoming: Incoming, channel: Channel | None = None) -> list[Reply]:
        result = await self.engine.handle(incoming, channel)
        self.notified.extend(result.notify)
        return result.replies

    async def say(self, user_id: int, text: str) -> list[Reply]:
        return await self._handle(Incoming(user_id, f"U{user_id}", "text", text))

    async def press(self, user_id: int, data: str) -> list[Reply]:
        return await self._handle(Incoming(user_id, f"U{user_id}", "button", data))

    async def send_document(
        self, user_id: int, attachment: Attachment, *, caption: str = "", channel: Channel | None = None
    ) -> list[Reply]:
        """A sent file; the engine fetches it through ``engine.files`` (set one in the test)."""
        incoming = Incoming(
            user_id, f"U{user_id}", "document", caption, unsupported="文件", attachment=attachment
        )
        return await self._handle(incoming, channel)

    async def send_unsupported(self, user_id: int, what: str) -> list[Reply]:
        return await self._handle(Incoming(user_id, f"U{user_id}", "unsupported", unsupported=what))

    async def add_user(
        self, telegram_id: int, name: str, role: str = "rep", team: str | None = "华东"
    ) -> None:
        async with self.engine.db.transaction() as session:
            await users.add_user(session, telegram_id, name, role, team)

    async def tick(self) -> list[Outgoing]:
        """One tick, its messages taken as delivered (settled, as a transport does after sending)."""
        outgoing = await self.engine.tick()
        await self.engine.delivered(outgoing, [])
        return outgoing


def buttons(reply: Reply) -> dict[str, str]:
    """label → data of a reply's buttons."""
    return {b.label: b.data for row in reply.buttons for b in row}


def button(reply: Reply, label_part: str) -> str:
    """The data of the button whose label contains ``label_part``."""
    for label, data in buttons(reply).items():
        if label_part in label:
            return data
    raise AssertionError(f"no button {label_part!r} in {list(buttons(reply))}")


@asynccontextmanager
async def engine_chat(
    settings: Settings,
    db_url: str,
    kb: KnowledgeBase,
    clock: Clock | None = None,
    *,
    visit_reader: VisitExtractor | None = None,
):
    clock = clock or Clock()
    engine = await build_engine(settings, kb=kb, db=Database(db_url), clock=clock, visit_reader=visit_reader)
    try:
        yield Chat(engine, clock)
    finally:
        await engine.db.dispose()
