"""The day's scheduled messages: each person's tasks in the morning, a summary to the managers in
the evening, at the times set per team (/schedule). Computed from the database at every tick and
claimed row by row there, so a restart or a second process never sends one twice, and a process
started late still sends the day's push. Both go out on the team's working days only: China's
official calendar (none on 国庆, one on a 调休 Saturday) unless the team changed it in /schedule.
A push the transport could not deliver is claimed and sent again by a later tick (store/claims.py:
up to MAX_ATTEMPTS sends)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.engine.core import Context, Engine
from bot.engine.messages import Outgoing, Reply
from bot.features.drills.daily import daily_drill
from bot.features.tasks.rendering import render_person_tasks
from bot.sales.localtime import at_local, local_today, md
from bot.sales.tasks.daily import MORNING, RepDay, morning_key, person_day, team_day, works_on
from bot.sales.workcalendar import read_workweek, team_works_on, work_calendar
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
        if start <= now < end and works_on(person, day):
            due[morning_key(person.team_id, day, person.id)] = person
    outgoing = []
    nothing: list[str] = []  # claimed, with nothing to send: done (else its lease would run out)
    for key in await engine.db.claim_each(MORNING, due, engine.worker, at=now):
        person = due[key]
        async with engine.db.transaction() as session:
            rows, done = await person_day(session, person, day)
            drill = await daily_drill(engine, session, person)
        if rows:
            header = text("push_morning_header", name=person.name, day=md(day))
            reply = render_person_tasks(header, rows, done)
        elif drill:
            reply = Reply(text("push_daily_drill_only", name=person.name, day=md(day)))
        else:
            nothing.append(key)
            continue
        if drill:  # 今日一练, with one tap to start (teams turn it on with /drillpush)
            line, button = drill
            reply = replace(reply, text=f"{reply.text}\n\n{line}", buttons=(*reply.buttons, (button,)))
        outgoing.append(Outgoing(person.telegram_id, reply, claim=(MORNING, key)))
    await engine.db.settle_each(MORNING, nothing)
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
            if start <= now < end and team_works_on(team.workweek, day):
                for manager in await users.managers_of_team(session, team.id):
                    due[f"{team.id}:{day.isoformat()}:{manager.id}"] = (team, manager)
    outgoing = []
    summaries: dict[int, str] = {}
    for key in await engine.db.claim_each(EVENING, due, engine.worker, at=now):
        team, manager = due[key]
        if team.id not in summaries:
            async with engine.db.transaction() as session:
                summaries[team.id] = team_summary_text(team, day, await team_day(session, team, day))
        outgoing.append(Outgoing(manager.telegram_id, Reply(summaries[team.id]), claim=(EVENING, key)))
    return outgoing


# ---------------------------------------------------------------- /schedule


def workweek_label(workweek: str, today: date) -> str:
    label = text(f"workweek_{workweek}")
    if workweek != "every_day" and not work_calendar().is_official(today.year):
        label += text("calendar_fallback_note", year=today.year)
    return label


async def schedule_command(ctx: Context) -> list[Reply]:
    """/schedule [早上 [晚上]] [法定工作日 | 周六上班 | 每天]: the team's push times and workweek."""
    if ctx.user.team_id is None:
        return [Reply(text("task_no_team"))]
    words = ctx.incoming.args.replace("：", ":").replace("，", " ").replace(",", " ").split()
    workweeks = [w for w in (read_workweek(word) for word in words) if w]
    times = [word for word in words if not read_workweek(word)]
    if len(workweeks) > 1 or len(times) > 2:
        return [Reply(text("schedule_bad_time"))]
    async with ctx.db.transaction() as session:
        if words:
            try:
                team = await users.set_team_schedule(
                    session,
                    ctx.user.team_id,
                    morning_push=times[0] if times else None,
                    evening_summary=times[1] if len(times) > 1 else None,
                    workweek=workweeks[0] if workweeks else None,
                )
            except ValueError:
                return [Reply(text("schedule_bad_time"))]
        else:
            team = await users.get_team(session, ctx.user.team_id)
    assert team is not None
    key = "schedule_set" if words else "schedule_show"
    return [
        Reply(
            text(
                key,
                team=team.name,
                morning=team.morning_push,
                evening=team.evening_summary,
                workweek=workweek_label(team.workweek, ctx.today),
            )
        )
    ]
