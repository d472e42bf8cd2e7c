"""/task and /tasks: a manager assigns tasks (a guided form or one line), a rep marks them
✅ 完成 or 未完成 (with a reason). The morning push and the evening summary are in pushes.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.engine.core import Context
from bot.engine.messages import Button, Outgoing, Reply, StaleButton
from bot.features.tasks.rendering import (
    DONE,
    FLOW,
    NOT_DONE,
    QUICK_REASONS,
    REASON_FLOW,
    REPEATS,
    STOP,
    describe_draft,
    render_person_tasks,
    review_reply,
    target_buttons,
    target_labels,
    team_tasks_reply,
)
from bot.forms import buttons, steps
from bot.forms.buttons import button_data
from bot.forms.steps import Finish, Goto, Outcome, Stay
from bot.sales.localtime import md
from bot.sales.parsing.task_text import split_target
from bot.sales.tasks.assignment import (
    Target,
    assignable_people,
    create_from_draft,
    read_task_line,
    resolve_target,
    target_draft,
)
from bot.sales.tasks.daily import MORNING, morning_key, person_day, person_statuses
from bot.sales.validation import check_task, clean_text, messages, refusals
from prompts import text
from store import claims, tasks
from store.access import AccessDenied
from store.models import User


async def person_tasks_reply(ctx: Context, header: str, *, replace: bool = False) -> Reply:
    async with ctx.db.transaction() as session:
        rows, done = await person_day(session, ctx.user, ctx.today)
    return render_person_tasks(header, rows, done, replace=replace)


async def draft_from_title(ctx: Context, data: dict[str, Any], title: str) -> dict[str, Any]:
    async with ctx.db.transaction() as session:
        return data | await read_task_line(session, ctx.viewer, clean_text(title), ctx.today)


def draft_problems(ctx: Context, draft: dict[str, Any]) -> str:
    """Why a drafted task cannot be published as read (title too long, a quota of -3…), or ""."""
    due = date.fromisoformat(draft["due"]) if draft.get("due") else None
    return messages(refusals(check_task(draft["title"], draft.get("quota"), due, ctx.today)))


def ask_content_again(data: dict[str, Any], problems: str) -> Outcome:
    return Goto(
        "content", data, [Reply(problems + "\n\n" + text("task_ask_content", target=data.get("label", "")))]
    )


async def publish(ctx: Context, data: dict[str, Any]) -> Outcome:
    day = ctx.today
    if data.get("date_problem"):  # 2月30日前交周报: say so rather than publish without a due date
        return Finish([Reply(data["date_problem"])])
    try:
        async with ctx.db.transaction() as session:
            task, people = await create_from_draft(session, ctx.viewer, data)
            pushed = await claims.claimed_keys(
                session, MORNING, [morning_key(p.team_id, day, p.id) for p in people], at=ctx.now
            )
    except AccessDenied:
        return Stay([Reply(text("task_not_allowed_target"))])
    # Those whose morning push already went out today hear of the new task now; the others
    # get it in their next morning push.
    header = text("task_new_for_you", manager=ctx.user.name, title=task.title)
    for person in people:
        if morning_key(person.team_id, day, person.id) not in pushed:
            continue
        async with ctx.db.transaction() as session:
            rows, done = await person_day(session, person, day)
        ctx.notify.append(Outgoing(person.telegram_id, render_person_tasks(header, rows, done)))
    return Finish([Reply(text("task_published", draft=describe_draft(data), people=len(people)))])


# ---------------------------------------------------------------- /task


async def task_command(ctx: Context) -> list[Reply]:
    args = ctx.incoming.args
    async with ctx.db.transaction() as session:
        people = await assignable_people(session, ctx.viewer)
        if not args:
            found: Target | list[User] = []
        else:
            word, rest = split_target(args)
            found = await resolve_target(session, ctx.viewer, word, **target_labels())
    if not args:
        return await steps.begin(ctx, TASK_FORM, ask_target({}, text("task_ask_target"), people, ctx))
    if isinstance(found, Target):
        data = target_draft(found)
        if not rest:
            return await steps.begin(ctx, TASK_FORM, ask_content(data))
        draft = await draft_from_title(ctx, data, rest)
        if problems := draft_problems(ctx, draft):
            return await steps.begin(ctx, TASK_FORM, ask_content_again(data, problems))
        return await steps.begin(ctx, TASK_FORM, await publish(ctx, draft))
    if found:  # several people match: choose
        outcome = ask_target({"pending_title": rest}, text("task_ambiguous", word=word), found, ctx)
        return await steps.begin(ctx, TASK_FORM, outcome)
    # No such person: the whole line is the task, ask whom it is for.
    outcome = ask_target({"pending_title": args}, text("task_unknown_target", word=word), people, ctx)
    return await steps.begin(ctx, TASK_FORM, outcome)


def ask_target(data: dict[str, Any], prompt: str, people: list[User], ctx: Context) -> Outcome:
    return Goto("target", data, [Reply(prompt, buttons=target_buttons(people, ctx.viewer))])


def ask_content(data: dict[str, Any]) -> Outcome:
    return Goto("content", data, [Reply(text("task_ask_content", target=data.get("label", "")))])


async def _after_target(ctx: Context, data: dict[str, Any], target: Target) -> Outcome:
    pending = data.get("pending_title")
    data = {k: v for k, v in data.items() if k != "pending_title"} | target_draft(target)
    if pending:
        draft = await draft_from_title(ctx, data, pending)
        if problems := draft_problems(ctx, draft):
            return ask_content_again(data, problems)
        return Goto("review", draft, [review_reply(draft, ctx.today)])
    return ask_content(data)


def target_arg(raw: str) -> str | int:
    """A target button's argument: everyone, the team, or a person's id."""
    return raw if raw in ("all", "team") else buttons.ident(raw)


def due_arg(raw: str) -> str | None:
    """A due-date button's argument: an ISO date, or none."""
    return None if raw == "none" else buttons.iso_date(raw)


