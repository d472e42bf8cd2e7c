"""Fixtures for the store tests: every test runs against SQLite and PostgreSQL.

- ``db_url`` (module scope, params ``sqlite``/``postgres``): a fresh database for the test module:
  a temp SQLite file, or a new PostgreSQL database created from ``$COACH_TEST_POSTGRES_URL``
  (dropped afterwards). The postgres variant skips when the variable is unset or the server does
  not answer. Start a throw-away server with ``eval "$(bash .ci/postgres.sh)"``.
- ``migrated_db`` (module scope): a :class:`store.Database` on it, upgraded to head.
- ``db`` (function scope): the same Database, every table emptied after the test.
- ``world``: two teams (华东, 华南), an admin, a manager and two reps in 华东, a manager and a rep in
  华南, with their ``Viewer``s.

Use from a test module with ``pytest_plugins = ("tests.support.store_fixtures",)`` (or list it in
``tests/conftest.py``); tests must run in the session loop:
``pytestmark = pytest.mark.asyncio(loop_scope="session")``.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from store import Database, Team, User, Viewer, upgrade, users
from store.models import Base, Visit

POSTGRES_ENV = "COACH_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgres")


async def _create_pg_database(base_url: str, label: str) -> tuple[str, str]:
    name = "coach_t_" + re.sub(r"[^a-z0-9_]", "_", label.lower())[:30] + "_" + secrets.token_hex(3)
    admin = create_async_engine(
        base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"timeout": 5}
    )
    try:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await admin.dispose()
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    return url, name


async def _drop_pg_database(base_url: str, name: str) -> None:
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
async def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('store') / 'coach.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f'{POSTGRES_ENV} is not set (start one with: eval "$(bash .ci/postgres.sh)")')
    if base.startswith("postgresql://"):
        base = "postgresql+asyncpg://" + base.removeprefix("postgresql://")
    try:
        url, name = await _create_pg_database(base, request.module.__name__)
    except Exception as exc:  # refused, timeout, auth, missing driver…
        shown = make_url(base).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL at {shown} is unreachable: {type(exc).__name__}: {exc}")
    try:
        yield url
    finally:
        await _drop_pg_database(base, name)


@pytest.fixture(scope="module")
async def migrated_db(db_url: str) -> AsyncIterator[Database]:
    await upgrade(db_url)
    db = Database(db_url)
    try:
        yield db
    finally:
        await db.dispose()


async def wipe(db: Database) -> None:
    """Empty every table (the schema and alembic_version stay)."""
    tables = [t.name for t in Base.metadata.sorted_tables]
    async with db.transaction() as session:
        for name in reversed(tables):  # DELETE beats TRUNCATE on a handful of rows
            await session.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
async def db(migrated_db: Database) -> AsyncIterator[Database]:
    try:
        yield migrated_db
    finally:
        await wipe(migrated_db)


@dataclass
class World:
    team_a: Team
    team_b: Team
    admin: User
    manager_a: User
    rep_a1: User
    rep_a2: User
    manager_b: User
    rep_b1: User

    def viewer(self, user: User) -> Viewer:
        return Viewer.of(user)


@pytest.fixture
async def world(db: Database) -> World:
    async with db.transaction() as s:
        team_a = await users.ensure_team(s, "华东")
        team_b = await users.ensure_team(s, "华南")
        return World(
            team_a=team_a,
            team_b=team_b,
            admin=await users.add_user(s, 1000, "管理员", "admin"),
            manager_a=await users.add_user(s, 1001, "王经理", "manager", team_a),
            rep_a1=await users.add_user(s, 1002, "张三", "rep", team_a),
            rep_a2=await users.add_user(s, 1003, "李四", "rep", team_a),
            manager_b=await users.add_user(s, 1004, "赵经理", "manager", team_b),
            rep_b1=await users.add_user(s, 1005, "钱五", "rep", team_b),
        )


async def all_visits(db: Database) -> list[Visit]:
    """Every saved visit, oldest first (what the feature tests check after a save)."""
    async with db.transaction() as session:
        return list(await session.scalars(select(Visit).order_by(Visit.id)))
