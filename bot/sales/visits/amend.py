"""Changing a saved visit: only its author may, for EDIT_WINDOW after logging it, and every change
is kept (who, when, old → new). A voided visit stays on file but counts nowhere. Runs inside the
caller's transaction; knows no chat.

What a visit set on its customer follows the visit when it is the customer's latest: an amount edited
there becomes the customer's expected amount (one removed, or a latest visit voided, gives back the
amount of the latest visit before it that states one), and an outcome edited to a won deal moves the
customer to the last milestone. A visit keeps the milestone it moved its customer from: voiding it, or
editing its won deal away, gives that milestone back unless the customer has moved on since (by hand,
or by another visit). The next step and date are read from the visits themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sales.visits.logbook import effectiveness_of, resolve_contact, resolve_customer, rules_for
from store import customers, visits
from store.access import Viewer, can_see
from store.models import MILESTONES, Visit

EDIT_WINDOW = timedelta(days=7)

# visit column → the visit form's field it is edited through
COLUMNS = {
    "customer_id": "customer",
    "contact_id": "contact",
    "visited_on": "visited_on",
    "kind": "kind",
    "outcome": "outcome",
    "next_step": "next_step",
    "next_date": "next_date",
    "amount_wan": "amount",
    "notes": "notes",
}


@dataclass(frozen=True)
class Amended:
    visit_id: int
    customer_name: str
    changes: list[tuple[str, str | None, str | None]]  # (form field, old, new) as the form keeps them


def may_amend(visit: Visit, viewer: Viewer, now: datetime) -> bool:
    return (
        visit.rep_id == viewer.user_id and visit.voided_at is None and visit.created_at >= now - EDIT_WINDOW
    )


def form_values(visit: Visit) -> dict[str, Any]:
    """The visit as the visit form keeps its answers (JSON-ready)."""
    return {
        "customer": {"id": visit.customer_id, "name": visit.customer.name},
        "contact": {"id": visit.contact.id, "name": visit.contact.name} if visit.contact else None,
        "visited_on": visit.visited_on.isoformat(),
        "kind": visit.kind,
        "outcome": visit.outcome,
        "next_step": visit.next_step,
        "next_date": visit.next_date.isoformat() if visit.next_date else None,
        "amount": visit.amount_wan,
        "notes": visit.notes,
    }


def _kept(value: Any) -> str | None:
    """A form value as the history keeps it: a lookup by its name, the rest as text."""
    if value in (None, ""):
        return None
    if isinstance(value, dict):
        return str(value.get("name"))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


async def editable_visit(session: AsyncSession, viewer: Viewer, visit_id: int, now: datetime) -> Visit | None:
    visit = await visits.get_visit(session, viewer, visit_id)
    return visit if visit is not None and may_amend(visit, viewer, now) else None


async def amend_visit(
    session: AsyncSession, viewer: Viewer, visit_id: int, values: dict[str, Any], now: datetime
) -> Amended | None:
    """Apply the form's ``values`` to the visit; None if the viewer may not (or no longer) change it."""
    visit = await editable_visit(session, viewer, visit_id, now)
    if visit is None:
        return None
    before = form_values(visit)
    old_customer_id, old_amount, old_outcome = visit.customer_id, visit.amount_wan, visit.outcome
    was_latest = await _is_latest(session, visit.customer_id, visit.id)
    customer = await resolve_customer(session, viewer, values["customer"])
    may_edit = can_see(viewer, owner_id=customer.owner_id, team_id=customer.team_id)
    contact = await resolve_contact(session, viewer, customer, values, may_edit)
    after = dict(values)
    after["customer"] = {"id": customer.id, "name": customer.name}
    after["contact"] = {"id": contact.id, "name": contact.name} if contact else None
    new = {
        "customer_id": customer.id,
        "contact_id": contact.id if contact else None,
        "visited_on": date.fromisoformat(values["visited_on"]),
        "kind": values["kind"],
        "outcome": values["outcome"],
        "next_step": values.get("next_step"),
        "next_date": date.fromisoformat(values["next_date"]) if values.get("next_date") else None,
        "amount_wan": values.get("amount"),
        "notes": values.get("notes") or "",
    }
    changes = [
        (column, value, COLUMNS[column], _kept(before[COLUMNS[column]]), _kept(after[COLUMNS[column]]))
        for column, value in new.items()
        if getattr(visit, column) != value
    ]
    if changes:
        rules = await rules_for(session, viewer, customer)
        clarified = [str(item) for item in visit.clarified or []]
        effective = effectiveness_of(rules, new["outcome"], contact, clarified).effective
        if effective != visit.effective:
            changes.append(("effective", effective, "effective", str(visit.effective), str(effective)))
        await visits.change_visit(session, visit, viewer.user_id, changes)
        moved = visit.customer_id != old_customer_id
        if visit.amount_wan != old_amount or moved:
            if was_latest:
                await _carry_amount(session, viewer, old_customer_id)
            if (moved or not was_latest) and await _is_latest(session, visit.customer_id, visit.id):
                await _carry_amount(session, viewer, visit.customer_id)
        won_now = visit.outcome == "deal_won" and old_outcome != "deal_won"
        won_undone = old_outcome == "deal_won" and (visit.outcome != "deal_won" or moved)
        if won_undone:
            await _give_back_milestone(session, viewer, visit, old_customer_id)
        if (won_now or (moved and visit.outcome == "deal_won")) and await _is_latest(
            session, visit.customer_id, visit.id
        ):
            await _move_milestone(session, viewer, visit, MILESTONES[-1])
    shown = [(field, old, new_text) for _c, _v, field, old, new_text in changes if field != "effective"]
    return Amended(visit.id, customer.name, shown)


