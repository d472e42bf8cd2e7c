from datetime import date

import pytest

from bot.sales import validation
from bot.sales.parsing.amounts import find_deal_amount
from bot.sales.validation import (
    AMOUNT_MAX_WAN,
    TEXT_LIMITS,
    Problem,
    check_amount,
    check_count,
    check_date,
    check_task,
    check_text,
    check_visit_values,
    clean_text,
    read_amount,
    refusals,
)

TODAY = date(2025, 3, 12)


def keys(problems: list[Problem]) -> list[str]:
    return [p.key for p in problems]


@pytest.mark.parametrize(
    ("report", "key"),
    [
        ("预算-5万", "check_amount_negative"),
        ("预算负5万", "check_amount_negative"),
        ("预算0万", "check_amount_zero"),
        ("预算1e9万", "check_amount_absurd"),
        ("预算九千九百亿", "check_amount_absurd"),
        ("预算20万美元", "check_amount_currency"),
        ("大约50万港币", "check_amount_currency"),
        ("US$20万", "check_amount_currency"),
        ("项目大概1.5个亿", "check_amount_large"),
    ],
)
def test_amounts_that_are_refused_or_asked(report: str, key: str) -> None:
    problems = check_amount(find_deal_amount(report))
    assert keys(problems) == [key]
    assert problems[0].message()  # a Chinese sentence naming the problem
    assert "金额" in problems[0].message()


def test_an_ordinary_amount_passes() -> None:
    assert check_amount(find_deal_amount("预算20来万")) == []
    assert check_amount(None) == []


def test_large_amounts_may_be_confirmed_absurd_ones_not() -> None:
    large = check_amount(find_deal_amount("1.5个亿"))
    absurd = check_amount(find_deal_amount("九千九百亿"))
    assert large[0].needs_confirmation and refusals(large) == []
    assert not absurd[0].needs_confirmation and refusals(absurd) == absurd


def test_negative_and_scientific_amounts_keep_their_value() -> None:
    assert find_deal_amount("预算-5万").wan == -5  # not 5
    assert find_deal_amount("预算1e9万").wan == 1e9  # not 9
    foreign = find_deal_amount("20万美元")
    assert (foreign.wan, foreign.currency) == (20, "USD")  # never silently 20万元


def test_the_currency_message_names_the_currency() -> None:
    message = check_amount(find_deal_amount("20万美元"))[0].message()
    assert "美元" in message and "20万" in message


@pytest.mark.parametrize(
    ("typed", "value", "key"),
    [
        ("20", 20, None),
        ("15.5", 15.5, None),
        ("20万", 20, None),
        ("1,200", 1200, None),
        ("-5", -5, "check_amount_negative"),
        ("0", 0, "check_amount_zero"),
        ("1e9", 1e9, "check_amount_absurd"),
        (str(AMOUNT_MAX_WAN * 2), AMOUNT_MAX_WAN * 2, "check_amount_absurd"),
        ("20万美元", None, "check_amount_currency"),
        ("很多", None, "check_amount_unreadable"),
    ],
)
def test_read_amount(typed: str, value: float | None, key: str | None) -> None:
    got, problems = read_amount(typed)
    assert got == value
    assert keys(problems) == ([key] if key else [])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("王\x00总", "王总"),
        ("王\u200b总\u200d", "王总"),
        ("\u202e王总\u202c", "王总"),
        ("\u2066华东\u2069机械\ufeff", "华东机械"),
        ("王\ud800总", "王总"),  # a lone surrogate
        ("  备注\n第二行\t完  ", "备注\n第二行\t完"),
        ("<script>alert(1)</script>公司", "<script>alert(1)</script>公司"),
        ("A&B 科技（苏州）", "A&B 科技（苏州）"),
    ],
)
def test_clean_text_strips_invisible_characters_only(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_names_are_kept_as_typed_or_refused_by_length() -> None:
    value, problems = check_text("customer", "<script>alert(1)</script>公司")
    assert (value, problems) == ("<script>alert(1)</script>公司", [])
    value, problems = check_text("customer", "华" * 500 + "公司")
    assert value == "华" * 500 + "公司"  # never cut to 华华华华公司
    assert keys(problems) == ["check_too_long"]
    message = problems[0].message()
    assert "客户名称" in message and "502" in message and str(TEXT_LIMITS["customer"][1]) in message


def test_text_limits() -> None:
    assert keys(check_text("task_title", "交" * 1990)[1]) == ["check_too_long"]
    assert keys(check_text("contact", "\u200b")[1]) == ["check_empty"]
    assert check_text("notes", "", required=False) == ("", [])
    assert keys(check_text("customer", "华")[1]) == ["check_too_short"]


@pytest.mark.parametrize(
    ("value", "key"),
    [(3, None), (0, "check_count_not_positive"), (-3, "check_count_not_positive"), (51, "check_count_range")],
)
def test_counts(value: int, key: str | None) -> None:
    assert keys(check_count("quota", value)) == ([key] if key else [])


def test_task_checks_title_quota_and_plugged_in_date_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_task("每天拜访3家客户", 3, None, TODAY) == []
    assert keys(check_task("每天拜访-3家客户", -3, None, TODAY)) == ["check_count_not_positive"]
    assert keys(check_task("交" * 1990, None, None, TODAY)) == ["check_too_long"]

    def too_far(field: str, day: date, today: date, typed: str) -> list[Problem]:
        return [Problem(field, "check_empty")] if (day - today).days > 366 else []

    monkeypatch.setattr(validation, "DATE_CHECKS", [too_far])
    assert keys(check_date("next_date", date(9999, 12, 31), TODAY)) == ["check_empty"]
    assert keys(check_task("写周报", None, date(9999, 12, 31), TODAY)) == ["check_empty"]
    assert check_date("next_date", None, TODAY) == []


def test_visit_values() -> None:
    values = {
        "customer": {"id": None, "name": "华" * 500},
        "contact": {"id": None, "name": "王总"},
        "amount": -5.0,
        "notes": "好",
        "visited_on": TODAY.isoformat(),
    }
    assert keys(check_visit_values(values, TODAY)) == ["check_too_long", "check_amount_negative"]
    assert check_visit_values({"customer": {"id": 3, "name": "华东机械"}, "amount": 20}, TODAY) == []
