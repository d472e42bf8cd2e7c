"""A day of tasks: each person's tasks with their status, and a team's day for the evening
summary (tasks done, visits logged and effective, quota progress per rep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from store import tasks, users, visits
from store.access import Viewer
from store.models import TaskStatus, Team, User
from store.visits import count_effective_visits

MORNING = "morning"  # claim kind of the morning push


def morning_key(team_id: int | None, day: date, user_id: int) -> str:
    """The claim key of one person's morning push."""
    return f"{team_id or 0}:{day.isoformat()}:{user_id}"


async def person_statuses(session: Any, user: User, day: date) -> list[TaskStatus]:
    """The person's tasks for ``day``. Team and everyone tasks are for reps; a manager or admin
    gets only tasks assigned to them by name. Quotas met by logged visits are marked done."""
    rows = await tasks.statuses_for(session, user, day)
    if user.role != "rep":
        rows = [r for r in rows if r.task.scope == "user"]
    await tasks.complete_met_quotas(session, rows, day)
    return rows


async def person_day(session: Any, user: User, day: date) -> tuple[list[TaskStatus], int]:
    """The person's tasks for ``day`` and how many effective visits they logged that day."""
    rows = await person_statuses(session, user, day)
    done = (await count_effective_visits(session, [user.id], day)).get(user.id, 0)
    return rows, done


@dataclass(frozen=True)
class RepDay:
    rep: User
    tasks: list[TaskStatus]
    visits: int
    effective_visits: int  # logged that day, as the visits say
    quota_progress: int  # effective visits as the quota counts them
    quota: int | None  # the largest daily visit quota among the rep's tasks


async def team_day(session: Any, team: Team, day: date) -> list[RepDay]:
    """Per rep of ``team``: tasks, visits logged, effective visits, quota progress."""
    viewer = Viewer.system(team.id)
    reps = await users.users_of_team(session, team.id, role="rep")
    logged = await visits.visits_between(session, viewer, day, day)
    effective = await count_effective_visits(session, [r.id for r in reps], day)
    out = []
    for rep in reps:
        rows = await person_statuses(session, rep, day)
        own = [v for v in logged if v.rep_id == rep.id]
        quotas = [r.task.quota_visits for r in rows if r.task.quota_visits]
        out.append(
            RepDay(
                rep=rep,
                tasks=rows,
                visits=len(own),
                effective_visits=sum(v.effective for v in own),
                quota_progress=effective.get(rep.id, 0),
                quota=max(quotas) if quotas else None,
            )
        )
    return out
