"""Tasks pushed by managers, and each person's daily status on them.

A task applies to a user when it is active and its scope matches (``user``: the assignee;
``team``: members of the team; ``all``: everyone), from ``starts_on`` (if set) on.
- ``recurrence='daily'``: one TaskStatus per user per day, until ``due_date`` (if set).
- one-off: one TaskStatus per user, created the first day it is looked at; it is listed while
  open, and on that first day whatever its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store._sql import insert_ignore
from store.access import AccessDenied, Viewer, in_team, visible
from store.models import RECURRENCES, TASK_SCOPES, TASK_STATUSES, Task, TaskStatus, User, utcnow
from store.visits import count_effective_visits


@dataclass(frozen=True)
class Progress:
    """One person's status on one task for one day (``visits_done`` only for quota tasks)."""

    user_id: int
    user_name: str
    team_id: int | None
    status_id: int
    task_id: int
    title: str
    status: str
    reason: str | None
    quota_visits: int | None
    visits_done: int | None


def _who(user: User | Viewer) -> tuple[int, int | None]:
    if isinstance(user, Viewer):
        return user.user_id, user.team_id
    return user.id, user.team_id


async def create_task(
    session: AsyncSession,
    viewer: Viewer,
    title: str,
    *,
    scope: str,
    assignee_id: int | None = None,
    team_id: int | None = None,
    due_date: date | None = None,
    starts_on: date | None = None,
    customer_id: int | None = None,
    recurrence: str | None = None,
    quota_visits: int | None = None,
) -> Task:
    """Create a task as ``viewer``. Admins: any scope; managers: their team or one of its members;
    reps: only themselves. ``team_id`` defaults to the viewer's team for scope 'team'."""
    if scope not in TASK_SCOPES:
        raise ValueError(f"scope must be one of {TASK_SCOPES}")
    if recurrence is not None and recurrence not in RECURRENCES:
        raise ValueError(f"recurrence must be None or one of {RECURRENCES}")
    if quota_visits is not None and quota_visits <= 0:
        raise ValueError("quota_visits must be positive")
    if not title.strip():
        raise ValueError("task title is empty")
    if scope == "user":
        if assignee_id is None:
            raise ValueError("scope 'user' needs an assignee")
        assignee = await session.get(User, assignee_id)
        if assignee is None:
            raise LookupError(f"no user {assignee_id}")
        team_id = assignee.team_id  # the task applies to the assignee in that team only
        allowed = (
            viewer.is_admin
            or assignee_id == viewer.user_id
            or (viewer.is_manager and viewer.team_id is not None and assignee.team_id == viewer.team_id)
        )
    elif scope == "team":
        team_id = viewer.team_id if team_id is None else team_id
        if team_id is None:
            raise ValueError("scope 'team' needs a team")
        assignee_id = None
        allowed = viewer.is_admin or (viewer.is_manager and team_id == viewer.team_id)
    else:
        assignee_id = team_id = None
        allowed = viewer.is_admin
    if not allowed:
        raise AccessDenied(f"{viewer.role} cannot create a {scope!r} task here")
    task = Task(
        created_by=viewer.user_id,
        title=title.strip(),
        scope=scope,
        assignee_id=assignee_id,
        team_id=team_id,
        due_date=due_date,
        starts_on=starts_on,
        customer_id=customer_id,
        recurrence=recurrence,
        quota_visits=quota_visits,
    )
    session.add(task)
    await session.flush()
    return task


def _applies(user_id: int, team_id: int | None, day: date) -> Any:
    return and_(
        Task.active.is_(True),
        or_(
            Task.scope == "all",
            and_(Task.scope == "team", Task.team_id == team_id) if team_id is not None else false(),
            and_(Task.scope == "user", Task.assignee_id == user_id, in_team(Task.team_id, team_id)),
        ),
        or_(Task.starts_on.is_(None), Task.starts_on <= day),
        or_(Task.recurrence.is_(None), Task.due_date.is_(None), Task.due_date >= day),
    )


def _listed_on(day: date) -> Any:
    return or_(TaskStatus.day == day, and_(Task.recurrence.is_(None), TaskStatus.status == "open"))


async def statuses_for(
    session: AsyncSession, user: User | Viewer, day: date, *, daily: bool = True
) -> list[TaskStatus]:
    """The user's statuses for ``day`` on every task that applies to them, creating missing rows
    (status 'open'). Each comes with ``.task`` loaded. ``daily=False`` (a day off) leaves out the
    tasks that repeat every working day."""
    user_id, team_id = _who(user)
    tasks = list(await session.scalars(select(Task).where(_applies(user_id, team_id, day))))
    if not daily:
        tasks = [t for t in tasks if t.recurrence is None]
    if not tasks:
        return []
    one_off = [t.id for t in tasks if t.recurrence is None]
    started = set()
    if one_off:
        started = set(
            await session.scalars(
                select(TaskStatus.task_id).where(
                    TaskStatus.user_id == user_id,
                    in_team(TaskStatus.team_id, team_id),
                    TaskStatus.task_id.in_(one_off),
                )
            )
        )
    now = utcnow()
    missing = [
        {
            "task_id": t.id,
            "user_id": user_id,
            "team_id": team_id,
            "day": day,
            "status": "open",
            "updated_at": now,
        }
        for t in tasks
        if t.recurrence is not None or t.id not in started
    ]
    await insert_ignore(session, TaskStatus, missing, conflict=("task_id", "user_id", "day"))
    stmt = (
        select(TaskStatus)
        .join(Task, TaskStatus.task_id == Task.id)
        .where(
            TaskStatus.user_id == user_id,
            in_team(TaskStatus.team_id, team_id),
            TaskStatus.task_id.in_([t.id for t in tasks]),
            _listed_on(day),
        )
        .order_by(Task.id)
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(stmt))


