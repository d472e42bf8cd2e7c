"""A company's site or department is no part of its name; English names stop where the deal starts
(parser7). Wordings in no eval file."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.parsing import lexicon
from bot.sales.parsing.customer_tagger import TaggedName, features
from bot.sales.parsing.visit_text import _trim_tagged, facility_owner, parse_visit, snap_to_words

TODAY = date(2026, 12, 1)


def _rules(report: str) -> str | None:
    return parse_visit(report, TODAY, customer_tagger=None).customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("去了恒远的工厂，设备科的老张说要看样品", "恒远"),
        ("昨天去了盛和的门店，店长说要问老板", "盛和"),
        ("去了华旭电子的仓库，仓库主管说不归他管", "华旭电子"),
        ("拜访了金穗的采购部，部长说预算没批", "金穗"),
        ("去了鲜丰的中央厨房，主厨说设备都是总部买", "鲜丰"),
    ],
)
def test_a_site_or_department_after_de_is_not_the_customer(report: str, customer: str) -> None:
    assert _rules(report) == customer


@pytest.mark.parametrize(
    ("name", "typed", "owner"),
    [
        ("恒远的工厂", "去了恒远的工厂", "恒远"),
        ("青石的瓷砖厂", "去了青石的瓷砖厂", "青石"),
        ("加盟店", "去了茶语的加盟店，店主说", "茶语"),
        ("物流中心", "去了雪峰的物流中心，主管说", "雪峰"),
        ("红星工厂", "去了红星工厂", "红星工厂"),  # 工厂 is its own suffix: no 的, no owner
        ("美的集团", "美的集团签了", "美的集团"),  # a 的 inside a name is kept
        ("工厂", "去了苏州的工厂", "工厂"),  # a place owns no site: the name is left as it is
    ],
)
def test_facility_owner(name: str, typed: str, owner: str) -> None:
    assert facility_owner(name, typed) == owner


def test_the_facility_nouns_are_data() -> None:
    assert {"工厂", "中央厨房", "加盟店", "物流中心"} <= set(lexicon.words("facilities"))


def test_a_clause_that_says_a_suffix_word_is_no_company() -> None:
    assert _rules("今天去了丰和，门店经理说设备采购都走总部") != "门店经理说设备"


def test_the_tagger_sees_de_and_a_unit_after_a_name() -> None:
    rows = features("永辉的采购说")
    assert "of_unit:e" in rows[1] and "of_unit:of" in rows[2]
    assert not any(f.startswith("of_unit") for f in features("永辉采购说")[1])
    assert "brand:b" in features("去美的谈了")[1]


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("dropped by at Silverline Optics, the buyer wants a quote", "Silverline Optics"),
        ("quick demo at Northgate Labs, CTO Priya liked it", "Northgate Labs"),
        ("跑了趟青禾农场，场长说下周再来", "青禾农场"),
        ("今天去了九龙嘅宏发五金，老细话要睇下", "宏发五金"),
    ],
)
def test_rules_find_more_names(report: str, customer: str) -> None:
    assert _rules(report) == customer


def test_an_english_name_stops_before_a_deal_word() -> None:
    typed = "Bluefin Marine PO landed today, 30k"
    assert snap_to_words(typed, TaggedName("Bluefin Marine PO", 0, 17, 0.9)).name == "Bluefin Marine"
    typed = "visited Apex Tools today"
    assert snap_to_words(typed, TaggedName("Tools", 13, 18, 0.3)).name == "Apex Tools"


@pytest.mark.parametrize(
    ("name", "trimmed"),
    [
        ("深水埗嘅宏发五金", "宏发五金"),
        ("老字号同福酱园", "同福酱园"),
        ("福田纺织", "福田纺织"),
        ("Apex Tools", "Apex Tools"),
    ],
)
def test_the_taggers_name_is_trimmed_as_the_rules_trim_theirs(name: str, trimmed: str) -> None:
    assert _trim_tagged(name) == trimmed
