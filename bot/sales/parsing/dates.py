"""Find and resolve Chinese date expressions (今天, 下周二, 月底, 11月3号, 2026.1.15, 三天后…).

Conventions:
- 这周X / 本周X: the X of the current Monday–Sunday week (may be in the past).
- bare 周X / 星期X / 礼拜X: the next X on or after today.
- 下周X: the X of next week; 下下周X the week after; 上周X last week.
- 下周 alone: Monday of next week; 周末 Saturday of this week.
- A month-day without a year that is already past this year resolves to next year.
- 月底 last day of this month, 月初 the 1st, 月中 the 15th; 下个月初/下月初 1st of next month.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.sales.parsing.numerals import CN_NUM_CHARS, DIGITS, cn_to_int


@dataclass(frozen=True)
class DateMatch:
    date: date
    text: str
    start: int
    end: int
    relative_past: bool = False  # 昨天, 上周三…: describes what already happened
    coarse: bool = False  # 明年, 年底: only a rough period


WEEKDAYS: dict[str, int] = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
WEEKDAYS.update({str(i): i - 1 for i in range(1, 8)})

RELATIVE_DAYS: dict[str, int] = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "昨晚": -1,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "今晚": 0,
    "今早": 0,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "明早": 1,
    "明晚": 1,
    "后天": 2,
    "大后天": 3,
}

_NUM = rf"(?:\d{{1,4}}|[{CN_NUM_CHARS}]{{1,4}})"
_WEEK_WORD = r"(?:周|星期|礼拜|禮拜)"
_MONTH_PREFIX = r"(?:下下个?月|下个?月|这个?月|本月|上个?月)"
_NOT_DIGIT_BEFORE = r"(?<![\d.])"
_NOT_DIGIT_AFTER = r"(?![\d])"


def _num(text: str) -> int | None:
    return cn_to_int(text)


def _add_months(d: date, months: int, day: int | None = None) -> date | None:
    month_index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    wanted = d.day if day is None else day
    if wanted == -1:
        wanted = last
    if not 1 <= wanted <= last:
        return None
    return date(year, month, wanted)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_offset(prefix: str | None) -> int:
    if not prefix:
        return 0
    if prefix.startswith("下下"):
        return 2
    if prefix.startswith("下"):
        return 1
    if prefix.startswith("上"):
        return -1
    return 0


# Each rule: (compiled regex, resolver(match, today) -> (date | None, relative_past, coarse)).
Resolved = tuple[date | None, bool, bool]
Rule = tuple[re.Pattern[str], Callable[[re.Match[str], date], Resolved]]


def _full_date(m: re.Match[str], today: date) -> Resolved:
    return _safe_date(int(m["y"]), int(m["m"]), int(m["d"])), False, False


def _cn_year(text: str) -> int | None:
    """二〇二六 / 二零二六 → 2026 (digit by digit); 二十六 style is not used for years."""
    if all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    return None


def _cn_full_date(m: re.Match[str], today: date) -> Resolved:
    year, month, day = _cn_year(m["y"]), _num(m["m"]), _num(m["d"])
    if year is None or month is None or day is None:
        return None, False, False
    if year < 100:
        year += 2000
    return _safe_date(year, month, day), False, False


def _month_day(m: re.Match[str], today: date) -> Resolved:
    month, day = _num(m["m"]), _num(m["d"])
    if month is None or day is None:
        return None, False, False
    resolved = _safe_date(today.year, month, day)
    if resolved is not None and resolved < today:
        resolved = _safe_date(today.year + 1, month, day)
    return resolved, False, False


def _prefixed_month_day(m: re.Match[str], today: date) -> Resolved:
    day = _num(m["d"])
    if day is None:
        return None, False, False
    offset = _month_offset(m["p"])
    return _add_months(today.replace(day=1), offset, day), offset < 0, False


def _bare_day(m: re.Match[str], today: date) -> Resolved:
    day = _num(m["d"])
    if day is None or not 1 <= day <= 31:
        return None, False, False
    for offset in range(3):  # this month if not past, else the next month that has that day
        resolved = _add_months(today.replace(day=1), offset, day)
        if resolved is not None and resolved >= today:
            return resolved, False, False
    return None, False, False


def _month_part(m: re.Match[str], today: date) -> Resolved:
    offset = _month_offset(m["p"])
    part = m["part"]
    first = _add_months(today.replace(day=1), offset, 1)
    assert first is not None
    if part in ("初", "上旬"):
        day = 1
    elif part in ("中", "中旬"):
        day = 15
    elif part == "下旬":
        day = 21
    else:  # 底 / 末
        day = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=day), offset < 0, False


def _month_only(m: re.Match[str], today: date) -> Resolved:
    """3月份 → 1st of March; 3月底 → 31st; next year when already past."""
    month = _num(m["m"])
    if month is None or not 1 <= month <= 12:
        return None, False, False
    part = m["part"]
    for year in (today.year, today.year + 1):
        first = date(year, month, 1)
        if part in ("底", "末"):
            resolved = first.replace(day=calendar.monthrange(year, month)[1])
        elif part in ("中", "中旬"):
            resolved = first.replace(day=15)
        elif part == "下旬":
            resolved = first.replace(day=21)
        else:
            resolved = first
        last = first.replace(day=calendar.monthrange(year, month)[1])
        if last >= today:
            return resolved, False, part is None
    return None, False, False


def _next_month_alone(m: re.Match[str], today: date) -> Resolved:
    offset = _month_offset(m["p"])
    return _add_months(today.replace(day=1), offset, 1), offset < 0, True


def _relative_word(m: re.Match[str], today: date) -> Resolved:
    offset = RELATIVE_DAYS[m[0]]
    return today + timedelta(days=offset), offset < 0, False


def _week_day(m: re.Match[str], today: date) -> Resolved:
    prefix = (m["p"] or "").replace("个", "")
    weekday = WEEKDAYS[m["w"]]
    monday = today - timedelta(days=today.weekday())
    if prefix in ("这", "本", "这一"):
        return monday + timedelta(days=weekday), False, False
    if prefix == "下下":
        return monday + timedelta(days=14 + weekday), False, False
    if prefix == "下":
        return monday + timedelta(days=7 + weekday), False, False
    if prefix == "上":
        return monday + timedelta(days=-7 + weekday), True, False
    if m["w"] == "末":  # bare 周末: this week's Saturday (or today if it is Sunday)
        return max(today, monday + timedelta(days=5)), False, False
    delta = (weekday - today.weekday()) % 7
    return today + timedelta(days=delta), False, False


def _week_alone(m: re.Match[str], today: date) -> Resolved:
    prefix = m["p"].replace("个", "")
    monday = today - timedelta(days=today.weekday())
    weeks = {"下下": 2, "下": 1, "上": -1}[prefix]
    return monday + timedelta(days=7 * weeks), weeks < 0, True


def _n_later(m: re.Match[str], today: date) -> Resolved:
    n = _num(m["n"])
    if n is None:
        return None, False, False
    unit = m["u"]
    if unit == "天":
        return today + timedelta(days=n), False, False
    if unit in ("周", "星期", "礼拜"):
        return today + timedelta(days=7 * n), False, False
    return _add_months(today, n) or _add_months(today, n, -1), False, True


def _year_part(m: re.Match[str], today: date) -> Resolved:
    word = m[0]
    year = today.year + (1 if word.startswith("明") else 0)
    if word.endswith("底") or word.endswith("末"):
        return date(year, 12, 31), False, True
    return date(year, 1, 1), False, True


RULES: list[Rule] = [
    (
        re.compile(
            _NOT_DIGIT_BEFORE
            + r"(?P<y>\d{4})\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})\s*[日号]?"
        ),
        _full_date,
    ),
    (
        re.compile(
            rf"(?P<y>[{CN_NUM_CHARS}]{{2,4}})年(?P<m>[{CN_NUM_CHARS}]{{1,2}})月(?P<d>[{CN_NUM_CHARS}]{{1,3}})[日号]"
        ),
        _cn_full_date,
    ),
    (
        re.compile(
            _NOT_DIGIT_BEFORE
            + rf"(?P<m>\d{{1,2}}|[{CN_NUM_CHARS}]{{1,2}})\s*月份?\s*(?:(?P<dd>\d{{1,2}})\s*[日号]?{_NOT_DIGIT_AFTER}(?![万元块个人%])"
            + rf"|(?P<dc>[{CN_NUM_CHARS}]{{1,3}})\s*[日号])"
        ),
        lambda m, today: _month_day(_Groups(m, d=m["dd"] or m["dc"]), today),
    ),
    (
        re.compile(rf"(?P<p>{_MONTH_PREFIX})\s*(?P<d>{_NUM})\s*[日号]"),
        _prefixed_month_day,
    ),
    (
        re.compile(
            r"(?:(?P<p>下下个?|下个?|这个?|本|上个?)?月(?P<part>初|中旬|中|底|末)|(?P<part2>上旬|中旬|下旬))"
        ),
        lambda m, today: _month_part(_Groups(m, part=m["part"] or m["part2"]), today),
    ),
    (re.compile(r"(?P<p>下下个?月|下个?月)(?![份底末初中\d一二三四五六七八九十两])"), _next_month_alone),
    (
        re.compile(
            _NOT_DIGIT_BEFORE
            + rf"(?P<m>\d{{1,2}}|[{CN_NUM_CHARS}]{{1,2}})\s*月份?(?P<part>初|中旬|中|底|末|上旬|下旬)?(?![\d{CN_NUM_CHARS}])"
        ),
        _month_only,
    ),
    (
        re.compile(
            r"大后天|大前天|前天|昨天|昨日|昨晚|今天|今日|今儿|今晚|今早|明天|明日|明儿|明早|明晚|后天"
        ),
        _relative_word,
    ),
    (
        re.compile(
            rf"(?<![{CN_NUM_CHARS}\d每几隔])(?P<p>下下个?|下个?|这个?|本|上个?|这一)?{_WEEK_WORD}(?P<w>[一二三四五六日天末1-7])"
        ),
        _week_day,
    ),
    (re.compile(rf"(?P<p>下下个?|下个?|上个?){_WEEK_WORD}(?![一二三四五六日天末1-7年])"), _week_alone),
    (
        re.compile(
            _NOT_DIGIT_BEFORE
            + rf"(?:过\s*)?(?P<n>\d{{1,3}}|[{CN_NUM_CHARS}]{{1,3}})\s*个?\s*(?P<u>天|周|星期|礼拜|月)\s*(?:后|以后|之后)"
        ),
        _n_later,
    ),
    (re.compile(r"(?:过\s*)(?P<n>\d{1,3}|[" + CN_NUM_CHARS + r"]{1,3})\s*(?P<u>天)"), _n_later),
    (re.compile(r"明年(?:年底|底|年末|末|初|年初)?|今年(?:年底|底|年末|末)"), _year_part),
    (re.compile(r"年底|年末"), _year_part),
    (
        re.compile(r"(?<![\d月])(?P<d>\d{1,2}|[" + CN_NUM_CHARS + r"]{1,3})\s*号(?![楼线车库门机院房位室])"),
        _bare_day,
    ),
]


class _Groups:
    """A match with some named groups overridden (lets two regex alternatives share a resolver)."""

    def __init__(self, match: re.Match[str], **overrides: str | None) -> None:
        self._match = match
        self._overrides = overrides

    def __getitem__(self, key: str | int) -> str | None:
        if isinstance(key, str) and key in self._overrides:
            return self._overrides[key]
        return self._match[key]


def find_dates(text: str, today: date) -> list[DateMatch]:
    """All date expressions in `text`, left to right, non-overlapping (longest wins on overlap)."""
    candidates: list[DateMatch] = []
    for pattern, resolve in RULES:
        for m in pattern.finditer(text):
            resolved, past, coarse = resolve(m, today)  # type: ignore[arg-type]
            if resolved is None:
                continue
            candidates.append(DateMatch(resolved, m[0].strip(), m.start(), m.end(), past, coarse))
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[DateMatch] = []
    for cand in candidates:
        if chosen and cand.start < chosen[-1].end:
            continue
        chosen.append(cand)
    return chosen


def parse_date(text: str, today: date) -> tuple[date, str] | None:
    """The first date expression in `text`: (resolved date, matched text), or None."""
    found = find_dates(text, today)
    if not found:
        return None
    return found[0].date, found[0].text
