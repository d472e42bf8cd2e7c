import pytest

from bot.sales.parsing.amounts import find_amounts, parse_amount_wan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20来万", 20),
        ("预算20来万", 20),
        ("估计十来万", 10),
        ("30万左右", 30),
        ("45w", 45),
        ("45W", 45),
        ("15万元", 15),
        ("1.5万", 1.5),
        ("一点五万", 1.5),
        ("二十万", 20),
        ("两万", 2),
        ("两百万", 200),
        ("3百万", 300),
        ("3千万", 3000),
        ("100多万", 100),
        ("十几万的单子", 10),
        ("8000元", 0.8),
        ("8千", 0.8),
        ("两千块", 0.2),
        ("1个亿", 10000),
        ("一个多亿", 10000),
        ("1.2亿", 12000),
        ("报了28万", 28),
        ("合同金额28.5万", 28.5),
        ("50k", 5),
        ("20-30万", 25),
        ("100万到150万", 125),
        ("二三十万", 25),
        ("单子估计两三百万", 250),
    ],
)
def test_amounts(text: str, expected: float) -> None:
    assert parse_amount_wan(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "见了3个人",
        "首付30%",
        "百分之二十的折扣",
        "电话13812345678",
        "下周二去",
        "2025.1.15前到账",
        "11月3号",
        "千万别急",
        "5万台设备",
        "厂区2万平米",
        "几十万",
        "员工200多人",
        "K3系统",
    ],
)
def test_not_amounts(text: str) -> None:
    assert parse_amount_wan(text) is None


def test_money_cue_preferred_over_earlier_number() -> None:
    assert parse_amount_wan("去年花了5万买服务器，这次预算30万") == 30
    assert parse_amount_wan("员工200多人，预算30万") == 30


def test_amount_next_to_date_and_phone() -> None:
    text = "合同35万 首款2025.1.15前到账 电话13812345678"
    assert parse_amount_wan(text) == 35
    assert [a.text for a in find_amounts(text)] == ["35万"]
