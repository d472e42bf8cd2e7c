"""Engine, migrations, transactions and claims — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from store import Claim, Database, Team, User, claim, upgrade, users
from store.claims import release
from store.db import create_engine
from store.models import Base

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_upgrade_twice_is_a_noop(db: Database, db_url: str) -> None:
    async with db.transaction() as s:
        await users.ensure_team(s, "华东")
    await upgrade(db_url)
    await upgrade(db_url)
    async with db.transaction() as s:
        assert (await s.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == ["0001"]
        assert await s.scalar(select(func.count()).select_from(Team)) == 1


async def test_concurrent_upgrades_do_not_clash(db_url: str) -> None:
    await asyncio.gather(upgrade(db_url), upgrade(db_url), upgrade(db_url))


async def test_first_upgrade_from_several_tasks_at_once_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'fresh.db'}"
    await asyncio.gather(*(upgrade(url) for _ in range(4)))
    async with Database(url) as db, db.transaction() as s:
        assert (await s.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == ["0001"]


async def test_first_upgrade_from_several_processes_at_once_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    code = f"import asyncio; from store.db import upgrade; asyncio.run(upgrade({url!r}))"
    processes = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", code, cwd=Path(__file__).parents[2])
        for _ in range(3)
    ]
    assert [await p.wait() for p in processes] == [0, 0, 0]
    async with Database(url) as db, db.transaction() as s:
        assert (await s.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == ["0001"]


async def test_migration_matches_models(db: Database) -> None:
    def diff(sync_conn: object) -> list[object]:
        return compare_metadata(MigrationContext.configure(sync_conn), Base.metadata)  # type: ignore[arg-type]

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_transaction_commits_on_success(db: Database) -> None:
    async with db.transaction() as s:
        await users.add_user(s, 1, "甲", "admin")
    async with db.transaction() as s:
        assert (await users.get_user_by_telegram_id(s, 1)) is not None


async def test_transaction_rollback_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            team = await users.ensure_team(s, "华北")
            await users.add_user(s, 42, "甲", "rep", team)
            await claim(s, "push", "k", "me")
            raise RuntimeError("boom")
    async with db.transaction() as s:
        for model in (Team, User, Claim):
            assert await s.scalar(select(func.count()).select_from(model)) == 0


async def test_timestamps_are_aware_utc(db: Database) -> None:
    async with db.transaction() as s:
        user = await users.add_user(s, 7, "甲", "rep")
    async with db.transaction() as s:
        again = await users.get_user(s, user.id)
        assert again is not None
        assert again.created_at.tzinfo is not None
        assert again.created_at.utcoffset() == timedelta(0)
        assert abs(again.created_at - datetime.now(UTC)) < timedelta(minutes=1)


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with db.transaction() as s:
            s.add(User(telegram_id=9, name="x", role="rep", team_id=999))
            await s.flush()


async def test_check_constraints_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match=r"(?i)check"):
        async with db.transaction() as s:
            s.add(User(telegram_id=9, name="x", role="boss"))
            await s.flush()


async def test_claim_exactly_once(db: Database) -> None:
    async with db.transaction() as s:
        assert await claim(s, "morning_push", "team:1:2025-03-03", "proc-a") is True
    async with db.transaction() as s:
        assert await claim(s, "morning_push", "team:1:2025-03-03", "proc-b") is False
        # a conflict does not spoil the transaction
        assert await claim(s, "morning_push", "team:1:2025-03-04", "proc-b") is True
    async with db.transaction() as s:
        rows = (await s.scalars(select(Claim).order_by(Claim.key))).all()
        assert [(c.key, c.claimed_by) for c in rows] == [
            ("team:1:2025-03-03", "proc-a"),
            ("team:1:2025-03-04", "proc-b"),
        ]


async def test_claim_concurrently_from_many_sessions(db: Database) -> None:
    async def racer(i: int) -> bool:
        async with db.transaction() as s:
            won = await claim(s, "evening_summary", "team:1:2025-03-03", f"proc-{i}")
            await asyncio.sleep(0.05)  # keep the transaction open so the others must wait
            return won

    results = await asyncio.gather(*(racer(i) for i in range(4)))
    assert sorted(results) == [False, False, False, True]


async def test_claim_from_two_engines_like_two_processes(db: Database, db_url: str) -> None:
    other = Database(create_engine(db_url))
    try:
        async with db.transaction() as s1, other.transaction() as s2:
            assert await claim(s1, "reminder", "visit:1", "p1") is True
            results = await asyncio.gather(
                asyncio.wait_for(claim(s2, "reminder", "visit:1", "p2"), 15),
                _commit_soon(s1),
            )
            assert results[0] is False
    finally:
        await other.dispose()


async def _commit_soon(session: object) -> None:
    await asyncio.sleep(0.1)
    await session.commit()  # type: ignore[attr-defined]


async def test_database_claim_helper(db: Database) -> None:
    assert await asyncio.gather(db.claim("k", "x", "a"), db.claim("k", "x", "b")) in (
        [True, False],
        [False, True],
    )


async def test_released_claim_can_be_taken_again(db: Database) -> None:
    async with db.transaction() as s:
        assert await claim(s, "k", "1", "a")
        assert await release(s, "k", "1")
        assert await claim(s, "k", "1", "b")
