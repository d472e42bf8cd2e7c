"""`coach kb stats --team T`."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner


def test_coach_kb_stats_prints_the_teams_usage_and_writes_the_chart(tmp_path, monkeypatch):
    from bot.cli import app
    from config import get_settings
    from store import knowledge, usage, users
    from store.db import open_database

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CHROMA_URL", raising=False)
    get_settings.cache_clear()

    async def seed() -> None:
        db = await open_database(get_settings().database)
        async with db.transaction() as session:
            rep = await users.add_user(session, 1, "小李", "rep", "华东")
            other = await users.add_user(session, 2, "小钱", "rep", "华南")
            for who, source in ((rep, "报价.docx"), (rep, "报价.docx"), (other, "华南手册.pdf")):
                feedback = await knowledge.record_answer(session, who.id, "q", "a", [], team_id=who.team_id)
                await usage.record_sources(session, feedback, [(source, "document")])
        await db.dispose()

    try:
        asyncio.run(seed())
        out = tmp_path / "kb.png"
        result = CliRunner().invoke(app, ["kb", "stats", "--team", "华东", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "华东" in result.output and "报价.docx · 2 次" in result.output
        assert "华南手册.pdf" not in result.output
        assert out.read_bytes().startswith(b"\x89PNG")
        assert CliRunner().invoke(app, ["kb", "stats", "--team", "华北"]).exit_code == 1
    finally:
        get_settings.cache_clear()
