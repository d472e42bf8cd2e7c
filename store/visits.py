"""Visits (calls, meetings, demos…) logged by reps, and their follow-up reminders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.access import AccessDenied, Viewer, can_see, visible
from store.models import INTERESTS, NEEDS, OUTCOMES, VISIT_KINDS, Customer, User, Visit, VisitChange, utcnow


def _visible_visits(viewer: Viewer) -> Any:
    """Visits join their customer: a manager sees the visits to their team's customers."""
    stmt = select(Visit).join(Customer, Visit.customer_id == Customer.id)
    return visible(viewer, stmt, owner_col=Visit.rep_id, team_col=Customer.team_id)


async def add_visit(
    session: AsyncSession,
    viewer: Viewer,
    customer_id: int,
    *,
    visited_on: date,
    kind: str,
    outcome: str,
    contact_id: int | None = None,
    notes: str = "",
    next_step: str | None = None,
    next_date: date | None = None,
    amount_wan: float | None = None,
    effective: bool | None = None,
    rep_id: int | None = None,
    clarified: list[str] | None = None,
    need: str | None = None,
    interest: str | None = None,
) -> Visit:
    """Log a visit by ``rep_id`` (default: the viewer; only managers/admins may log for others).

    The customer must be visible to the viewer or belong to the viewer's team (joint visits to a
    teammate's account). ``effective`` (counts toward quotas) defaults to outcome != 'no_show'.
    """
    if kind not in VISIT_KINDS:
        raise ValueError(f"kind must be one of {VISIT_KINDS}")
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}")
    if need is not None and need not in NEEDS:
        raise ValueError(f"need must be one of {NEEDS}")
    if interest is not None and interest not in INTERESTS:
        raise ValueError(f"interest must be one of {INTERESTS}")
    if rep_id is not None and rep_id != viewer.user_id and viewer.role == "rep":
        raise AccessDenied("a rep logs only their own visits")
    customer = await session.get(Customer, customer_id)
    if customer is None or not (
        can_see(viewer, owner_id=customer.owner_id, team_id=customer.team_id)
        or (viewer.team_id is not None and customer.team_id == viewer.team_id)
    ):
        raise AccessDenied(f"customer {customer_id}")
    visit = Visit(
        rep_id=viewer.user_id if rep_id is None else rep_id,
        customer_id=customer_id,
        contact_id=contact_id,
        visited_on=visited_on,
        kind=kind,
        outcome=outcome,
        notes=notes,
        next_step=next_step,
        next_date=next_date,
        amount_wan=amount_wan,
        effective=outcome != "no_show" if effective is None else effective,
        clarified=list(clarified or []),
        need=need,
        interest=interest,
    )
    session.add(visit)
    await session.flush()
    await session.refresh(visit, ["customer", "contact"])
    return visit


async def get_visit(session: AsyncSession, viewer: Viewer, visit_id: int) -> Visit | None:
    return await session.scalar(_visible_visits(viewer).where(Visit.id == visit_id))


async def recent_visits(session: AsyncSession, viewer: Viewer, limit: int = 10) -> list[Visit]:
    stmt = _visible_visits(viewer).order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(limit)
    return list(await session.scalars(stmt))


async def visits_for_customer(
    session: AsyncSession, viewer: Viewer, customer_id: int, limit: int | None = None
) -> list[Visit]:
    stmt = (
        _visible_visits(viewer)
        .where(Visit.customer_id == customer_id)
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(stmt))