async def typed_target(ctx: Context, data: dict[str, Any], typed: str) -> Outcome:
    async with ctx.db.transaction() as session:
        found = await resolve_target(session, ctx.viewer, split_target(typed)[0], **target_labels())
        people = await assignable_people(session, ctx.viewer)
    if isinstance(found, Target):
        return await _after_target(ctx, data, found)
    prompt = text("task_unknown_target", word=typed[:20])
    return Stay([Reply(prompt, buttons=target_buttons(found or people, ctx.viewer))])


async def pressed_target(ctx: Context, data: dict[str, Any], arg: str | int) -> Outcome:
    if arg == "all" and ctx.viewer.is_admin:
        target = Target("all", None, None, text("task_target_all"))
    elif arg in ("all", "team"):
        if ctx.user.team_id is None:
            return Stay([Reply(text("task_no_team"))])
        target = Target("team", None, ctx.user.team_id, text("task_target_team"))
    else:
        async with ctx.db.transaction() as session:  # only the people this viewer may give tasks to
            people = await assignable_people(session, ctx.viewer)
        person = next((p for p in people if p.id == arg), None)
        if person is None:  # gone, another team's, or never existed: no name is shown
            raise StaleButton(str(arg))
        target = Target("user", person.id, None, person.name)
    return await _after_target(ctx, data, target)


async def typed_content(ctx: Context, data: dict[str, Any], typed: str) -> Outcome:
    if not typed:
        return Stay([Reply(text("task_ask_content", target=data.get("label", "")))])
    draft = await draft_from_title(ctx, data, typed)
    if problems := draft_problems(ctx, draft):
        return ask_content_again(data, problems)
    return Goto("review", draft, [review_reply(draft, ctx.today)])


async def typed_review(ctx: Context, data: dict[str, Any], typed: str) -> Outcome:
    return Stay([review_reply(data, ctx.today)])  # typing repeats the form


