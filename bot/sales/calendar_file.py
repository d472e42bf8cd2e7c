"""Read a year's official holiday arrangement from a small YAML file, as the State Council
publishes it (for `coach calendar load FILE`):

    year: 2027
    holidays:                  # days off, by festival: one date, a list, or "FROM ~ TO"
      元旦: 2027-01-01 ~ 2027-01-03
      春节: 2027-02-05 ~ 2027-02-11
    workdays:                  # 调休: weekend days that are working days
      - 2027-02-14
      - 2027-02-20
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

#: The longest run of days off one festival gets (国庆 with its 调休 is 8).
MAX_FESTIVAL_DAYS = 15
_RANGE = re.compile(r"^\s*(\S+)\s*(?:~|～|至|到|--)\s*(\S+)\s*$")


class CalendarFileError(ValueError):
    """The file cannot be an arrangement; the message says why, in Chinese."""


@dataclass(frozen=True)
class Arrangement:
    year: int
    days: list[tuple[date, bool, str]]  # (day, is a working day, festival)

    @property
    def holidays(self) -> int:
        return sum(not workday for _, workday, _ in self.days)

    @property
    def workdays(self) -> int:
        return sum(workday for _, workday, _ in self.days)


def _day(value: Any, year: int) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise CalendarFileError(f"“{value}”不是日期（应写成 {year}-10-01）") from None
    if day.year != year:
        raise CalendarFileError(f"{day.isoformat()} 不在 {year} 年里")
    return day


def _days(spec: Any, year: int) -> list[date]:
    if isinstance(spec, list):
        return [d for item in spec for d in _days(item, year)]
    if isinstance(spec, str) and (m := _RANGE.match(spec)):
        first, last = _day(m[1], year), _day(m[2], year)
        if last < first or (last - first).days >= MAX_FESTIVAL_DAYS:
            raise CalendarFileError(f"“{spec}”不是一段合理的假期")
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [_day(spec, year)]


def parse_arrangement(data: Any) -> Arrangement:
    if not isinstance(data, dict) or "year" not in data:
        raise CalendarFileError("文件里要有 year、holidays 和 workdays")
    try:
        year = int(data["year"])
    except (TypeError, ValueError):
        raise CalendarFileError(f"年份“{data['year']}”看不懂") from None
    if not 2000 <= year <= 2100:
        raise CalendarFileError(f"年份 {year} 不合理")
    holidays = data.get("holidays") or {}
    if not isinstance(holidays, dict) or not holidays:
        raise CalendarFileError("holidays 要按节日列出休息日，例如 国庆: 2027-10-01 ~ 2027-10-07")
    seen: dict[date, str] = {}
    rows: list[tuple[date, bool, str]] = []
    for name, spec in holidays.items():
        for day in _days(spec, year):
            if day in seen:
                raise CalendarFileError(f"{day.isoformat()} 写了两次")
            seen[day] = str(name)
            rows.append((day, False, str(name)[:40]))
    for day in _days(data.get("workdays") or [], year):
        if day in seen:
            raise CalendarFileError(f"{day.isoformat()} 既是休息日又是调休上班日")
        if day.weekday() < 5:
            raise CalendarFileError(f"{day.isoformat()} 是工作日，调休上班日应是周六或周日")
        seen[day] = "调休"
        rows.append((day, True, "调休"))
    return Arrangement(year, sorted(rows))


def read_arrangement(path: Path) -> Arrangement:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CalendarFileError(f"读不了这个文件（{type(error).__name__}）") from None
    return parse_arrangement(data)
