"""The causes behind holdout5's misses, on wordings of their own (none is in an eval file): trade
suffixes, tagger spans cut short or run on, English names and dates, rival wins, postponements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.sales.parsing.customer_tagger import TaggedName
from bot.sales.parsing.dates import find_dates
from bot.sales.parsing.visit_text import (
    choose_next_date,
    classify_outcome,
    combine_customer,
    parse_visit,
    snap_to_words,
)

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("上午在锦程印务见了采购，说下周给报价", "锦程印务"),
        ("跟市场部一起去了云帆钟表，老板不在", "云帆钟表"),
        ("约好今天去蓝鲸游艇，到了发现门关着", "蓝鲸游艇"),
        ("去了安和康养老，院长说下个月再谈", "安和康养老"),  # 康养 / 养老 overlap: the longer chain
        ("下午去了城南的老字号德顺酱园，二掌柜说再看看", "德顺酱园"),
    ],
)
def test_trade_suffixes_end_a_name_the_rules_read_whole(report: str, customer: str) -> None:
    assert parse_visit(report, TODAY, customer_tagger=None).customer == customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("Signed w/ Bluewave Robotics today, 60k USD", "Bluewave Robotics"),
        ("Met Tom at Northstar Foods, he wants a demo", "Northstar Foods"),
        ("Silverline Medical 那边 Kevin 说再等等", "Silverline Medical"),
    ],
)
def test_english_company_names_are_read_whole(report: str, customer: str) -> None:
    assert parse_visit(report, TODAY, customer_tagger=None).customer == customer


def _span(text: str, name: str, confidence: float = 0.5) -> TaggedName:
    start = text.index(name)
    return TaggedName(name, start, start + len(name), confidence)


@pytest.mark.parametrize(
    ("text", "tagged", "snapped"),
    [
        ("Northstar Foods 的 Amy said ok", "No", "Northstar Foods"),  # never ends inside a Latin word
        ("云帆钟表这单丢了", "云帆钟", "云帆钟表"),  # runs on over the suffix it stops inside
        ("做了半年的蓝鲸游艇签了", "蓝鲸", "蓝鲸游艇"),  # and over one right after it
        ("锦程印务张经理说黄了", "锦程印务张经理", "锦程印务张经理"),  # three characters on: as tagged
        ("锦程印务又没下文", "锦程印务又", "锦程印务"),  # a character of the next phrase: cut off
        ("跟老朋友德顺谈续约的事", "德顺谈续约", "德顺"),  # what was done with it is no part of it
    ],
)
def test_tagger_spans_snap_to_whole_words(text: str, tagged: str, snapped: str) -> None:
    assert snap_to_words(text, _span(text, tagged)).name == snapped


def test_the_rules_name_wins_where_the_tagger_stops_short_of_its_suffix() -> None:
    text = "云帆钟表这单丢了"
    assert combine_customer("云帆钟表", _span(text, "云帆钟", 0.99)) == "云帆钟表"
    assert combine_customer("城南德顺酱园", _span(text := "城南德顺酱园", "德顺酱园", 0.99)) == "德顺酱园"


@pytest.mark.parametrize(
    ("report", "outcome"),
    [
        ("开标结果出来了，中标的是一家外地公司，我们排第四", "deal_lost"),
        ("跟了三个月，对方最后选了一家做得更久的老牌厂家", "deal_lost"),
        ("lost the Zenith account to a local vendor", "deal_lost"),
        ("老板拍板改用了另一套系统", "deal_lost"),
        ("最后还是选了我们，下周走合同", "interested"),
        ("已经定了下周三去现场看", "need_followup"),
        ("给了报价，他说要考虑一下", "need_followup"),
        ("王总说这两天实在排不开，月底再约", "need_followup"),
        ("科长说今天挤不出时间，让我周四再来一趟", "need_followup"),
    ],
)
def test_outcome_words(report: str, outcome: str) -> None:
    assert classify_outcome(report) == outcome


def test_english_dates() -> None:
    friday = TODAY + timedelta(days=3)
    assert [d.date for d in find_dates("they want the quote by Fri", TODAY)] == [friday]
    assert [d.date for d in find_dates("demo on June 3rd", TODAY)] == [date(2027, 6, 3)]
    assert [d.date for d in find_dates("trial ends 20 January 2027", TODAY)] == [date(2027, 1, 20)]
    assert find_dates("we may 3 of them", TODAY) == []  # the verb, not the month
    assert [d.date for d in find_dates("PO by end of next month", TODAY)] == [date(2027, 1, 31)]


def test_a_weekday_opening_a_report_told_in_the_past_is_the_visit_day() -> None:
    found = choose_next_date("周五去了一趟德顺酱园，老板说下周二签", TODAY)
    assert found is not None and found.text == "下周二"
    planned = choose_next_date("周五再去一趟德顺酱园", TODAY)
    assert planned is not None and planned.text == "周五"
