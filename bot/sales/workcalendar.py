"""China's working calendar: which days are official working days (调休 weekends included), the
festivals by name (lunar ones too), and working-day arithmetic.

Sources, in order: an arrangement an admin loaded for the year (``coach calendar load``, kept in
the database so every process sees it); the chinese-calendar package (the State Council's
arrangements up to its release year); otherwise Monday–Friday without the statutory days off the
law fixes for each festival, logged once per year. Lunar festivals come from lunardate (pure
Python, 1900–2099, one job: lunar ↔ solar; its 2026 release is current)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import chinese_calendar
import yaml
from lunardate import LunarDate
from sqlalchemy.ext.asyncio import AsyncSession

from store.calendar import loaded_years

log = logging.getLogger(__name__)

HOLIDAYS_FILE = Path(__file__).with_name("holidays.yaml")
WORKWEEK_WORDS_FILE = Path(__file__).with_name("workweek_words.yaml")
#: How far a working-day search may run before it gives up (a calendar with no working day).
_MAX_SCAN_DAYS = 60


@dataclass(frozen=True)
class Festival:
    name: str  # 国庆, 春节…
    words: tuple[str, ...]
    solar: str | None = None
    lunar: str | None = None
    term: str | None = None
    official: str | None = None
    statutory_days: int = 0
    statutory_from_eve: bool = False

    def day_in(self, year: int) -> date | None:
        """The festival's own day in a (Gregorian) year."""
        if self.solar:
            month, day = (int(p) for p in self.solar.split("-"))
            return date(year, month, day)
        if self.term:
            for day, name in chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31)):
                if name == self.term:
                    return day
            return None
        assert self.lunar
        month_text, day_text = self.lunar.split("-")
        try:
            if day_text == "last":  # 除夕: the day before that year's lunar new year
                return LunarDate(year, 1, 1).to_solar_date() - timedelta(days=1)
            return LunarDate(year, int(month_text), int(day_text)).to_solar_date()
        except ValueError:
            return None

    def statutory_off(self, year: int) -> list[date]:
        """The days off the law fixes for the festival (without the 调休 of an arrangement)."""
        first = self.day_in(year)
        if first is None or not self.statutory_days:
            return []
        if self.statutory_from_eve:
            first -= timedelta(days=1)
            return [first + timedelta(days=i) for i in range(self.statutory_days + 1)]
        return [first + timedelta(days=i) for i in range(self.statutory_days)]


@cache
def festivals() -> tuple[Festival, ...]:
    data = yaml.safe_load(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Festival(
            name=name,
            words=tuple(spec["words"]),
            solar=spec.get("solar"),
            lunar=spec.get("lunar"),
            term=spec.get("term"),
            official=spec.get("official"),
            statutory_days=int(spec.get("statutory_days", 0)),
            statutory_from_eve=bool(spec.get("statutory_from_eve", False)),
        )
        for name, spec in data.items()
    )


def festival(name: str) -> Festival:
    return next(f for f in festivals() if f.name == name)


@dataclass(frozen=True)
class YearArrangement:
    """A year's exceptions to Monday–Friday: days off with their festival, and 调休 working days."""

    year: int
    days_off: dict[date, str]
    workdays: dict[date, str]
    source: str  # "loaded:<file>", "chinese-calendar" or "fallback"

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5


_OFFICIAL_NAMES = {f.official: f.name for f in festivals() if f.official}


