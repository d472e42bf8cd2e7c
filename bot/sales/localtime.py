"""Local (COACH_TIMEZONE) dates and times of day for pushes, tasks and reports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_now(now: datetime, tz: ZoneInfo) -> datetime:
    return now.astimezone(tz)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def at_local(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """The aware datetime of ``HH:MM`` on ``day`` in ``tz``."""
    hours, minutes = (int(part) for part in hhmm.split(":", 1))
    return datetime.combine(day, time(hours, minutes), tzinfo=tz)


def day_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """``[start 00:00, end+1 00:00)`` local, as aware datetimes (for timestamp columns)."""
    return (
        datetime.combine(start, time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=tz),
    )


def md(day: date) -> str:
    """11月24日"""
    return f"{day.month}月{day.day}日"
