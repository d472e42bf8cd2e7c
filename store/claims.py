"""Exactly-once claims for scheduled pushes, across processes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from store._sql import insert_ignore
from store.models import Claim, utcnow


async def claim(session: AsyncSession, kind: str, key: str, by: str, *, at: datetime | None = None) -> bool:
    """True for exactly one caller per (kind, key), ever.

    ``INSERT … ON CONFLICT DO NOTHING``: a concurrent second claimer waits for the first one's
    transaction and then gets False (or True if the first rolled back). Run it in a short
    transaction of its own (``async with db.transaction() as s: await claim(s, …)``) and do the
    slow work after the commit: on SQLite a claim held open blocks other writers.
    """
    row = {"kind": kind, "key": key, "claimed_by": by, "claimed_at": at or utcnow()}
    return await insert_ignore(session, Claim, row, conflict=("kind", "key")) == 1


async def release(session: AsyncSession, kind: str, key: str) -> bool:
    """Forget a claim (e.g. the push failed and should be retried)."""
    result = await session.execute(delete(Claim).where(Claim.kind == kind, Claim.key == key))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def prune_claims(session: AsyncSession, older_than: datetime) -> int:
    result = await session.execute(delete(Claim).where(Claim.claimed_at < older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def claimed_keys(session: AsyncSession, kind: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` are already claimed (a cheap read before trying the claims one by one)."""
    wanted = list(keys)
    if not wanted:
        return set()
    rows = await session.scalars(select(Claim.key).where(Claim.kind == kind, Claim.key.in_(wanted)))
    return set(rows)
