"""Push claims with a delivery state: claimed → sent, or failed and claimed again (once, across
sessions) until MAX_ATTEMPTS sends — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from store import Database, claim
from store.claims import MAX_ATTEMPTS, claimed_keys, settle

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
