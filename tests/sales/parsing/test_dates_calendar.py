"""Traditional script, festivals, working days and the year of a written date (issue #13)."""

from datetime import date

import pytest

from bot.sales.parsing.dates import find_dates, impossible_dates, parse_date

TUESDAY = date(2026, 11, 24)
BEFORE_NATIONAL_DAY = date(2026, 9, 28)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("後天", date(2026, 11, 26)),
        ("週二", date(2026, 12, 1)),  # said on a Tuesday: next week's
        ("禮拜二", date(2026, 12, 1)),
        ("周二再去", date(2026, 12, 1)),
        ("下週三", date(2026, 12, 2)),
        ("下週日", date(2026, 12, 6)),
        ("周三", date(2026, 11, 25)),
        ("2015年三月3号", date(2015, 3, 3)),
        ("二〇二七年一月五日", date(2027, 1, 5)),
        ("明年3月5号", date(2027, 3, 5)),
        ("二月十五再去", date(2027, 2, 15)),
        ("前日", date(2026, 11, 22)),
        ("後日", date(2026, 11, 26)),
        ("下下下周二", date(2026, 12, 15)),
        ("下下下个月5号", date(2027, 2, 5)),
        ("元旦", date(2027, 1, 1)),
        ("春节", date(2027, 2, 6)),
        ("過年", date(2027, 2, 6)),
        ("中秋節", date(2027, 9, 15)),
        ("明年元宵节", date(2027, 2, 20)),
        ("下个工作日", date(2026, 11, 25)),
        ("三个工作日内", date(2026, 11, 27)),
    ],
)
def test_reads(text: str, expected: date) -> None:
    found = parse_date(text, TUESDAY)
    assert found is not None and found[0] == expected, (text, found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国庆后再约", date(2026, 10, 8)),
        ("國慶後", date(2026, 10, 8)),
        ("十一后", date(2026, 10, 8)),
        ("过完十一", date(2026, 10, 8)),
        ("节后", date(2026, 10, 8)),
        ("国庆前", date(2026, 9, 30)),
        ("下个工作日", date(2026, 9, 29)),
        ("3个工作日内", date(2026, 10, 8)),  # 29, 30, then 8 Oct
        ("十一期间", date(2026, 10, 1)),
    ],
)
def test_around_national_day(text: str, expected: date) -> None:
    found = parse_date(text, BEFORE_NATIONAL_DAY)
    assert found is not None and found[0] == expected, (text, found)


def test_traditional_match_keeps_the_original_span() -> None:
    [found] = find_dates("見了張總，下週三再去", TUESDAY)
    assert found.text == "下週三" and (found.start, found.end) == (5, 8)


@pytest.mark.parametrize("text", ["十一点见", "十一个客户", "情人节后", "三月十五万", "十五个客户"])
def test_not_dates(text: str) -> None:
    assert parse_date(text, TUESDAY) is None


def test_impossible_dates_are_found_not_dropped() -> None:
    assert [(d.month, d.day) for d in impossible_dates("2月30日再去")] == [(2, 30)]
    assert [(d.month, d.day) for d in impossible_dates("二月三十号")] == [(2, 30)]
    assert [d.text for d in impossible_dates("2026.2.30到账")] == ["2026.2.30"]
    assert impossible_dates("2月29日") == []  # a leap year has it
    assert impossible_dates("版本2.30") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正月初八开工后再去", date(2027, 2, 13)),  # the lunar calendar, not 月初
        ("腊月二十三", date(2027, 1, 30)),
        ("农历八月十五", date(2027, 9, 15)),  # this year's was on 25 September
        ("下周第一个工作日", date(2026, 10, 8)),  # the Monday to Wednesday of next week are 国庆
        ("收假后", date(2026, 10, 8)),
        ("半个月后", date(2026, 10, 13)),
    ],
)
def test_lunar_days_and_working_day_phrases(text: str, expected: date) -> None:
    found = parse_date(text, BEFORE_NATIONAL_DAY)
    assert found is not None and found[0] == expected, (text, found)
