"""/task and /tasks: a manager assigns tasks (a guided form or one line), a rep marks them
✅ 完成 or 未完成 (with a reason). The morning push and the evening summary are in pushes.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.engine.core import Context, Engine
from bot.engine.messages import Button, Outgoing, Reply
from bot.sales.localtime import local_today, md
from bot.sales.parsing.customers import find_known_customer
from bot.sales.parsing.task_text import EVERYONE_WORDS, TEAM_WORDS, read_details, split_target
from prompts import text
from store import claims, customers, tasks, users
from store.access import AccessDenied, Viewer
from store.models import TaskStatus, User
from store.visits import count_effective_visits

FLOW = "task"
REASON_FLOW = "task_reason"
DONE, NOT_DONE, STOP = "td", "tn", "tstop"
MORNING = "morning"  # claim kind of the morning push (see pushes.py)
MAX_TARGET_BUTTONS = 12
QUICK_REASONS = ("客户不在", "时间冲突", "客户改期")
ICONS = {"open": "⬜", "done": "✅", "not_done": "❌"}


def morning_key(team_id: int | None, day: date, user_id: int) -> str:
    return f"{team_id or 0}:{day.isoformat()}:{user_id}"


def today_of(ctx_or_engine: Context | Engine) -> date:
    engine = ctx_or_engine.engine if isinstance(ctx_or_engine, Context) else ctx_or_engine
    return local_today(engine.clock(), engine.settings.timezone)


# ---------------------------------------------------------------- a person's tasks


async def person_statuses(session: Any, user: User, day: date) -> list[TaskStatus]:
    """The person's tasks for ``day``. Team and everyone tasks are for reps; a manager or admin
    gets only tasks assigned to them by name. Quotas met by logged visits are marked done."""
    rows = await tasks.statuses_for(session, user, day)
    if user.role != "rep":
        rows = [r for r in rows if r.task.scope == "user"]
    await tasks.complete_met_quotas(session, rows, day)
    return rows


def status_line(i: int, row: TaskStatus, visits_done: int) -> str:
    task = row.task
    extras = []
    if task.recurrence == "daily":
        extras.append(text("task_daily_mark"))
    if task.due_date and task.recurrence is None:
        extras.append(text("task_due_mark", due=md(task.due_date)))
    if task.quota_visits:
        extras.append(
            text("task_quota_mark", done=min(visits_done, task.quota_visits), quota=task.quota_visits)
        )
    if row.status == "not_done" and row.reason:
        extras.append(text("task_reason_mark", reason=row.reason))
    suffix = f"（{'，'.join(extras)}）" if extras else ""
    return f"{i}. {ICONS[row.status]} {task.title}{suffix}"


def render_person_tasks(
    header: str, rows: list[TaskStatus], visits_done: int, *, replace: bool = False
) -> Reply:
    if not rows:
        return Reply(header + "\n" + text("tasks_none"), replace_pressed=replace)
    lines = [status_line(i, row, visits_done) for i, row in enumerate(rows, 1)]
    open_rows = [(i, r) for i, r in enumerate(rows, 1) if r.status == "open"]
    single = len(open_rows) == 1
    buttons = tuple(
        (
            Button(text("task_btn_done") + ("" if single else f" {i}"), f"{DONE}:{r.id}"),
            Button(text("task_btn_not_done") + ("" if single else f" {i}"), f"{NOT_DONE}:{r.id}"),
        )
        for i, r in open_rows
    )
    footer = "" if open_rows else "\n" + text("tasks_all_settled")
    return Reply(header + "\n" + "\n".join(lines) + footer, buttons=buttons, replace_pressed=replace)


async def person_tasks_reply(ctx: Context, header: str, *, replace: bool = False) -> Reply:
    day = today_of(ctx)
    async with ctx.db.transaction() as session:
        rows = await person_statuses(session, ctx.user, day)
        done = (await count_effective_visits(session, [ctx.user.id], day)).get(ctx.user.id, 0)
    return render_person_tasks(header, rows, done, replace=replace)


# ---------------------------------------------------------------- who a task is for


@dataclass(frozen=True)
class Target:
    scope: str  # user | team | all
    assignee_id: int | None
    team_id: int | None
    label: str


async def assignable_people(session: Any, viewer: Viewer) -> list[User]:
    if viewer.is_admin:
        return await users.list_users(session)
    if viewer.team_id is None:
        return []
    return await users.users_of_team(session, viewer.team_id)


async def resolve_target(session: Any, viewer: Viewer, word: str) -> Target | list[User]:
    """A Target, or the people whose name matches ``word`` (none, or several to choose from)."""
    if word in EVERYONE_WORDS and viewer.is_admin:
        return Target("all", None, None, text("task_target_all"))
    if (word in EVERYONE_WORDS or word in TEAM_WORDS) and viewer.team_id is not None:
        return Target("team", None, viewer.team_id, text("task_target_team"))
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


def target_buttons(people: list[User], viewer: Viewer) -> tuple[tuple[Button, ...], ...]:
    everyone = text("task_target_all") if viewer.is_admin else text("task_target_team")
    rows: list[tuple[Button, ...]] = [
        (Button(everyone, f"{FLOW}:to:{'all' if viewer.is_admin else 'team'}"),)
    ]
    names = [Button(p.name, f"{FLOW}:to:{p.id}") for p in people if p.role == "rep"][:MAX_TARGET_BUTTONS]
    rows.extend(tuple(names[i : i + 3]) for i in range(0, len(names), 3))
    rows.append((Button(text("task_btn_cancel"), f"{FLOW}:no"),))
    return tuple(rows)


def target_data(target: Target) -> dict[str, Any]:
    return {
        "scope": target.scope,
        "assignee_id": target.assignee_id,
        "team_id": target.team_id,
        "label": target.label,
    }


# ---------------------------------------------------------------- drafting and publishing


async def draft_from_title(ctx: Context, data: dict[str, Any], title: str) -> dict[str, Any]:
    details = read_details(title, today_of(ctx))
    async with ctx.db.transaction() as session:
        known = await customers.list_customers(session, ctx.viewer, limit=5000)
    hit = find_known_customer(title, [c.name for c in known])
    customer = next((c for c in known if hit and c.name == hit[0]), None)
    return data | {
        "title": details.title,
        "due": details.due.isoformat() if details.due else None,
        "recurrence": details.recurrence,
        "quota": details.quota_visits,
        "customer_id": customer.id if customer else None,
        "customer_name": customer.name if customer else None,
    }


def describe_draft(data: dict[str, Any]) -> str:
    lines = [
        text("task_field_target", value=data["label"]),
        text("task_field_title", value=data["title"]),
        text(
            "task_field_due",
            value=md(date.fromisoformat(data["due"])) if data.get("due") else text("task_no_due"),
        ),
        text(
            "task_field_repeat",
            value=text("task_repeat_daily" if data.get("recurrence") else "task_repeat_once"),
        ),
    ]
    if data.get("quota"):
        lines.append(text("task_field_quota", value=data["quota"]))
    if data.get("customer_name"):
        lines.append(text("task_field_customer", value=data["customer_name"]))
    return "\n".join(lines)


def review_reply(data: dict[str, Any], today: date, *, replace: bool = False) -> Reply:
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    dues = (
        (text("task_due_today"), today),
        (text("task_due_tomorrow"), today + timedelta(days=1)),
        (text("task_due_friday"), friday),
    )
    repeat = "once" if data.get("recurrence") else "daily"
    buttons = (
        (
            *tuple(Button(label, f"{FLOW}:due:{d.isoformat()}") for label, d in dues),
            Button(text("task_due_none"), f"{FLOW}:due:none"),
        ),
        (Button(text(f"task_btn_repeat_{repeat}"), f"{FLOW}:rep:{repeat}"),),
        (Button(text("task_btn_publish"), f"{FLOW}:ok"), Button(text("task_btn_cancel"), f"{FLOW}:no")),
    )
    return Reply(text("task_review", draft=describe_draft(data)), buttons=buttons, replace_pressed=replace)


async def recipients(session: Any, scope: str, assignee_id: int | None, team_id: int | None) -> list[User]:
    if scope == "user":
        person = await users.get_user(session, assignee_id) if assignee_id else None
        return [person] if person is not None and person.active else []
    if scope == "team" and team_id is not None:
        return await users.users_of_team(session, team_id, role="rep")
    return await users.list_users(session, role="rep")


async def publish(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    day = today_of(ctx)
    recurrence = data.get("recurrence")
    try:
        async with ctx.db.transaction() as session:
            task = await tasks.create_task(
                session,
                ctx.viewer,
                data["title"],
                scope=data["scope"],
                assignee_id=data.get("assignee_id"),
                team_id=data.get("team_id"),
                due_date=date.fromisoformat(data["due"]) if data.get("due") and not recurrence else None,
                customer_id=data.get("customer_id"),
                recurrence=recurrence,
                quota_visits=data.get("quota"),
            )
            people = await recipients(session, task.scope, task.assignee_id, task.team_id)
            pushed = await claims.claimed_keys(
                session, MORNING, [morning_key(p.team_id, day, p.id) for p in people]
            )
    except AccessDenied:
        return [Reply(text("task_not_allowed_target"))]
    if ctx.state is not None and ctx.state.flow == FLOW:
        await ctx.clear_state()
    # Those whose morning push already went out today hear of the new task now; the others
    # get it in their next morning push.
    header = text("task_new_for_you", manager=ctx.user.name, title=task.title)
    for person in people:
        if morning_key(person.team_id, day, person.id) not in pushed:
            continue
        async with ctx.db.transaction() as session:
            rows = await person_statuses(session, person, day)
            done = (await count_effective_visits(session, [person.id], day)).get(person.id, 0)
        ctx.notify.append(Outgoing(person.telegram_id, render_person_tasks(header, rows, done)))
    return [Reply(text("task_published", draft=describe_draft(data), people=len(people)))]


# ---------------------------------------------------------------- /task


async def task_command(ctx: Context) -> list[Reply]:
    args = ctx.incoming.args
    async with ctx.db.transaction() as session:
        people = await assignable_people(session, ctx.viewer)
        if not args:
            found: Target | list[User] = []
        else:
            word, rest = split_target(args)
            found = await resolve_target(session, ctx.viewer, word)
    if not args:
        await ctx.save_state(FLOW, "target", {})
        return [Reply(text("task_ask_target"), buttons=target_buttons(people, ctx.viewer))]
    if isinstance(found, Target):
        data = target_data(found)
        if not rest:
            await ctx.save_state(FLOW, "content", data)
            return [Reply(text("task_ask_content", target=found.label))]
        return await publish(ctx, await draft_from_title(ctx, data, rest))
    if found:  # several people match: choose
        await ctx.save_state(FLOW, "target", {"pending_title": rest})
        return [Reply(text("task_ambiguous", word=word), buttons=target_buttons(found, ctx.viewer))]
    # No such person: the whole line is the task, ask whom it is for.
    await ctx.save_state(FLOW, "target", {"pending_title": args})
    return [Reply(text("task_unknown_target", word=word), buttons=target_buttons(people, ctx.viewer))]


async def _after_target(ctx: Context, data: dict[str, Any], target: Target) -> list[Reply]:
    data = {k: v for k, v in data.items() if k != "pending_title"} | target_data(target)
    pending = ctx.state.data.get("pending_title") if ctx.state else None
    if pending:
        data = await draft_from_title(ctx, data, pending)
        await ctx.save_state(FLOW, "review", data)
        return [review_reply(data, today_of(ctx))]
    await ctx.save_state(FLOW, "content", data)
    return [Reply(text("task_ask_content", target=target.label))]


async def task_flow(ctx: Context) -> list[Reply]:
    assert ctx.state is not None
    step, data = ctx.state.step, dict(ctx.state.data)
    incoming = ctx.incoming
    if incoming.kind == "button":
        parts = incoming.text.split(":")
        action, arg = parts[1], parts[2] if len(parts) > 2 else ""
        if action == "no":
            await ctx.clear_state()
            return [Reply(text("cancelled"), replace_pressed=True)]
        if action == "to" and step == "target":
            if arg in ("all", "team"):
                target = (
                    Target("all", None, None, text("task_target_all"))
                    if arg == "all" and ctx.viewer.is_admin
                    else Target("team", None, ctx.user.team_id, text("task_target_team"))
                )
                if target.scope == "team" and target.team_id is None:
                    return [Reply(text("task_no_team"))]
            else:
                async with ctx.db.transaction() as session:
                    person = await users.get_user(session, int(arg))
                if person is None:
                    return [Reply(text("button_expired"))]
                target = Target("user", person.id, None, person.name)
            return await _after_target(ctx, data, target)
        if step == "review" and action == "due":
            data["due"] = None if arg == "none" else arg
            data["recurrence"] = None if arg != "none" else data.get("recurrence")
        elif step == "review" and action == "rep":
            data["recurrence"] = "daily" if arg == "daily" else None
            if data["recurrence"]:
                data["due"] = None
        elif step == "review" and action == "ok":
            return await publish(ctx, data)
        else:
            return [Reply(text("button_expired"))]
        await ctx.save_state(FLOW, "review", data)
        return [review_reply(data, today_of(ctx), replace=True)]
    typed = incoming.text.strip()
    if step == "target":
        async with ctx.db.transaction() as session:
            found = await resolve_target(session, ctx.viewer, split_target(typed)[0])
            people = await assignable_people(session, ctx.viewer)
        if isinstance(found, Target):
            return await _after_target(ctx, data, found)
        return [
            Reply(
                text("task_unknown_target", word=typed[:20]),
                buttons=target_buttons(found or people, ctx.viewer),
            )
        ]
    if step == "content":
        if not typed:
            return [Reply(text("task_ask_content", target=data.get("label", "")))]
        data = await draft_from_title(ctx, data, typed)
        await ctx.save_state(FLOW, "review", data)
        return [review_reply(data, today_of(ctx))]
    return [review_reply(data, today_of(ctx))]  # review: typing repeats the form


# ---------------------------------------------------------------- /tasks and the buttons


async def tasks_command(ctx: Context) -> list[Reply]:
    if ctx.user.role == "rep":
        return [await person_tasks_reply(ctx, text("tasks_header", day=md(today_of(ctx))))]
    return [await team_tasks_reply(ctx), await person_tasks_reply(ctx, text("tasks_own_header"))]


async def team_tasks_reply(ctx: Context) -> Reply:
    """A manager's view: the active tasks with today's completion, and a stop button for each."""
    day = today_of(ctx)
    async with ctx.db.transaction() as session:
        active = await tasks.list_tasks(session, ctx.viewer)
        people = await assignable_people(session, ctx.viewer)
        names = {p.id: p.name for p in people}
        done: dict[int, int] = {}
        total: dict[int, int] = {}
        for person in people:
            for row in await person_statuses(session, person, day):
                total[row.task_id] = total.get(row.task_id, 0) + 1
                done[row.task_id] = done.get(row.task_id, 0) + (row.status == "done")
    if not active:
        return Reply(text("tasks_team_none"))
    lines = []
    for i, task in enumerate(active, 1):
        who = (
            names.get(task.assignee_id or 0, "?")
            if task.scope == "user"
            else text("task_target_all" if task.scope == "all" else "task_target_team")
        )
        mark = text("task_daily_mark") if task.recurrence else ""
        due = text("task_due_mark", due=md(task.due_date)) if task.due_date else ""
        lines.append(
            text(
                "tasks_team_line",
                i=i,
                who=who,
                title=task.title,
                mark=mark,
                due=due,
                done=done.get(task.id, 0),
                total=total.get(task.id, 0),
            )
        )
    buttons = [Button(text("task_btn_stop", i=i), f"{STOP}:{t.id}") for i, t in enumerate(active, 1)]
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return Reply(text("tasks_team_header", day=md(day)) + "\n" + "\n".join(lines), buttons=rows)


async def on_done(ctx: Context) -> list[Reply]:
    status_id = int(ctx.incoming.text.split(":")[1])
    try:
        async with ctx.db.transaction() as session:
            await tasks.set_status(session, ctx.viewer, status_id, "done")
    except AccessDenied:
        return [Reply(text("button_expired"))]
    return [await person_tasks_reply(ctx, text("task_marked_done"), replace=True)]


async def on_not_done(ctx: Context) -> list[Reply]:
    status_id = int(ctx.incoming.text.split(":")[1])
    async with ctx.db.transaction() as session:
        row = await tasks.get_status(session, ctx.viewer, status_id)
    if row is None or row.user_id != ctx.user.id:
        return [Reply(text("button_expired"))]
    await ctx.save_state(REASON_FLOW, "reason", {"status_id": status_id})
    buttons = (tuple(Button(r, f"{REASON_FLOW}:{i}") for i, r in enumerate(QUICK_REASONS)),)
    return [Reply(text("task_ask_reason", title=row.task.title), buttons=buttons)]


async def reason_flow(ctx: Context) -> list[Reply]:
    assert ctx.state is not None
    incoming = ctx.incoming
    if incoming.kind == "button":
        index = int(incoming.text.split(":")[1])
        reason = QUICK_REASONS[index] if 0 <= index < len(QUICK_REASONS) else ""
    else:
        reason = incoming.text.strip()[:200]
    if not reason:
        return [Reply(text("task_ask_reason_again"))]
    status_id = int(ctx.state.data["status_id"])
    await ctx.clear_state()
    try:
        async with ctx.db.transaction() as session:
            await tasks.set_status(session, ctx.viewer, status_id, "not_done", reason)
    except AccessDenied:
        return [Reply(text("button_expired"))]
    return [await person_tasks_reply(ctx, text("task_marked_not_done"))]


async def on_stop(ctx: Context) -> list[Reply]:
    task_id = int(ctx.incoming.text.split(":")[1])
    try:
        async with ctx.db.transaction() as session:
            stopped = await tasks.deactivate_task(session, ctx.viewer, task_id)
    except AccessDenied:
        return [Reply(text("not_allowed"))]
    if not stopped:
        return [Reply(text("button_expired"))]
    reply = await team_tasks_reply(ctx)
    return [Reply(text("task_stopped") + "\n\n" + reply.text, buttons=reply.buttons, replace_pressed=True)]


def register(engine: Engine) -> None:
    engine.command("task", task_command, min_role="manager")
    engine.command("tasks", tasks_command)
    engine.flow(FLOW, task_flow, min_role="manager")
    engine.flow(REASON_FLOW, reason_flow)
    engine.button(DONE, on_done)
    engine.button(NOT_DONE, on_not_done)
    engine.button(STOP, on_stop, min_role="manager")
