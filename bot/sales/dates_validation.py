"""Dates that cannot be right, each with the Chinese message that names the problem: a date no
calendar has (2月30日), a next date in the past or more than a year ahead, a visit date in the
future or more than 90 days back, a due date in the past. The quick log, the form and /task
ask these functions; every limit is defined here once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.sales.localtime import md
from bot.sales.parsing.dates import impossible_dates
from prompts import text

#: A next step planned further ahead than this is almost certainly a typo (9999-12-31).
NEXT_DATE_MAX_AHEAD = timedelta(days=366)
#: A visit logged later than this after it happened is not a record anyone can check (1900-01-01).
VISIT_DATE_MAX_BACK = timedelta(days=90)


@dataclass(frozen=True)
class DateProblem:
    key: str  # the text in prompts/texts.dates.zh.yaml
    values: dict[str, object] = field(default_factory=dict)

    def message(self) -> str:
        return text(self.key, **self.values)


def show_day(day: date, today: date) -> str:
    return md(day) if day.year == today.year else f"{day.year}年{md(day)}"


def impossible_date_problem(typed: str) -> DateProblem | None:
    """The first date in the text that no calendar has (2月30日, 13月5号, 2026.2.30)."""
    for found in impossible_dates(typed):
        if not 1 <= found.month <= 12:
            return DateProblem("date_impossible_month", {"text": found.text})
        return DateProblem("date_impossible", {"text": found.text, "month": found.month, "day": found.day})
    return None


def next_date_problem(day: date, today: date) -> DateProblem | None:
    if day < today:
        return DateProblem("date_next_past", {"day": show_day(day, today)})
    if day > today + NEXT_DATE_MAX_AHEAD:
        limit = today + NEXT_DATE_MAX_AHEAD
        return DateProblem(
            "date_next_too_far", {"day": show_day(day, today), "limit": show_day(limit, today)}
        )
    return None


def visit_date_problem(day: date, today: date) -> DateProblem | None:
    if day > today:
        return DateProblem("date_visit_future", {"day": show_day(day, today)})
    if day < today - VISIT_DATE_MAX_BACK:
        return DateProblem(
            "date_visit_too_old",
            {"day": show_day(day, today), "days": (today - day).days, "limit": VISIT_DATE_MAX_BACK.days},
        )
    return None


def due_date_problem(day: date, today: date) -> DateProblem | None:
    if day < today:
        return DateProblem("date_due_past", {"day": show_day(day, today)})
    if day > today + NEXT_DATE_MAX_AHEAD:
        limit = today + NEXT_DATE_MAX_AHEAD
        return DateProblem("date_due_too_far", {"day": show_day(day, today), "limit": show_day(limit, today)})
    return None
