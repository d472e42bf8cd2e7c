"""Logging a visit in the chat: /log (guided form or quick log), a report typed as a plain
message, the reminder's 记录拜访 button and the grading buttons."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.features.customers import customer_of_button
from bot.features.visit_log.form import (
    FIELDS,
    VISIT_FORM,
    customer_value,
    find_customer,
    match_contact,
    new_contact,
)
from bot.features.visit_log.rendering import GRADE_PREFIX
from bot.forms import Choose, Invalid, Picked, machine
from bot.forms.buttons import button_data, press_of
from bot.forms.machine import EDIT, SUMMARY
from bot.sales.visits.detect import could_be_visit_report, reads_like_visit_report
from bot.sales.visits.extract import VisitDraft
from prompts import text
from store import customers
from store.access import AccessDenied
from store.models import GRADES

QUICK_LOG = "visit_report"  # its link in the plain-text chain
KNOWN_CUSTOMERS_LIMIT = 500


async def known_customers(ctx: Context) -> list[str]:
    """Names of the customers the user may see: they help read a report."""
    async with ctx.db.transaction() as session:
        found = await customers.list_customers(session, ctx.viewer, limit=KNOWN_CUSTOMERS_LIMIT)
    return [c.name for c in found]


async def quick_log_text(ctx: Context) -> list[Reply] | None:
    """Plain text: logged when it reads like a visit report, else passed on (None)."""
    message = ctx.incoming.text.strip()
    known = await known_customers(ctx) if could_be_visit_report(message) else []
    if reads_like_visit_report(message, known):
        return await quick_log(ctx, message, known)
    return None


async def visit_flow(ctx: Context) -> list[Reply]:
    """The form's handler; text typed at the summary card is a new report or a question, not an
    answer, so it goes down the plain-text chain (and the card stays open)."""
    assert ctx.state is not None
    if ctx.incoming.kind == "text" and ctx.state.step in (SUMMARY, EDIT) and ctx.incoming.text.strip():
        link, replies = await ctx.engine.plain_text(ctx)
        return replies if link == QUICK_LOG else [*replies, Reply(text("visit_still_open"))]
    return await machine.handle(ctx, VISIT_FORM)


async def start_guided(ctx: Context, customer: dict[str, Any] | None = None) -> list[Reply]:
    values: dict[str, Any] = {"visited_on": ctx.today.isoformat()}
    done: list[str] = []
    if customer is not None:
        values["customer"] = customer
        done.append("customer")
    return await machine.start(ctx, VISIT_FORM, values, done)


def _draft_values(draft: VisitDraft, report: str, today: date) -> dict[str, Any]:
    return {
        "kind": draft.kind,
        "outcome": draft.outcome,
        "next_step": draft.next_step,
        "next_date": draft.next_date.isoformat() if draft.next_date and draft.next_date >= today else None,
        "amount": draft.amount_wan,
        "notes": report,
        "visited_on": today.isoformat(),
    }


async def quick_log(ctx: Context, report: str, known: list[str] | None = None) -> list[Reply]:
    """Read a report, show what was understood, ask only for what is missing (the customer)."""
    today = ctx.today
    if known is None:
        known = await known_customers(ctx)
    draft = await ctx.engine.visit_reader.extract(report, today, known)
    values = _draft_values(draft, report, today)
    done = [f.name for f in FIELDS if f.name not in ("customer", "contact")]
    choose: tuple[str, Choose] | None = None
    if draft.customer:
        try:
            found = await find_customer(ctx, draft.customer, confirm_new=False)
        except Invalid:
            found = None
        if isinstance(found, Picked):
            values["customer"] = found.value
            done.append("customer")
        elif isinstance(found, Choose):
            choose = ("customer", found)
    if draft.contact_name:
        try:
            values["contact"] = await match_contact(ctx, values, draft.contact_name)
            values["contact_title"] = draft.contact_title if new_contact(values) else None
        except Invalid:
            pass
    done.append("contact")
    header = f"visit_quick_header_{draft.source}"
    return await machine.start(ctx, VISIT_FORM, values, done, header=header, choose=choose)


async def log_command(ctx: Context) -> list[Reply]:
    if ctx.incoming.args:
        return await quick_log(ctx, ctx.incoming.args)
    return await start_guided(ctx)


async def log_for_customer(ctx: Context) -> list[Reply]:
    """The reminder's button: the guided form with the customer already chosen."""
    customer = await customer_of_button(ctx)
    if customer is None:
        return [Reply(text("button_expired"))]
    return await start_guided(ctx, customer_value(customer))


async def on_grade(ctx: Context) -> list[Reply]:
    press = press_of(ctx.incoming)
    if press is None:
        return [Reply(text("button_expired"))]
    action, args = press.action, press.args
    if not args or not args[0].isdigit():
        return [Reply(text("button_expired"))]
    customer_id = int(args[0])
    if action == "stars":
        buttons = tuple(Button(f"{n}★", button_data(GRADE_PREFIX, "s", customer_id, n)) for n in range(1, 6))
        return [Reply(text("grading_pick_stars"), buttons=(buttons,))]
    if action == "class":
        buttons = tuple(Button(f"{g}类", button_data(GRADE_PREFIX, "g", customer_id, g)) for g in GRADES)
        return [Reply(text("grading_pick_grade"), buttons=(buttons,))]
    changes: dict[str, Any] = {}
    if action == "ok" and len(args) == 3 and args[1].isdigit() and args[2] in GRADES:
        changes = {"stars": int(args[1]), "grade": args[2]}
    elif action == "s" and len(args) == 2 and args[1] in ("1", "2", "3", "4", "5"):
        changes = {"stars": int(args[1])}
    elif action == "g" and len(args) == 2 and args[1] in GRADES:
        changes = {"grade": args[1]}
    if not changes:
        return [Reply(text("button_expired"))]
    try:
        async with ctx.db.transaction() as session:
            customer = await customers.update_customer(session, ctx.viewer, customer_id, **changes)
    except AccessDenied:
        return [Reply(text("grading_not_owner"))]
    return [
        Reply(
            text(
                "grading_updated",
                customer=customer.name,
                stars=customer.stars or "—",
                grade=customer.grade or "—",
            ),
            replace_pressed=True,
        )
    ]
