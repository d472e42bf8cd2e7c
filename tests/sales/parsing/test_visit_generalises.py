"""Kinds of report the parser once misread (issue #9); each case is one instance of a general rule."""

from datetime import date

import pytest

from bot.sales.parsing.amounts import find_deal_amount, parse_amount_wan
from bot.sales.parsing.task_text import read_details
from bot.sales.parsing.visit_text import parse_visit

TODAY = date(2025, 3, 12)  # a Wednesday


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("去了开发区的恒达化工，生产部徐经理说不需要", "恒达化工"),
        ("今天去了城东那家华新五金，老板很感兴趣", "华新五金"),
        ("今天去了园区南门对面的中兴包装，人没在", "中兴包装"),
        ("今天去的那个龙腾机械，王老板压根不在", "龙腾机械"),
        ("下午跑了趟华通物流，见了何总", "华通物流"),
        ("和顺家具，老板不在，后天再去", "和顺家具"),
        ("泰和药业 人不在 明天电话", "泰和药业"),
        ("美的集团 采购经理 徐明 定了我们", "美的集团"),
    ],
)
def test_place_and_descriptor_words_are_not_part_of_the_name(report: str, customer: str) -> None:
    assert parse_visit(report, TODAY).customer == customer


def test_a_contact_who_left_is_neither_contact_nor_customer() -> None:
    p = parse_visit(
        "今天拜访了蓝星电器，之前对接的采购小林离职去了美的，新对接人是采购主管孟华，她说挺好", TODAY
    )
    assert p.customer == "蓝星电器" and p.contact_name == "孟华"
    p = parse_visit("原来的项目经理赵刚跳槽到了中建，今天去华泰建设见了刘总", TODAY)
    assert p.customer == "华泰建设" and p.contact_name == "刘总"


@pytest.mark.parametrize(
    ("report", "outcome"),
    [
        ("今天去了华腾电子，被放了鸽子", "no_show"),
        ("去金达机械吃了个闭门羹，保安不让进", "no_show"),
        ("和顺家具，老板不在，后天再去", "no_show"),
        ("鑫达五金 IT主管小郑 但得等老板出差回来拍板", "need_followup"),
        ("今天去了力拓科技，赵总听完眼睛都亮了", "interested"),
        ("今天拜访华科电子，吴经理追着问了半天价格", "interested"),
        ("邱经理说现在的供应商挺好，没打算换", "not_interested"),
        ("钟部长觉得没必要，基本没戏了", "not_interested"),
        ("被友商截胡了，没戏了", "deal_lost"),
        ("今天去瑞康制药收尾款", "deal_won"),
    ],
)
def test_outcomes_in_other_words(report: str, outcome: str) -> None:
    assert parse_visit(report, TODAY).outcome == outcome


def test_the_visit_day_is_never_the_next_date() -> None:
    assert parse_visit("今天在金宇科技见了曹总，签了，今天就打了首款", TODAY).next_date is None
    p = parse_visit("今天打电话给恒源食品的方经理，他让我下周一再打给他", TODAY)
    assert p.next_date == date(2025, 3, 17)


def test_a_past_month_day_is_not_next_year() -> None:
    p = parse_visit("上次见面是2月20日，今天见了姜总监，说三天后给反馈", TODAY)
    assert p.next_date == date(2025, 3, 15)


def test_traditional_script_is_read_and_names_kept_as_typed() -> None:
    p = parse_visit("今天拜訪了台達科技，黃經理很滿意，預算大概五十萬，下禮拜一來簽約", TODAY)
    assert (p.customer, p.contact_name, p.outcome) == ("台達科技", "黃經理", "interested")
    assert (p.amount_wan, p.next_date) == (50, date(2025, 3, 17))


def test_names_the_parser_cannot_be_sure_of() -> None:
    assert parse_visit("<script>alert(1)</script>公司", TODAY).customer is None  # never ipt>公司
    long_name = "华" * 500 + "公司"
    assert parse_visit(f"今天去了{long_name}，王总有兴趣", TODAY).customer == long_name  # not 华华华华公司


@pytest.mark.parametrize(
    ("report", "wan", "currency"),
    [
        ("合同金额伍拾万", 50, None),
        ("预算只有3k", 0.3, None),
        ("预算 ¥150,000", 15, None),
        ("价格也低了十来万，我们报的是95万", 95, None),
        ("预算-5万", -5, None),
        ("预算1e9万", 1e9, None),
        ("预算20万美元", 20, "USD"),
        ("5000美元", 0.5, "USD"),
        ("大约50万港币", 50, "HKD"),
        ("预算大概50万RMB", 50, None),
    ],
)
def test_amount_forms(report: str, wan: float, currency: str | None) -> None:
    amount = find_deal_amount(report)
    assert amount is not None and (amount.wan, amount.currency) == (pytest.approx(wan), currency)


def test_a_foreign_amount_is_never_yuan() -> None:
    assert parse_amount_wan("预算20万美元") is None
    p = parse_visit("今天去了海外贸易公司，预算20万美元", TODAY)
    assert (p.amount_wan, p.amount_currency, p.amount_foreign_wan) == (None, "USD", 20)


def test_a_negative_quota_keeps_its_sign() -> None:
    assert read_details("每天拜访-3家客户", TODAY).quota_visits == -3
    assert read_details("每天拜访3家客户", TODAY).quota_visits == 3


def test_what_follows_the_last_but_decides() -> None:
    assert parse_visit("价格有点高，还要考虑，但是很认可我们的方案", TODAY).outcome == "interested"
    assert parse_visit("挺满意的，但是要等老板回来拍板", TODAY).outcome == "need_followup"


@pytest.mark.parametrize(
    ("report", "wan"), [("合同12万5", 12.5), ("十二万八签了", 12.8), ("二十二万五千", 22.5)]
)
def test_the_digit_after_wan_is_thousands(report: str, wan: float) -> None:
    assert parse_amount_wan(report) == pytest.approx(wan)


def test_last_years_end_is_not_a_next_date() -> None:
    assert parse_visit("去年年底聊过一次，今天见了吕部长，还是说要等", TODAY).next_date is None
