"""Visibility: a rep sees their own rows, a manager their team's, an admin everything."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from store import AccessDenied, Database, Viewer, customers, knowledge, tasks, visits
from store.access import can_see

if TYPE_CHECKING:
    from tests.support.store_fixtures import World

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")

DAY = date(2025, 3, 3)


async def _seed(db: Database, w: World) -> dict[str, int]:
    """One customer and one visit per rep (张三, 李四 in 华东; 钱五 in 华南)."""
    ids: dict[str, int] = {}
    async with db.transaction() as s:
        for rep, name in ((w.rep_a1, "华东机械有限公司"), (w.rep_a2, "苏州精密"), (w.rep_b1, "广州重工")):
            v = Viewer.of(rep)
            customer, created = await customers.get_or_create_customer(s, v, name)
            assert created
            visit = await visits.add_visit(
                s, v, customer.id, visited_on=DAY, kind="上门", outcome="interested"
            )
            ids[rep.name] = customer.id
            ids[f"visit:{rep.name}"] = visit.id
    return ids


async def test_customer_visibility(db: Database, world: World) -> None:
    ids = await _seed(db, world)
    async with db.transaction() as s:

        async def names(user: object) -> set[str]:
            return {c.name for c in await customers.list_customers(s, Viewer.of(user))}  # type: ignore[arg-type]

        assert await names(world.rep_a1) == {"华东机械有限公司"}
        assert await names(world.manager_a) == {"华东机械有限公司", "苏州精密"}
        assert await names(world.manager_b) == {"广州重工"}
        assert await names(world.admin) == {"华东机械有限公司", "苏州精密", "广州重工"}
        # lookups by id obey the same rule
        assert await customers.get_customer(s, Viewer.of(world.rep_a2), ids["张三"]) is None
        assert await customers.get_customer(s, Viewer.of(world.manager_b), ids["张三"]) is None
        assert await customers.get_customer(s, Viewer.of(world.manager_a), ids["张三"]) is not None
        with pytest.raises(AccessDenied):
            await customers.update_customer(s, Viewer.of(world.manager_b), ids["张三"], grade="A")
        with pytest.raises(AccessDenied):
            await customers.add_contact(s, Viewer.of(world.rep_b1), ids["张三"], "刘总")


async def test_visit_visibility(db: Database, world: World) -> None:
    ids = await _seed(db, world)
    async with db.transaction() as s:

        async def reps(user: object) -> set[int]:
            found = await visits.recent_visits(s, Viewer.of(user), limit=50)  # type: ignore[arg-type]
            return {v.rep_id for v in found}

        assert await reps(world.rep_a1) == {world.rep_a1.id}
        assert await reps(world.manager_a) == {world.rep_a1.id, world.rep_a2.id}
        assert await reps(world.manager_b) == {world.rep_b1.id}
        assert await reps(world.admin) == {world.rep_a1.id, world.rep_a2.id, world.rep_b1.id}
        between = await visits.visits_between(s, Viewer.of(world.manager_b), DAY, DAY)
        assert [v.customer.name for v in between] == ["广州重工"]
        assert await visits.visits_for_customer(s, Viewer.of(world.manager_b), ids["张三"]) == []
        assert await visits.get_visit(s, Viewer.of(world.rep_a2), ids["visit:张三"]) is None
        # a rep cannot log against another team's customer, nor on behalf of someone else
        with pytest.raises(AccessDenied):
            await visits.add_visit(
                s, Viewer.of(world.rep_b1), ids["张三"], visited_on=DAY, kind="电话", outcome="no_show"
            )
        with pytest.raises(AccessDenied):
            await visits.add_visit(
                s,
                Viewer.of(world.rep_a2),
                ids["李四"],
                visited_on=DAY,
                kind="电话",
                outcome="interested",
                rep_id=world.rep_a1.id,
            )
        # joint visit to a teammate's customer is fine, and then the visitor sees their visit
        joint = await visits.add_visit(
            s, Viewer.of(world.rep_a2), ids["张三"], visited_on=DAY, kind="演示", outcome="need_followup"
        )
        assert joint.id in {v.id for v in await visits.recent_visits(s, Viewer.of(world.rep_a2))}


async def test_task_status_visibility(db: Database, world: World) -> None:
    async with db.transaction() as s:
        await tasks.create_task(s, Viewer.of(world.admin), "周报", scope="all")
        a1 = await tasks.statuses_for(s, world.rep_a1, DAY)
        b1 = await tasks.statuses_for(s, world.rep_b1, DAY)

        def people(rows: list[tasks.Progress]) -> set[int]:
            return {r.user_id for r in rows}

        team_a = {world.manager_a.id, world.rep_a1.id, world.rep_a2.id}
        team_b = {world.manager_b.id, world.rep_b1.id}
        assert people(await tasks.team_progress(s, Viewer.of(world.rep_a1), DAY)) == {world.rep_a1.id}
        assert people(await tasks.team_progress(s, Viewer.of(world.manager_a), DAY)) == team_a
        assert people(await tasks.team_progress(s, Viewer.of(world.manager_b), DAY)) == team_b
        assert people(await tasks.team_progress(s, Viewer.of(world.admin), DAY)) == team_a | team_b | {
            world.admin.id
        }

        with pytest.raises(AccessDenied):
            await tasks.set_status(s, Viewer.of(world.rep_a2), a1[0].id, "done")
        with pytest.raises(AccessDenied):
            await tasks.set_status(s, Viewer.of(world.manager_b), a1[0].id, "done")
        assert (await tasks.set_status(s, Viewer.of(world.rep_a1), a1[0].id, "done")).status == "done"
        assert (
            await tasks.set_status(s, Viewer.of(world.manager_b), b1[0].id, "not_done", "出差")
        ).reason == "出差"
        assert (await tasks.set_status(s, Viewer.of(world.admin), b1[0].id, "open")).status == "open"


async def test_gap_visibility(db: Database, world: World) -> None:
    async with db.transaction() as s:
        await knowledge.record_gap(s, world.rep_a1.id, world.team_a.id, "怎么约见技术负责人", "abstained")
        await knowledge.record_gap(s, world.rep_b1.id, world.team_b.id, "如何催款", "downvoted")
        assert [g.question for g in await knowledge.list_gaps(s, Viewer.of(world.manager_a))] == [
            "怎么约见技术负责人"
        ]
        assert [g.question for g in await knowledge.list_gaps(s, Viewer.of(world.manager_b))] == ["如何催款"]
        assert await knowledge.list_gaps(s, Viewer.of(world.rep_a2)) == []
        assert len(await knowledge.list_gaps(s, Viewer.of(world.admin))) == 2


async def test_someone_without_team_sees_only_own_rows_of_no_team() -> None:
    for role in ("manager", "rep"):
        lone = Viewer(user_id=5, role=role, team_id=None)
        assert can_see(lone, owner_id=5, team_id=None)
        assert not can_see(lone, owner_id=5, team_id=1)  # written in a team they have left
        assert not can_see(lone, owner_id=6, team_id=None)
    rep = Viewer(user_id=5, role="rep", team_id=2)
    assert can_see(rep, owner_id=5, team_id=2) and not can_see(rep, owner_id=5, team_id=1)
    assert not can_see(Viewer(user_id=5, role="stranger", team_id=1), owner_id=5, team_id=1)
    assert can_see(Viewer(user_id=1, role="admin", team_id=None), owner_id=9, team_id=9)
