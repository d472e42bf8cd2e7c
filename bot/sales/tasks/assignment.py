"""Who a task is for, and publishing it: the people it reaches and what a typed line says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.sales.parsing.customers import find_known_customer
from bot.sales.parsing.task_text import EVERYONE_WORDS, TEAM_WORDS, read_details
from store import customers, tasks, users
from store.access import Viewer
from store.models import Task, User

KNOWN_CUSTOMERS_LIMIT = 5000


@dataclass(frozen=True)
class Target:
    scope: str  # user | team | all
    assignee_id: int | None
    team_id: int | None
    label: str


def target_draft(target: Target) -> dict[str, Any]:
    return {
        "scope": target.scope,
        "assignee_id": target.assignee_id,
        "team_id": target.team_id,
        "label": target.label,
    }


async def assignable_people(session: Any, viewer: Viewer) -> list[User]:
    if viewer.is_admin:
        return await users.list_users(session)
    if viewer.team_id is None:
        return []
    return await users.users_of_team(session, viewer.team_id)


async def resolve_target(
    session: Any, viewer: Viewer, word: str, *, everyone_label: str, team_label: str
) -> Target | list[User]:
    """A Target, or the people whose name matches ``word`` (none, or several to choose from)."""
    if word in EVERYONE_WORDS and viewer.is_admin:
        return Target("all", None, None, everyone_label)
    if (word in EVERYONE_WORDS or word in TEAM_WORDS) and viewer.team_id is not None:
        return Target("team", None, viewer.team_id, team_label)
    if viewer.is_admin:
        for team in await users.list_teams(session):
            if team.name == word:
                return Target("team", None, team.id, team.name)
    people = await assignable_people(session, viewer)
    exact = [p for p in people if p.name == word]
    found = exact or [p for p in people if word and (word in p.name or p.name in word)]
    if len(found) == 1:
        return Target("user", found[0].id, None, found[0].name)
    return found


async def read_task_line(session: Any, viewer: Viewer, line: str, today: date) -> dict[str, Any]:
    """A task's details from its typed text: title, due date, daily repeat, visit quota, and the
    customer it names (one the manager may see)."""
    details = read_details(line, today)
    known = await customers.list_customers(session, viewer, limit=KNOWN_CUSTOMERS_LIMIT)
    hit = find_known_customer(line, [c.name for c in known])
    customer = next((c for c in known if hit and c.name == hit[0]), None)
    return {
        "title": details.title,
        "due": details.due.isoformat() if details.due else None,
        "recurrence": details.recurrence,
        "quota": details.quota_visits,
        "customer_id": customer.id if customer else None,
        "customer_name": customer.name if customer else None,
    }


async def recipients(session: Any, scope: str, assignee_id: int | None, team_id: int | None) -> list[User]:
    if scope == "user":
        person = await users.get_user(session, assignee_id) if assignee_id else None
        return [person] if person is not None and person.active else []
    if scope == "team" and team_id is not None:
        return await users.users_of_team(session, team_id, role="rep")
    return await users.list_users(session, role="rep")


async def create_from_draft(session: Any, viewer: Viewer, draft: dict[str, Any]) -> tuple[Task, list[User]]:
    """The task of a confirmed draft, and the people it reaches (AccessDenied: not the viewer's)."""
    recurrence = draft.get("recurrence")
    task = await tasks.create_task(
        session,
        viewer,
        draft["title"],
        scope=draft["scope"],
        assignee_id=draft.get("assignee_id"),
        team_id=draft.get("team_id"),
        due_date=date.fromisoformat(draft["due"]) if draft.get("due") and not recurrence else None,
        customer_id=draft.get("customer_id"),
        recurrence=recurrence,
        quota_visits=draft.get("quota"),
    )
    return task, await recipients(session, task.scope, task.assignee_id, task.team_id)
