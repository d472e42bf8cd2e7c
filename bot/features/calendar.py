"""Keeps the process's working calendar in step with the database: holiday arrangements an admin
loads with `coach calendar load` reach every running bot on its next tick."""

from __future__ import annotations

from datetime import datetime

from bot.engine.core import Engine
from bot.engine.messages import Outgoing
from bot.sales.workcalendar import refresh_from_store


async def refresh_calendar(engine: Engine, now: datetime) -> list[Outgoing]:
    async with engine.db.transaction() as session:
        await refresh_from_store(session)
    return []
