"""Find and resolve Chinese date expressions (今天, 下周二, 月底, 11月3号, 2026.1.15, 国庆后,
下个工作日, 三个工作日内…), in simplified or traditional script.

Conventions:
- 这周X / 本周X: the X of the current Monday–Sunday week (may be in the past).
- bare 周X / 星期X / 礼拜X: the next X after today; said on that weekday it means next week's
  (a rep who says 周二再去 on a Tuesday is going again).
- 下周X: the X of next week; each further 下 one week more (下下下周二: three weeks on); 上周X last week.
- 下周 alone: Monday of next week; 周末 Saturday of this week.
- A month-day without a year that is already past this year resolves to next year; a date with a
  year keeps it, whatever the numerals (2015年三月3号).
- 月底 last day of this month, 月初 the 1st, 月中 the 15th; 下个月初/下月初 1st of next month.
- Festivals (元旦, 春节/过年, 元宵, 清明, 五一, 端午, 中秋, 国庆/十一…): the festival's next day;
  X后 / 过完X / 节后: the first working day after its days off; X前: the last working day before them.
- 下个工作日, N个工作日内/后: China's official working days, 调休 weekends included
  (bot.sales.workcalendar).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lunardate import LunarDate

from bot.sales.parsing.numerals import CN_DIGIT_CHARS, CN_NUM_CHARS, DIGITS, cn_to_int
from bot.sales.workcalendar import WorkCalendar, festivals, work_calendar
from knowledge.text import CJK_PUNCTUATION, normalize_width, to_simplified


@dataclass(frozen=True)
class DateMatch:
    date: date
    text: str
    start: int
    end: int
    relative_past: bool = False  # 昨天, 上周三…: describes what already happened
    coarse: bool = False  # 明年, 年底: only a rough period


@dataclass(frozen=True)
class ImpossibleDate:
    """A date as written that no calendar has (2月30日, 13月5号)."""

    text: str
    start: int
    end: int
    month: int
    day: int | None


WEEKDAYS: dict[str, int] = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
WEEKDAYS.update({str(i): i - 1 for i in range(1, 8)})
#: English weekdays in a mixed report (follow up next Friday): "next X" is next week's X, as 下周X.
ENGLISH_WEEKDAYS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
#: English month names (a follow-up on May 6th, by 15 March).
ENGLISH_MONTHS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
ENGLISH_WEEK_PREFIXES: dict[str, int] = {"next": 1, "this": 0, "coming": 0, "last": -1}
ENGLISH_RELATIVE_DAYS: dict[str, int] = {
    "the day after tomorrow": 2,
    "tomorrow": 1,
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
}

RELATIVE_DAYS: dict[str, int] = {
    "大前天": -3,
    "大前日": -3,
    "前天": -2,
    "前日": -2,
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
    "后日": 2,
    "大后天": 3,
    "大后日": 3,
}

_NUM = rf"(?:\d{{1,4}}|[{CN_NUM_CHARS}]{{1,4}})"
_DAY_NUM = rf"(?:\d{{1,2}}|[{CN_NUM_CHARS}]{{1,3}})"
_MONTH_NUM = rf"(?:\d{{1,2}}|[{CN_NUM_CHARS}]{{1,2}})"
_WEEK_WORD = r"(?:周|星期|礼拜|禮拜)"
_MONTH_PREFIX = r"(?:下+个?月|这个?月|本月|上+个?月)"
_NOT_DIGIT_BEFORE = r"(?<![\d.])"
_NOT_DIGIT_AFTER = r"(?![\d])"
# What may not follow a day number written without 日/号 (二月十五 yes, 二月十五万 / 十五个 no).
_NOT_A_DAY_AFTER = rf"(?![\d{CN_NUM_CHARS}个万元块人位家台套次%岁天年点分])"


def _num(text: str | None) -> int | None:
    return cn_to_int(text) if text else None


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
    if prefix.startswith("下"):
        return len(prefix) - len(prefix.lstrip("下"))
    if prefix.startswith("上"):
        return -(len(prefix) - len(prefix.lstrip("上")))
    return 0


# Each rule: (compiled regex, resolver(match, today, calendar) -> (date | None, relative_past, coarse)).
Resolved = tuple[date | None, bool, bool]
Resolver = Callable[[re.Match[str], date, WorkCalendar], Resolved]
Rule = tuple[re.Pattern[str], Resolver]
NOTHING: Resolved = (None, False, False)


def _year_of(text: str, today: date) -> int | None:
    """2015 / 15 / 二〇一五 / 二零一五 / 今年 / 明年 / 去年 → the year."""
    relative = {"今年": 0, "明年": 1, "后年": 2, "去年": -1, "前年": -2}
    if text in relative:
        return today.year + relative[text]
    if text.isdigit():
        year = int(text)
    elif all(ch in DIGITS for ch in text):
        year = int("".join(str(DIGITS[ch]) for ch in text))
    else:
        return None
    if len(text) == 2:
        year += 2000
    return year if 1900 <= year <= 2100 else None


def _full_date(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    return _safe_date(int(m["y"]), int(m["m"]), int(m["d"])), False, False


def _year_month_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    year, month, day = _year_of(m["y"], today), _num(m["m"]), _num(m["d"])
    if year is None or month is None or day is None:
        return NOTHING
    resolved = _safe_date(year, month, day)
    return resolved, resolved is not None and resolved < today and m["y"] in ("去年", "前年"), False


def _year_month(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    year, month = _year_of(m["y"], today), _num(m["m"])
    if year is None or month is None or not 1 <= month <= 12:
        return NOTHING
    return date(year, month, 1), False, True


def _month_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    month, day = _num(m["m"]), _num(m["dd"] or m["dc"])
    if month is None or day is None:
        return NOTHING
    resolved = _safe_date(today.year, month, day)
    if resolved is not None and resolved < today:
        resolved = _safe_date(today.year + 1, month, day)
    return resolved, False, False


def _prefixed_month_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    day = _num(m["d"])
    if day is None:
        return NOTHING
    offset = _month_offset(m["p"])
    return _add_months(today.replace(day=1), offset, day), offset < 0, False


def _bare_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    day = _num(m["d"])
    if day is None or not 1 <= day <= 31:
        return NOTHING
    for offset in range(3):  # this month if not past, else the next month that has that day
        resolved = _add_months(today.replace(day=1), offset, day)
        if resolved is not None and resolved >= today:
            return resolved, False, False
    return NOTHING


def _month_part(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    offset = _month_offset(m["p"])
    part = m["part"] or m["part2"]
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


def _month_only(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    """3月份 → 1st of March; 3月底 → 31st; next year when already past."""
    month = _num(m["m"])
    if month is None or not 1 <= month <= 12:
        return NOTHING
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
    return NOTHING


def _next_month_alone(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    offset = _month_offset(m["p"])
    return _add_months(today.replace(day=1), offset, 1), offset < 0, True


def _relative_word(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    offset = RELATIVE_DAYS[m[0]]
    return today + timedelta(days=offset), offset < 0, False


def _week_offset(prefix: str) -> int | None:
    """下 → 1, 下下下 → 3, 上上 → -2, 这/本 → 0; None for no prefix."""
    prefix = prefix.replace("个", "")
    if not prefix:
        return None
    if set(prefix) == {"下"}:
        return len(prefix)
    if set(prefix) == {"上"}:
        return -len(prefix)
    return 0


def _week_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    weeks = _week_offset(m["p"] or "")
    weekday = WEEKDAYS[m["w"]]
    monday = today - timedelta(days=today.weekday())
    if weeks is not None:
        return monday + timedelta(days=7 * weeks + weekday), weeks < 0, False
    if m["w"] == "末":  # bare 周末: this week's Saturday (or today if it is Sunday)
        return max(today, monday + timedelta(days=5)), False, False
    delta = (weekday - today.weekday()) % 7 or 7  # said on that weekday: next week's
    return today + timedelta(days=delta), False, False


_ENGLISH_MONTH_RE = "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True))


def _english_week_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    prefix = (m["p"] or "").casefold()
    if not prefix and not m["on"] and len(m["w"]) < len("monday"):
        return NOTHING  # a bare abbreviation ("sat down", "sun") is a word; "on Sat" / "next Sat" are days
    weekday = ENGLISH_WEEKDAYS[m["w"].casefold()]
    monday = today - timedelta(days=today.weekday())
    if prefix in ENGLISH_WEEK_PREFIXES:
        weeks = ENGLISH_WEEK_PREFIXES[prefix]
        if prefix == "coming":  # the coming Friday: the next one after today
            return today + timedelta(days=(weekday - today.weekday()) % 7 or 7), False, False
        return monday + timedelta(days=7 * weeks + weekday), weeks < 0, False
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7), False, False


def _english_month_day(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    if m["mon"] == "may" or (m["mon"].casefold() == "may" and not m["d"]):
        return NOTHING  # "we may 2 …": the verb; the month is written May
    month, day = ENGLISH_MONTHS[m["mon"].casefold()], _num(m["d"] or m["d2"])
    if day is None:
        return NOTHING
    if m["y"]:
        return _safe_date(int(m["y"]), month, day), False, False
    resolved = _safe_date(today.year, month, day)
    if resolved is not None and resolved < today:
        resolved = _safe_date(today.year + 1, month, day)
    return resolved, False, False


def _english_month_end(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    first = _add_months(today.replace(day=1), 1 if m["n"] else 0, 1)
    assert first is not None
    return first.replace(day=calendar.monthrange(first.year, first.month)[1]), False, False


def _english_week_alone(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    weeks = ENGLISH_WEEK_PREFIXES[m["p"].casefold()]
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * weeks), weeks < 0, True


def _english_relative(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    offset = ENGLISH_RELATIVE_DAYS[re.sub(r"\s+", " ", m[0].casefold())]
    return today + timedelta(days=offset), offset < 0, False


def _week_alone(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    weeks = _week_offset(m["p"]) or 0
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * weeks), weeks < 0, True


def _n_later(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    n = _num(m["n"])
    if n is None:
        return NOTHING
    unit = m["u"]
    if unit == "天":
        return today + timedelta(days=n), False, False
    if unit in ("周", "星期", "礼拜"):
        return today + timedelta(days=7 * n), False, False
    return _add_months(today, n) or _add_months(today, n, -1), False, True


def _year_part(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    word = m[0]
    year = today.year + (1 if word.startswith("明") else 0)
    if word.endswith("底") or word.endswith("末"):
        return date(year, 12, 31), False, True
    return date(year, 1, 1), False, True


# ---------------------------------------------------------------- working days and festivals


def _next_workday(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    return cal.next_workday(today), False, False


def _n_workdays(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    n = _num(m["n"])
    if n is None or not 1 <= n <= 60:
        return NOTHING
    return cal.add_workdays(today, n), False, False


def _festival_name(word: str) -> str:
    if word == "十一":
        return "国庆"
    return next(f.name for f in festivals() if word in f.words)


def _around_festival(
    name: str, when: str, today: date, cal: WorkCalendar, year: int | None = None
) -> date | None:
    """The festival's day ("on"), the first working day after its days off ("after"), or the
    last working day before them ("before"), for its next occurrence (or in the year named)."""
    years = (year,) if year else (today.year - 1, today.year, today.year + 1)
    for year in years:
        period = cal.festival_period(name, year)
        day = next((f.day_in(year) for f in festivals() if f.name == name), None)
        if period is None or day is None:
            continue
        start, end = period
        if when == "after" and (end >= today or len(years) == 1):
            return cal.next_workday(end)
        if when == "before" and (start > today or len(years) == 1):
            return cal.add_workdays(start, -1)
        if when == "on" and (day >= today or len(years) == 1):
            return day
    return None


def _festival(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    name = _festival_name(m["h"])
    when = "after" if (m["after"] or m["done"]) else "before" if m["before"] else "on"
    year = today.year + {"今年": 0, "明年": 1, "后年": 2}[m["yr"]] if m["yr"] else None
    return _around_festival(name, when, today, cal, year), False, False


def _after_new_year(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    return _around_festival("春节", "after", today, cal), False, False


def _around_break(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    """节后 / 假期后 / 节前: around the public-holiday break under way or coming next."""
    period = cal.next_holiday_period(today)
    if period is None:
        return NOTHING
    if m.groupdict().get("before"):
        return (cal.add_workdays(period[0], -1), False, False) if period[0] > today else NOTHING
    return cal.next_workday(period[1]), False, False


_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
_LUNAR_DIGITS = {ch: i for i, ch in enumerate("一二三四五六七八九十", start=1)}


def _lunar_day(text: str) -> int | None:
    """初八 → 8, 十五 → 15, 廿三 → 23, 二十 → 20, 三十 → 30."""
    if text.startswith("初"):
        return _LUNAR_DIGITS.get(text[1])
    if text.startswith("廿"):
        return 20 + _LUNAR_DIGITS[text[1]]
    return cn_to_int(text)


def _lunar_date(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    """正月初八, 腊月二十三, 农历八月十五: the next such day of the Chinese calendar."""
    month = _LUNAR_MONTHS.get(m["m"]) or cn_to_int(m["m"])
    day = _lunar_day(m["d"])
    if not month or not day or not 1 <= month <= 12:
        return NOTHING
    if not (m[0].startswith("农历") or m["m"] in _LUNAR_MONTHS or m["d"][0] in "初廿"):
        return NOTHING  # 八月十五 without 农历 is a plain month-day (read by the rules above)
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            solar = LunarDate(year, month, day).to_solar_date()
        except ValueError:
            continue
        if solar >= today:
            return solar, False, False
    return NOTHING


def _first_workday_of_week(m: re.Match[str], today: date, cal: WorkCalendar) -> Resolved:
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7 * len(m["p"]))
    return cal.add_workdays(monday - timedelta(days=1), 1), False, False


@cache
def _festival_words() -> str:
    words = sorted({w for f in festivals() for w in f.words}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


_AFTER = (
    r"(?:节|假期|长假|假|小长假)?(?:(?:结束|过完|收假|回来)?\s*(?:之后|以后|过后|后)|回来|结束|过完|收假)"
)
_BEFORE = r"(?:节|假期|长假|放假)?\s*(?:之前|以前|前)"


@cache
def rules() -> list[Rule]:
    cn = CN_NUM_CHARS
    year = (
        rf"(?:(?P<y>\d{{4}}|[{CN_DIGIT_CHARS}]{{2,4}}|(?<!\d)\d{{2}})\s*年|(?P<ry>今年|明年|后年|去年|前年))"
    )
    return [
        (
            re.compile(
                _NOT_DIGIT_BEFORE
                + r"(?P<y>\d{4})\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})\s*[日号]?"
            ),
            _full_date,
        ),
        (
            re.compile(
                rf"{year}\s*(?P<m>{_MONTH_NUM})\s*月份?\s*"
                rf"(?:(?P<d>{_DAY_NUM})\s*[日号]|(?P<d2>{_DAY_NUM}){_NOT_A_DAY_AFTER})"
            ),
            lambda m, today, cal: _year_month_day(
                _Groups(m, y=m["y"] or m["ry"], d=m["d"] or m["d2"]), today, cal
            ),
        ),
        (
            re.compile(rf"{year}\s*(?P<m>{_MONTH_NUM})\s*月份?(?![\d{cn}])"),
            lambda m, today, cal: _year_month(_Groups(m, y=m["y"] or m["ry"]), today, cal),
        ),
        (
            re.compile(
                _NOT_DIGIT_BEFORE
                + rf"(?P<m>{_MONTH_NUM})\s*月份?\s*(?:(?P<dd>\d{{1,2}})\s*[日号]?{_NOT_DIGIT_AFTER}(?![万元块个人%])"
                + rf"|(?P<dc>[{cn}]{{1,3}})\s*(?:[日号]|{_NOT_A_DAY_AFTER}))"
            ),
            _month_day,
        ),
        (
            re.compile(rf"(?P<p>{_MONTH_PREFIX})\s*(?P<d>{_NUM})\s*(?:[日号]|{_NOT_A_DAY_AFTER})"),
            _prefixed_month_day,
        ),
        (
            re.compile(
                r"(?:(?P<p>下+个?|这个?|本|上+个?)?(?<![正腊冬])月(?P<part>初(?![一二三四五六七八九十])|中旬|中|底|末)"
                r"|(?P<part2>上旬|中旬|下旬))"
            ),
            _month_part,
        ),
        (re.compile(rf"(?P<p>下+个?月)(?![份底末初中\d{cn}])"), _next_month_alone),
        (
            re.compile(
                _NOT_DIGIT_BEFORE
                + rf"(?P<m>{_MONTH_NUM})\s*月份?(?P<part>初|中旬|中|底|末|上旬|下旬)?(?![\d{cn}])"
            ),
            _month_only,
        ),
        (re.compile("|".join(sorted(RELATIVE_DAYS, key=len, reverse=True))), _relative_word),
        (
            re.compile(
                rf"(?<![{cn}\d每几隔])(?P<p>下+个?|这个?|本|上+个?|这一)?{_WEEK_WORD}(?P<w>[一二三四五六日天末1-7])"
            ),
            _week_day,
        ),
        (re.compile(rf"(?P<p>下+个?|上+个?){_WEEK_WORD}(?![一二三四五六日天末1-7年])"), _week_alone),
        (
            re.compile(
                _NOT_DIGIT_BEFORE
                + rf"(?:过\s*)?(?P<n>\d{{1,3}}|[{cn}]{{1,3}})\s*个?\s*(?P<u>天|周|星期|礼拜|月)\s*(?:后|以后|之后)"
            ),
            _n_later,
        ),
        (re.compile(rf"(?:过\s*)(?P<n>\d{{1,3}}|[{cn}]{{1,3}})\s*(?P<u>天)"), _n_later),
        (re.compile(r"明年(?:年底|底|年末|末|初|年初)?|今年(?:年底|底|年末|末)"), _year_part),
        (re.compile(r"年底|年末"), _year_part),
        (
            re.compile(rf"(?<![\d月])(?P<d>\d{{1,2}}|[{cn}]{{1,3}})\s*号(?![楼线车库门机院房位室])"),
            _bare_day,
        ),
        (re.compile(r"下一?个?工作日"), _next_workday),
        (
            re.compile(
                _NOT_DIGIT_BEFORE
                + rf"(?P<n>\d{{1,2}}|[{cn}]{{1,3}})\s*个\s*工作日\s*(?:之内|以内|内|之后|以后|后|左右)"
            ),
            _n_workdays,
        ),
        (
            re.compile(
                rf"(?P<yr>今年|明年|后年)?(?P<done>过完|过了)?(?<![{cn}\d])"
                rf"(?P<h>{_festival_words()}|十一(?=\s*(?:{_AFTER}|{_BEFORE}|节|期间))|(?<=过完|过了)十一(?![\d{cn}月号日点个天年]))"
                rf"(?:(?P<after>{_AFTER})|(?P<before>{_BEFORE}))?"
            ),
            _festival,
        ),
        (re.compile(rf"(?<![明今去后前\d{cn}几多半])年后|过完年|过了年"), _after_new_year),
        (
            re.compile(
                rf"(?<![人诞亲师妇童恩阳夕八])(?:节|节假日|假期|长假|放假)(?:(?P<after>{_AFTER})|(?P<before>{_BEFORE}))"
            ),
            _around_break,
        ),
        (re.compile(r"(?P<after>收假(?:之后|以后|后)?|过完节|节过完)"), _around_break),
        (
            re.compile(
                r"(?:农历)?(?P<m>正|腊|冬|[一二三四五六七八九十]{1,2})月(?P<d>初[一二三四五六七八九十]|廿[一二三四五六七八九]|二十[一二三四五六七八九]?|三十|十[一二三四五六七八九])"
            ),
            _lunar_date,
        ),
        (
            re.compile(rf"{_NOT_DIGIT_BEFORE}(?:过\s*)?半个月(?:后|以后|之后)?"),
            lambda m, today, cal: (today + timedelta(days=15), False, True),
        ),
        (re.compile(r"(?P<p>下+)个?(?:周|星期|礼拜)(?:的)?第一个工作日"), _first_workday_of_week),
        (
            re.compile(
                rf"(?<![A-Za-z])(?:(?P<p>{'|'.join(ENGLISH_WEEK_PREFIXES)})\s+|(?P<on>on|by|before|until|till)\s+)?"
                rf"(?P<w>{'|'.join(sorted(ENGLISH_WEEKDAYS, key=len, reverse=True))})\.?(?![A-Za-z])",
                re.IGNORECASE,
            ),
            _english_week_day,
        ),
        (
            re.compile(
                rf"(?<![A-Za-z])(?:(?P<mon>{_ENGLISH_MONTH_RE})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
                rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<mon2>{_ENGLISH_MONTH_RE}))"
                r"(?:,?\s*(?P<y>20\d\d))?(?![\dA-Za-z])",
                re.IGNORECASE,
            ),
            lambda m, today, cal: _english_month_day(_Groups(m, mon=m["mon"] or m["mon2"]), today, cal),
        ),
        (
            re.compile(
                r"(?<![A-Za-z])(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|(?P<n>next)\s+)?month(?![A-Za-z])",
                re.IGNORECASE,
            ),
            _english_month_end,
        ),
        (
            re.compile(r"(?<![A-Za-z])(?P<p>next|this|last)\s+week(?![A-Za-z])", re.IGNORECASE),
            _english_week_alone,
        ),
        (
            re.compile(
                r"(?<![A-Za-z])(?:the\s+day\s+after\s+tomorrow|tomorrow|today|tonight|yesterday)(?![A-Za-z])",
                re.IGNORECASE,
            ),
            _english_relative,
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


def reading_form(text: str) -> str:
    """The text as the rules read it: simplified script, half-width digits; same length as `text`
    so that match positions stay valid for the original (the engine's edge normaliser has usually
    done this already; direct callers get it here)."""
    if text.isascii():
        return text
    converted = to_simplified(normalize_width(text, keep=CJK_PUNCTUATION))
    if len(converted) == len(text):
        return converted
    chars = []
    for ch in text:
        one = to_simplified(normalize_width(ch, keep=CJK_PUNCTUATION))
        chars.append(one if len(one) == 1 else ch)
    return "".join(chars)


def find_dates(text: str, today: date, calendar: WorkCalendar | None = None) -> list[DateMatch]:
    """All date expressions in `text`, left to right, non-overlapping (longest wins on overlap)."""
    cal = calendar or work_calendar()
    readable = reading_form(text)
    candidates: list[DateMatch] = []
    for pattern, resolve in rules():
        for m in pattern.finditer(readable):
            resolved, past, coarse = resolve(m, today, cal)
            if resolved is None:
                continue
            candidates.append(
                DateMatch(resolved, text[m.start() : m.end()].strip(), m.start(), m.end(), past, coarse)
            )
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[DateMatch] = []
    for cand in candidates:
        if chosen and cand.start < chosen[-1].end:
            continue
        chosen.append(cand)
    return chosen


def parse_date(text: str, today: date, calendar: WorkCalendar | None = None) -> tuple[date, str] | None:
    """The first date expression in `text`: (resolved date, matched text), or None."""
    found = find_dates(text, today, calendar)
    if not found:
        return None
    return found[0].date, found[0].text


_WRITTEN_DATE = re.compile(
    rf"(?<![\d.])(?:(?P<y>\d{{4}})\s*[年./-]\s*)?(?P<m>{_MONTH_NUM})\s*(?:月份?|(?<=\d)[./-](?=\d))\s*"
    rf"(?P<d>{_DAY_NUM})\s*(?P<suffix>[日号])?"
)


def impossible_dates(text: str) -> list[ImpossibleDate]:
    """Month-days written in `text` that no year has (2月30日, 4月31号, 13月5号, 2026.2.30)."""
    readable = reading_form(text)
    found: list[ImpossibleDate] = []
    for m in _WRITTEN_DATE.finditer(readable):
        month, day = _num(m["m"]), _num(m["d"])
        explicit = m["suffix"] is not None or m["y"] is not None
        if month is None or day is None or not explicit:
            continue
        year = int(m["y"]) if m["y"] else 2024  # a leap year: 2月29日 is possible without a year
        if _safe_date(year, month, day) is None if 1 <= month <= 12 else True:
            found.append(ImpossibleDate(text[m.start() : m.end()], m.start(), m.end(), month, day))
    return found
