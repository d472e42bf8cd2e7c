"""The day's scheduled messages: each person's tasks in the morning, a summary to the managers in
the evening, at the times set per team (/schedule). Computed from the database at every tick and
claimed row by row there, so a restart or a second process never sends one twice, and a process
started late still sends the day's push."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from bot.engine.core import Context, Engine
from bot.engine.messages import Outgoing, Reply
from bot.features.tasks.rendering import render_person_tasks
from bot.sales.localtime import at_local, local_today, md
from bot.sales.tasks.daily import MORNING, RepDay, morning_key, person_day, team_day
from prompts import text
from store import users
from store.models import DEFAULT_EVENING_SUMMARY, DEFAULT_MORNING_PUSH, Team, User

log = logging.getLogger(__name__)

EVENING = "evening"


def morning_window(day: date, morning: str, evening: str, tz: Any) -> tuple[datetime, datetime]:
    """From the morning time until the evening summary (or midnight if that comes first)."""
    start = at_local(day, morning, tz)
    end = at_local(day, evening, tz)
    return start, end if end > start else at_local(day + timedelta(days=1), "00:00", tz)


def evening_window(day: date, evening: str, tz: Any) -> tuple[datetime, datetime]:
    return at_local(day, evening, tz), at_local(day + timedelta(days=1), "00:00", tz)


async def morning_push(engine: Engine, now: datetime) -> list[Outgoing]:
    tz = engine.settings.timezone
    day = local_today(now, tz)
    async with engine.db.transaction() as session:
        teams = {t.id: t for t in await users.list_teams(session)}
        people = await users.list_users(session)
    due: dict[str, User] = {}
    for person in people:
        team = teams.get(person.team_id or 0)
        morning = team.morning_push if team else DEFAULT_MORNING_PUSH
        evening = team.evening_summary if team else DEFAULT_EVENING_SUMMARY
        start, end = morning_window(day, morning, evening, tz)
        if start <= now < end:
            due[morning_key(person.team_id, day, person.id)] = person
    outgoing = []
    for key in await engine.db.claim_each(MORNING, due, engine.worker):
        person = due[key]
        async with engine.db.transaction() as session:
            rows, done = await person_day(session, person, day)
        if rows:
            header = text("push_morning_header", name=person.name, day=md(day))
            outgoing.append(Outgoing(person.telegram_id, render_person_tasks(header, rows, done)))
    return outgoing


def team_summary_text(team: Team, day: date, reps: list[RepDay]) -> str:
    """Per rep: tasks done/open, visits logged, effective visits, quota progress."""
    lines = [text("summary_header", team=team.name, day=md(day))]
    if not reps:
        lines.append(text("summary_no_reps"))
    for rep_day in reps:
        rows = rep_day.tasks
        parts = [
            text("summary_tasks", done=sum(r.status == "done" for r in rows), total=len(rows))
            if rows
            else text("summary_no_tasks"),
            text("summary_visits", visits=rep_day.visits, effective=rep_day.effective_visits),
        ]
        if rep_day.quota:
            quota, n_eff = rep_day.quota, rep_day.quota_progress
            mark = "✅" if n_eff >= quota else "⚠️"
            parts.append(text("summary_quota", done=min(n_eff, quota), quota=quota, mark=mark))
        lines.append(text("summary_rep", name=rep_day.rep.name, parts="；".join(parts)))
        for row in rows:
            if row.status == "open":
                lines.append(text("summary_open_item", title=row.task.title))
            elif row.status == "not_done":
                lines.append(text("summary_not_done_item", title=row.task.title, reason=row.reason or "-"))
    return "\n".join(lines)


async def evening_summary(engine: Engine, now: datetime) -> list[Outgoing]:
    tz = engine.settings.timezone
    day = local_today(now, tz)
    async with engine.db.transaction() as session:
        teams = await users.list_teams(session)
        due: dict[str, tuple[Team, User]] = {}
        for team in teams:
            start, end = evening_window(day, team.evening_summary, tz)
            if start <= now < end:
                for manager in await users.managers_of_team(session, team.id):
                    due[f"{team.id}:{day.isoformat()}:{manager.id}"] = (team, manager)
    outgoing = []
    summaries: dict[int, str] = {}
    for key in await engine.db.claim_each(EVENING, due, engine.worker):
        team, manager = due[key]
        if team.id not in summaries:
            async with engine.db.transaction() as session:
                summaries[team.id] = team_summary_text(team, day, await team_day(session, team, day))
        outgoing.append(Outgoing(manager.telegram_id, Reply(summaries[team.id])))
    return outgoing


# ---------------------------------------------------------------- /schedule


async def schedule_command(ctx: Context) -> list[Reply]:
    if ctx.user.team_id is None:
        return [Reply(text("task_no_team"))]
    times = ctx.incoming.args.replace("，", " ").replace(",", " ").split()
    async with ctx.db.transaction() as session:
        if times:
            try:
                team = await users.set_team_schedule(
                    session,
                    ctx.user.team_id,
                    morning_push=times[0],
                    evening_summary=times[1] if len(times) > 1 else None,
                )
            except ValueError:
                return [Reply(text("schedule_bad_time"))]
        else:
            team = await users.get_team(session, ctx.user.team_id)
    assert team is not None
    key = "schedule_set" if times else "schedule_show"
    return [Reply(text(key, team=team.name, morning=team.morning_push, evening=team.evening_summary))]
