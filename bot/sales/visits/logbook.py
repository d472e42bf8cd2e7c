"""Saving a logged visit: the customer and contact it is about (found or created), the visit row,
the effective-visit check, the customer's milestone and amount, and a grading suggestion.
Runs inside the caller's transaction; knows no chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sales.contacts import normalize_phone
from bot.sales.rules import Rules, team_rules
from bot.sales.visits import grading
from prompts import text
from store import customers, visits
from store.access import AccessDenied, Viewer, can_see
from store.models import MILESTONES, Contact, Customer


@dataclass(frozen=True)
class SavedVisit:
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
    rules: Rules


def customer_changes_after_visit(
    customer: Customer, outcome: str, amount_wan: float | None
) -> dict[str, Any]:
    """What a visit changes on its customer's record: a stated amount becomes the expected one, a
    won deal reaches the last milestone, and a customer without a milestone reaches the first
    after the very first call (拜访)."""
    changes: dict[str, Any] = {}
    if amount_wan:
        changes["expected_amount_wan"] = amount_wan
    if outcome == "deal_won":
        changes["milestone"] = MILESTONES[-1]
    elif customer.milestone is None:
        changes["milestone"] = MILESTONES[1]
    return changes


async def resolve_customer(session: AsyncSession, viewer: Viewer, value: dict[str, Any]) -> Customer:
    if value.get("id"):
        customer = await customers.get_customer(session, viewer, value["id"])
        if customer is None:
            raise AccessDenied(f"customer {value['id']}")
        return customer
    customer, _created = await customers.get_or_create_customer(
        session, viewer, value["name"], milestone=MILESTONES[1]
    )
    return customer


async def resolve_contact(
    session: AsyncSession, viewer: Viewer, customer: Customer, values: dict[str, Any], may_edit: bool
) -> Contact | None:
    value = values.get("contact")
    if not value:
        return None
    known = await customers.list_contacts(session, viewer, customer.id)
    same = [c for c in known if c.id == value.get("id") or (not value.get("id") and c.name == value["name"])]
    if same:  # a contact typed as new who is on file already is that contact
        return same[0]
    if value.get("id"):
        return None
    if not may_edit:  # a teammate's customer: the visit keeps the name in its notes
        return None
    details = {"title": values.get("contact_title"), "buying_role": values.get("contact_role")}
    details |= reach_details(values)
    return await customers.add_contact(session, viewer, customer.id, value["name"], **details)


def reach_details(values: dict[str, Any]) -> dict[str, str]:
    """The contact's phone, landline and e-mail as typed in the form (a number goes where it fits)."""
    details: dict[str, str] = {}
    for key in ("contact_phone", "contact_landline"):
        phone = normalize_phone(values.get(key) or "")
        if phone is not None:
            details.setdefault("phone" if phone[0] == "mobile" else "landline", phone[1])
    if values.get("contact_email"):
        details["email"] = values["contact_email"]
    return details


async def _complete_contact(
    session: AsyncSession, viewer: Viewer, contact: Contact, values: dict[str, Any], may_edit: bool
) -> Contact:
    """A contact on file gets the landline or e-mail it lacked, when the rep brought them back."""
    missing = {k: v for k, v in reach_details(values).items() if not getattr(contact, k)}
    if not missing or not may_edit:
        return contact
    return await customers.update_contact(session, viewer, contact.id, **missing)


def _clarified(values: dict[str, Any]) -> list[str]:
    value = values.get("clarified") or {}
    return [str(i) for i in value.get("items", [])] if isinstance(value, dict) else []


async def rules_for(session: AsyncSession, viewer: Viewer, customer: Customer) -> Rules:
    """The rules of the customer's team (or the viewer's, for a customer of no team)."""
    return await team_rules(session, customer.team_id if customer.team_id is not None else viewer.team_id)


def effectiveness_of(
    rules: Rules, outcome: str, contact: Contact | None, clarified: list[str]
) -> grading.Effectiveness:
    """The team's effective-visit rule applied to what the visit brought back."""
    reach = {"landline": contact.landline, "email": contact.email, "mobile": contact.phone} if contact else {}
    return grading.check_effective(rules, outcome, contact.name if contact else None, reach, clarified)


async def save_visit(session: AsyncSession, viewer: Viewer, values: dict[str, Any]) -> SavedVisit:
    """``values`` as the visit form keeps them (JSON-ready: ISO dates, lookups as {id, name}).

    Which customer record a visit goes to, and what the reply may show of it:
    - one the viewer may see (a rep's own; the team's for a manager): the visit is logged, the
      record updated, and its figures used for the grading suggestion;
    - a colleague's customer of the same team (a team holds one record per company, so a typed
      name that is not the rep's own may still be a teammate's): the visit is linked to it as a
      joint visit and counts for the rep, but the record is left as it is and the reply uses only
      what this rep reported — none of the colleague's amount, annual output, grade, stars,
      milestone, contacts or next steps;
    - another team's customer: never matched (customers are looked up within the viewer's team,
      and store.visits refuses a visit to one).
    """
    customer = await resolve_customer(session, viewer, values["customer"])
    may_edit = can_see(viewer, owner_id=customer.owner_id, team_id=customer.team_id)
    contact = await resolve_contact(session, viewer, customer, values, may_edit)
    notes = values.get("notes") or ""
    if values.get("contact") and contact is None:
        notes = (notes + "\n" if notes else "") + text("visit_notes_contact", name=values["contact"]["name"])
    if contact is not None:
        contact = await _complete_contact(session, viewer, contact, values, may_edit)
    rules = await rules_for(session, viewer, customer)
    clarified = _clarified(values)
    effectiveness = effectiveness_of(rules, values["outcome"], contact, clarified)
    visit = await visits.add_visit(
        session,
        viewer,
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
        clarified=clarified,
        need=values.get("need"),
        interest=values.get("interest"),
    )
    # the record's own figures only for who may see it (the rule above)
    amount = values.get("amount") or (customer.expected_amount_wan if may_edit else None)
    annual_output = values.get("annual_output") or (customer.annual_output_wan if may_edit else None)
    if may_edit:
        changes = customer_changes_after_visit(customer, values["outcome"], values.get("amount"))
        if values.get("annual_output"):
            changes["annual_output_wan"] = values["annual_output"]
        milestone_before = customer.milestone
        if changes:
            customer = await customers.update_customer(session, viewer, customer.id, **changes)
        if customer.milestone != milestone_before:  # kept on the visit: a void gives it back
            await visits.note_milestone_move(session, visit, milestone_before, customer.milestone)
    return SavedVisit(
        visit_id=visit.id,
        customer_id=customer.id,
        customer_name=customer.name,
        visited_on=visit.visited_on,
        kind=visit.kind,
        outcome=visit.outcome,
        next_step=visit.next_step,
        next_date=visit.next_date,
        effectiveness=effectiveness,
        suggestion=grading.suggest(
            rules,
            grading.signals_of(
                rules,
                outcome=values["outcome"],
                amount_wan=amount,
                buying_role=contact.buying_role if contact else None,
                need=values.get("need"),
                interest=values.get("interest"),
                annual_output_wan=annual_output,
            ),
        ),
        current_stars=customer.stars if may_edit else None,
        current_grade=customer.grade if may_edit else None,
        milestone=customer.milestone if may_edit else None,
        report=" ".join(filter(None, (notes, values.get("next_step") or ""))),
        may_grade=may_edit,
        rules=rules,
    )
