"""End-to-end harness: the real PTB Application over HTTP against FakeBotAPI, with the real engine
on a real database (SQLite or PostgreSQL) and a controllable clock."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.app import build_engine
from bot.engine.core import Engine
from bot.sales.visits.extract import VisitExtractor
from bot.transports.telegram import build_application
from config import Settings
from knowledge.service import KnowledgeBase
from store import users
from store.db import Database
from tests.support.clock import Clock
from tests.support.fake_bot_api import Call, FakeBotAPI


@dataclass
class Bot:
    fake: FakeBotAPI
    engine: Engine
    application: Any
    clock: Clock

    async def say(self, user_id: int, text: str, *, replies: int = 1, timeout: float = 20) -> list[Call]:
        """Send a message as `user_id` and wait for the bot's next `replies` messages to that chat."""
        start = self.fake.reply_count(user_id)
        self.fake.push_message(user_id, text, first_name=f"U{user_id}")
        return [
            await self.fake.await_reply(user_id, timeout=timeout, after=start + i) for i in range(replies)
        ]

    async def press(
        self, user_id: int, message: Call, data: str, *, replies: int = 1, timeout: float = 20
    ) -> list[Call]:
        """Press a button of a message the bot sent; returns the bot's next messages (edits included)."""
        start = self.fake.reply_count(user_id)
        self.fake.push_callback(user_id, data, message.result["message_id"])
        return [
            await self.fake.await_reply(user_id, timeout=timeout, after=start + i) for i in range(replies)
        ]

    async def add_user(
        self, telegram_id: int, name: str, role: str = "rep", team: str | None = "华东"
    ) -> None:
        async with self.engine.db.transaction() as session:
            await users.add_user(session, telegram_id, name, role, team)

    async def tick(self) -> None:
        await self.application.bot_data["transport"].run_tick(self.application.bot)


def button_data(call: Call) -> list[str]:
    markup = call.reply_markup or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def button_labels(call: Call) -> list[str]:
    return [b["text"] for row in (call.reply_markup or {}).get("inline_keyboard", []) for b in row]


def data_for(call: Call, label_part: str) -> str:
    """The callback data of the button whose label contains ``label_part``."""
    for row in (call.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if label_part in button["text"]:
                return button["callback_data"]
    raise AssertionError(f"no button {label_part!r} in {button_labels(call)}")


@asynccontextmanager
async def running_bot(
    settings: Settings,
    db_url: str,
    kb: KnowledgeBase,
    clock: Clock | None = None,
    *,
    visit_reader: VisitExtractor | None = None,
    api_path: str = "",
):
    """``api_path`` is appended to the fake server's root in TELEGRAM_API_BASE_URL ("/bot": PTB's form)."""
    clock = clock or Clock()
    with FakeBotAPI() as fake:
        bot_settings = settings.model_copy(
            update={
                "telegram_bot_token": __import__("pydantic").SecretStr(fake.token),
                "telegram_api_base_url": f"http://127.0.0.1:{fake.port}{api_path}",
            }
        )
        engine = await build_engine(
            bot_settings, kb=kb, db=Database(db_url), clock=clock, visit_reader=visit_reader
        )
        application = build_application(bot_settings, engine, tick_seconds=None)
        await application.initialize()
        await application.bot_data["transport"].post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await fake.await_calls("getUpdates", pending=True)
        try:
            yield Bot(fake, engine, application, clock)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
            await engine.db.dispose()
