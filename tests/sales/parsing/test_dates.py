from datetime import date

import pytest

from bot.sales.parsing.dates import find_dates, parse_date
from bot.sales.parsing.visit_text import choose_next_date

MONDAY = date(2026, 11, 23)  # a Monday
MONTH_END = date(2026, 1, 31)  # a Saturday, last day of the month
YEAR_END = date(2024, 12, 31)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        ("今天", date(2026, 11, 23), "今天"),
        ("明天再打电话", date(2026, 11, 24), "明天"),
        ("后天把报价单发过去", date(2026, 11, 25), "后天"),
        ("大后天", date(2026, 11, 26), "大后天"),
        ("昨天", date(2026, 11, 22), "昨天"),
        ("前天", date(2026, 11, 21), "前天"),
        ("明早过去", date(2026, 11, 24), "明早"),
        ("下周二带方案过去", date(2026, 12, 1), "下周二"),
        ("下星期二", date(2026, 12, 1), "下星期二"),
        ("下礼拜二", date(2026, 12, 1), "下礼拜二"),
        ("下个星期二", date(2026, 12, 1), "下个星期二"),
        ("下周日", date(2026, 12, 6), "下周日"),
        ("这周五", date(2026, 11, 27), "这周五"),
        ("本周五", date(2026, 11, 27), "本周五"),
        ("这周一", date(2026, 11, 23), "这周一"),
        ("周五", date(2026, 11, 27), "周五"),
        ("周一", date(2026, 11, 30), "周一"),  # bare weekday said on that weekday: next week
        ("星期天", date(2026, 11, 29), "星期天"),
        ("礼拜3", date(2026, 11, 25), "礼拜3"),
        ("下下周一", date(2026, 12, 7), "下下周一"),
        ("上周三", date(2026, 11, 18), "上周三"),
        ("下周", date(2026, 11, 30), "下周"),
        ("周末", date(2026, 11, 28), "周末"),
        ("下周末", date(2026, 12, 5), "下周末"),
        ("月底", date(2026, 11, 30), "月底"),
        ("月底前给答复", date(2026, 11, 30), "月底"),
        ("下个月初再联系", date(2026, 12, 1), "下个月初"),
        ("下月初", date(2026, 12, 1), "下月初"),
        ("月中", date(2026, 11, 15), "月中"),
        ("下个月中旬", date(2026, 12, 15), "下个月中旬"),
        ("下个月底", date(2026, 12, 31), "下个月底"),
        ("本月底", date(2026, 11, 30), "本月底"),
        ("下个月", date(2026, 12, 1), "下个月"),
        ("11月3号", date(2027, 11, 3), "11月3号"),  # already past this year → next year
        ("11月3日", date(2027, 11, 3), "11月3日"),
        ("12月3日", date(2026, 12, 3), "12月3日"),
        ("11月23号", date(2026, 11, 23), "11月23号"),
        ("十二月五号", date(2026, 12, 5), "十二月五号"),
        ("一月五日", date(2027, 1, 5), "一月五日"),
        ("12月底", date(2026, 12, 31), "12月底"),
        ("3月份", date(2027, 3, 1), "3月份"),
        ("2026.1.15", date(2026, 1, 15), "2026.1.15"),
        ("2026-01-15", date(2026, 1, 15), "2026-01-15"),
        ("2026/1/15", date(2026, 1, 15), "2026/1/15"),
        ("2026年1月15日", date(2026, 1, 15), "2026年1月15日"),
        ("二〇二七年一月五日", date(2027, 1, 5), "二〇二七年一月五日"),
        ("首款约定2025.1.15前到账", date(2025, 1, 15), "2025.1.15"),
        ("3天后", date(2026, 11, 26), "3天后"),
        ("三天后", date(2026, 11, 26), "三天后"),
        ("十天以后", date(2026, 12, 3), "十天以后"),
        ("两周后", date(2026, 12, 7), "两周后"),
        ("过两天", date(2026, 11, 25), "过两天"),
        ("下个月5号", date(2026, 12, 5), "下个月5号"),
        ("下月五号", date(2026, 12, 5), "下月五号"),
        ("二十三号", date(2026, 11, 23), "二十三号"),
        ("25号", date(2026, 11, 25), "25号"),
        ("20号", date(2026, 12, 20), "20号"),
        ("年底", date(2026, 12, 31), "年底"),
        ("明年", date(2027, 1, 1), "明年"),
    ],
)
def test_parse_date_monday(text: str, expected: date, span: str) -> None:
    assert parse_date(text, MONDAY) == (expected, span)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天", date(2026, 2, 1)),
        ("月底", date(2026, 1, 31)),
        ("下个月初", date(2026, 2, 1)),
        ("下个月5号", date(2026, 2, 5)),
        ("下个月底", date(2026, 2, 28)),
        ("下周一", date(2026, 2, 2)),
        ("这周五", date(2026, 1, 30)),  # current Mon–Sun week, even if already past
        ("周五", date(2026, 2, 6)),
        ("30号", date(2026, 3, 30)),  # February has no 30th
        ("1月15号", date(2027, 1, 15)),
        ("三天后", date(2026, 2, 3)),
        ("一个月后", date(2026, 2, 28)),
    ],
)
def test_parse_date_month_end(text: str, expected: date) -> None:
    result = parse_date(text, MONTH_END)
    assert result is not None
    assert result[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天", date(2025, 1, 1)),
        ("下个月初", date(2025, 1, 1)),
        ("1月3号", date(2025, 1, 3)),
        ("下周三", date(2025, 1, 8)),
        ("12月31日", date(2024, 12, 31)),
    ],
)
def test_parse_date_year_end(text: str, expected: date) -> None:
    result = parse_date(text, YEAR_END)
    assert result is not None
    assert result[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "聊了半小时",
        "这两年都不考虑",
        "预算20来万",
        "电话13812345678",
        "5号楼3层",
        "3个人",
        "11.3",
        "版本2.0",
        "千万别急",
        "一周三次",
    ],
)
def test_no_date(text: str) -> None:
    assert parse_date(text, MONDAY) is None


def test_find_dates_all_in_order() -> None:
    found = find_dates("昨天去过，下周三再去，月底前出方案", MONDAY)
    assert [f.text for f in found] == ["昨天", "下周三", "月底"]
    assert found[0].relative_past and not found[1].relative_past
    assert [f.date for f in found] == [date(2026, 11, 22), date(2026, 12, 2), date(2026, 11, 30)]


def test_longest_match_wins() -> None:
    assert parse_date("大后天", MONDAY) == (date(2026, 11, 26), "大后天")
    assert parse_date("下下周一", MONDAY) == (date(2026, 12, 7), "下下周一")
    assert parse_date("下个月5号", MONDAY) == (date(2026, 12, 5), "下个月5号")


def test_invalid_dates_are_skipped() -> None:
    assert parse_date("2026.2.30", MONDAY) is None
    assert parse_date("13月5号", MONDAY) is None


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("潘经理说下周二 不对是下周三给我回话", date(2026, 12, 9)),
        ("让我明天不对后天再过去一趟", date(2026, 12, 3)),
        ("约了这周四 说错了 下周四去厂里", date(2026, 12, 10)),
    ],
)
def test_a_date_taken_back_gives_way_to_the_one_after_it(report: str, expected: date) -> None:
    found = choose_next_date(report, date(2026, 12, 1))
    assert found is not None and found.date == expected


def test_two_dates_without_a_correction_keep_the_first() -> None:
    found = choose_next_date("明天先发资料，下周三再上门", date(2026, 12, 1))
    assert found is not None and found.date == date(2026, 12, 2)
