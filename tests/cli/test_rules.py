"""`coach rules show|set|reset`: a team's rules from a file, stored in the database."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner


def test_rules_set_show_and_reset_for_a_team(tmp_path, monkeypatch):
    from bot.cli import app
    from bot.sales.rules import team_rules
    from config import get_settings
    from store import users
    from store.db import open_database

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    async def team_id() -> int:
        db = await open_database(get_settings().database)
        async with db.transaction() as session:
            team = await users.ensure_team(session, "华东")
        await db.dispose()
        return team.id

    async def stored_quota(tid: int) -> int | None:
        db = await open_database(get_settings().database)
        async with db.transaction() as session:
            rules = await team_rules(session, tid)
        await db.dispose()
        return rules.daily_quota.effective_visits

    tid = asyncio.run(team_id())
    good = tmp_path / "team.yaml"
    good.write_text("daily_quota:\n  effective_visits: 4\n", encoding="utf-8")
    done = runner.invoke(app, ["rules", "set", "--team", "华东", str(good)])
    assert done.exit_code == 0, done.output
    assert asyncio.run(stored_quota(tid)) == 4

    shown = runner.invoke(app, ["rules", "show", "--team", "华东"])
    assert shown.exit_code == 0 and "own keys: daily_quota" in shown.output
    assert "effective_visits: 4" in shown.output and "- landline" in shown.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("daily_quota:\n  effective_visits: 0\n", encoding="utf-8")
    refused = runner.invoke(app, ["rules", "set", "--team", "华东", str(bad)])
    assert refused.exit_code == 1 and "daily_quota.effective_visits" in refused.output
    assert asyncio.run(stored_quota(tid)) == 4  # nothing stored

    missing = runner.invoke(app, ["rules", "show", "--team", "华西"])
    assert missing.exit_code == 1 and "no team called" in missing.output

    assert runner.invoke(app, ["rules", "reset", "--team", "华东"]).exit_code == 0
    assert asyncio.run(stored_quota(tid)) == 2
    get_settings.cache_clear()
