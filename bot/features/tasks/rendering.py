"""What /task and /tasks show: a person's task list with its ✅/❌ buttons, the target picker,
the draft under review, and a manager's view of the team's tasks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.engine.messages import Button, Reply
from bot.forms.buttons import button_data
from bot.sales.localtime import md
from prompts import text
from store.access import Viewer
from store.models import Task, TaskStatus, User

FLOW = "task"
REASON_FLOW = "task_reason"
DONE, NOT_DONE, STOP = "td", "tn", "tstop"
MAX_TARGET_BUTTONS = 12
QUICK_REASONS = ("客户不在", "时间冲突", "客户改期")
REPEATS = ("daily", "once")  # the review's button switches between them
ICONS = {"open": "⬜", "done": "✅", "not_done": "❌"}


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
            Button(text("task_btn_done") + ("" if single else f" {i}"), button_data(DONE, r.id)),
            Button(text("task_btn_not_done") + ("" if single else f" {i}"), button_data(NOT_DONE, r.id)),
        )
        for i, r in open_rows
    )
    footer = "" if open_rows else "\n" + text("tasks_all_settled")
    return Reply(header + "\n" + "\n".join(lines) + footer, buttons=buttons, replace_pressed=replace)


def target_buttons(people: list[User], viewer: Viewer) -> tuple[tuple[Button, ...], ...]:
    everyone = text("task_target_all") if viewer.is_admin else text("task_target_team")
    rows: list[tuple[Button, ...]] = [
        (Button(everyone, button_data(FLOW, "to", "all" if viewer.is_admin else "team")),)
    ]
    names = [Button(p.name, button_data(FLOW, "to", p.id)) for p in people if p.role == "rep"][
        :MAX_TARGET_BUTTONS
    ]
    rows.extend(tuple(names[i : i + 3]) for i in range(0, len(names), 3))
    rows.append((Button(text("task_btn_cancel"), button_data(FLOW, "no")),))
    return tuple(rows)


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
            *tuple(Button(label, button_data(FLOW, "due", d.isoformat())) for label, d in dues),
            Button(text("task_due_none"), button_data(FLOW, "due", "none")),
        ),
        (Button(text(f"task_btn_repeat_{repeat}"), button_data(FLOW, "rep", repeat)),),
        (
            Button(text("task_btn_publish"), button_data(FLOW, "ok")),
            Button(text("task_btn_cancel"), button_data(FLOW, "no")),
        ),
    )
    return Reply(text("task_review", draft=describe_draft(data)), buttons=buttons, replace_pressed=replace)


def target_labels() -> dict[str, str]:
    """The labels resolve_target gives to "everyone" and "my team"."""
    return {"everyone_label": text("task_target_all"), "team_label": text("task_target_team")}


def team_tasks_reply(
    day: date, active: list[Task], names: dict[int, str], done: dict[int, int], total: dict[int, int]
) -> Reply:
    """A manager's view: the active tasks with today's completion, and a stop button for each."""
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
    buttons = [Button(text("task_btn_stop", i=i), button_data(STOP, t.id)) for i, t in enumerate(active, 1)]
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return Reply(text("tasks_team_header", day=md(day)) + "\n" + "\n".join(lines), buttons=rows)