async def void_visit(session: AsyncSession, viewer: Viewer, visit_id: int, now: datetime) -> Visit | None:
    """Void the visit; None if the viewer may not (or no longer) change it."""
    visit = await editable_visit(session, viewer, visit_id, now)
    if visit is None:
        return None
    was_latest = await _is_latest(session, visit.customer_id, visit.id)
    if not await visits.void_visit(session, visit, viewer.user_id):
        return None
    if was_latest and visit.amount_wan is not None:
        await _carry_amount(session, viewer, visit.customer_id)
    await _give_back_milestone(session, viewer, visit, visit.customer_id)
    return visit


async def _move_milestone(session: AsyncSession, viewer: Viewer, visit: Visit, milestone: str) -> None:
    customer = await customers.get_customer(session, viewer, visit.customer_id)
    if customer is None or customer.milestone == milestone:
        return
    if not can_see(viewer, owner_id=customer.owner_id, team_id=customer.team_id):
        return
    before = customer.milestone
    await customers.update_customer(session, viewer, customer.id, milestone=milestone)
    await visits.note_milestone_move(session, visit, before, milestone)


async def _give_back_milestone(session: AsyncSession, viewer: Viewer, visit: Visit, customer_id: int) -> None:
    """The milestone the visit moved its customer from, back on the customer while the customer still
    stands where the visit put it. Another visit that keeps it there (a second won deal) takes over
    the milestone to give back, for when it is voided in turn."""
    if visit.milestone_set is None:
        return
    before, milestone = visit.milestone_before, visit.milestone_set
    await visits.note_milestone_move(session, visit, None, None)
    customer = await customers.get_customer(session, viewer, customer_id)
    if customer is None or customer.milestone != milestone:
        return
    holding = "deal_won" if milestone == MILESTONES[-1] else None
    holder = await visits.visit_holding_milestone(session, visit, customer_id, milestone, holding)
    if holder is None:
        await _update_customer(session, viewer, customer_id, milestone=before)
    elif holder.milestone_set is None:
        await visits.note_milestone_move(session, holder, before, milestone)


async def _is_latest(session: AsyncSession, customer_id: int, visit_id: int) -> bool:
    latest = await visits.latest_visit_ids(session, customer_id)
    return bool(latest) and latest[0] == visit_id


async def _carry_amount(session: AsyncSession, viewer: Viewer, customer_id: int) -> None:
    """The customer's expected amount: that of its latest visit (not voided) stating one."""
    amount = await visits.latest_stated_amount(session, customer_id)
    await _update_customer(session, viewer, customer_id, expected_amount_wan=amount)


async def _update_customer(session: AsyncSession, viewer: Viewer, customer_id: int, **fields: Any) -> None:
    """Only on a customer the viewer may edit (as when the visit was saved)."""
    customer = await customers.get_customer(session, viewer, customer_id)
    if customer is not None and can_see(viewer, owner_id=customer.owner_id, team_id=customer.team_id):
        await customers.update_customer(session, viewer, customer_id, **fields)
