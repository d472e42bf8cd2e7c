"""A team's override of the playbook rules, kept in the database so every process sees the same.

The store keeps the override as data; what it means and whether it is valid is bot.sales.rules' job.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.models import TeamRules, utcnow


async def get_override(session: AsyncSession, team_id: int | None) -> dict[str, Any]:
    if team_id is None:
        return {}
    row = await session.get(TeamRules, team_id)
    return dict(row.data) if row is not None else {}


async def set_override(
    session: AsyncSession, team_id: int, data: dict[str, Any], *, updated_by: int | None = None
) -> None:
    row = await session.get(TeamRules, team_id)
    if row is None:
        session.add(TeamRules(team_id=team_id, data=data, updated_by=updated_by))
    else:
        row.data = data
        row.updated_by = updated_by
        row.updated_at = utcnow()
    await session.flush()


async def clear_override(session: AsyncSession, team_id: int) -> bool:
    row = await session.get(TeamRules, team_id)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True
