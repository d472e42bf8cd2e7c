"""Small dialect helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Base


def dialect_name(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def insert_ignore(
    session: AsyncSession,
    model: type[Base],
    rows: dict[str, Any] | Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
) -> int:
    """``INSERT … ON CONFLICT (conflict) DO NOTHING``; returns how many rows went in.

    Unlike catching IntegrityError this never poisons a PostgreSQL transaction, and under
    concurrency the loser waits for the winner's commit and then inserts nothing.
    """
    if isinstance(rows, dict):
        rows = [rows]
    if not rows:
        return 0
    insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
    total = 0
    for row in rows:
        stmt = insert(model).values(**row).on_conflict_do_nothing(index_elements=list(conflict))
        result = await session.execute(stmt)
        total += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    return total


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
