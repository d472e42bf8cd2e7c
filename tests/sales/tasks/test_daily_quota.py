"""The evening summary's quota: a rep's quota task wins, else the team's rule (002 三 by default)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.rules import set_team_rules
from bot.sales.tasks.daily import team_day
from store import Database, Viewer, tasks, users

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")
DAY = date(2026, 11, 23)


async def test_the_team_quota_applies_when_no_task_sets_one(db: Database) -> None:
    async with db.transaction() as s:
        rep = await users.add_user(s, 501, "小李", "rep", "华北")
        manager = await users.add_user(s, 502, "王经理", "manager", "华北")
        team = await users.get_team(s, rep.team_id)
        assert [d.quota for d in await team_day(s, team, DAY)] == [2]
        await set_team_rules(s, team.id, {"daily_quota": {"effective_visits": 3}})
        assert [d.quota for d in await team_day(s, team, DAY)] == [3]
        await tasks.create_task(
            s,
            Viewer.of(manager),
            "每天拜访5家",
            scope="team",
            recurrence="daily",
            quota_visits=5,
            starts_on=DAY,
        )
        assert [d.quota for d in await team_day(s, team, DAY)] == [5]