async def open_tasks(session: AsyncSession, user: User | Viewer, day: date) -> list[TaskStatus]:
    return [s for s in await statuses_for(session, user, day) if s.status == "open"]


async def set_status(
    session: AsyncSession, viewer: Viewer, status_id: int, status: str, reason: str | None = None
) -> TaskStatus:
    """Mark done / not_done / open. Reps change only their own; managers their team's."""
    if status not in TASK_STATUSES:
        raise ValueError(f"status must be one of {TASK_STATUSES}")
    stmt = visible(
        viewer,
        select(TaskStatus).where(TaskStatus.id == status_id),
        owner_col=TaskStatus.user_id,
        team_col=TaskStatus.team_id,
    )
    row = await session.scalar(stmt)
    if row is None:
        raise AccessDenied(f"task status {status_id}")
    row.status, row.reason, row.updated_at = status, reason, utcnow()
    await session.flush()
    return row


async def list_tasks(session: AsyncSession, viewer: Viewer, *, include_inactive: bool = False) -> list[Task]:
    """Tasks the viewer may see: admin all; manager those of their team, its members and 'all';
    rep those that apply to them."""
    stmt = select(Task).order_by(Task.id)
    if not include_inactive:
        stmt = stmt.where(Task.active.is_(True))
    if viewer.is_admin:
        pass
    elif viewer.is_manager and viewer.team_id is not None:
        # a 'user' task carries its assignee's team: the team's tasks are all of them
        stmt = stmt.where(or_(Task.scope == "all", Task.team_id == viewer.team_id))
    else:
        team = viewer.team_id
        stmt = stmt.where(
            or_(
                Task.scope == "all",
                and_(Task.scope == "team", Task.team_id == team) if team is not None else false(),
                and_(Task.assignee_id == viewer.user_id, in_team(Task.team_id, team)),
            )
        )
    return list(await session.scalars(stmt))


async def deactivate_task(session: AsyncSession, viewer: Viewer, task_id: int) -> bool:
    """Stop a task (its history stays). Its creator (while in its team), an admin, or the team's
    manager may."""
    task = await session.get(Task, task_id)
    if task is None:
        return False
    if not (
        viewer.is_admin
        or (task.created_by == viewer.user_id and task.team_id == viewer.team_id)
        or (viewer.is_manager and task.team_id is not None and task.team_id == viewer.team_id)
    ):
        raise AccessDenied(f"task {task_id}")
    result = await session.execute(
        update(Task).where(Task.id == task_id, Task.active.is_(True)).values(active=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def team_progress(session: AsyncSession, viewer: Viewer, day: date) -> list[Progress]:
    """Everyone's statuses for ``day`` that the viewer may see (rep: own; manager: team; admin:
    all active users), materializing missing rows first."""
    people = visible(
        viewer,
        select(User).where(User.active.is_(True)).order_by(User.team_id, User.name, User.id),
        owner_col=User.id,
        team_col=User.team_id,
    )
    rows: list[tuple[User, TaskStatus]] = []
    for person in list(await session.scalars(people)):
        rows.extend((person, s) for s in await statuses_for(session, person, day))
    quota_people = {p.id for p, s in rows if s.task.quota_visits}
    done = await count_effective_visits(session, quota_people, day)
    return [
        Progress(
            user_id=p.id,
            user_name=p.name,
            team_id=p.team_id,
            status_id=s.id,
            task_id=s.task_id,
            title=s.task.title,
            status=s.status,
            reason=s.reason,
            quota_visits=s.task.quota_visits,
            visits_done=done.get(p.id, 0) if s.task.quota_visits else None,
        )
        for p, s in rows
    ]


async def get_status(session: AsyncSession, viewer: Viewer, status_id: int) -> TaskStatus | None:
    """One status row (with ``.task``) if the viewer may see it."""
    stmt = visible(
        viewer,
        select(TaskStatus).where(TaskStatus.id == status_id),
        owner_col=TaskStatus.user_id,
        team_col=TaskStatus.team_id,
    )
    return await session.scalar(stmt.execution_options(populate_existing=True))


async def complete_met_quotas(session: AsyncSession, statuses: list[TaskStatus], day: date) -> int:
    """Mark 'done' the open quota statuses of ``day`` whose effective visits reached the quota.
    Returns how many changed (the objects given are updated in place)."""
    candidates = [s for s in statuses if s.status == "open" and s.task.quota_visits and s.day == day]
    if not candidates:
        return 0
    done = await count_effective_visits(session, {s.user_id for s in candidates}, day)
    changed = 0
    for row in candidates:
        if done.get(row.user_id, 0) >= (row.task.quota_visits or 0):
            row.status, row.reason, row.updated_at = "done", None, utcnow()
            changed += 1
    if changed:
        await session.flush()
    return changed


async def statuses_between(session: AsyncSession, viewer: Viewer, start: date, end: date) -> list[TaskStatus]:
    """Status rows with ``start <= day <= end`` that the viewer may see (reports)."""
    stmt = visible(
        viewer,
        select(TaskStatus)
        .where(TaskStatus.day >= start, TaskStatus.day <= end)
        .order_by(TaskStatus.day, TaskStatus.id),
        owner_col=TaskStatus.user_id,
        team_col=TaskStatus.team_id,
    )
    return list(await session.scalars(stmt))
