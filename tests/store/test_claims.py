"""Push claims with a delivery state: claimed → sent, or failed and claimed again (once, across
sessions) until MAX_ATTEMPTS sends; a claim left unsettled by a crash is taken over once its lease
ran out — on SQLite and PostgreSQL, with two engines on one database."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from store import Database, claim
from store.claims import CLAIM_LEASE, MAX_ATTEMPTS, claimed_keys, settle
from store.models import Claim
from tests.support.clock import Clock

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _claim(db: Database, key: str, by: str) -> bool:
    async with db.transaction() as s:
        return await claim(s, "push", key, by)


async def _settle(db: Database, key: str, *, sent: bool) -> None:
    async with db.transaction() as s:
        await settle(s, "push", key, sent=sent)


async def _taken(db: Database, *keys: str) -> set[str]:
    async with db.transaction() as s:
        return await claimed_keys(s, "push", keys)


async def test_a_sent_push_is_never_claimed_again(db: Database) -> None:
    assert await _claim(db, "sent", "a")
    assert await _taken(db, "sent") == {"sent"}  # claimed: being sent
    await _settle(db, "sent", sent=True)
    assert not await _claim(db, "sent", "b")
    assert await _taken(db, "sent") == {"sent"}


async def test_a_failed_push_is_claimed_once_per_retry_up_to_the_limit(db: Database) -> None:
    assert await _claim(db, "flaky", "a")
    for attempt in range(2, MAX_ATTEMPTS + 1):
        await _settle(db, "flaky", sent=False)
        assert await _taken(db, "flaky") == set()  # to be retried
        won = await asyncio.gather(*(_claim(db, "flaky", f"p{i}") for i in range(5)))
        assert won.count(True) == 1, f"attempt {attempt}"
        assert await _taken(db, "flaky") == {"flaky"}
    await _settle(db, "flaky", sent=False)  # the last attempt failed too: given up
    assert not await _claim(db, "flaky", "late")
    assert await _taken(db, "flaky") == {"flaky"}


# ---------------------------------------------------------------- a claim lost to a crash


async def _claim_at(db: Database, key: str, by: str, at: datetime) -> bool:
    async with db.transaction() as s:
        return await claim(s, "push", key, by, at=at)


async def _claim_row(db: Database, key: str) -> tuple[str, str, int]:
    async with db.transaction() as s:
        row = await s.get(Claim, ("push", key))
        assert row is not None
        return row.status, row.claimed_by, row.attempts


async def test_a_claim_left_unsettled_by_a_crash_is_taken_over_after_the_lease_once(db: Database) -> None:
    clock = Clock()
    other = Database(db.url)  # a second process: its own engine on the same database
    try:
        assert await _claim_at(db, "crash", "dead", clock.now)  # …and the process dies here
        clock.advance(seconds=CLAIM_LEASE.total_seconds() - 1)
        assert not await _claim_at(other, "crash", "p1", clock.now)  # still within the lease
        async with other.transaction() as s:
            assert await claimed_keys(s, "push", ["crash"], at=clock.now) == {"crash"}

        clock.advance(seconds=2)
        async with other.transaction() as s:
            assert await claimed_keys(s, "push", ["crash"], at=clock.now) == set()  # lapsed
        won = await asyncio.gather(
            *(_claim_at(engine, "crash", f"p{i}", clock.now) for i, engine in enumerate([db, other] * 3))
        )
        assert won.count(True) == 1
        status, by, attempts = await _claim_row(db, "crash")
        assert (status, attempts) == ("claimed", 2) and by != "dead"

        async with other.transaction() as s:
            await settle(s, "push", "crash", sent=True)
        clock.advance(seconds=CLAIM_LEASE.total_seconds() * 10)
        assert not await _claim_at(db, "crash", "late", clock.now)  # sent: never again
    finally:
        await other.dispose()


async def test_lapsed_claims_count_towards_the_retry_limit(db: Database) -> None:
    clock = Clock()
    assert await _claim_at(db, "doomed", "p0", clock.now)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.advance(seconds=CLAIM_LEASE.total_seconds() + 1)  # every claimer crashes in turn
        assert await _claim_at(db, "doomed", f"p{attempt}", clock.now)
    clock.advance(seconds=CLAIM_LEASE.total_seconds() + 1)
    assert not await _claim_at(db, "doomed", "late", clock.now)
    async with db.transaction() as s:
        assert await claimed_keys(s, "push", ["doomed"], at=clock.now) == {"doomed"}
    assert (await _claim_row(db, "doomed"))[2] == MAX_ATTEMPTS


async def test_claim_each_takes_over_only_the_lapsed_keys(db: Database) -> None:
    clock = Clock()
    assert await db.claim_each("push", ["old", "fresh"], "dead", at=clock.now) == ["old", "fresh"]
    clock.advance(seconds=CLAIM_LEASE.total_seconds() + 1)
    async with db.transaction() as s:
        await settle(s, "push", "fresh", sent=True)
    assert await db.claim_each("push", ["old", "fresh", "new"], "alive", at=clock.now) == ["old", "new"]
