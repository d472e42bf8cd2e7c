"""Company names that close with the kind of place they are (lexicon/name_endings.txt) and the clauses
that are not names (lexicon/not_company_words.txt), read by the rules alone, on wording in no eval file."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.parsing.customer_tagger import TaggedName
from bot.sales.parsing.visit_text import combine_customer, company_spans, parse_visit

TODAY = date(2026, 12, 1)


def rules(report: str) -> str | None:
    return parse_visit(report, TODAY, customer_tagger=None).customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("上午去了福满养殖场，场长说要再比比价", "福满养殖场"),
        ("去了丽人美容院，老板说下周再说", "丽人美容院"),
        ("拜访了平安达保险代理，孙经理有兴趣", "平安达保险代理"),
        ("跑了一趟丰收蔬菜批发部，没见到人", "丰收蔬菜批发部"),
        ("今天去了康乐养老中心，院方说预算不够", "康乐养老中心"),
    ],
)
def test_a_place_kind_after_a_trade_word_ends_the_name(report: str, customer: str) -> None:
    assert rules(report) == customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("去了丽人美容，院长说下周再说", "丽人美容"),  # 院长 is a person, not 美容院
        ("去了宏图物流，行业不景气，暂时不考虑", "宏图物流"),  # 行业 starts a word
        ("去了蓝天餐饮，部门经理说再等等", "蓝天餐饮"),  # 部门 starts a word
    ],
)
def test_an_ending_that_starts_another_word_is_left_out(report: str, customer: str) -> None:
    assert rules(report) == customer


def test_a_department_alone_is_no_company() -> None:
    assert all(name != "仓储部" for name, _, _ in company_spans("见到了仓储部的谭主任"))


@pytest.mark.parametrize(
    "report",
    [
        "小杜说院长已经决定用别家了，合同上周就签了",  # 同 inside 合同, then a time word
        "老板说已经跟别家签了",
        "约好的时间到了人不在，白跑一趟",  # an outcome after 到了
    ],
)
def test_clauses_are_not_read_as_the_customer(report: str) -> None:
    assert rules(report) is None


def test_a_clause_after_an_opening_name_is_cut_off() -> None:
    assert rules("永兴今天定不了，采购钱经理让我月底再问") == "永兴"


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("李宁的订单拿下了，总价二十六万", "李宁"),  # a brand that reads like a person's name
        ("鼎昌那单黄了，人家选了别家", "鼎昌"),
    ],
)
def test_a_name_before_its_deal_is_the_customer(report: str, customer: str) -> None:
    assert rules(report) == customer


def test_words_that_only_lead_to_the_name_are_not_part_of_it() -> None:
    tagged = TaggedName("啱啱喺福临酒家", 0, 7, 0.97)
    assert combine_customer("福临酒家", tagged) == "福临酒家"
    own_first_character = TaggedName("同心养老院", 0, 5, 0.97)  # 同 may be the name's own
    assert combine_customer("心养老院", own_first_character) == "同心养老院"
