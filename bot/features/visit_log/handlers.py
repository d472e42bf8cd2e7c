"""Logging a visit in the chat: /log (guided form or quick log), a report typed as a plain
message, the reminder's 记录拜访 button and the grading buttons.

Every card is a draft of its own (drafts.py): its buttons name it, typed answers go to the draft
last touched while it is at a question, and a new report while others are unconfirmed says so and
offers to save or discard them, or keep them all."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.features.customers import customer_of_button
from bot.features.visit_log.drafts import (
    DRAFT_PREFIX,
    DRAFT_TTL,
    DraftSlot,
    discard,
    draft_name,
    my_draft,
    my_open_drafts,
)
from bot.features.visit_log.form import (
    FIELDS,
    VISIT_FORM,
    clarified_value,
    customer_value,
    find_customer,
    match_contact,
    new_contact,
    rules_of,
)
from bot.features.visit_log.rendering import GRADE_PREFIX
from bot.features.visit_log.saved import edit_form
from bot.forms import Choose, Form, Invalid, Picked, buttons, machine
from bot.forms.buttons import button_data
from bot.forms.machine import EDIT, SUMMARY
from bot.sales.dates_validation import impossible_date_problem
from bot.sales.rules import Rules
from bot.sales.validation import check_amount_in, check_date, clean_text, refusals
from bot.sales.visits.detect import could_be_visit_report, reads_like_visit_report
from bot.sales.visits.extract import VisitDraft
from bot.sales.visits.report_facts import read_facts
from prompts import text
from store import customers, visits
from store.access import AccessDenied
from store.models import GRADES
from store.models import VisitDraft as DraftRow

QUICK_LOG = "visit_report"  # its link in the plain-text chain
DRAFT_ANSWER = "visit_draft_answer"  # its link: text typed while a draft waits for an answer
KNOWN_CUSTOMERS_LIMIT = 500
PENDING_SHOWN = 3  # unconfirmed drafts offered on a new card


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


def form_of(draft: DraftRow) -> Form:
    """A new visit's form, or the form that edits a saved one."""
    return VISIT_FORM if draft.visit_id is None else edit_form(draft.visit_id)


async def draft_answer_text(ctx: Context) -> list[Reply] | None:
    """Plain text while the last draft touched waits at a question: its answer. Text typed at a
    card is a new report or a question, so it goes on down the chain (and the card stays open)."""
    open_drafts = await my_open_drafts(ctx)
    if not open_drafts:
        return None
    latest = open_drafts[0]
    form = form_of(latest)
    fresh = latest.updated_at >= ctx.now - DRAFT_TTL
    if latest.step in (SUMMARY, EDIT) or not form.has(latest.step):
        link, replies = await ctx.engine.plain_text(ctx, after=DRAFT_ANSWER)
        return replies if link == QUICK_LOG or not fresh else [*replies, Reply(text("visit_still_open"))]
    if not fresh:  # a form left half-filled: what is typed today is not its answer
        await discard(ctx, latest)
        return [Reply(text("flow_expired"))]
    return await machine.handle(ctx, form, DraftSlot(ctx.user.id, latest))


async def on_draft_button(ctx: Context) -> list[Reply]:
    """``vd:<draft id>:<action>…``: the form machine on that draft, if it is this user's and open."""
    parts = ctx.incoming.text.split(":")
    if len(parts) < 3:
        raise buttons.StaleButton(ctx.incoming.text)
    draft = await my_draft(ctx, buttons.ident(parts[1]))
    if draft is None:
        return [Reply(text("button_expired"))]
    if parts[2] == "keep" and len(parts) == 3:
        return [Reply(text("visit_drafts_kept"), replace_pressed=True)]
    return await machine.handle(ctx, form_of(draft), DraftSlot(ctx.user.id, draft))


async def cancel_draft(ctx: Context) -> bool:
    """/cancel outside any flow: the draft last touched is discarded."""
    latest = next(iter(await my_open_drafts(ctx)), None)
    return latest is not None and await discard(ctx, latest)


