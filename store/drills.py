"""Practice drills: every scored attempt, the drills managers add, and each team's 今日一练 switch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.access import Viewer, in_team, visible
from store.models import DrillAttempt, DrillDefinition, DrillTeamSetting, User, utcnow

ANSWER_LIMIT = 2000


async def record_attempt(
    session: AsyncSession,
    user: User,
    *,
    drill_key: str,
    drill_title: str,
    turn: int,
    passed: int,
    total: int,
    answer: str,
    judged_by: str = "offline",
    at: datetime | None = None,
) -> DrillAttempt:
    if total <= 0 or not 0 <= passed <= total:
        raise ValueError(f"checks passed {passed} of {total}")
    attempt = DrillAttempt(
        user_id=user.id,
        team_id=user.team_id,
        drill_key=drill_key[:100],
        drill_title=drill_title[:200],
        turn=turn,
        checks_passed=passed,
        checks_total=total,
        answer=answer[:ANSWER_LIMIT],
        judged_by=judged_by,
        created_at=at or utcnow(),
    )
    session.add(attempt)
    await session.flush()
    return attempt


async def attempts_between(
    session: AsyncSession, viewer: Viewer, start: datetime, end: datetime
) -> list[DrillAttempt]:
    """Attempts in ``[start, end)`` that ``viewer`` may see (a rep: their own; a manager: the team)."""
    stmt = select(DrillAttempt).where(DrillAttempt.created_at >= start, DrillAttempt.created_at < end)
    stmt = visible(viewer, stmt, owner_col=DrillAttempt.user_id, team_col=DrillAttempt.team_id)
    return list((await session.scalars(stmt.order_by(DrillAttempt.created_at, DrillAttempt.id))).all())


@dataclass(frozen=True)
class DrillHistory:
    drill_key: str
    drill_title: str
    attempts: int
    share: float  # mean share of checks passed


async def history(session: AsyncSession, user_id: int, *, team_id: int | None) -> dict[str, DrillHistory]:
    """Per drill the person has tried in ``team_id`` (their current team: what they practised in
    another team stays there): attempts and mean share of checks passed."""
    share = func.avg(DrillAttempt.checks_passed * 1.0 / DrillAttempt.checks_total)
    rows = await session.execute(
        select(DrillAttempt.drill_key, func.max(DrillAttempt.drill_title), func.count(), share)
        .where(DrillAttempt.user_id == user_id, in_team(DrillAttempt.team_id, team_id))
        .group_by(DrillAttempt.drill_key)
    )
    return {key: DrillHistory(key, title, int(n), float(avg or 0.0)) for key, title, n, avg in rows}


# ---------------------------------------------------------------- drills added by managers


async def add_definition(
    session: AsyncSession,
    *,
    title: str,
    data: dict[str, Any],
    tags: Iterable[str] = (),
    team_id: int | None,
    created_by: int | None,
    card_id: int | None = None,
) -> DrillDefinition:
    definition = DrillDefinition(
        title=title[:200],
        data=data,
        tags=list(tags),
        team_id=team_id,
        created_by=created_by,
        card_id=card_id,
    )
    session.add(definition)
    await session.flush()
    return definition


async def definitions_for(
    session: AsyncSession, team_id: int | None, *, all_teams: bool = False
) -> list[DrillDefinition]:
    """Active drills for a team (its own and every team's), or all of them."""
    stmt = select(DrillDefinition).where(DrillDefinition.active.is_(True))
    if not all_teams:
        stmt = stmt.where(or_(DrillDefinition.team_id.is_(None), DrillDefinition.team_id == team_id))
    return list((await session.scalars(stmt.order_by(DrillDefinition.id))).all())


# ---------------------------------------------------------------- 今日一练 per team


async def daily_drill_enabled(session: AsyncSession, team_id: int | None) -> bool:
    if team_id is None:
        return False
    setting = await session.get(DrillTeamSetting, team_id)
    return bool(setting and setting.daily_drill)


async def set_daily_drill(session: AsyncSession, team_id: int, enabled: bool) -> None:
    setting = await session.get(DrillTeamSetting, team_id)
    if setting is None:
        session.add(DrillTeamSetting(team_id=team_id, daily_drill=enabled))
    else:
        setting.daily_drill = enabled
    await session.flush()


async def own_attempts_between(
    session: AsyncSession, user_id: int, start: datetime, end: datetime, *, team_id: int | None
) -> list[DrillAttempt]:
    """One person's own attempts in ``[start, end)`` in ``team_id`` (what /drill 统计 shows,
    whatever the role)."""
    stmt = select(DrillAttempt).where(
        DrillAttempt.user_id == user_id,
        in_team(DrillAttempt.team_id, team_id),
        DrillAttempt.created_at >= start,
        DrillAttempt.created_at < end,
    )
    return list((await session.scalars(stmt.order_by(DrillAttempt.created_at))).all())
