"""A person who leaves a team and joins another sees nothing of the old team through any read of
the store, while the old team's manager still sees every row (kept, not moved)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from store import Viewer, conversations, customers, drafts, drills, knowledge, reports, tasks, users, visits
from store.models import Customer, Visit

if TYPE_CHECKING:
    from tests.support.store_fixtures import World

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")

DAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
WINDOW = (NOW - timedelta(days=1), NOW + timedelta(days=1))


async def _history_in_east(db, w: World) -> dict[str, int]:
    """张三 works in 华东: a customer, a visit with a follow-up, a task, a draft, a drill, a gap."""
    async with db.transaction() as s:
        me = Viewer.of(w.rep_a1)
        customer, _ = await customers.get_or_create_customer(
            s, me, "宏远电气", expected_amount_wan=30.0, milestone="项目立项"
        )
        await customers.add_contact(s, me, customer.id, "李工")
        visit = await visits.add_visit(
            s, me, customer.id, visited_on=DAY - timedelta(days=1), kind="上门", outcome="need_followup",
            next_step="送报价单", next_date=DAY,
        )  # fmt: skip
        await tasks.create_task(
            s, Viewer.of(w.manager_a), "拜访宏远电气", scope="user", assignee_id=w.rep_a1.id
        )
        await tasks.create_task(s, Viewer.of(w.manager_a), "华东周报", scope="team")
        await tasks.statuses_for(s, w.rep_a1, DAY)
        await drafts.create_draft(s, w.rep_a1.id, "summary", {"values": {}}, team_id=w.team_a.id)
        await drills.record_attempt(
            s,
            w.rep_a1,
            drill_key="pb:price",
            drill_title="嫌贵",
            turn=0,
            passed=1,
            total=2,
            answer="答",
            at=NOW,
        )
        await knowledge.record_gap(s, w.rep_a1.id, w.team_a.id, "华东的底价是多少", "abstained")
        await conversations.save_state(s, w.rep_a1.id, "ask", "question", {}, None)
    return {"customer": customer.id, "visit": visit.id}


async def _move_to_south(db, w: World) -> Viewer:
    async with db.transaction() as s:
        assert await users.remove_user(s, w.rep_a1.id)
        code = await users.create_invite(s, "rep", w.team_b.id)
        moved = await users.redeem_invite(s, code, w.rep_a1.telegram_id, "张三")
        assert not isinstance(moved, str) and moved.team_id == w.team_b.id and moved.id == w.rep_a1.id
        return Viewer.of(moved)


async def test_a_rejoined_rep_sees_nothing_of_the_old_team(db, world: World) -> None:
    ids = await _history_in_east(db, world)
    me = await _move_to_south(db, world)
    async with db.transaction() as s:
        moved = await users.get_user(s, me.user_id)
        assert moved is not None
        assert await customers.list_customers(s, me) == []
        assert await customers.find_customers(s, me, "宏远电气") == []
        assert await customers.find_customers(s, me, "宏远电汽") == []  # the fuzzy leg too
        assert await customers.get_customer(s, me, ids["customer"]) is None
        assert await customers.list_contacts(s, me, ids["customer"]) == []
        assert await visits.recent_visits(s, me) == []
        assert await visits.get_visit(s, me, ids["visit"]) is None
        assert await visits.visits_for_customer(s, me, ids["customer"]) == []
        assert await visits.visits_between(s, me, DAY - timedelta(days=7), DAY) == []
        assert await visits.count_effective_visits(s, [me.user_id], DAY - timedelta(days=1)) == {}
        assert [v.id for v in await visits.due_reminders(s, DAY)] == []
        assert [st.task.title for st in await tasks.statuses_for(s, moved, DAY)] == []
        assert [t.title for t in await tasks.list_tasks(s, me)] == []
        assert await tasks.statuses_between(s, me, DAY, DAY) == []
        assert await drafts.open_drafts(s, me.user_id, team_id=me.team_id) == []
        assert await drills.history(s, me.user_id, team_id=me.team_id) == {}
        assert await drills.own_attempts_between(s, me.user_id, *WINDOW, team_id=me.team_id) == []
        assert await drills.attempts_between(s, me, *WINDOW) == []
        assert await reports.new_customers(s, me, *WINDOW) == []
        assert await reports.milestone_counts(s, me) == {}
        assert await conversations.load_state(s, me.user_id) is None  # the old flow ended
        # a visit logged now to the same company is a new customer of the new team
        fresh, created = await customers.get_or_create_customer(s, me, "宏远电气")
        assert created and fresh.id != ids["customer"] and fresh.team_id == world.team_b.id


async def test_the_old_team_keeps_the_records(db, world: World) -> None:
    ids = await _history_in_east(db, world)
    await _move_to_south(db, world)
    east = Viewer.of(world.manager_a)
    south = Viewer.of(world.manager_b)
    async with db.transaction() as s:
        assert [c.id for c in await customers.list_customers(s, east)] == [ids["customer"]]
        assert [v.id for v in await visits.recent_visits(s, east)] == [ids["visit"]]
        assert {st.task.title for st in await tasks.statuses_between(s, east, DAY, DAY)} == {
            "拜访宏远电气",
            "华东周报",
        }
        assert [a.drill_key for a in await drills.attempts_between(s, east, *WINDOW)] == ["pb:price"]
        assert [g.question for g in await knowledge.list_gaps(s, east)] == ["华东的底价是多少"]
        # and the new team's manager sees none of it
        assert await customers.list_customers(s, south) == []
        assert await visits.recent_visits(s, south) == []
        assert await tasks.statuses_between(s, south, DAY, DAY) == []
        assert await drills.attempts_between(s, south, *WINDOW) == []
        assert await knowledge.list_gaps(s, south) == []
        # nothing was deleted or moved
        assert await s.scalar(select(func.count()).select_from(Visit)) == 1
        assert (await s.get(Customer, ids["customer"])).team_id == world.team_a.id  # type: ignore[union-attr]


async def test_between_teams_nothing_team_bound_is_seen(db, world: World) -> None:
    ids = await _history_in_east(db, world)
    async with db.transaction() as s:
        lone = await users.add_user(s, world.rep_a1.telegram_id, "张三", "rep", None)
        me = Viewer.of(lone)
        assert await customers.list_customers(s, me) == []
        assert await visits.get_visit(s, me, ids["visit"]) is None
        assert await tasks.statuses_for(s, lone, DAY) == []
        # two people without a team never share a customer record of the same name
        other = Viewer.of(await users.add_user(s, 4321, "路人", "rep", None))
        mine, _ = await customers.get_or_create_customer(s, me, "散户公司")
        theirs, created = await customers.get_or_create_customer(s, other, "散户公司")
        assert created and theirs.id != mine.id


async def test_a_card_notifies_only_askers_still_in_its_team(db, world: World) -> None:
    async with db.transaction() as s:
        await knowledge.record_gap(s, world.rep_a1.id, world.team_a.id, "展会怎么收名片", "abstained")
        await knowledge.record_gap(s, world.rep_a2.id, world.team_a.id, "展会怎么收名片", "abstained")
    await _move_to_south(db, world)
    async with db.transaction() as s:
        card = await knowledge.add_card(s, "展会收名片", "先递自己的名片", team_id=world.team_a.id)
        await knowledge.resolve_gaps(s, card, ["展会怎么收名片"])
        assert await knowledge.users_to_notify(s, card.id) == [world.rep_a2.id]