async def _start(ctx: Context, values: dict[str, Any], done: list[str], **options: Any) -> list[Reply]:
    """A new draft. Another flow left open would take the typed answers, so it ends here."""
    await ctx.clear_state()
    return await machine.start(ctx, VISIT_FORM, values, done, slot=DraftSlot(ctx.user.id), **options)


async def start_guided(ctx: Context, customer: dict[str, Any] | None = None) -> list[Reply]:
    values: dict[str, Any] = {"visited_on": ctx.today.isoformat()}
    done: list[str] = []
    if customer is not None:
        values["customer"] = customer
        done.append("customer")
    return await _start(ctx, values, done)


def pending_reply(pending: list[DraftRow]) -> Reply:
    """The other unconfirmed drafts: save (when complete) or discard each, or keep them all."""
    shown = pending[:PENDING_SHOWN]
    rows: list[tuple[Button, ...]] = []
    for draft in shown:
        name = draft_name(draft)
        row = [
            Button(text("visit_pending_discard", name=name), button_data(DRAFT_PREFIX, draft.id, "cancel"))
        ]
        if draft.step == SUMMARY:
            row.insert(
                0, Button(text("visit_pending_save", name=name), button_data(DRAFT_PREFIX, draft.id, "save"))
            )
        rows.append(tuple(row))
    rows.append((Button(text("visit_pending_keep"), button_data(DRAFT_PREFIX, shown[0].id, "keep")),))
    names = "、".join(draft_name(d) for d in shown)
    return Reply(text("visit_pending", count=len(pending), names=names), buttons=tuple(rows))


LLM_FIELD_ON_FORM = {"contact_name": "contact", "amount_wan": "amount"}  # draft field -> form field


def _draft_values(draft: VisitDraft, report: str, today: date, rules: Rules) -> dict[str, Any]:
    facts = read_facts(report, rules)
    return {
        "contact_phone": facts.mobile,
        "contact_landline": facts.landline,
        "contact_email": facts.email,
        "clarified": clarified_value(rules, facts.clarified) if facts.clarified else None,
        "need": facts.need,
        "interest": facts.interest,
        "annual_output": facts.annual_output_wan,
        "kind": draft.kind,
        "outcome": draft.outcome,
        "next_step": draft.next_step,
        "next_date": draft.next_date.isoformat() if draft.next_date else None,
        "amount": draft.amount_wan,
        "notes": report,
        "visited_on": today.isoformat(),
    }


def _checked_draft(draft: VisitDraft, values: dict[str, Any], done: list[str], today: date) -> list[str]:
    """Check what was read (bot.sales.validation): a refused value is left empty and asked for, a
    value to confirm is kept and flagged. The notes to show the rep, one per problem."""
    notes: list[str] = []
    amount = draft.amount_foreign_wan if draft.amount_currency else draft.amount_wan
    checks = {
        "amount": check_amount_in(amount, draft.amount_currency),
        "next_date": check_date("next_date", draft.next_date, today),
    }
    for name, problems in checks.items():
        if refusals(problems):
            values[name] = None
            if name in done:
                done.remove(name)
            notes += [text("check_quick_log_dropped", problem=p.message()) for p in refusals(problems)]
        notes += [
            text("check_quick_log_confirm", problem=p.message()) for p in problems if p.needs_confirmation
        ]
    return notes


