"""Values checked where they enter: one set of rules and limits for the quick log, the form and /task.

Every check returns a list of :class:`Problem` (empty: fine). A problem names its field and the text that
tells the user what is wrong; ``needs_confirmation`` problems may be accepted on purpose (a 2-亿 deal is
possible, just unlikely), the others must be fixed. Date checks (impossible dates, next dates in the past
or too far ahead, stacked 下下下) plug in through :data:`DATE_CHECKS` with the same shape.

Text is cleaned, never rewritten: control, NUL, zero-width and bidi characters and lone surrogates are
dropped; everything else (``<script>…</script>公司`` included) is kept exactly as typed, and a value
over its length limit is refused with the limit, not cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.sales.dates_validation import DateProblem, due_date_problem, next_date_problem, visit_date_problem
from bot.sales.parsing.amounts import AmountMatch, find_deal_amount
from prompts import text


@dataclass(frozen=True)
class Problem:
    field: str
    key: str  # the text (prompts/texts.validation.zh.yaml) that explains it
    values: dict[str, Any] = field(default_factory=dict)
    needs_confirmation: bool = False  # True: may be kept if the user confirms it on purpose

    def message(self) -> str:
        return text(self.key, field=text(f"check_field_{self.field}"), **self.values)


# ---------------------------------------------------------------- limits (each defined once)
#: Amounts in 万元: above AMOUNT_MAX_WAN (100 亿) is a typo; above AMOUNT_CONFIRM_WAN (1 亿) is asked.
AMOUNT_MAX_WAN = 1_000_000.0
AMOUNT_CONFIRM_WAN = 10_000.0
#: Typed after a value that is asked about, it keeps the value on purpose (20000 确认).
CONFIRM_WORD = "确认"
#: Characters per text field: (min, max).
TEXT_LIMITS: dict[str, tuple[int, int]] = {
    "customer": (2, 100),
    "contact": (1, 30),
    "contact_title": (1, 50),
    "next_step": (1, 200),
    "notes": (1, 1000),
    "task_title": (2, 200),
}
#: Counts per field: (min, max) — a daily visit quota of 1 to 50.
COUNT_LIMITS: dict[str, tuple[int, int]] = {"quota": (1, 50)}

# ---------------------------------------------------------------- text
# Cc (controls, NUL) but not tab/newline, Cf (zero-width, bidi embeddings/overrides/isolates, BOM…),
# Cs (lone surrogates), Co/Cn are dropped.
_KEEP_CONTROLS = {"\n", "\t"}
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_text(raw: str | None) -> str:
    """`raw` without control, NUL, zero-width, bidi and surrogate characters, trimmed; nothing else
    changes (no escaping, no truncation)."""
    if not raw:
        return ""
    kept = (ch for ch in raw if ch in _KEEP_CONTROLS or unicodedata.category(ch) not in _DROP_CATEGORIES)
    return "".join(kept).strip()


def check_text(field_name: str, raw: str | None, *, required: bool = True) -> tuple[str, list[Problem]]:
    """(cleaned value, problems) for a text field with a limit in TEXT_LIMITS."""
    value = clean_text(raw)
    low, high = TEXT_LIMITS[field_name]
    if not value:
        return value, [Problem(field_name, "check_empty")] if required else []
    if len(value) > high:
        return value, [Problem(field_name, "check_too_long", {"limit": high, "length": len(value)})]
    if len(value) < low:
        return value, [Problem(field_name, "check_too_short", {"limit": low})]
    return value, []


# ---------------------------------------------------------------- amounts
def check_amount_wan(value: float | None, field_name: str = "amount") -> list[Problem]:
    if value is None:
        return []
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
        return [Problem(field_name, "check_amount_unreadable")]
    shown = f"{value:g}"
    if value < 0:
        return [Problem(field_name, "check_amount_negative", {"amount": shown})]
    if value == 0:
        return [Problem(field_name, "check_amount_zero")]
    if value > AMOUNT_MAX_WAN:
        return [Problem(field_name, "check_amount_absurd", {"amount": _show_wan(value)})]
    if value > AMOUNT_CONFIRM_WAN:
        return [
            Problem(field_name, "check_amount_large", {"amount": _show_wan(value)}, needs_confirmation=True)
        ]
    return []


def check_amount_in(wan: float | None, currency: str | None, field_name: str = "amount") -> list[Problem]:
    """An amount of `wan` 万 in `currency` (None: 人民币): another currency is asked about (never
    silently taken as 元), then the size is checked."""
    if wan is None:
        return []
    if currency is not None:
        return [
            Problem(
                field_name,
                "check_amount_currency",
                {"amount": f"{wan:g}万", "currency": text(f"check_currency_{currency}")},
            )
        ]
    return check_amount_wan(wan, field_name)


def check_amount(amount: AmountMatch | None, field_name: str = "amount") -> list[Problem]:
    """An amount as read from text (bot.sales.parsing.amounts)."""
    return [] if amount is None else check_amount_in(amount.wan, amount.currency, field_name)


_PLAIN_NUMBER = re.compile(r"^[-−－]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def read_amount(raw: str, field_name: str = "amount") -> tuple[float | None, list[Problem]]:
    """A typed amount (20, 15.5, 20万, 1.5个亿, -5) in 万元 and its problems. A trailing 确认
    (20000 确认) confirms a value that would otherwise be asked about."""
    compact = clean_text(raw).replace(",", "").replace("，", "").replace(" ", "")
    confirmed = compact.endswith(CONFIRM_WORD)
    compact = compact.removesuffix(CONFIRM_WORD)
    if _PLAIN_NUMBER.match(compact):
        value: float | None = float(compact.replace("−", "-").replace("－", "-"))
        problems = check_amount_wan(value, field_name)
    else:
        amount = find_deal_amount(compact)
        if amount is None:
            return None, [Problem(field_name, "check_amount_unreadable")]
        value, problems = (None if amount.currency else amount.wan), check_amount(amount, field_name)
    if confirmed:
        problems = refusals(problems)
    return value, problems


def _show_wan(value: float) -> str:
    if value >= 10_000:
        return f"{value / 10_000:,.6g}亿"
    return f"{value:,.6g}万"


# ---------------------------------------------------------------- counts
def check_count(field_name: str, value: int | None) -> list[Problem]:
    if value is None:
        return []
    low, high = COUNT_LIMITS[field_name]
    if value <= 0:
        return [Problem(field_name, "check_count_not_positive", {"value": value})]
    if not low <= value <= high:
        return [Problem(field_name, "check_count_range", {"value": value, "low": low, "high": high})]
    return []


# ---------------------------------------------------------------- dates (rules plug in here)
#: Date rules, each (field, day, today, typed text) -> problems; the dates module appends its own.
DateCheck = Callable[[str, date, date, str], list[Problem]]


def _date_limits(field_name: str, day: date, today: date, typed: str) -> list[Problem]:
    """The calendar's limits (bot.sales.dates_validation) for the field's kind of date."""
    rule = _DATE_LIMITS.get(field_name)
    found = [rule(day, today)] if rule else []
    return [Problem(field_name, p.key, dict(p.values)) for p in found if p is not None]


_DATE_LIMITS: dict[str, Callable[[date, date], DateProblem | None]] = {
    "next_date": next_date_problem,
    "visited_on": visit_date_problem,
    "due": due_date_problem,
}
DATE_CHECKS: list[DateCheck] = [_date_limits]


def check_date(field_name: str, day: date | None, today: date, typed: str = "") -> list[Problem]:
    if day is None:
        return []
    return [problem for rule in DATE_CHECKS for problem in rule(field_name, day, today, typed)]


# ---------------------------------------------------------------- whole records
def check_visit_values(values: dict[str, Any], today: date) -> list[Problem]:
    """Problems of a visit draft (form values: ISO dates, amount in 万元, lookups as dicts)."""
    problems: list[Problem] = []
    customer = values.get("customer")
    if isinstance(customer, dict) and customer.get("name"):
        problems += check_text("customer", customer["name"])[1]
    contact = values.get("contact")
    if isinstance(contact, dict) and contact.get("name"):
        problems += check_text("contact", contact["name"])[1]
    for name in ("contact_title", "next_step", "notes"):
        if values.get(name):
            problems += check_text(name, values[name])[1]
    problems += check_amount_wan(values.get("amount"))
    for name in ("next_date", "visited_on"):
        if values.get(name):
            problems += check_date(name, date.fromisoformat(values[name]), today)
    return problems


def check_task(title: str, quota: int | None, due: date | None, today: date) -> list[Problem]:
    """Problems of a /task draft: its title, its daily visit quota, its due date."""
    problems = check_text("task_title", title)[1]
    problems += check_count("quota", quota)
    problems += check_date("due", due, today, title)
    return problems


def refusals(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that must be fixed (not just confirmed)."""
    return [p for p in problems if not p.needs_confirmation]


def messages(problems: Iterable[Problem]) -> str:
    return "\n".join(p.message() for p in problems)
