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
from bot.sales.parsing.amounts import parse_amount_wan
from bot.sales.parsing.dates import parse_date
from prompts import text

if TYPE_CHECKING:
    from bot.engine.core import Context

FieldKind = Literal["text", "choice", "date", "amount", "phone", "email", "lookup"]
WEEKDAY_NAMES = "一二三四五六日"
MAX_AMOUNT_WAN = 1_000_000  # 100 亿: anything above is a typo

_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


class Invalid(ValueError):
    """An answer that does not fit its field; ``key`` names the text that tells the user why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> str:
        return text(self.key, **self.values)


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
    """The value of a typed answer, or Invalid with the reason."""
    raw = raw.strip()
    if not raw:
        raise Invalid("form_invalid_empty")
    if field.kind == "text":
        if len(raw) > field.max_chars:
            raise Invalid("form_invalid_too_long", limit=field.max_chars)
        return raw
    if field.kind == "date":
        found = parse_date(raw, today)
        if found is None:
            raise Invalid("form_invalid_date")
        day = found[0]
        if field.future_only and day < today:
            raise Invalid("form_invalid_date_past", day=show_date(day.isoformat()))
        if field.past_only and day > today:
            raise Invalid("form_invalid_date_future", day=show_date(day.isoformat()))
        return day.isoformat()
    if field.kind == "amount":
        compact = raw.replace(",", "").replace("，", "")
        amount = float(compact) if _PLAIN_NUMBER.match(compact) else parse_amount_wan(compact)
        if amount is None or amount <= 0 or amount > MAX_AMOUNT_WAN or raw.startswith("-"):
            raise Invalid("form_invalid_amount")
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