async def quick_log(ctx: Context, report: str, known: list[str] | None = None) -> list[Reply]:
    """Read a report, show what was understood, ask only for what is missing (the customer) or
    what was refused when checked (an impossible amount…), saying why."""
    today = ctx.today
    report = clean_text(report)
    if known is None:
        known = await known_customers(ctx)
    draft = await ctx.engine.visit_reader.extract(report, today, known)
    values = _draft_values(draft, ctx.incoming.as_typed(report), today, await rules_of(ctx))  # notes as typed
    done = [f.name for f in FIELDS if f.name not in ("customer", "contact")]
    notes = _checked_draft(draft, values, done, today)
    if impossible := impossible_date_problem(report):  # 2月30日 is said on the card, not dropped
        notes.append(text("check_quick_log_dropped", problem=impossible.message()))
    choose: tuple[str, Choose] | None = None
    if draft.customer:
        try:
            found = await find_customer(ctx, draft.customer, confirm_new=False)
        except Invalid as invalid:
            found = None
            notes.append(text("check_quick_log_dropped", problem=invalid.message()))
        if isinstance(found, Picked):
            values["customer"] = found.value
            done.append("customer")
        elif isinstance(found, Choose):
            choose = ("customer", found)
    if draft.contact_name:
        try:
            values["contact"] = await match_contact(ctx, values, draft.contact_name)
            values["contact_title"] = draft.contact_title if new_contact(values) else None
        except Invalid as invalid:
            notes.append(text("check_quick_log_dropped", problem=invalid.message()))
    done.append("contact")
    header = "visit_quick_header_llm_marked" if draft.llm_fields else f"visit_quick_header_{draft.source}"
    marked = [LLM_FIELD_ON_FORM.get(name, name) for name in draft.llm_fields]
    before = {d.id for d in await my_open_drafts(ctx)}
    replies = await _start(
        ctx, values, done, header=header, choose=choose, note="\n".join(notes), marked=marked
    )
    pending = [d for d in await my_open_drafts(ctx) if d.id in before]
    return [*replies, pending_reply(pending)] if pending else replies


async def log_command(ctx: Context) -> list[Reply]:
    if ctx.incoming.args:
        return await quick_log(ctx, ctx.incoming.args)
    return await start_guided(ctx)


async def log_for_customer(ctx: Context) -> list[Reply]:
    """The reminder's button: the guided form with the customer already chosen. A teammate's
    customer the rep visited jointly (the rep sees their own visit, not the record) goes by its
    name, so that the new visit is linked to it as a joint visit again (logbook.save_visit)."""
    customer = await customer_of_button(ctx)
    if customer is not None:
        return await start_guided(ctx, customer_value(customer))
    (customer_id,) = buttons.parse(ctx.incoming.text, ctx.incoming.button_prefix, buttons.ident)
    async with ctx.db.transaction() as session:
        own_visits = await visits.visits_for_customer(session, ctx.viewer, customer_id, limit=1)
    if not own_visits:
        return [Reply(text("button_expired"))]
    return await start_guided(ctx, {"id": None, "name": own_visits[0].customer.name})


async def on_grade(ctx: Context) -> list[Reply]:
    stars, grade = buttons.integer(1, 5), buttons.one_of(GRADES)
    action, args = buttons.parse_action(
        ctx.incoming.text,
        GRADE_PREFIX,
        {
            "stars": (buttons.ident,),
            "class": (buttons.ident,),
            "ok": (buttons.ident, stars, grade),
            "s": (buttons.ident, stars),
            "g": (buttons.ident, grade),
        },
    )
    customer_id = args[0]
    async with ctx.db.transaction() as session:  # every action names a customer the presser may see
        if await customers.get_customer(session, ctx.viewer, customer_id) is None:
            raise buttons.StaleButton(ctx.incoming.text)
    if action == "stars":
        picks = tuple(Button(f"{n}★", button_data(GRADE_PREFIX, "s", customer_id, n)) for n in range(1, 6))
        return [Reply(text("grading_pick_stars"), buttons=(picks,))]
    if action == "class":
        picks = tuple(Button(f"{g}类", button_data(GRADE_PREFIX, "g", customer_id, g)) for g in GRADES)
        return [Reply(text("grading_pick_grade"), buttons=(picks,))]
    changes: dict[str, Any]
    if action == "ok":
        changes = {"stars": args[1], "grade": args[2]}
    elif action == "s":
        changes = {"stars": args[1]}
    else:
        changes = {"grade": args[1]}
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
