"""/visits (recent visits the user may see) and /customer 名称 (a customer's profile)."""

from __future__ import annotations

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.features.visit_log.saved import visit_buttons
from bot.forms import buttons
from bot.forms.buttons import button_data
from bot.forms.fields import show_amount, show_date
from prompts import text
from store import customers, users, visits
from store.models import Customer, Visit

RECENT_VISITS = 10
PROFILE_VISITS = 5
CUSTOMER_PREFIX = "cust"  # cust:<customer id> opens a profile


def visit_line(visit: Visit, rep_name: str | None = None) -> str:
    parts = [show_date(visit.visited_on.isoformat()), visit.customer.name, visit.kind]
    parts.append(text(f"visit_outcome_{visit.outcome}"))
    if visit.contact is not None:
        parts.append(visit.contact.name)
    if rep_name:
        parts.append(rep_name)
    line = " · ".join(parts)
    if visit.voided_at is not None:
        line += " " + text("visit_voided_mark")
    elif not visit.effective:
        line += " " + text("visits_not_effective")
    if visit.next_step or visit.next_date:
        day = show_date(visit.next_date.isoformat()) if visit.next_date else ""
        line += "\n    " + text("visits_next", step=visit.next_step or "", day=day).strip()
    return line


async def visits_command(ctx: Context) -> list[Reply]:
    async with ctx.db.transaction() as session:
        recent = await visits.recent_visits(session, ctx.viewer, limit=RECENT_VISITS)
        names: dict[int, str] = {}
        if ctx.user.role != "rep":
            for rep_id in {v.rep_id for v in recent}:
                rep = await users.get_user(session, rep_id)
                names[rep_id] = rep.name if rep else "?"
    if not recent:
        return [Reply(text("visits_none"))]
    lines = [f"{i}. " + visit_line(v, names.get(v.rep_id)) for i, v in enumerate(recent, 1)]
    title = text("visits_title_mine" if ctx.user.role == "rep" else "visits_title_team")
    body = title + "\n\n" + "\n".join(lines)
    rows = visit_buttons(recent, ctx.user.id)
    return [Reply(body + ("\n\n" + text("visits_open_hint") if rows else ""), buttons=rows)]


async def _profile(ctx: Context, customer: Customer) -> Reply:
    async with ctx.db.transaction() as session:
        contacts = await customers.list_contacts(session, ctx.viewer, customer.id)
        history = await visits.visits_for_customer(session, ctx.viewer, customer.id)
        owner = await users.get_user(session, customer.owner_id)
    lines = [text("customer_title", name=customer.name)]
    lines.append(
        text(
            "customer_facts",
            grade=customer.grade or "—",
            stars=customer.stars or "—",
            milestone=customer.milestone or "—",
            amount=show_amount(customer.expected_amount_wan) if customer.expected_amount_wan else "—",
            owner=owner.name if owner else "—",
        )
    )
    if customer.industry or customer.region:
        lines.append(text("customer_where", industry=customer.industry or "—", region=customer.region or "—"))
    if contacts:
        lines.append(text("customer_contacts_title"))
        for c in contacts:
            details = " · ".join(
                filter(None, (c.title, c.buying_role, c.stance, c.phone, c.landline, c.email))
            )
            lines.append(f"  {c.name}" + (f"（{details}）" if details else ""))
    else:
        lines.append(text("customer_no_contacts"))
    upcoming = sorted(
        (v for v in history if v.next_date is not None and v.next_date >= ctx.today and v.voided_at is None),
        key=lambda v: v.next_date,
    )
    if upcoming:
        lines.append(text("customer_next_title"))
        lines.extend(
            f"  {show_date(v.next_date.isoformat())} {v.next_step or ''}".rstrip()
            for v in upcoming
            if v.next_date is not None
        )
    if history:
        lines.append(text("customer_visits_title", count=len(history)))
        lines.extend("  " + visit_line(v) for v in history[:PROFILE_VISITS])
    else:
        lines.append(text("customer_no_visits"))
    return Reply("\n".join(lines))


async def customer_command(ctx: Context) -> list[Reply]:
    query = ctx.incoming.args
    if not query:
        return [Reply(text("customer_usage"))]
    async with ctx.db.transaction() as session:
        found = await customers.find_customers(session, ctx.viewer, query, limit=6)
    if not found:
        return [Reply(text("customer_not_found", name=query[:50]))]
    exact = [c for c in found if c.normalized_name == customers.normalize_company_name(query)]
    if len(exact) == 1 or len(found) == 1:
        return [await _profile(ctx, exact[0] if exact else found[0])]
    buttons = tuple((Button(c.name, button_data(CUSTOMER_PREFIX, c.id)),) for c in found)
    return [Reply(text("customer_pick"), buttons=buttons)]


async def customer_of_button(ctx: Context) -> Customer | None:
    """The customer named by a "<prefix>:<customer id>" button, if this user may see it."""
    prefix = ctx.incoming.text.split(":", 1)[0]
    (customer_id,) = buttons.parse(ctx.incoming.text, prefix, buttons.ident)
    async with ctx.db.transaction() as session:
        return await customers.get_customer(session, ctx.viewer, customer_id)


async def on_customer_button(ctx: Context) -> list[Reply]:
    customer = await customer_of_button(ctx)
    if customer is None:
        return [Reply(text("button_expired"))]
    return [await _profile(ctx, customer)]
