"""Form fields: what is asked, how a typed answer is checked, and how a value is shown.

Values are kept JSON-ready (they live in ``ConversationState.data``): dates as ISO strings,
amounts as floats in 万元, lookups as small dicts such as ``{"id": 3, "name": "华东机械"}``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from bot.sales.contacts import normalize_phone
from bot.sales.dates_validation import impossible_date_problem
from bot.sales.parsing.dates import parse_date
from bot.sales.validation import Problem, check_date, clean_text, read_amount, refusals
from prompts import text

if TYPE_CHECKING:
    from bot.engine.core import Context

FieldKind = Literal["text", "choice", "date", "amount", "phone", "email", "lookup"]
WEEKDAY_NAMES = "一二三四五六日"

#: A month-day typed without a year (11月20日, 11/20): the parser reads it forward, a past-only field back.
_YEARLESS_MONTH_DAY = re.compile(r"^(?!.*(?:\d{4}|[今明去前后]年|下))(?:.*月.*|\d{1,2}\s*[./-]\s*\d{1,2}.*)$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


class Invalid(ValueError):
    """An answer that does not fit its field; ``key`` names the text that tells the user why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> str:
        return text(self.key, **self.values)

    @classmethod
    def of(cls, problem: Problem) -> Invalid:
        """The answer's first problem found by bot.sales.validation, as its message."""
        return cls(problem.key, field=text(f"check_field_{problem.field}"), **problem.values)


@dataclass(frozen=True)
class Picked:
    """A lookup resolved to one value."""

    value: Any


@dataclass(frozen=True)
class Choose:
    """A lookup that needs the user to pick: ``prompt`` (a text key) and buttons (label, value)."""

    prompt: str
    options: list[tuple[str, Any]]
    values: dict[str, Any] = field(default_factory=dict)


Lookup = Callable[["Context", dict[str, Any], str], Awaitable[Picked | Choose]]
Suggest = Callable[["Context", dict[str, Any]], Awaitable[list[tuple[str, Any]]]]


@dataclass(frozen=True)
class Field:
    """One question of a form. Prompts and labels are text keys: ``<form>_ask_<name>`` and
    ``<form>_label_<name>``; a choice's button label is ``<form>_<name>_<value>`` when that key
    exists, else the value itself."""

    name: str
    kind: FieldKind = "text"
    optional: bool = False
    choices: tuple[str, ...] = ()
    ask: bool = True  # False: filled by default, shown on the summary, editable from there
    when: Callable[[dict[str, Any]], bool] | None = None  # asked and saved only when this holds
    resets: tuple[str, ...] = ()  # fields to ask again when this one changes
    future_only: bool = False  # dates: not before today
    past_only: bool = False  # dates: not after today
    max_chars: int = 500
    lookup: Lookup | None = None  # lookup fields: typed text -> value or options
    suggest: Suggest | None = None  # lookup fields: buttons offered with the question

    def applies(self, values: dict[str, Any]) -> bool:
        return self.when is None or self.when(values)


def parse_answer(field: Field, raw: str, today: date) -> Any:
    """The value of a typed answer, or Invalid with the reason. Invisible characters (controls, NUL,
    zero-width, bidi) are dropped first; everything else is kept as typed."""
    raw = clean_text(raw)
    if not raw:
        raise Invalid("form_invalid_empty")
    if field.kind == "text":
        if len(raw) > field.max_chars:
            raise Invalid("form_invalid_too_long", limit=field.max_chars)
        return raw
    if field.kind == "date":
        if problem := impossible_date_problem(raw):  # 2月30日: named, not "not understood"
            raise Invalid(problem.key, **problem.values)
        found = parse_date(raw, today)
        if found is None:
            raise Invalid("form_invalid_date")
        day = found[0]
        if field.past_only and day > today and _YEARLESS_MONTH_DAY.match(found[1]):
            day = _year_before(day)
        limits = "next_date" if field.future_only else "visited_on" if field.past_only else field.name
        if problems := refusals(check_date(limits, day, today, raw)):
            raise Invalid.of(problems[0])
        return day.isoformat()
    if field.kind == "amount":
        amount, problems = read_amount(raw, "amount")
        if problems:  # refused, or to be confirmed with 确认
            raise Invalid.of(problems[0])
        if amount is None:
            raise Invalid.of(Problem("amount", "check_amount_unreadable"))
        return round(amount, 2)
    if field.kind == "phone":
        phone = normalize_phone(raw)
        if phone is None:
            raise Invalid("form_invalid_phone")
        return phone[1]
    if field.kind == "email":
        if not _EMAIL.match(raw) or len(raw) > 200:
            raise Invalid("form_invalid_email")
        return raw
    raise ValueError(f"{field.kind} fields are not typed in")


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 2月29日 of a leap year, a year back
        return day


def show_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"


def show_amount(amount: float) -> str:
    return f"{amount:g}万"


def choice_label(form: str, field: Field, value: str) -> str:
    try:
        return text(f"{form}_{field.name}_{value}")
    except KeyError:
        return value


def show_value(form: str, field: Field, value: Any) -> str:
    """How a value reads on a summary card."""
    if value is None or value == "":
        return text("form_empty_value")
    if field.kind == "date":
        return show_date(value)
    if field.kind == "amount":
        return show_amount(value)
    if field.kind == "choice":
        return choice_label(form, field, value)
    if field.kind == "lookup":
        name = str(value.get("name", ""))
        return name if value.get("id") else text("form_new_value", name=name)
    return str(value)
