from datetime import date

import pytest

from bot.sales.calendar_file import CalendarFileError, parse_arrangement

GOOD = {
    "year": 2027,
    "holidays": {
        "元旦": "2027-01-01 ~ 2027-01-03",
        "国庆": ["2027-10-01 ~ 2027-10-07"],
        "清明": date(2027, 4, 5),
    },
    "workdays": ["2027-09-26", date(2027, 10, 9)],
}


def test_reads_ranges_lists_and_single_days() -> None:
    arrangement = parse_arrangement(GOOD)
    assert arrangement.year == 2027
    assert arrangement.holidays == 3 + 7 + 1 and arrangement.workdays == 2
    assert (date(2027, 10, 9), True, "调休") in arrangement.days


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"year": "abc"}, "年份"),
        ({"holidays": {}}, "holidays"),
        ({"holidays": {"国庆": "2026-10-01"}}, "不在 2027 年"),
        ({"holidays": {"国庆": "十月一日"}}, "不是日期"),
        ({"holidays": {"国庆": "2027-10-07 ~ 2027-10-01"}}, "不是一段合理的假期"),
        ({"workdays": ["2027-10-04"]}, "既是休息日"),
        ({"workdays": ["2027-10-13"]}, "周六或周日"),
    ],
)
def test_bad_files_say_why_in_chinese(change: dict, message: str) -> None:
    with pytest.raises(CalendarFileError, match=message):
        parse_arrangement({**GOOD, **change})
