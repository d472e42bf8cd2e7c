"""Reading the customer's name from a report: places before it (a city, a district, 开发区…), a
departed contact's clause, English mixed in, voice transcripts without punctuation, and names whose
trade word the suffix list lacks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.parsing.visit_text import parse_visit

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("今天去了无锡新吴区的科达轴承，见了刘经理", "科达轴承"),
        ("拜访杭州余杭的百晟家居 王总挺感兴趣", "百晟家居"),
        ("跑了一趟武汉光谷的楚天激光，见了采购", "楚天激光"),
        ("西安高新的秦川数控 见了赵总", "秦川数控"),
        ("去东莞松山湖那边的松湖电子 见了郑经理", "松湖电子"),
        ("今天跑了绍兴柯桥那边的轻纺城布行", "轻纺城布行"),
        ("去了合肥的徽商智造见了采购", "徽商智造"),
        ("拜访顺昌物流 原来的张经理跳槽去了华通快递 新对接人是小王", "顺昌物流"),
        ("Went to 金达五金 this morning, 李总 not there", "金达五金"),
        ("今天去了一下常州武进的龙城电机见了他们采购部的周经理说价格可以", "龙城电机"),
    ],
)
def test_the_customer_is_read_without_its_place_or_what_follows(report: str, customer: str) -> None:
    assert parse_visit(report, TODAY).customer == customer


def test_a_city_name_inside_a_company_name_is_kept() -> None:
    assert parse_visit("今天去了光明乳业，见了采购部刘总", TODAY).customer == "光明乳业"
