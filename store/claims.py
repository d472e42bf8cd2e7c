"""Exactly-once claims for scheduled pushes, across processes: claimed → sent, or failed and
claimed again by a later tick, up to MAX_ATTEMPTS sends.

A claim is a lease: a process that claimed a push and died before sending or settling it leaves a
claim that nobody settles. Once it is older than CLAIM_LEASE, the next tick of any process takes it
over (a conditional UPDATE, so only one does), up to the same MAX_ATTEMPTS."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store._sql import insert_ignore
from store.models import Claim, utcnow

MAX_ATTEMPTS = 3  # sends of one scheduled push, the first included
#: How long a claimed push may stay unsettled before another process may take it over: far longer
#: than one send with its retries (seconds), far shorter than the push's window (hours).
CLAIM_LEASE = timedelta(minutes=10)


async def claim(session: AsyncSession, kind: str, key: str, by: str, *, at: datetime | None = None) -> bool:
    """True for exactly one caller per (kind, key) and attempt: the first claim, or taking back a
    claim whose send failed, or whose lease ran out unsettled (fewer than MAX_ATTEMPTS times).

    ``INSERT … ON CONFLICT DO NOTHING``, then ``UPDATE … WHERE <retryable>``: a concurrent
    second claimer waits for the first one's transaction and then gets False. Run it in a short
    transaction of its own (``async with db.transaction() as s: await claim(s, …)``) and do the
    slow work after the commit: on SQLite a claim held open blocks other writers.
    """
    when = at or utcnow()
    row = {"kind": kind, "key": key, "claimed_by": by, "claimed_at": when, "status": "claimed", "attempts": 1}
    if await insert_ignore(session, Claim, row, conflict=("kind", "key")) == 1:
        return True
    result = await session.execute(
        update(Claim)
        .where(_retryable(when), Claim.kind == kind, Claim.key == key)
        .values(status="claimed", attempts=Claim.attempts + 1, claimed_by=by, claimed_at=when)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _retryable(now: datetime) -> Any:
    """Failed, or claimed and never settled within the lease; and not yet tried too often."""
    lapsed = and_(Claim.status == "claimed", Claim.claimed_at < now - CLAIM_LEASE)
    return and_(or_(Claim.status == "failed", lapsed), Claim.attempts < MAX_ATTEMPTS)


async def settle(session: AsyncSession, kind: str, key: str, *, sent: bool) -> None:
    """Record how the claimed send went: sent, or failed (to be claimed again by a later tick)."""
    await session.execute(
        update(Claim)
        .where(Claim.kind == kind, Claim.key == key, Claim.status == "claimed")
        .values(status="sent" if sent else "failed")
        .execution_options(synchronize_session=False)
    )


async def release(session: AsyncSession, kind: str, key: str) -> bool:
    """Forget a claim (e.g. the push failed and should be retried)."""
    result = await session.execute(delete(Claim).where(Claim.kind == kind, Claim.key == key))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def prune_claims(session: AsyncSession, older_than: datetime) -> int:
    result = await session.execute(delete(Claim).where(Claim.claimed_at < older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def claimed_keys(
    session: AsyncSession, kind: str, keys: Iterable[str], *, at: datetime | None = None
) -> set[str]:
    """Which of ``keys`` are claimed for good: being sent (within the lease), sent, or tried too
    often (a cheap read before trying the claims one by one; a failed send still to be retried,
    or a lapsed claim, is not among them)."""
    wanted = list(keys)
    if not wanted:
        return set()
    stmt = select(Claim.key).where(
        Claim.kind == kind, Claim.key.in_(wanted), not_(_retryable(at or utcnow()))
    )
    return set(await session.scalars(stmt))
