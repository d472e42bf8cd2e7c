"""Customers (accounts) and their contacts."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store._sql import insert_ignore, like_escape
from store.access import AccessDenied, Viewer, can_see, in_team, visible
from store.models import (
    BUYING_ROLES,
    GRADES,
    MILESTONES,
    PERSONALITIES,
    STANCES,
    Contact,
    Customer,
    utcnow,
)
from store.wordlists import load_sections

COMPANY_WORDS = load_sections(Path(__file__).resolve().parent / "lexicon" / "company_names.txt")
LEGAL_FORMS: tuple[str, ...] = COMPANY_WORDS["legal_forms"]
PROVINCES: tuple[str, ...] = COMPANY_WORDS["provinces"]
CITIES: tuple[str, ...] = COMPANY_WORDS["cities"]
_PROVINCE_PREFIX = re.compile(
    rf"^(?:{'|'.join(PROVINCES)})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)"
)
# 南京市…, 苏州市… but not 华联超市…/城市…: a 2-3 character city name ending in 市.
_CITY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,2}[^超城门集\W]市(?!场)(?=..)")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_NOISE = re.compile(r"[\s·•・.,，。、'\"“”‘’\-_/]+")

CUSTOMER_FIELDS = frozenset(
    {
        "name",
        "industry",
        "region",
        "grade",
        "stars",
        "milestone",
        "expected_amount_wan",
        "annual_output_wan",
        "owner_id",
        "team_id",
    }
)
CONTACT_FIELDS = frozenset({"title", "phone", "landline", "email", "buying_role", "stance", "personality"})


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # opencc-python-reimplemented; its dictionaries load in ~0.3 s, so only when needed

    return opencc.OpenCC("t2s")


def to_simplified_script(text: str) -> str:
    """Traditional characters as simplified ones (華東 → 华东). Text whose every CJK character is in
    GB2312 (the simplified set) is returned as it is, without loading the converter."""
    if all(ord(ch) < 0x3400 or ch.encode("gb2312", errors="ignore") for ch in text):
        return text
    return _t2s().convert(text)


def normalize_company_name(name: str) -> str:
    """'江苏省華东机械（集团）股份有限公司' → '华东机械': the per-team unique key, and what search and the
    visit parser compare. Width, case and script are folded; brackets, spaces, punctuation, legal forms
    and a 省/市 prefix are dropped. The one company-name normaliser (bot/ uses it too)."""
    text = to_simplified_script(unicodedata.normalize("NFKC", name or "").casefold().strip())
    text = _BRACKETS.sub("", text)
    text = re.sub(r"\s+", "", text)
    fallback = _NOISE.sub("", text)
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_FORMS:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text, changed = text[: -len(suffix)], True
    province = _PROVINCE_PREFIX.match(text)
    if province and len(text) - province.end() >= 2:
        text = text[province.end() :]
    city = _CITY_PREFIX.match(text)
    if city:
        text = text[city.end() :]
    text = _NOISE.sub("", text)
    return text or fallback


def _check_customer_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise ValueError(f"unknown customer fields: {sorted(unknown)}")
    if fields.get("grade") is not None and fields["grade"] not in GRADES:
        raise ValueError(f"grade must be one of {GRADES}")
    if fields.get("stars") is not None and not 1 <= int(fields["stars"]) <= 5:
        raise ValueError("stars must be 1-5")
    if fields.get("milestone") is not None and fields["milestone"] not in MILESTONES:
        raise ValueError(f"milestone must be one of {MILESTONES}")


def _check_contact_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise ValueError(f"unknown contact fields: {sorted(unknown)}")
    for key, allowed in (("buying_role", BUYING_ROLES), ("stance", STANCES), ("personality", PERSONALITIES)):
        if fields.get(key) is not None and fields[key] not in allowed:
            raise ValueError(f"{key} must be one of {allowed}")


def _visible_customers(viewer: Viewer) -> Any:
    return visible(viewer, select(Customer), owner_col=Customer.owner_id, team_col=Customer.team_id)


async def get_customer(session: AsyncSession, viewer: Viewer, customer_id: int) -> Customer | None:
    return await session.scalar(_visible_customers(viewer).where(Customer.id == customer_id))


async def list_customers(
    session: AsyncSession, viewer: Viewer, *, limit: int | None = None
) -> list[Customer]:
    stmt = _visible_customers(viewer).order_by(Customer.name, Customer.id).limit(limit)
    return list(await session.scalars(stmt))


def _partial_ratio(needle: str, hay: str) -> float:
    if not needle or not hay:
        return 0.0
    if len(hay) <= len(needle):
        return difflib.SequenceMatcher(None, needle, hay).ratio()
    return max(
        difflib.SequenceMatcher(None, needle, hay[i : i + len(needle)]).ratio()
        for i in range(len(hay) - len(needle) + 1)
    )


async def find_customers(
    session: AsyncSession, viewer: Viewer, query: str, *, limit: int = 10, fuzzy_cutoff: float = 0.7
) -> list[Customer]:
    """Customers the viewer may see whose name matches ``query``: exact (normalized) first, then
    prefix, then contains; when nothing matches, the closest names by similarity (typos)."""
    key = normalize_company_name(query)
    raw = _NOISE.sub("", unicodedata.normalize("NFKC", query).casefold())
    if not key:
        return []
    pattern = f"%{like_escape(key)}%"
    stmt = _visible_customers(viewer).where(
        or_(
            Customer.normalized_name.like(pattern, escape="\\"),
            func.lower(Customer.name).like(f"%{like_escape(raw)}%", escape="\\"),
        )
    )
    hits = list(await session.scalars(stmt))

    def rank(c: Customer) -> tuple[int, int, str]:
        n = c.normalized_name
        return (0 if n == key else 1 if n.startswith(key) else 2, len(n), c.name)

    if hits:
        return sorted(hits, key=rank)[:limit]
    candidates = (
        await session.execute(
            visible(
                viewer,
                select(Customer.id, Customer.normalized_name),
                owner_col=Customer.owner_id,
                team_col=Customer.team_id,
            ).limit(5000)
        )
    ).all()
    scored = sorted(
        ((_partial_ratio(key, name), cid) for cid, name in candidates),
        key=lambda t: -t[0],
    )
    ids = [cid for score, cid in scored if score >= fuzzy_cutoff][:limit]
    if not ids:
        return []
    by_id = {c.id: c for c in await session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [by_id[i] for i in ids]


async def get_or_create_customer(
    session: AsyncSession,
    viewer: Viewer,
    name: str,
    *,
    team_id: int | None = None,
    owner_id: int | None = None,
    **fields: Any,
) -> tuple[Customer, bool]:
    """The customer with this (normalized) name in the team, or a new one owned by ``owner_id``
    (default: the viewer) in ``team_id`` (default: the viewer's team). Returns (customer, created).

    An existing customer is returned even if another rep owns it; deciding what to do about
    such a clash is the caller's business (``customer.owner_id != viewer.user_id``).
    """
    _check_customer_fields(fields)
    name = name.strip()
    key = normalize_company_name(name)
    if not key:
        raise ValueError("customer name is empty")
    team_id = viewer.team_id if team_id is None else team_id
    owner_id = viewer.user_id if owner_id is None else owner_id
    lookup = select(Customer).where(Customer.normalized_name == key, in_team(Customer.team_id, team_id))
    if team_id is None:  # customers of no team are nobody's shared accounts: only the owner's own
        lookup = lookup.where(Customer.owner_id == owner_id)
    existing = await session.scalar(lookup.order_by(Customer.id))
    if existing is not None:
        return existing, False
    row = {
        "team_id": team_id,
        "name": name,
        "normalized_name": key,
        "owner_id": owner_id,
        "created_at": utcnow(),
        **fields,
    }
    created = await insert_ignore(session, Customer, row, conflict=("team_id", "normalized_name"))
    customer = await session.scalar(lookup.order_by(Customer.id))
    assert customer is not None
    return customer, bool(created)


async def update_customer(session: AsyncSession, viewer: Viewer, customer_id: int, **fields: Any) -> Customer:
    """Change some fields (``name`` renormalizes). AccessDenied if the viewer cannot see it."""
    _check_customer_fields(fields)
    customer = await get_customer(session, viewer, customer_id)
    if customer is None:
        raise AccessDenied(f"customer {customer_id}")
    for key, value in fields.items():
        setattr(customer, key, value)
    if "name" in fields:
        customer.name = fields["name"].strip()
        customer.normalized_name = normalize_company_name(customer.name)
    await session.flush()
    return customer


async def add_contact(
    session: AsyncSession, viewer: Viewer, customer_id: int, name: str, **fields: Any
) -> Contact:
    _check_contact_fields(fields)
    customer = await get_customer(session, viewer, customer_id)
    if customer is None:
        raise AccessDenied(f"customer {customer_id}")
    contact = Contact(customer_id=customer.id, name=name.strip(), **fields)
    session.add(contact)
    await session.flush()
    return contact


async def update_contact(session: AsyncSession, viewer: Viewer, contact_id: int, **fields: Any) -> Contact:
    _check_contact_fields({k: v for k, v in fields.items() if k != "name"})
    contact = await session.get(Contact, contact_id)
    customer = contact and await session.get(Customer, contact.customer_id)
    if (
        contact is None
        or customer is None
        or not can_see(viewer, owner_id=customer.owner_id, team_id=customer.team_id)
    ):
        raise AccessDenied(f"contact {contact_id}")
    for key, value in fields.items():
        setattr(contact, key, value)
    await session.flush()
    return contact


async def list_contacts(session: AsyncSession, viewer: Viewer, customer_id: int) -> list[Contact]:
    stmt = visible(
        viewer,
        select(Contact)
        .join(Customer, Contact.customer_id == Customer.id)
        .where(Contact.customer_id == customer_id),
        owner_col=Customer.owner_id,
        team_col=Customer.team_id,
    )
    return list(await session.scalars(stmt.order_by(Contact.id)))
