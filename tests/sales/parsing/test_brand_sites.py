"""A brand or company named with one of its sites, a company named in English letters, and a count of
sites, read by the rules alone, on wording in no eval file."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.parsing.customer_tagger import TaggedName
from bot.sales.parsing.visit_text import _cuts_a_person, facility_owner, parse_visit

TODAY = date(2026, 12, 1)


def rules(report: str) -> str | None:
    return parse_visit(report, TODAY, customer_tagger=None).customer


@pytest.mark.parametrize(
    ("name", "typed", "owner"),
    [
        ("格力珠海工厂", "格力珠海工厂的采购说再等等", "格力"),  # brand + city + site
        ("海尔在青岛", "去了海尔在青岛的总部", "海尔"),
        ("海底捞华南区", "海底捞华南区的经理说预算不够", "海底捞"),
        ("杭州分公司", "去了娃哈哈的杭州分公司，见了采购", "娃哈哈"),  # the site after the brand's 的
        ("成都工厂", "安踏成都工厂的二期我们拿下了", "安踏"),
    ],
)
def test_a_brand_named_with_its_site_is_the_customer(name: str, typed: str, owner: str) -> None:
    assert facility_owner(name, typed) == owner


def test_a_name_that_only_ends_like_a_site_is_kept() -> None:
    assert facility_owner("红星工厂", "去了红星工厂，厂长不在") == "红星工厂"


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("拜访了 Silverline物流，经理说要走内部流程", "Silverline物流"),
        ("Meadowbrook酒店 的 GM 说下周再谈", "Meadowbrook酒店"),
    ],
)
def test_an_english_word_before_a_trade_word_is_not_cut(report: str, customer: str) -> None:
    assert rules(report) == customer


def test_a_count_of_sites_is_no_name() -> None:
    assert rules("今天去了恒达药械，对方要了五家同类医院的案例") == "恒达药械"
    assert rules("签了，给他们二十家门店做保洁") is None


@pytest.mark.parametrize("report", ["今个儿去了福源铸造，老孟嫌贵", "今儿个去了福源铸造，老孟嫌贵"])
def test_northeastern_today_is_no_name(report: str) -> None:
    assert rules(report) == "福源铸造"


def test_a_tagged_span_that_cuts_a_person_in_half_is_dropped() -> None:
    assert _cuts_a_person("和李明聊了一下午", TaggedName("和李", 0, 2, 0.1))
    assert not _cuts_a_person("李宁体育的订单拿下了", TaggedName("李宁体育", 0, 4, 0.9))


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("去了海尔青岛工业园，设备科的人说再等等", "海尔"),  # a brand, then where
        ("安踏那边的项目没拿下，给了一家本地厂", "安踏"),  # the brand before a rival's site
        ("约了娃哈哈的采购，结果人不在", "娃哈哈"),
    ],
)
def test_a_brand_where_a_name_starts_is_the_customer(report: str, customer: str) -> None:
    assert rules(report) == customer


@pytest.mark.parametrize("report", ["今天腾讯会议跟远帆游艇的IT开了会", "九州通达 没约上 秘书说钱总不在"])
def test_a_longer_word_that_starts_with_a_brand_is_not_the_brand(report: str) -> None:
    assert rules(report) not in ("腾讯", "九州通")


def test_a_short_opening_name_keeps_its_with_character() -> None:
    assert rules("泰和中医馆拿下了，馆长签的字") == "泰和中医馆"


def test_a_place_before_an_opening_name_is_dropped() -> None:
    assert rules("城东的青禾画室，约的老师没来") == "青禾画室"


def test_a_person_with_a_title_is_no_cued_customer() -> None:
    assert rules("今天和区域经理Amy签了清洁合同") is None


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("今日去咗荃湾嗰间铭泰五金厂，见咗何生", "铭泰五金厂"),  # Cantonese 嗰间: "that one in"
        ("去了开发区那间宏昇纺织，经理不在", "宏昇纺织"),
    ],
)
def test_what_stands_before_that_one_is_where_not_which(report: str, customer: str) -> None:
    assert rules(report) == customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("今天见了Harbor Crest物流的KP，demo很顺利", "Harbor Crest物流"),
        ("Visited Silver Maple家具, met 王总", "Silver Maple家具"),  # Visited is no part of it
    ],
)
def test_every_english_word_of_a_mixed_name_is_kept(report: str, customer: str) -> None:
    assert rules(report) == customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("宏锐那边没戏，郑经理说今年不上", "宏锐"),
        ("和晟泰的采购冯姐吃了个饭", "晟泰"),
        ("翠岭茶园的案子输了，对手便宜", "翠岭茶园"),
    ],
)
def test_a_bare_name_is_read_by_its_side_and_its_deal(report: str, customer: str) -> None:
    assert rules(report) == customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("和康宁医院设备科的鲁科长碰了一下", "康宁医院"),  # the hospital, then its equipment section
        ("海尔青岛工厂设备部的项目签下来了", "海尔"),
        ("凯诺这单没戏了，范总说不需要", "凯诺"),
        ("晨光 车经理说方案还行，但要等集团批", "晨光"),  # 但要等集团: a clause, not a name
    ],
)
def test_units_deals_and_clauses_after_a_name_are_left_out(report: str, customer: str) -> None:
    assert rules(report) == customer
