"""Logging a visit: the guided form (/log), the quick log (/log <text> or a report typed as a
message), saving on 确认保存, then the effective-visit check, a grading suggestion and a card."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.core import Context, Engine
from bot.engine.messages import Button, Reply
from bot.features.customers import customer_of_button
from bot.features.visit_reminders import REMINDER_TIME
from bot.forms import Choose, Field, Form, Invalid, Picked, machine
from bot.forms.fields import normalize_phone, show_amount, show_date
from bot.sales.visits import grading
from bot.sales.visits.cards import choose_card, find_card
from bot.sales.visits.extract import VisitDraft, VisitExtractor, extractor_from_settings
from prompts import text
from store import customers, visits
from store.access import AccessDenied, can_see
from store.customers import normalize_company_name
from store.models import BUYING_ROLES, GRADES, MILESTONES, OUTCOMES, VISIT_KINDS, Contact, Customer

FLOW = "visit"
GRADE_PREFIX = "grade"
KNOWN_CUSTOMERS_LIMIT = 500
CONTACT_DETAILS = ("contact_title", "contact_role", "contact_phone", "contact_email")
MAX_NAME_CHARS = 100

_extractors: weakref.WeakKeyDictionary[Engine, VisitExtractor] = weakref.WeakKeyDictionary()


def extractor_for(engine: Engine) -> VisitExtractor:
    if engine not in _extractors:
        _extractors[engine] = extractor_from_settings(engine.settings)
    return _extractors[engine]


def use_extractor(engine: Engine, extractor: VisitExtractor) -> None:
    """Replace the engine's report reader (tests: an LLM path over a fake chat model)."""
    _extractors[engine] = extractor


# ---------------------------------------------------------------- lookups


def _customer_value(customer: Customer) -> dict[str, Any]:
    return {"id": customer.id, "name": customer.name}


def _contact_value(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "name": contact.name}


async def find_customer(ctx: Context, name: str, *, confirm_new: bool = True) -> Picked | Choose:
    """The visible customer called ``name``, or the ones it may mean (fuzzy) plus "create it"."""
    name = name.strip()
    if not 2 <= len(name) <= MAX_NAME_CHARS:
        raise Invalid("visit_invalid_customer")
    async with ctx.db.transaction() as session:
        found = await customers.find_customers(session, ctx.viewer, name, limit=5)
    key = normalize_company_name(name)
    exact = [c for c in found if c.normalized_name == key]
    if len(exact) == 1:
        return Picked(_customer_value(exact[0]))
    new = {"id": None, "name": name}
    if not found and not confirm_new:
        return Picked(new)
    options = [(c.name, _customer_value(c)) for c in found]
    options.append((text("visit_customer_create", name=name), new))
    return Choose("visit_customer_pick" if found else "visit_customer_confirm_new", options, {"name": name})


async def lookup_customer(ctx: Context, values: dict[str, Any], raw: str) -> Picked | Choose:
    return await find_customer(ctx, raw)


async def _contacts_of(ctx: Context, values: dict[str, Any]) -> list[Contact]:
    customer = values.get("customer") or {}
    if not customer.get("id"):
        return []
    async with ctx.db.transaction() as session:
        return await customers.list_contacts(session, ctx.viewer, customer["id"])


async def suggest_contacts(ctx: Context, values: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        (f"{c.name}（{c.title}）" if c.title else c.name, _contact_value(c))
        for c in (await _contacts_of(ctx, values))[:6]
    ]


async def match_contact(ctx: Context, values: dict[str, Any], name: str) -> dict[str, Any]:
    name = name.strip()
    if not 1 <= len(name) <= 30 or name.isdigit():
        raise Invalid("visit_invalid_contact")
    for contact in await _contacts_of(ctx, values):
        if contact.name == name:
            return _contact_value(contact)
    return {"id": None, "name": name}


async def lookup_contact(ctx: Context, values: dict[str, Any], raw: str) -> Picked | Choose:
    return Picked(await match_contact(ctx, values, raw))


def _new_contact(values: dict[str, Any]) -> bool:
    contact = values.get("contact")
    return bool(contact) and not contact.get("id")


# ---------------------------------------------------------------- the form

FIELDS: tuple[Field, ...] = (
    Field("customer", "lookup", lookup=lookup_customer, resets=("contact", *CONTACT_DETAILS)),
    Field(
        "contact",
        "lookup",
        optional=True,
        lookup=lookup_contact,
        suggest=suggest_contacts,
        resets=CONTACT_DETAILS,
    ),
    Field("contact_title", optional=True, when=_new_contact, max_chars=50),
    Field("contact_role", "choice", optional=True, choices=BUYING_ROLES, when=_new_contact),
    Field("contact_phone", "phone", optional=True, when=_new_contact),
    Field("contact_email", "email", optional=True, when=_new_contact),
    Field("kind", "choice", choices=VISIT_KINDS),
    Field("outcome", "choice", choices=OUTCOMES),
    Field("next_step", optional=True, max_chars=200),
    Field("next_date", "date", optional=True, future_only=True),
    Field("amount", "amount", optional=True),
    Field("notes", optional=True, max_chars=1000),
    Field("visited_on", "date", ask=False, past_only=True),
)


