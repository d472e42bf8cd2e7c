"""General causes fixed in parser4: the clause after a turn (但是/不过/只是) decides the stance; customers
named by the words around them; place prefixes; Chinese-numeral thousands; a bare year is no next date."""

from __future__ import annotations

from datetime import date

from bot.sales.parsing.amounts import parse_amount_wan
from bot.sales.parsing.visit_text import OutcomeCue, outcome_clauses, outcome_cue, outcome_focus, parse_visit

TODAY = date(2026, 12, 1)


def test_praise_before_a_turn_does_not_make_a_refusal_interest() -> None:
    report = "主任夸我们服务周到，可是他们下属单位不归他管，不太合适"
    assert outcome_cue(report).outcome == "not_interested"
    # no outcome word after the turn: the words step back and let the meaning decide
    assert outcome_cue("经理说东西挺好，不过明年他们要搬厂") == OutcomeCue("need_followup", "none")
    # interest after the turn still wins
    assert outcome_cue("价格偏高，但是他们很认可") == OutcomeCue("interested", "weak")


def test_the_focus_of_a_turning_report_is_its_part_from_the_last_turn() -> None:
    report = "演示顺利，领导也满意，就是合同要总部法务先审"
    assert outcome_focus(report) == "就是合同要总部法务先审"
    assert outcome_clauses(report) == ["就是合同要总部法务先审"]
    assert outcome_focus("看下来就是他们家了") == "看下来就是他们家了"  # 就是 inside a clause is no turn


def test_a_contract_signed_with_a_competitor_is_a_lost_deal() -> None:
    assert outcome_cue("他们上个月跟别的供应商签约了").outcome == "deal_lost"


def test_customers_named_by_the_words_around_them() -> None:
    assert parse_visit("跟老客户金桥谈明年的框架协议", TODAY).customer == "金桥"
    assert parse_visit("和青藤沟通了一下方案", TODAY).customer == "青藤"
    assert parse_visit("立邦那边的采购说再等等", TODAY).customer == "立邦"
    assert parse_visit("和李明聊了一下午", TODAY).customer is None  # a person, not a customer


def test_lead_words_and_place_prefixes_are_not_part_of_the_name() -> None:
    assert parse_visit("下午去见鸿达保险的钟总", TODAY).customer == "鸿达保险"
    assert parse_visit("去了无锡凯瑞纺织，对方说再看看", TODAY).customer == "凯瑞纺织"
    assert (
        parse_visit("上海电气的人说下周再来", TODAY).customer == "上海电气"
    )  # nothing left without the city


def test_thousands_in_chinese_numerals_after_a_money_cue() -> None:
    assert parse_amount_wan("报价三千左右") == 0.3
    assert parse_amount_wan("预算两千五") == 0.25
    assert parse_amount_wan("他们有三千个员工") is None
    assert parse_amount_wan("报价二十五六万") == 25.5  # tens before a pair of digits


def test_a_bare_year_is_no_next_date() -> None:
    assert parse_visit("去了青松电气，说等后年再看", TODAY).next_date is None
    assert parse_visit("去了青松电气，说明年三月再联系", TODAY).next_date == date(2027, 3, 1)