@lru_cache(maxsize=64)
def _packaged_year(year: int) -> YearArrangement | None:
    """The arrangement shipped in chinese-calendar, or None for a year it does not cover."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return None
    days_off = {
        day: _OFFICIAL_NAMES.get(str(name), str(name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    }
    workdays = {
        day: _OFFICIAL_NAMES.get(str(name), str(name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year and day.weekday() >= 5
    }
    return YearArrangement(year, days_off, workdays, "chinese-calendar")


@lru_cache(maxsize=64)
def _fallback_year(year: int) -> YearArrangement:
    days_off = {day: f.name for f in festivals() for day in f.statutory_off(year)}
    return YearArrangement(year, days_off, {}, "fallback")


def arrangement_from_rows(year: int, rows: Iterable[tuple[date, bool, str]], source: str) -> YearArrangement:
    days_off: dict[date, str] = {}
    workdays: dict[date, str] = {}
    for day, workday, name in rows:
        (workdays if workday else days_off)[day] = name
    return YearArrangement(year, days_off, workdays, f"loaded:{source}")


class WorkCalendar:
    """Working days for any year. Thread-safe to read; `load` swaps loaded years in at once."""

    def __init__(self, loaded: dict[int, YearArrangement] | None = None) -> None:
        self._loaded: dict[int, YearArrangement] = dict(loaded or {})
        self._warned: set[int] = set()

    def load(self, loaded: dict[int, YearArrangement]) -> None:
        self._loaded = dict(loaded)

    def year(self, year: int) -> YearArrangement:
        if year in self._loaded:
            return self._loaded[year]
        packaged = _packaged_year(year)
        if packaged is not None:
            return packaged
        if year not in self._warned:
            self._warned.add(year)
            log.warning(
                "no official holiday arrangement for %d: working days fall back to Monday–Friday "
                "without the statutory festival days; load it with `coach calendar load FILE`",
                year,
            )
        return _fallback_year(year)

    def is_official(self, year: int) -> bool:
        """Whether the year's working days follow a published arrangement (not the fallback)."""
        return self.year(year).source != "fallback"

    def is_workday(self, day: date) -> bool:
        return self.year(day.year).is_workday(day)

    def festival_on(self, day: date) -> str | None:
        """The festival a day off belongs to (国庆, 春节…), None for a plain day."""
        return self.year(day.year).days_off.get(day)

    def next_workday(self, day: date) -> date:
        """The first working day after `day`."""
        return self.add_workdays(day, 1)

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n ≥ 1), or before it for n ≤ -1."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        current = day
        scanned = 0
        while remaining:
            current += timedelta(days=step)
            scanned += 1
            if self.is_workday(current):
                remaining -= 1
                scanned = 0
            elif scanned > _MAX_SCAN_DAYS:
                raise ValueError("no working day within two months")
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in [start, end]."""
        return sum(self.is_workday(start + timedelta(days=i)) for i in range((end - start).days + 1))

    def off_period(self, day: date) -> tuple[date, date]:
        """The run of consecutive days off around `day` (the day itself if it is a working day)."""
        start = end = day
        if self.is_workday(day):
            return day, day
        while not self.is_workday(start - timedelta(days=1)):
            start -= timedelta(days=1)
        while not self.is_workday(end + timedelta(days=1)):
            end += timedelta(days=1)
        return start, end

    def festival_period(self, name: str, year: int) -> tuple[date, date] | None:
        """The days off of a festival in a year (its statutory days and the weekends joined to them);
        for a festival without a day off (元宵) just its day."""
        day = festival(name).day_in(year)
        if day is None:
            return None
        off = [d for d, fest in self.year(year).days_off.items() if fest == name]
        if name == "春节":  # the eve belongs to the Spring Festival break
            off += [d for d, fest in self.year(year).days_off.items() if fest == "除夕"]
        if not off:
            return self.off_period(day) if not self.is_workday(day) else (day, day)
        start, _ = self.off_period(min(off))
        _, end = self.off_period(max(off))
        return start, end

    def upcoming_festival(self, name: str, today: date) -> tuple[date, tuple[date, date]] | None:
        """The festival's next occurrence whose days off have not ended: (its day, its period)."""
        for year in (today.year - 1, today.year, today.year + 1):
            day = festival(name).day_in(year)
            period = self.festival_period(name, year)
            if day is None or period is None:
                continue
            if period[1] >= today:
                return day, period
        return None

    def next_holiday_period(self, today: date, within_days: int = 45) -> tuple[date, date] | None:
        """The public-holiday break under way or coming next (for 节后), if within `within_days`."""
        for offset in range(within_days + 1):
            day = today + timedelta(days=offset)
            if not self.is_workday(day) and self.festival_on(day):
                return self.off_period(day)
        return None


_default = WorkCalendar()


def work_calendar() -> WorkCalendar:
    """The process's calendar (its loaded years refreshed from the database by the engine)."""
    return _default


def team_works_on(workweek: str, day: date, calendar: WorkCalendar | None = None) -> bool:
    """Whether a team with this workweek (store.models.WORKWEEKS) works on `day`."""
    calendar = calendar or _default
    if workweek == "every_day":
        return True
    if calendar.is_workday(day):
        return True
    return workweek == "saturdays" and day.weekday() == 5 and calendar.festival_on(day) is None


async def refresh_from_store(session: AsyncSession) -> int:
    """Swap the years an admin loaded into the process's calendar; returns how many there are."""
    years = await loaded_years(session)
    _default.load({year: arrangement_from_rows(year, rows, "database") for year, rows in years.items()})
    return len(years)


@cache
def _workweek_words() -> dict[str, str]:
    data = yaml.safe_load(WORKWEEK_WORDS_FILE.read_text(encoding="utf-8"))
    return {word: workweek for workweek, words in data.items() for word in words}


def read_workweek(word: str) -> str | None:
    """The workweek a /schedule word names (周六上班 → saturdays), None if it names none."""
    return _workweek_words().get(word.strip())