@dataclass(frozen=True)
class Saved:
    visit_id: int
    customer_id: int
    customer_name: str
    visited_on: date
    kind: str
    outcome: str
    next_step: str | None
    next_date: date | None
    effectiveness: grading.Effectiveness
    suggestion: grading.Suggestion
    current_stars: int | None
    current_grade: str | None
    milestone: str | None
    report: str  # what the rep wrote: for spotting an objection
    may_grade: bool


async def _resolve_customer(ctx: Context, session: AsyncSession, value: dict[str, Any]) -> Customer:
    if value.get("id"):
        customer = await customers.get_customer(session, ctx.viewer, value["id"])
        if customer is None:
            raise AccessDenied(f"customer {value['id']}")
        return customer
    customer, _created = await customers.get_or_create_customer(
        session, ctx.viewer, value["name"], milestone=MILESTONES[1]
    )
    return customer


async def _resolve_contact(
    ctx: Context, session: AsyncSession, customer: Customer, values: dict[str, Any], may_edit: bool
) -> Contact | None:
    value = values.get("contact")
    if not value:
        return None
    known = await customers.list_contacts(session, ctx.viewer, customer.id)
    same = [c for c in known if c.id == value.get("id") or (not value.get("id") and c.name == value["name"])]
    if same:  # a contact typed as new who is on file already is that contact
        return same[0]
    if value.get("id"):
        return None
    if not may_edit:  # a teammate's customer: the visit keeps the name in its notes
        return None
    details: dict[str, Any] = {
        "title": values.get("contact_title"),
        "buying_role": values.get("contact_role"),
        "email": values.get("contact_email"),
    }
    phone = normalize_phone(values.get("contact_phone") or "")
    if phone is not None:
        details["phone" if phone[0] == "mobile" else "landline"] = phone[1]
    return await customers.add_contact(session, ctx.viewer, customer.id, value["name"], **details)


async def save_visit(ctx: Context, session: AsyncSession, values: dict[str, Any]) -> Saved:
    customer = await _resolve_customer(ctx, session, values["customer"])
    may_edit = can_see(ctx.viewer, owner_id=customer.owner_id, team_id=customer.team_id)
    contact = await _resolve_contact(ctx, session, customer, values, may_edit)
    notes = values.get("notes") or ""
    if values.get("contact") and contact is None:
        notes = (notes + "\n" if notes else "") + text("visit_notes_contact", name=values["contact"]["name"])
    effectiveness = grading.check_effective(
        values["outcome"],
        contact.name if contact else None,
        {"landline": contact.landline if contact else None, "email": contact.email if contact else None},
    )
    visit = await visits.add_visit(
        session,
        ctx.viewer,
        customer.id,
        visited_on=date.fromisoformat(values["visited_on"]),
        kind=values["kind"],
        outcome=values["outcome"],
        contact_id=contact.id if contact else None,
        notes=notes,
        next_step=values.get("next_step"),
        next_date=date.fromisoformat(values["next_date"]) if values.get("next_date") else None,
        amount_wan=values.get("amount"),
        effective=effectiveness.effective,
    )
    amount = values.get("amount") or customer.expected_amount_wan
    if may_edit:
        changes: dict[str, Any] = {}
        if values.get("amount"):
            changes["expected_amount_wan"] = values["amount"]
        if values["outcome"] == "deal_won":
            changes["milestone"] = MILESTONES[-1]
        elif customer.milestone is None:
            changes["milestone"] = MILESTONES[1]
        if changes:
            customer = await customers.update_customer(session, ctx.viewer, customer.id, **changes)
    return Saved(
        visit_id=visit.id,
        customer_id=customer.id,
        customer_name=customer.name,
        visited_on=visit.visited_on,
        kind=visit.kind,
        outcome=visit.outcome,
        next_step=visit.next_step,
        next_date=visit.next_date,
        effectiveness=effectiveness,
        suggestion=grading.suggest(values["outcome"], amount, contact.buying_role if contact else None),
        current_stars=customer.stars,
        current_grade=customer.grade,
        milestone=customer.milestone,
        report=" ".join(filter(None, (notes, values.get("next_step") or ""))),
        may_grade=may_edit,
    )


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def _saved_text(ctx: Context, saved: Saved) -> str:
    lines = [
        text(
            "visit_saved",
            customer=saved.customer_name,
            day=show_date(saved.visited_on.isoformat()),
            kind=saved.kind,
            outcome=text(f"visit_outcome_{saved.outcome}"),
        )
    ]
    if saved.effectiveness.effective:
        lines.append(text("visit_effective_yes"))
    else:
        missing = "、".join(text(f"visit_effective_missing_{m}") for m in saved.effectiveness.missing)
        lines.append(text("visit_effective_no", missing=missing))
    if saved.next_date is not None:
        lines.append(
            text(
                "visit_reminder_set",
                day=show_date(saved.next_date.isoformat()),
                time=REMINDER_TIME.strftime("%H:%M"),
                step=saved.next_step or text("visit_reminder_no_step"),
            )
        )
    card = find_card(ctx.engine.kb, choose_card(saved.report, saved.milestone))
    if card is not None:
        lines.append(text("visit_card", title=card.title, lines="\n".join(card.lines)))
    return "\n\n".join(lines)


