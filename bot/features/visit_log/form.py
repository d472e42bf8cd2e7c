"""The visit form (/log): its fields as data, and the lookups that turn a typed customer or
contact name into a record the user may see. Saving is bot/sales/visits/logbook.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.core import Context
from bot.features.visit_log.rendering import saved_replies
from bot.forms import Choose, Field, Form, Invalid, Picked
from bot.sales.visits.logbook import SavedVisit, save_visit
from prompts import text
from store import customers
from store.customers import normalize_company_name
from store.models import BUYING_ROLES, OUTCOMES, VISIT_KINDS, Contact, Customer

FLOW = "visit"
CONTACT_DETAILS = ("contact_title", "contact_role", "contact_phone", "contact_email")
MAX_NAME_CHARS = 100


def customer_value(customer: Customer) -> dict[str, Any]:
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
        return Picked(customer_value(exact[0]))
    new = {"id": None, "name": name}
    if not found and not confirm_new:
        return Picked(new)
    options = [(c.name, customer_value(c)) for c in found]
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


def new_contact(values: dict[str, Any]) -> bool:
    contact = values.get("contact")
    return bool(contact) and not contact.get("id")


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
    Field("contact_title", optional=True, when=new_contact, max_chars=50),
    Field("contact_role", "choice", optional=True, choices=BUYING_ROLES, when=new_contact),
    Field("contact_phone", "phone", optional=True, when=new_contact),
    Field("contact_email", "email", optional=True, when=new_contact),
    Field("kind", "choice", choices=VISIT_KINDS),
    Field("outcome", "choice", choices=OUTCOMES),
    Field("next_step", optional=True, max_chars=200),
    Field("next_date", "date", optional=True, future_only=True),
    Field("amount", "amount", optional=True),
    Field("notes", optional=True, max_chars=1000),
    Field("visited_on", "date", ask=False, past_only=True),
)


async def _save(ctx: Context, session: AsyncSession, values: dict[str, Any]) -> SavedVisit:
    return await save_visit(session, ctx.viewer, values)


VISIT_FORM = Form(FLOW, FIELDS, _save, saved_replies)
