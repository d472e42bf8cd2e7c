import logging
from datetime import date

import pytest

from bot.sales.workcalendar import WorkCalendar, arrangement_from_rows, festival, team_works_on

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 10, 1), False),  # 国庆
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # 调休 Saturday of the 2026 arrangement
        (date(2026, 9, 20), True),  # 调休 Sunday
        (date(2026, 2, 14), True),  # 调休 Saturday before 春节
        (date(2026, 2, 17), False),  # 春节
        (date(2026, 11, 28), False),  # plain Saturday
        (date(2026, 11, 27), True),
    ],
)
def test_official_2026_arrangement(day: date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday


def test_working_day_arithmetic_skips_the_holiday_and_counts_the_adjusted_weekend() -> None:
    assert CAL.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert CAL.add_workdays(date(2026, 10, 8), 2) == date(2026, 10, 10)
    assert CAL.add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert CAL.workdays_between(date(2026, 9, 28), date(2026, 10, 4)) == 3  # the week of 国庆
    assert CAL.workdays_between(date(2026, 10, 5), date(2026, 10, 11)) == 3  # Thu, Fri and the 调休 Saturday


def test_festival_periods() -> None:
    assert CAL.festival_period("国庆", 2026) == (date(2026, 10, 1), date(2026, 10, 7))
    assert CAL.festival_period("春节", 2026) == (date(2026, 2, 15), date(2026, 2, 23))
    assert CAL.festival_on(date(2026, 10, 3)) == "国庆"


def test_lunar_festivals_come_from_the_lunar_calendar() -> None:
    assert festival("春节").day_in(2027) == date(2027, 2, 6)
    assert festival("除夕").day_in(2027) == date(2027, 2, 5)
    assert festival("中秋").day_in(2026) == date(2026, 9, 25)
    assert festival("端午").day_in(2026) == date(2026, 6, 19)
    assert festival("元宵").day_in(2026) == date(2026, 3, 3)


def test_uncovered_year_falls_back_to_monday_friday_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cal = WorkCalendar()
    with caplog.at_level(logging.WARNING):
        assert cal.is_workday(date(2027, 3, 8)) is True  # a Monday
        assert cal.is_workday(date(2027, 3, 6)) is False  # a Saturday
        assert cal.is_workday(date(2027, 10, 1)) is False  # the statutory day off itself
        cal.is_workday(date(2027, 3, 9))
    assert not cal.is_official(2027)
    assert sum("2027" in r.getMessage() for r in caplog.records) == 1


def test_a_loaded_year_overrides_the_fallback() -> None:
    rows = [(date(2027, 10, d), False, "国庆") for d in range(1, 8)] + [(date(2027, 10, 9), True, "调休")]
    cal = WorkCalendar({2027: arrangement_from_rows(2027, rows, "test")})
    assert cal.is_official(2027)
    assert cal.next_workday(date(2027, 9, 30)) == date(2027, 10, 8)
    assert cal.is_workday(date(2027, 10, 9))  # Saturday


def test_team_workweek_overrides() -> None:
    plain_saturday, holiday_saturday = date(2026, 11, 28), date(2026, 10, 3)
    assert not team_works_on("official", plain_saturday, CAL)
    assert team_works_on("saturdays", plain_saturday, CAL)
    assert not team_works_on("saturdays", holiday_saturday, CAL)
    assert team_works_on("every_day", holiday_saturday, CAL)
    assert team_works_on("official", date(2026, 10, 10), CAL)  # the 调休 Saturday
