"""Users, teams and invites."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store._sql import insert_ignore
from store.models import (
    DEFAULT_EVENING_SUMMARY,
    DEFAULT_MORNING_PUSH,
    ROLES,
    WORKWEEKS,
    ConversationState,
    Invite,
    Team,
    User,
    utcnow,
)

#: No 0/O, 1/I/L: codes are read aloud and typed on phones.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8
RedeemFailure = Literal["expired", "used", "unknown"]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")


def _check_hhmm(value: str) -> str:
    value = value.strip()
    if len(value) == 4 and value[1] == ":":
        value = "0" + value
    if not _HHMM.match(value):
        raise ValueError(f"not a time of day HH:MM: {value!r}")
    return value


# ---------------------------------------------------------------- teams


async def ensure_team(session: AsyncSession, name: str) -> Team:
    """The team called ``name``, created if missing (safe under concurrency)."""
    name = name.strip()
    if not name:
        raise ValueError("team name is empty")
    team = await session.scalar(select(Team).where(Team.name == name))
    if team is None:
        await insert_ignore(
            session,
            Team,
            {
                "name": name,
                "morning_push": DEFAULT_MORNING_PUSH,
                "evening_summary": DEFAULT_EVENING_SUMMARY,
                "created_at": utcnow(),
            },
            conflict=("name",),
        )
        team = await session.scalar(select(Team).where(Team.name == name))
    assert team is not None
    return team


async def get_team(session: AsyncSession, team_id: int) -> Team | None:
    return await session.get(Team, team_id)


async def list_teams(session: AsyncSession) -> list[Team]:
    return list(await session.scalars(select(Team).order_by(Team.name)))


async def set_team_schedule(
    session: AsyncSession,
    team_id: int,
    *,
    morning_push: str | None = None,
    evening_summary: str | None = None,
    workweek: str | None = None,
) -> Team:
    team = await session.get(Team, team_id)
    if team is None:
        raise LookupError(f"no team {team_id}")
    if workweek is not None:
        if workweek not in WORKWEEKS:
            raise ValueError(f"unknown workweek {workweek!r}")
        team.workweek = workweek
    if morning_push is not None:
        team.morning_push = _check_hhmm(morning_push)
    if evening_summary is not None:
        team.evening_summary = _check_hhmm(evening_summary)
    await session.flush()
    return team


async def _team_id(session: AsyncSession, team: str | int | Team | None) -> int | None:
    if team is None:
        return None
    if isinstance(team, Team):
        return team.id
    if isinstance(team, int):
        return team
    return (await ensure_team(session, team)).id


# ---------------------------------------------------------------- users


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_telegram_id(
    session: AsyncSession, telegram_id: int, *, include_inactive: bool = False
) -> User | None:
    stmt = select(User).where(User.telegram_id == telegram_id)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return await session.scalar(stmt)


async def add_user(
    session: AsyncSession,
    telegram_id: int,
    name: str,
    role: str = "rep",
    team: str | int | Team | None = None,
) -> User:
    """Create a user, or update (and reactivate) the one with this ``telegram_id``.
    ``team`` is a name (created if missing), an id or a Team."""
    _check_role(role)
    team_id = await _team_id(session, team)
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        user = User(telegram_id=telegram_id, name=name.strip(), role=role, team_id=team_id, active=True)
        session.add(user)
    else:
        if user.team_id != team_id:
            # a half-done conversation belongs to the old team: it ends here (a changed role is
            # stopped at the engine's door, with a message)
            await session.execute(delete(ConversationState).where(ConversationState.user_id == user.id))
        user.name, user.role, user.team_id, user.active = name.strip(), role, team_id, True
    await session.flush()
    await session.refresh(user, ["team"])
    return user


async def list_users(
    session: AsyncSession,
    *,
    team_id: int | None = None,
    role: str | None = None,
    include_inactive: bool = False,
) -> list[User]:
    stmt = select(User).order_by(User.team_id, User.name, User.id)
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return list(await session.scalars(stmt))


async def remove_user(session: AsyncSession, user_id: int) -> bool:
    """Deactivate (history stays). False if there is no such active user."""
    result = await session.execute(
        update(User).where(User.id == user_id, User.active.is_(True)).values(active=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def any_admin_exists(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(exists().where(User.role == "admin", User.active.is_(True)))))


async def users_of_team(session: AsyncSession, team_id: int, role: str | None = None) -> list[User]:
    return await list_users(session, team_id=team_id, role=role)


async def managers_of_team(session: AsyncSession, team_id: int) -> list[User]:
    return await list_users(session, team_id=team_id, role="manager")


# ---------------------------------------------------------------- invites


def normalize_invite_code(code: str) -> str:
    return re.sub(r"[\s\-_]", "", code).upper()


async def create_invite(
    session: AsyncSession,
    role: str,
    team: str | int | Team | None = None,
    ttl: timedelta = timedelta(days=7),
    *,
    created_by: int | None = None,
    now: datetime | None = None,
) -> str:
    """A fresh single-use code (8 characters from an unambiguous alphabet)."""
    _check_role(role)
    team_id = await _team_id(session, team)
    now = now or utcnow()
    while True:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        row = {
            "code": code,
            "role": role,
            "team_id": team_id,
            "expires_at": now + ttl,
            "created_by": created_by,
            "created_at": now,
        }
        if await insert_ignore(session, Invite, row, conflict=("code",)):
            return code


async def redeem_invite(
    session: AsyncSession, code: str, telegram_id: int, name: str, *, now: datetime | None = None
) -> User | RedeemFailure:
    """Use an invite: returns the (new or updated) User, or why not: 'unknown', 'used', 'expired'.

    The invite is taken with one conditional UPDATE first, so two people racing for one code
    cannot both get in.
    """
    now = now or utcnow()
    code = normalize_invite_code(code)
    taken = await session.execute(
        update(Invite)
        .where(Invite.code == code, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(used_at=now)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        invite = await session.scalar(select(Invite).where(Invite.code == code))
        if invite is None:
            return "unknown"
        return "used" if invite.used_at is not None else "expired"
    invite = await session.scalar(select(Invite).where(Invite.code == code))
    assert invite is not None
    user = await add_user(session, telegram_id, name, invite.role, invite.team_id)
    invite.used_by = user.id
    await session.flush()
    return user
