"""Tasks: who they apply to (user / team / all), daily recurrence, quotas, status changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from store import AccessDenied, Database, Viewer, customers, tasks, visits

if TYPE_CHECKING:
    from tests.support.store_fixtures import World

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")

MON = date(2025, 3, 3)
TUE = MON + timedelta(days=1)
WED = MON + timedelta(days=2)


def titles(rows: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(r.task.title for r in rows)


async def test_statuses_for_team_all_user_and_daily(db: Database, world: World) -> None:
    admin, mgr_a = Viewer.of(world.admin), Viewer.of(world.manager_a)
    async with db.transaction() as s:
        await tasks.create_task(s, admin, "全员: 学习新品资料", scope="all")
        await tasks.create_task(s, mgr_a, "华东: 整理客户名单", scope="team")
        await tasks.create_task(s, mgr_a, "张三: 回访华东机械", scope="user", assignee_id=world.rep_a1.id)
        await tasks.create_task(
            s, mgr_a, "每天拜访2家优质客户", scope="team", recurrence="daily", quota_visits=2, due_date=TUE
        )
        await tasks.create_task(s, mgr_a, "下周起: 每日电话", scope="team", recurrence="daily", starts_on=WED)

    async with db.transaction() as s:
        assert titles(await tasks.statuses_for(s, world.rep_a1, MON)) == [
            "全员: 学习新品资料",
            "华东: 整理客户名单",
            "张三: 回访华东机械",
            "每天拜访2家优质客户",
        ]
        assert titles(await tasks.statuses_for(s, world.rep_a2, MON)) == [
            "全员: 学习新品资料",
            "华东: 整理客户名单",
            "每天拜访2家优质客户",
        ]
        assert titles(await tasks.statuses_for(s, world.rep_b1, MON)) == ["全员: 学习新品资料"]
        # asking again creates nothing new
        again = await tasks.statuses_for(s, world.rep_a1, MON)
        first = {r.task.title: r for r in again}
        assert len(again) == 4

        await tasks.set_status(s, Viewer.of(world.rep_a1), first["华东: 整理客户名单"].id, "done")
        await tasks.set_status(s, Viewer.of(world.rep_a1), first["每天拜访2家优质客户"].id, "done")

    async with db.transaction() as s:
        tue = {r.task.title: r for r in await tasks.statuses_for(s, world.rep_a1, TUE)}
        # the daily task is open again (a new row for the new day); the finished one-off is gone;
        # the open one-offs carry over (same row as Monday)
        assert sorted(tue) == ["全员: 学习新品资料", "张三: 回访华东机械", "每天拜访2家优质客户"]
        assert tue["每天拜访2家优质客户"].status == "open"
        assert tue["每天拜访2家优质客户"].id != first["每天拜访2家优质客户"].id
        assert tue["张三: 回访华东机械"].id == first["张三: 回访华东机械"].id
        # Wednesday: the quota task has ended, the other daily one starts
        wed = titles(await tasks.statuses_for(s, world.rep_a1, WED))
        assert wed == ["下周起: 每日电话", "全员: 学习新品资料", "张三: 回访华东机械"]
        assert titles(await tasks.open_tasks(s, world.rep_a1, WED)) == wed


async def test_inactive_tasks_disappear(db: Database, world: World) -> None:
    mgr_a = Viewer.of(world.manager_a)
    async with db.transaction() as s:
        task = await tasks.create_task(s, mgr_a, "临时任务", scope="team")
        assert titles(await tasks.statuses_for(s, world.rep_a1, MON)) == ["临时任务"]
        with pytest.raises(AccessDenied):
            await tasks.deactivate_task(s, Viewer.of(world.manager_b), task.id)
        assert await tasks.deactivate_task(s, mgr_a, task.id)
        assert await tasks.statuses_for(s, world.rep_a1, MON) == []
        assert await tasks.list_tasks(s, mgr_a) == []


async def test_who_may_create_what(db: Database, world: World) -> None:
    async with db.transaction() as s:
        mgr_a, rep_a1 = Viewer.of(world.manager_a), Viewer.of(world.rep_a1)
        with pytest.raises(AccessDenied):
            await tasks.create_task(s, mgr_a, "全员任务", scope="all")
        with pytest.raises(AccessDenied):
            await tasks.create_task(s, mgr_a, "别的团队", scope="team", team_id=world.team_b.id)
        with pytest.raises(AccessDenied):
            await tasks.create_task(s, mgr_a, "别的团队的人", scope="user", assignee_id=world.rep_b1.id)
        with pytest.raises(AccessDenied):
            await tasks.create_task(s, rep_a1, "给同事", scope="user", assignee_id=world.rep_a2.id)
        with pytest.raises(AccessDenied):
            await tasks.create_task(s, rep_a1, "团队", scope="team")
        with pytest.raises(ValueError):
            await tasks.create_task(s, mgr_a, "x", scope="user")
        with pytest.raises(ValueError):
            await tasks.create_task(s, mgr_a, "x", scope="team", recurrence="weekly")
        mine = await tasks.create_task(s, rep_a1, "自己的提醒", scope="user", assignee_id=world.rep_a1.id)
        assert mine.created_by == world.rep_a1.id
        assert [t.title for t in await tasks.list_tasks(s, Viewer.of(world.rep_a2))] == []
        assert [t.title for t in await tasks.list_tasks(s, mgr_a)] == ["自己的提醒"]
        assert [t.title for t in await tasks.list_tasks(s, Viewer.of(world.manager_b))] == []


async def test_team_progress_counts_quota_visits(db: Database, world: World) -> None:
    mgr_a = Viewer.of(world.manager_a)
    async with db.transaction() as s:
        await tasks.create_task(
            s, mgr_a, "每天拜访2家优质客户", scope="team", recurrence="daily", quota_visits=2
        )
        a1 = Viewer.of(world.rep_a1)
        for name, outcome in (
            ("华东机械", "interested"),
            ("苏州精密", "need_followup"),
            ("无锡电子", "no_show"),
        ):
            c, _ = await customers.get_or_create_customer(s, a1, name)
            await visits.add_visit(s, a1, c.id, visited_on=MON, kind="上门", outcome=outcome)
        progress = {p.user_name: p for p in await tasks.team_progress(s, mgr_a, MON)}
        assert set(progress) == {"王经理", "张三", "李四"}
        assert (progress["张三"].visits_done, progress["张三"].quota_visits) == (2, 2)
        assert progress["李四"].visits_done == 0
        assert all(p.status == "open" for p in progress.values())
