"""One database session for a shell command: open, run the work in one transaction, close."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def in_transaction(work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    from config import get_settings
    from store.db import open_database

    settings = get_settings()
    settings.coach_home.mkdir(parents=True, exist_ok=True)
    db = await open_database(settings.database)
    try:
        async with db.transaction() as session:
            return await work(session)
    finally:
        await db.dispose()


def run_async(coro: Coroutine[Any, Any, Any]) -> Any:
    import asyncio  # on first use: `coach --help` does not pay for it

    return asyncio.run(coro)