def _grading_reply(saved: Saved) -> Reply:
    s = saved.suggestion
    signals = s.signals
    reasons = [
        text("grading_amount", amount=show_amount(signals.amount_wan))
        if signals.amount_wan
        else text("grading_amount_unknown"),
        text(f"grading_need_{signals.need}"),
        text(f"grading_interest_{signals.interest}"),
        text("grading_kp_yes" if signals.met_decision_maker else "grading_kp_no"),
    ]
    body = text(
        "grading_suggestion",
        customer=saved.customer_name,
        stars_bar=stars_text(s.stars),
        stars=s.stars,
        grade=s.grade,
        reasons="、".join(reasons),
    )
    if (saved.current_stars, saved.current_grade) == (s.stars, s.grade):
        return Reply(body + "\n" + text("grading_same"))
    if not saved.may_grade:
        return Reply(body + "\n" + text("grading_not_owner"))
    if saved.current_stars or saved.current_grade:
        current = text(
            "grading_current",
            stars=saved.current_stars or "—",
            grade=saved.current_grade or "—",
        )
        body += "\n" + current
    cid = saved.customer_id
    buttons = (
        (Button(text("grading_accept"), f"{GRADE_PREFIX}:ok:{cid}:{s.stars}:{s.grade}"),),
        (
            Button(text("grading_change_stars"), f"{GRADE_PREFIX}:stars:{cid}"),
            Button(text("grading_change_grade"), f"{GRADE_PREFIX}:class:{cid}"),
        ),
    )
    return Reply(body, buttons=buttons)


async def after_save(ctx: Context, saved: Saved) -> list[Reply]:
    return [Reply(_saved_text(ctx, saved)), _grading_reply(saved)]


VISIT_FORM = Form(FLOW, FIELDS, save_visit, after_save)


async def on_input(ctx: Context) -> list[Reply]:
    return await machine.handle(ctx, VISIT_FORM)


# ---------------------------------------------------------------- starting


async def start_guided(ctx: Context, customer: dict[str, Any] | None = None) -> list[Reply]:
    values: dict[str, Any] = {"visited_on": machine.today(ctx).isoformat()}
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


async def known_customers(ctx: Context) -> list[str]:
    """Names of the customers the user may see: they help read a report."""
    async with ctx.db.transaction() as session:
        found = await customers.list_customers(session, ctx.viewer, limit=KNOWN_CUSTOMERS_LIMIT)
    return [c.name for c in found]


async def quick_log(ctx: Context, report: str, known: list[str] | None = None) -> list[Reply]:
    """Read a report, show what was understood, ask only for what is missing (the customer)."""
    today = machine.today(ctx)
    if known is None:
        known = await known_customers(ctx)
    draft = await extractor_for(ctx.engine).extract(report, today, known)
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
            values["contact_title"] = draft.contact_title if _new_contact(values) else None
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
    return await start_guided(ctx, _customer_value(customer))


# ---------------------------------------------------------------- grading buttons


async def on_grade(ctx: Context) -> list[Reply]:
    parts = ctx.incoming.text.split(":")
    action, args = parts[1], parts[2:]
    if not args or not args[0].isdigit():
        return [Reply(text("button_expired"))]
    customer_id = int(args[0])
    if action == "stars":
        buttons = tuple(Button(f"{n}★", f"{GRADE_PREFIX}:s:{customer_id}:{n}") for n in range(1, 6))
        return [Reply(text("grading_pick_stars"), buttons=(buttons,))]
    if action == "class":
        buttons = tuple(Button(f"{g}类", f"{GRADE_PREFIX}:g:{customer_id}:{g}") for g in GRADES)
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