async def latest_visit_ids(session: AsyncSession, customer_id: int) -> list[int]:
    """The customer's visits that are not voided, latest first (by visit day, then as logged), by
    every rep: which one is the customer's latest is not a question of who may read it."""
    stmt = (
        select(Visit.id)
        .where(Visit.customer_id == customer_id, Visit.voided_at.is_(None))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    return list(await session.scalars(stmt))


async def latest_stated_amount(session: AsyncSession, customer_id: int) -> float | None:
    """The amount of the customer's latest visit (not voided) that states one."""
    stmt = (
        select(Visit.amount_wan)
        .where(Visit.customer_id == customer_id, Visit.voided_at.is_(None), Visit.amount_wan.is_not(None))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def visits_between(session: AsyncSession, viewer: Viewer, start: date, end: date) -> list[Visit]:
    """Visits with ``start <= visited_on <= end``, oldest first, voided ones left out (for reports,
    quotas and exports)."""
    stmt = (
        _visible_visits(viewer)
        .where(Visit.visited_on >= start, Visit.visited_on <= end, Visit.voided_at.is_(None))
        .order_by(Visit.visited_on, Visit.id)
    )
    return list(await session.scalars(stmt))


def _in_reps_team() -> Any:
    """A visit to a customer of its rep's current team (the visits of a team the rep left stay
    with that team: they count and remind there no more)."""
    return Customer.team_id.is_not_distinct_from(User.team_id)


async def count_effective_visits(session: AsyncSession, user_ids: Iterable[int], day: date) -> dict[int, int]:
    """Effective visits per rep on ``day`` in the rep's current team (for quotas; voided ones do
    not count); reps with none are absent."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Visit.rep_id, func.count(Visit.customer_id.distinct()))
        .join(Customer, Visit.customer_id == Customer.id)
        .join(User, Visit.rep_id == User.id)
        .where(
            _in_reps_team(),
            Visit.rep_id.in_(ids),
            Visit.visited_on == day,
            Visit.effective.is_(True),
            Visit.voided_at.is_(None),
        )
        .group_by(Visit.rep_id)
    )
    return {rep_id: n for rep_id, n in rows}


async def due_reminders(session: AsyncSession, day: date) -> list[Visit]:
    """Visits (not voided) whose follow-up (``next_date``) is ``day``, to customers of their rep's
    current team (scheduler use: which of them still need their reminder is for its claims to say,
    so a failed send is tried again)."""
    stmt = (
        select(Visit)
        .join(Customer, Visit.customer_id == Customer.id)
        .join(User, Visit.rep_id == User.id)
        .where(Visit.next_date == day, Visit.voided_at.is_(None), _in_reps_team())
        .order_by(Visit.rep_id, Visit.id)
    )
    return list(await session.scalars(stmt))


async def mark_reminded(session: AsyncSession, visit_ids: Iterable[int], at: datetime | None = None) -> int:
    ids = list(visit_ids)
    if not ids:
        return 0
    result = await session.execute(
        update(Visit)
        .where(Visit.id.in_(ids), Visit.reminder_sent_at.is_(None))
        .values(reminder_sent_at=at or utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- changes after saving


async def change_visit(
    session: AsyncSession, visit: Visit, by: int, changes: list[tuple[str, Any, str, str | None, str | None]]
) -> Visit:
    """Set columns of ``visit`` and keep each change. ``changes``: (column, new value, the field's
    name as people know it, old shown, new shown). Who may change it is the caller's rule."""
    at = utcnow()
    for column, value, field, old_text, new_text in changes:
        setattr(visit, column, value)
        session.add(
            VisitChange(
                visit_id=visit.id, changed_by=by, changed_at=at, field=field, old=old_text, new=new_text
            )
        )
    await session.flush()
    await session.refresh(visit, ["customer", "contact"])
    return visit


async def void_visit(session: AsyncSession, visit: Visit, by: int) -> bool:
    """Mark the visit void (kept, counted nowhere); False if it was void already."""
    at = utcnow()
    result = await session.execute(
        update(Visit)
        .where(Visit.id == visit.id, Visit.voided_at.is_(None))
        .values(voided_at=at)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    session.add(
        VisitChange(visit_id=visit.id, changed_by=by, changed_at=at, field="voided", old=None, new=None)
    )
    await session.flush()
    return True


async def note_milestone_move(
    session: AsyncSession, visit: Visit, before: str | None, after: str | None
) -> None:
    """Keep on the visit the milestone it moved its customer from and to (``after`` None: none)."""
    visit.milestone_before, visit.milestone_set = (before, after) if after is not None else (None, None)
    await session.flush()


async def visit_holding_milestone(
    session: AsyncSession, visit: Visit, customer_id: int, milestone: str, holding_outcome: str | None
) -> Visit | None:
    """Another visit of the customer (not voided, the latest such) that keeps it at the ``milestone``
    ``visit`` moved it to: one that set the same milestone, one logged later that moved it again, or
    one whose outcome (``holding_outcome``) leads to that milestone by itself."""
    others = [
        Visit.milestone_set == milestone,
        and_(Visit.id > visit.id, Visit.milestone_set.is_not(None)),
    ]
    if holding_outcome is not None:
        others.append(Visit.outcome == holding_outcome)
    stmt = (
        select(Visit)
        .where(
            Visit.customer_id == customer_id, Visit.id != visit.id, Visit.voided_at.is_(None), or_(*others)
        )
        .order_by(Visit.id.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def changes_of(session: AsyncSession, visit_id: int) -> list[VisitChange]:
    stmt = select(VisitChange).where(VisitChange.visit_id == visit_id).order_by(VisitChange.id)
    return list(await session.scalars(stmt))
