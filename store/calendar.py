"""Official holiday arrangements loaded by an admin (``coach calendar load``), one row per year and
one per exception to Monday–Friday, so that every process reads the same working calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import CalendarDay, CalendarYear, utcnow


async def replace_year(
    session: AsyncSession,
    year: int,
    days: Iterable[tuple[date, bool, str]],
    *,
    source: str,
    at: datetime | None = None,
) -> int:
    """Store a year's arrangement, replacing any earlier one: (day, is a working day, name) rows."""
    await session.execute(delete(CalendarDay).where(CalendarDay.year == year))
    await session.execute(delete(CalendarYear).where(CalendarYear.year == year))
    session.add(CalendarYear(year=year, source=source[:200], loaded_at=at or utcnow()))
    await session.flush()
    rows = [CalendarDay(day=day, year=year, workday=workday, name=name[:40]) for day, workday, name in days]
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def loaded_years(session: AsyncSession) -> dict[int, list[tuple[date, bool, str]]]:
    """Every loaded year with its exception days (a year may have none listed)."""
    years: dict[int, list[tuple[date, bool, str]]] = {
        year: [] for year in (await session.scalars(select(CalendarYear.year))).all()
    }
    for row in (await session.scalars(select(CalendarDay).order_by(CalendarDay.day))).all():
        years.setdefault(row.year, []).append((row.day, row.workday, row.name))
    return years
