"""Engine, sessions, transactions and migrations.

```python
await upgrade(url)                     # Alembic to head; idempotent, call it at every start
db = Database(url)
async with db.transaction() as session:  # commit on success, rollback on error
    ...
await db.dispose()
```
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Arbitrary constant: serialises concurrent `upgrade()` calls on one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x5A1E5C0AC4


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``sqlite+aiosqlite://`` or ``postgresql+asyncpg://`` URLs.

    SQLite gets foreign keys, WAL and a busy timeout on every connection (and its folder is
    created); PostgreSQL gets a small pre-pinged pool. ``kwargs`` go to ``create_async_engine``.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    if kwargs.get("poolclass") is None:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
        kwargs.setdefault("pool_recycle", 1800)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"timeout": 10})
    return create_async_engine(url, **kwargs)


class Database:
    """An engine plus its session factory (``expire_on_commit=False``)."""

    def __init__(self, url_or_engine: str | AsyncEngine, **engine_kwargs: Any) -> None:
        if isinstance(url_or_engine, AsyncEngine):
            self.engine = url_or_engine
        else:
            self.engine = create_engine(url_or_engine, **engine_kwargs)
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed when the block ends, rolled back if it raises."""
        async with self.sessions() as session, session.begin():
            yield session

    def session(self) -> AsyncSession:
        """A bare session (for callers that manage commits themselves)."""
        return self.sessions()

    async def upgrade(self) -> None:
        await upgrade(self.engine)

    async def claim(self, kind: str, key: str, by: str, *, at: datetime | None = None) -> bool:
        """``store.claims.claim`` in a short transaction of its own (committed before returning)."""
        from store.claims import claim

        async with self.transaction() as session:
            return await claim(session, kind, key, by, at=at)

    async def claim_each(
        self, kind: str, keys: Iterable[str], by: str, *, at: datetime | None = None
    ) -> list[str]:
        """The keys ``by`` wins, in order: one cheap read skips those claimed already, then each
        of the others is claimed in its own short transaction (see ``store.claims.claim``)."""
        from store.claims import claimed_keys

        keys = list(keys)
        async with self.transaction() as session:
            taken = await claimed_keys(session, kind, keys, at=at)
        return [key for key in keys if key not in taken and await self.claim(kind, key, by, at=at)]

    async def settle_each(self, kind: str, keys: Iterable[str], *, sent: bool = True) -> None:
        """``store.claims.settle`` for each of ``keys`` in one short transaction."""
        from store.claims import settle

        keys = list(keys)
        if not keys:
            return
        async with self.transaction() as session:
            for key in keys:
                await settle(session, kind, key, sent=sent)

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.dispose()


async def open_database(url: str, *, migrate: bool = True, **engine_kwargs: Any) -> Database:
    """Migrate (unless told not to) and return a ready :class:`Database`."""
    if migrate:
        await upgrade(url)
    return Database(url, **engine_kwargs)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config  # imported here: only migrations need Alembic

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url:
        config.attributes["url"] = url
    return config


def _run_alembic(connection: Connection, config: Config, revision: str) -> None:
    from alembic import command

    config.attributes["connection"] = connection
    command.upgrade(config, revision)


_upgrade_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def upgrade(url_or_engine: str | AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default head). Idempotent and safe to call at every start,
    also from several processes at once (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
    Within one process upgrades run one at a time: Alembic keeps its migration context in module
    globals, which two interleaved upgrades would corrupt."""
    lock = _upgrade_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        await _upgrade(url_or_engine, revision)


async def _upgrade(url_or_engine: str | AsyncEngine, revision: str) -> None:
    if isinstance(url_or_engine, AsyncEngine):
        engine, owned = url_or_engine, False
    else:
        engine, owned = create_engine(url_or_engine, poolclass=NullPool), True
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # pysqlite would autocommit every DDL statement; one explicit immediate
                # transaction makes the whole upgrade atomic and excludes concurrent upgraders.
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif conn.dialect.name == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            await conn.run_sync(_run_alembic, config, revision)
            await conn.commit()
    finally:
        if owned:
            await engine.dispose()
