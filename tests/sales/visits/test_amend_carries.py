"""An edit or a void of a saved visit carries through to its customer when the visit is the
customer's latest: the expected amount follows the edited amount, and voiding the latest visit gives
back the previous visit's amount; voiding a won visit, or editing its won deal away, gives back the
milestone the customer stood at before it unless something moved the customer on since (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.sales.visits.amend import amend_visit, form_values, void_visit
from bot.sales.visits.logbook import save_visit
from store import Database, customers, visits
from store.models import MILESTONES, utcnow
from tests.support.store_fixtures import World

pytestmark = pytest.mark.asyncio(loop_scope="session")
DAY = date(2026, 11, 23)


def _values(day: date, amount: float | None, *, customer: dict[str, Any] | None = None, **extra: Any):
    return {
        "customer": customer or {"id": None, "name": "青松电气"},
        "contact": None,
        "visited_on": day.isoformat(),
        "kind": "上门",
        "outcome": extra.pop("outcome", "interested"),
        "next_step": extra.pop("next_step", None),
        "next_date": extra.pop("next_date", None),
        "amount": amount,
        "notes": "",
    }


async def _log(db: Database, world: World, day: date, amount: float | None, **extra: Any):
    viewer = world.viewer(world.rep_a1)
    async with db.transaction() as s:
        found = await customers.find_customers(s, viewer, "青松电气")
        customer = {"id": found[0].id, "name": found[0].name} if found else None
        return await save_visit(s, viewer, _values(day, amount, customer=customer, **extra))


async def _expected_amount(db: Database, world: World, customer_id: int) -> float | None:
    async with db.transaction() as s:
        customer = await customers.get_customer(s, world.viewer(world.rep_a1), customer_id)
        assert customer is not None
        return customer.expected_amount_wan


async def _edit(db: Database, world: World, visit_id: int, **changes: Any):
    viewer = world.viewer(world.rep_a1)
    async with db.transaction() as s:
        visit = await visits.get_visit(s, viewer, visit_id)
        assert visit is not None
        values = form_values(visit) | changes
        return await amend_visit(s, viewer, visit_id, values, utcnow())


async def test_editing_the_latest_visits_amount_sets_the_customers_expected_amount(db, world) -> None:
    first = await _log(db, world, DAY - timedelta(days=7), 20)
    latest = await _log(db, world, DAY, 30)
    assert await _expected_amount(db, world, latest.customer_id) == 30

    await _edit(db, world, latest.visit_id, amount=45.0)
    assert await _expected_amount(db, world, latest.customer_id) == 45

    await _edit(db, world, latest.visit_id, amount=None)  # the amount taken out: the previous one's
    assert await _expected_amount(db, world, latest.customer_id) == 20

    await _edit(db, world, first.visit_id, amount=99.0)  # not the latest: the customer keeps its own
    assert await _expected_amount(db, world, latest.customer_id) == 20


async def test_voiding_the_latest_visit_restores_the_previous_visits_amount(db, world) -> None:
    await _log(db, world, DAY - timedelta(days=7), 20)
    latest = await _log(db, world, DAY, 30)
    async with db.transaction() as s:
        assert await void_visit(s, world.viewer(world.rep_a1), latest.visit_id, utcnow()) is not None
    assert await _expected_amount(db, world, latest.customer_id) == 20


async def test_voiding_an_older_visit_leaves_the_customer_alone(db, world) -> None:
    older = await _log(db, world, DAY - timedelta(days=7), 20)
    latest = await _log(db, world, DAY, 30)
    async with db.transaction() as s:
        assert await void_visit(s, world.viewer(world.rep_a1), older.visit_id, utcnow()) is not None
    assert await _expected_amount(db, world, latest.customer_id) == 30


async def test_voiding_the_only_visit_with_an_amount_clears_it(db, world) -> None:
    only = await _log(db, world, DAY, 30)
    async with db.transaction() as s:
        await void_visit(s, world.viewer(world.rep_a1), only.visit_id, utcnow())
    assert await _expected_amount(db, world, only.customer_id) is None


async def test_an_outcome_edited_to_a_won_deal_on_the_latest_visit_moves_the_milestone(db, world) -> None:
    latest = await _log(db, world, DAY, None)
    await _edit(db, world, latest.visit_id, outcome="deal_won")
    async with db.transaction() as s:
        customer = await customers.get_customer(s, world.viewer(world.rep_a1), latest.customer_id)
        assert customer is not None and customer.milestone == MILESTONES[-1]


async def test_an_edited_next_step_is_what_the_customer_shows_next(db, world) -> None:
    latest = await _log(
        db, world, DAY, None, next_step="发方案", next_date=(DAY + timedelta(days=3)).isoformat()
    )
    await _edit(db, world, latest.visit_id, next_step="上门演示")
    async with db.transaction() as s:
        history = await visits.visits_for_customer(s, world.viewer(world.rep_a1), latest.customer_id)
        due = await visits.due_reminders(s, DAY + timedelta(days=3))
    assert history[0].next_step == "上门演示"
    assert [v.next_step for v in due] == ["上门演示"]


async def _milestone(db: Database, world: World, customer_id: int) -> str | None:
    async with db.transaction() as s:
        customer = await customers.get_customer(s, world.viewer(world.rep_a1), customer_id)
        assert customer is not None
        return customer.milestone


async def _set_milestone(db: Database, world: World, customer_id: int, milestone: str) -> None:
    async with db.transaction() as s:
        await customers.update_customer(s, world.viewer(world.rep_a1), customer_id, milestone=milestone)


async def _void(db: Database, world: World, visit_id: int) -> None:
    async with db.transaction() as s:
        assert await void_visit(s, world.viewer(world.rep_a1), visit_id, utcnow()) is not None


async def test_voiding_a_won_visit_gives_back_the_milestone_before_it(db, world) -> None:
    first = await _log(db, world, DAY - timedelta(days=7), None)
    await _set_milestone(db, world, first.customer_id, MILESTONES[4])
    won = await _log(db, world, DAY, 50, outcome="deal_won")
    assert await _milestone(db, world, won.customer_id) == MILESTONES[-1]

    await _void(db, world, won.visit_id)
    assert await _milestone(db, world, won.customer_id) == MILESTONES[4]


async def test_editing_a_won_deal_away_gives_back_the_milestone_and_editing_it_back_moves_it_again(
    db, world
) -> None:
    first = await _log(db, world, DAY - timedelta(days=7), None)
    await _set_milestone(db, world, first.customer_id, MILESTONES[3])
    won = await _log(db, world, DAY, None, outcome="deal_won")

    await _edit(db, world, won.visit_id, outcome="need_followup")
    assert await _milestone(db, world, won.customer_id) == MILESTONES[3]
    await _edit(db, world, won.visit_id, outcome="deal_won")
    assert await _milestone(db, world, won.customer_id) == MILESTONES[-1]
    await _void(db, world, won.visit_id)
    assert await _milestone(db, world, won.customer_id) == MILESTONES[3]


async def test_a_milestone_set_by_hand_after_the_won_visit_is_kept_when_it_is_voided(db, world) -> None:
    first = await _log(db, world, DAY - timedelta(days=7), None)
    await _set_milestone(db, world, first.customer_id, MILESTONES[2])
    won = await _log(db, world, DAY, None, outcome="deal_won")
    await _set_milestone(db, world, won.customer_id, MILESTONES[6])  # the manager moved it since

    await _void(db, world, won.visit_id)
    assert await _milestone(db, world, won.customer_id) == MILESTONES[6]


async def test_voiding_one_of_two_won_visits_keeps_the_last_milestone_until_both_are_void(db, world) -> None:
    first = await _log(db, world, DAY - timedelta(days=7), None)
    await _set_milestone(db, world, first.customer_id, MILESTONES[5])
    won = await _log(db, world, DAY - timedelta(days=3), None, outcome="deal_won")
    again = await _log(db, world, DAY, None, outcome="deal_won")  # a second won deal (a renewal)

    await _void(db, world, won.visit_id)
    assert await _milestone(db, world, won.customer_id) == MILESTONES[-1]
    await _void(db, world, again.visit_id)  # the last won deal gone: the milestone before both
    assert await _milestone(db, world, won.customer_id) == MILESTONES[5]


async def test_voiding_a_visit_that_moved_no_milestone_leaves_it(db, world) -> None:
    first = await _log(db, world, DAY - timedelta(days=7), None)
    await _set_milestone(db, world, first.customer_id, MILESTONES[4])
    plain = await _log(db, world, DAY, None, outcome="interested")
    await _void(db, world, plain.visit_id)
    assert await _milestone(db, world, plain.customer_id) == MILESTONES[4]
