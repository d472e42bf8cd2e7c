"""Read-only aggregates over customers for the managers' reports (visits and task statuses come
from ``store.visits`` and ``store.tasks``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.access import Viewer, visible
from store.models import Customer


async def new_customers(
    session: AsyncSession, viewer: Viewer, start: datetime, end: datetime
) -> list[Customer]:
    """Customers the viewer may see created in ``[start, end)``."""
    stmt = visible(
        viewer,
        select(Customer).where(Customer.created_at >= start, Customer.created_at < end),
        owner_col=Customer.owner_id,
        team_col=Customer.team_id,
    )
    return list(await session.scalars(stmt.order_by(Customer.created_at, Customer.id)))


async def milestone_counts(session: AsyncSession, viewer: Viewer) -> dict[str, int]:
    """How many visible customers stand at each deal milestone now (customers without one left out)."""
    stmt = visible(
        viewer,
        select(Customer.milestone, func.count())
        .where(Customer.milestone.is_not(None))
        .group_by(Customer.milestone),
        owner_col=Customer.owner_id,
        team_col=Customer.team_id,
    )
    return {milestone: n for milestone, n in await session.execute(stmt)}
