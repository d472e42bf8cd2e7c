"""A team's report keeps the work of someone who has since moved to another team (by name), and
the new team's report has none of it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.sales.reports.data import collect_report
from store import Viewer, customers, tasks, users, visits

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")

MONDAY = date(2026, 11, 23)
TZ = ZoneInfo("Asia/Shanghai")


async def test_reports_after_a_move(db, world):
    async with db.transaction() as s:
        me = Viewer.of(world.rep_a1)
        customer, _ = await customers.get_or_create_customer(s, me, "恒通电气")
        await visits.add_visit(s, me, customer.id, visited_on=MONDAY, kind="上门", outcome="interested")
        await tasks.create_task(s, Viewer.of(world.manager_a), "华东周报", scope="team")
        await tasks.statuses_for(s, world.rep_a1, MONDAY)
        await users.add_user(s, world.rep_a1.telegram_id, "张三", "rep", world.team_b)
    async with db.transaction() as s:
        east = await collect_report(s, Viewer.of(world.manager_a), "week", MONDAY, TZ, "华东")
        south = await collect_report(s, Viewer.of(world.manager_b), "week", MONDAY, TZ, "华南")
    assert [(r.rep, r.customer) for r in east.visit_rows] == [("张三", "恒通电气")]
    assert {r.name: (r.visits, r.tasks_total) for r in east.reps}["张三"] == (1, 1)
    assert south.visit_rows == [] and south.total_visits == 0 and south.tasks_total == 0
