"""`coach report`."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from typer.testing import CliRunner

MONDAY = date(2026, 11, 23)


def test_coach_report_writes_the_chart(tmp_path, monkeypatch):
    from bot.cli import app
    from config import get_settings
    from store import customers, users, visits
    from store.access import Viewer
    from store.db import open_database

    home = tmp_path / "home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()

    async def seed() -> None:
        db = await open_database(get_settings().database)
        async with db.transaction() as session:
            rep = await users.add_user(session, 1, "小李", "rep", "华东")
            viewer = Viewer.of(rep)
            customer, _ = await customers.get_or_create_customer(session, viewer, "华东机械", grade="A")
            today = datetime.now(get_settings().timezone).date()
            await visits.add_visit(
                session, viewer, customer.id, visited_on=today, kind="上门", outcome="interested"
            )
        await db.dispose()

    try:
        asyncio.run(seed())
        out = tmp_path / "report.png"
        result = CliRunner().invoke(app, ["report", "--team", "华东", "--period", "week", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\x89PNG") and "拜访 1 次" in result.output
        missing = CliRunner().invoke(app, ["report", "--team", "华北", "--out", str(out)])
        assert missing.exit_code == 1
    finally:
        get_settings.cache_clear()