async def pressed_due(ctx: Context, data: dict[str, Any], due: str | None) -> Outcome:
    data["due"] = due
    data["recurrence"] = None if due is not None else data.get("recurrence")
    return Goto("review", data, [review_reply(data, ctx.today, replace=True)])


async def pressed_repeat(ctx: Context, data: dict[str, Any], repeat: str) -> Outcome:
    data["recurrence"] = "daily" if repeat == "daily" else None
    if data["recurrence"]:
        data["due"] = None
    return Goto("review", data, [review_reply(data, ctx.today, replace=True)])


async def pressed_publish(ctx: Context, data: dict[str, Any]) -> Outcome:
    return await publish(ctx, data)


TASK_FORM = steps.Steps(
    FLOW,
    typed={"target": typed_target, "content": typed_content, "review": typed_review},
    actions=(
        steps.Action("to", ("target",), pressed_target, (target_arg,)),
        steps.Action("due", ("review",), pressed_due, (due_arg,)),
        steps.Action("rep", ("review",), pressed_repeat, (buttons.one_of(REPEATS),)),
        steps.Action("ok", ("review",), pressed_publish),
    ),
)


async def task_flow(ctx: Context) -> list[Reply]:
    return await steps.handle(ctx, TASK_FORM)


# ---------------------------------------------------------------- /tasks and the buttons


async def tasks_command(ctx: Context) -> list[Reply]:
    if ctx.user.role == "rep":
        return [await person_tasks_reply(ctx, text("tasks_header", day=md(ctx.today)))]
    return [await team_tasks(ctx), await person_tasks_reply(ctx, text("tasks_own_header"))]


async def team_tasks(ctx: Context) -> Reply:
    """A manager's view: the active tasks with today's completion, and a stop button for each."""
    day = ctx.today
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
    return team_tasks_reply(day, active, names, done, total)


async def on_done(ctx: Context) -> list[Reply]:
    (status_id,) = buttons.parse(ctx.incoming.text, DONE, buttons.ident)
    try:
        async with ctx.db.transaction() as session:
            await tasks.set_status(session, ctx.viewer, status_id, "done")
    except AccessDenied:
        return [Reply(text("button_expired"))]
    return [await person_tasks_reply(ctx, text("task_marked_done"), replace=True)]


async def on_not_done(ctx: Context) -> list[Reply]:
    (status_id,) = buttons.parse(ctx.incoming.text, NOT_DONE, buttons.ident)
    async with ctx.db.transaction() as session:
        row = await tasks.get_status(session, ctx.viewer, status_id)
    if row is None or row.user_id != ctx.user.id:
        return [Reply(text("button_expired"))]
    await ctx.save_state(REASON_FLOW, "reason", {"status_id": status_id})
    reasons = (tuple(Button(r, button_data(REASON_FLOW, i)) for i, r in enumerate(QUICK_REASONS)),)
    return [Reply(text("task_ask_reason", title=row.task.title), buttons=reasons)]


async def reason_flow(ctx: Context) -> list[Reply]:
    assert ctx.state is not None
    incoming = ctx.incoming
    if incoming.kind == "button":
        (index,) = buttons.parse(incoming.text, REASON_FLOW, buttons.integer(0, len(QUICK_REASONS) - 1))
        reason = QUICK_REASONS[index]
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
    (task_id,) = buttons.parse(ctx.incoming.text, STOP, buttons.ident)
    try:
        async with ctx.db.transaction() as session:
            stopped = await tasks.deactivate_task(session, ctx.viewer, task_id)
    except AccessDenied:  # another team's task
        return [Reply(text("button_expired"))]
    if not stopped:
        return [Reply(text("button_expired"))]
    reply = await team_tasks(ctx)
    return [Reply(text("task_stopped") + "\n\n" + reply.text, buttons=reply.buttons, replace_pressed=True)]
