"""A saved visit: /visits → a visit (vis:<id>) shows it with its change history; its author may
修改 it field by field with the visit form (a draft that edits the visit) or 作废 it, for
EDIT_WINDOW after logging it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.features.visit_log.drafts import DraftSlot
from bot.features.visit_log.form import FIELDS, FLOW
from bot.forms import Form, buttons, machine
from bot.forms.buttons import button_data
from bot.forms.fields import show_amount, show_date, show_value
from bot.sales.localtime import md
from bot.sales.visits.amend import EDIT_WINDOW, Amended, amend_visit, form_values, may_amend, void_visit
from prompts import text
from store import users, visits
from store.models import Visit, VisitChange

VISIT_PREFIX = "vis"  # vis:<visit id>[:edit|:void|:voidok]
ACTIONS = ("edit", "void", "voidok")


def visit_buttons(recent: list[Visit], user_id: int) -> tuple[tuple[Button, ...], ...]:
    """Under /visits: one button per visit the user logged, to open it."""
    mine = [
        Button(text("visit_open_button", i=i, customer=v.customer.name), button_data(VISIT_PREFIX, v.id))
        for i, v in enumerate(recent, 1)
        if v.rep_id == user_id
    ]
    return tuple(tuple(mine[i : i + 2]) for i in range(0, len(mine), 2))


def _shown(field_name: str, raw: str | None) -> str:
    """A value kept in the history, as a summary card shows it."""
    if raw is None:
        return text("form_empty_value")
    field = next(f for f in FIELDS if f.name == field_name)
    try:
        if field.kind == "lookup":
            return raw
        if field.kind == "amount":
            return show_amount(float(raw))
        return show_value(FLOW, field, raw)
    except ValueError:
        return raw


async def _history_lines(session: AsyncSession, changes: list[VisitChange], ctx: Context) -> list[str]:
    names: dict[int, str] = {}
    lines = []
    for change in changes:
        if change.field == "effective":
            continue
        if change.changed_by is not None and change.changed_by not in names:
            who = await users.get_user(session, change.changed_by)
            names[change.changed_by] = who.name if who else "?"
        when = change.changed_at.astimezone(ctx.engine.settings.timezone)
        head = f"{md(when.date())} {when:%H:%M} {names.get(change.changed_by or 0, '?')}"
        if change.field == "voided":
            lines.append(text("visit_history_voided", head=head))
        else:
            label = text(f"{FLOW}_label_{change.field}")
            old, new = _shown(change.field, change.old), _shown(change.field, change.new)
            lines.append(text("visit_history_line", head=head, field=label, old=old, new=new))
    return lines


async def visit_card(ctx: Context, visit: Visit, note: str = "") -> Reply:
    values = form_values(visit)
    lines = [note] if note else []
    lines.append(text("visit_detail_title") + (text("visit_voided_mark") if visit.voided_at else ""))
    for f in FIELDS:
        if f.name in values and values[f.name] not in (None, ""):
            shown = values[f.name]["name"] if f.kind == "lookup" else show_value(FLOW, f, values[f.name])
            lines.append(f"{text(f'{FLOW}_label_{f.name}')}：{shown}")
    async with ctx.db.transaction() as session:
        history = await _history_lines(session, await visits.changes_of(session, visit.id), ctx)
    if history:
        lines += [text("visit_history_title"), *history]
    rows: tuple[tuple[Button, ...], ...] = ()
    if may_amend(visit, ctx.viewer, ctx.now):
        rows = (
            (
                Button(text("visit_btn_edit"), button_data(VISIT_PREFIX, visit.id, "edit")),
                Button(text("visit_btn_void"), button_data(VISIT_PREFIX, visit.id, "void")),
            ),
        )
    elif visit.rep_id == ctx.user.id and visit.voided_at is None:
        lines.append(text("visit_edit_locked", days=EDIT_WINDOW.days))
    return Reply("\n".join(lines), buttons=rows)


def edit_form(visit_id: int) -> Form:
    """The visit form whose 确认保存 changes visit ``visit_id`` instead of logging a new one."""

    async def save(ctx: Context, session: AsyncSession, values: dict[str, Any]) -> Amended | None:
        return await amend_visit(session, ctx.viewer, visit_id, values, ctx.now)

    async def saved(ctx: Context, amended: Amended | None) -> list[Reply]:
        if amended is None:
            return [Reply(text("visit_edit_locked", days=EDIT_WINDOW.days))]
        if not amended.changes:
            return [Reply(text("visit_edit_nothing", customer=amended.customer_name))]
        changes = "\n".join(
            text("visit_change_line", field=text(f"{FLOW}_label_{f}"), old=_shown(f, old), new=_shown(f, new))
            for f, old, new in amended.changes
        )
        return [Reply(text("visit_edit_saved", customer=amended.customer_name, changes=changes))]

    return Form(FLOW, FIELDS, save, saved)


async def on_visit_button(ctx: Context) -> list[Reply]:
    parts = ctx.incoming.text.split(":")
    if len(parts) == 2:
        (visit_id,) = buttons.parse(ctx.incoming.text, VISIT_PREFIX, buttons.ident)
        action = "show"
    else:
        visit_id, action = buttons.parse(
            ctx.incoming.text, VISIT_PREFIX, buttons.ident, buttons.one_of(ACTIONS)
        )
    async with ctx.db.transaction() as session:
        visit = await visits.get_visit(session, ctx.viewer, visit_id)
    if visit is None or (visit.rep_id != ctx.user.id and action != "show"):
        return [Reply(text("button_expired"))]
    if action == "show":
        return [await visit_card(ctx, visit)]
    if not may_amend(visit, ctx.viewer, ctx.now):
        return [Reply(text("visit_edit_locked", days=EDIT_WINDOW.days))]
    if action == "void":
        confirm = (
            (
                Button(text("visit_btn_void_yes"), button_data(VISIT_PREFIX, visit.id, "voidok")),
                Button(text("visit_btn_back"), button_data(VISIT_PREFIX, visit.id)),
            ),
        )
        return [Reply(text("visit_void_confirm", customer=visit.customer.name), buttons=confirm)]
    if action == "voidok":
        async with ctx.db.transaction() as session:
            voided = await void_visit(session, ctx.viewer, visit.id, ctx.now)
        if voided is None:
            return [Reply(text("button_expired"))]
        day = show_date(visit.visited_on.isoformat())
        return [Reply(text("visit_voided", customer=visit.customer.name, day=day), replace_pressed=True)]
    await ctx.clear_state()  # typed answers go to the draft
    done = [f.name for f in FIELDS]
    slot = DraftSlot(ctx.user.id, visit_id=visit.id)
    return await machine.start(
        ctx, edit_form(visit.id), form_values(visit), done, header="visit_edit_header", slot=slot
    )
