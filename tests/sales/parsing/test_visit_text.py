from datetime import date
from pathlib import Path

import pytest

from bot.sales.parsing.customers import company_core, match_customer, normalize_company
from bot.sales.parsing.evaluate import char_overlap, evaluate_visit_parser
from bot.sales.parsing.visit_text import OUTCOMES, VISIT_KINDS, parse_visit

TODAY = date(2026, 11, 23)  # a Monday
SHARED = Path(__file__).resolve().parents[4] / "shared"
DEV_FILE = SHARED / "eval" / "visit_logs.dev.jsonl"


def test_brief_example() -> None:
    p = parse_visit("今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万", TODAY)
    assert p.customer == "华东机械"
    assert p.contact_name == "刘总"
    assert p.contact_role == "采购部"
    assert p.outcome == "interested"
    assert p.next_date == date(2026, 12, 1)
    assert p.next_date_text == "下周二"
    assert p.next_step is not None and "演示" in p.next_step
    assert p.amount_wan == 20
    assert p.grade_hint is None
    assert p.kind == "上门"  # the demo is planned, not what happened today


# text, customer, contact_name, contact_role, outcome, next_date, amount
CASES = [
    (
        "上午拜访了苏州宏达科技有限公司，技术总监张伟接待的，对我们的MES挺感兴趣，让我下周五前把方案发过去，预算大概50万左右",
        "苏州宏达科技有限公司",
        "张伟",
        "技术总监",
        "interested",
        date(2026, 12, 4),
        50,
    ),
    (
        "电话联系了远航物流的陈经理，说今年不考虑了，明年再说",
        "远航物流",
        "陈经理",
        None,
        "not_interested",
        None,
        None,
    ),
    (
        "中标了！市第一人民医院信息科李主任通知的，合同金额120万",
        "市第一人民医院",
        "李主任",
        "信息科",
        "deal_won",
        None,
        120,
    ),
    (
        "光明乳业 采购 老刘 说价格太高 被友商截胡了 没戏了",
        "光明乳业",
        "老刘",
        None,
        "deal_lost",
        None,
        None,
    ),
    (
        "宏发厂的厂长刘建华说3天后给我回电话，报价8000元一套",
        "宏发厂",
        "刘建华",
        "厂长",
        "need_followup",
        date(2026, 11, 26),
        0.8,
    ),
    (
        "拜访了新能源局，见了办公室主任孙丽，她说12月10号开会讨论，让我们等通知",
        "新能源局",
        "孙丽",
        "办公室主任",
        "need_followup",
        date(2026, 12, 10),
        None,
    ),
    (
        "跑了一趟迅捷快递，老板不在，扑空了，约了下周四再来",
        "迅捷快递",
        None,
        "老板",
        "no_show",
        date(2026, 12, 3),
        None,
    ),
    (
        "美的集团 采购经理 徐明 定了我们 合同下周签 金额300万",
        "美的集团",
        "徐明",
        "采购经理",
        "interested",
        date(2026, 11, 30),
        300,
    ),
    (
        "昨天下午到了万科物业，物业经理李强不太感兴趣，说暂时不需要",
        "万科物业",
        "李强",
        "物业经理",
        "not_interested",
        None,
        None,
    ),
    (
        "拿下了！天润食品 合同签了 28.5万 下周一上门培训",
        "天润食品",
        None,
        None,
        "deal_won",
        date(2026, 11, 30),
        28.5,
    ),
    (
        "在恒通汽配聊了两个小时，生产部经理黄海说下个月中旬安排试用，大概十几万的单子",
        "恒通汽配",
        "黄海",
        "生产部经理",
        "interested",
        date(2026, 12, 15),
        10,
    ),
    (
        "去海尔，见到了IT部门的负责人周杰伦，他对系统集成有兴趣，1.5万的试点单，12月28号签",
        "海尔",
        "周杰伦",
        "IT部门负责人",
        "interested",
        date(2026, 12, 28),
        1.5,
    ),
    (
        "走访瑞丰化工，安全科科长吴强，对安全管理系统有意向，1月15日之前出方案，预计30-40万",
        "瑞丰化工",
        "吴强",
        "安全科科长",
        "interested",
        date(2027, 1, 15),
        35,
    ),
    (
        "老客户金鼎精密，小王说他们老板不需要，直接拒绝了",
        "金鼎精密",
        "小王",
        None,
        "not_interested",
        None,
        None,
    ),
    (
        "见了他们财务的赵经理，聊得不错，大后天发报价单",
        None,
        "赵经理",
        "财务经理",
        "interested",
        date(2026, 11, 26),
        None,
    ),
]


@pytest.mark.parametrize(("text", "customer", "name", "role", "outcome", "next_date", "amount"), CASES)
def test_parse_visit_cases(
    text: str,
    customer: str | None,
    name: str | None,
    role: str | None,
    outcome: str,
    next_date: date | None,
    amount: float | None,
) -> None:
    p = parse_visit(text, TODAY)
    assert p.customer == customer
    assert p.contact_name == name
    assert p.contact_role == role
    assert p.outcome == outcome
    assert p.next_date == next_date
    assert p.amount_wan == (pytest.approx(amount) if amount is not None else None)
    assert p.outcome in OUTCOMES
    assert p.kind in VISIT_KINDS


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("对方案很感兴趣", "interested"),
        ("客户有意向，想了解一下报价", "interested"),
        ("说没兴趣", "not_interested"),
        ("他们不需要", "not_interested"),
        ("被拒绝了", "not_interested"),
        ("签了！！", "deal_won"),
        ("终于成交", "deal_won"),
        ("这单拿下了", "deal_won"),
        ("中标了", "deal_won"),
        ("没中标", "deal_lost"),
        ("这单丢了", "deal_lost"),
        ("已经定了别家", "deal_lost"),
        ("签了别家", "deal_lost"),
        ("估计没戏", "deal_lost"),
        ("没见到人", "no_show"),
        ("扑空了", "no_show"),
        ("白跑一趟", "no_show"),
        ("挺感兴趣，但得等老板拍板", "need_followup"),
        ("先放放，下个月初再联系", "need_followup"),
        ("下周一签合同", "interested"),
        ("聊了一会儿", "need_followup"),
    ],
)
def test_outcome_wording(text: str, outcome: str) -> None:
    assert parse_visit(text, TODAY).outcome == outcome


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("今天去了华东机械，见了刘总", "上门"),
        ("电话里跟刘总聊了聊，下周再约", "电话"),
        ("给东方电气打了电话，马工说下周三过来考察", "电话"),
        ("今天在客户那边做了产品演示，反应不错", "演示"),
        ("华东机械一行五人来我们公司参观", "参观考察"),
        ("和永兴建材老板吃饭，聊得很好", "宴请"),
        ("华锐塑胶 没见到人 明天再打电话约", "上门"),  # the call is the next step, not this visit
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert parse_visit(text, TODAY).kind == kind


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("这个是A类客户", "A"),
        ("先定为B级", "B"),
        ("c类", "C"),
        ("三星客户", "3星"),
        ("4星级", "4星"),
        ("没说级别", None),
        ("买了三星手机", None),
    ],
)
def test_grade_hint(text: str, grade: str | None) -> None:
    assert parse_visit(text, TODAY).grade_hint == grade


def test_visit_today_is_not_the_next_date() -> None:
    p = parse_visit("今天去德茂模具 跟生产经理吴涛聊了下 他说下周三内部开会讨论 让我等通知", TODAY)
    assert p.next_date_text == "下周三"
    assert p.next_step is not None and "开会" in p.next_step and "等通知" in p.next_step


def test_past_and_coarse_dates_skipped() -> None:
    p = parse_visit("昨天约好的，顺达要等明年预算，先放放，下个月初再联系", TODAY)
    assert p.next_date == date(2026, 12, 1)
    p = parse_visit("说明年再说吧", TODAY)
    assert p.next_date is None  # a whole year is too vague to follow up on (VAGUE_PERIODS)
    p = parse_visit("说明年年初再说吧", TODAY)
    assert p.next_date == date(2027, 1, 1)


def test_no_next_step_for_lost_deal() -> None:
    p = parse_visit("拜访东岳电气，采购部长孙海涛。报了28万，他说已经定了别家，这单丢了", TODAY)
    assert (p.customer, p.contact_name, p.contact_role) == ("东岳电气", "孙海涛", "采购部长")
    assert p.outcome == "deal_lost"
    assert p.next_step is None and p.next_date is None
    assert p.amount_wan == 28


def test_known_customers_fuzzy() -> None:
    known = ["华东机械有限公司", "上海盛世控股集团有限公司", "恒通汽车配件有限公司"]
    assert parse_visit("去了趟华东，王总不在，后天再去", TODAY, known).customer == "华东机械有限公司"
    assert parse_visit("今天去了华东机械，见了刘总", TODAY, known).customer == "华东机械有限公司"
    assert (
        parse_visit("盛世集团的欧阳总说这周四可以签合同", TODAY, known).customer == "上海盛世控股集团有限公司"
    )
    assert parse_visit("今天去了新客户蓝天科技，见了李总", TODAY, known).customer == "蓝天科技"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("华东", "华东机械有限公司"),
        ("华东机械", "华东机械有限公司"),
        ("华东机械有限公司", "华东机械有限公司"),
        ("上海华东机械股份有限公司", "华东机械有限公司"),
        ("江苏省华东机械", "华东机械有限公司"),
        ("苏州华东机械制造有限公司", "华东机械有限公司"),
        ("华南机械", None),
        ("博远", "博远物流集团"),
        ("", None),
    ],
)
def test_match_customer(name: str, expected: str | None) -> None:
    assert match_customer(name, ["华东机械有限公司", "华南电气", "博远物流集团"]) == expected


def test_normalize_company() -> None:
    assert normalize_company("上海华东机械股份有限公司") == "华东机械"
    assert normalize_company("华东机械（苏州）有限公司") == "华东机械"
    assert normalize_company("深圳市博远物流有限公司") == "博远物流"
    assert company_core("华东机械有限公司") == "华东"
    assert company_core("恒信精密机械") == "恒信"


def test_char_overlap() -> None:
    assert char_overlap("发报价单", "发报价单") == 1.0
    assert char_overlap("带方案上门给他们演示", "带方案上门演示") >= 0.5
    assert char_overlap("签合同", "等通知") == 0.0


def test_empty_text() -> None:
    p = parse_visit("", TODAY)
    assert p.customer is None and p.contact_name is None and p.next_date is None and p.amount_wan is None
    assert p.outcome == "need_followup" and p.kind == "上门"


@pytest.mark.skipif(not DEV_FILE.exists(), reason=f"eval data not available: {DEV_FILE} (needs /work/shared)")
def test_dev_set_targets() -> None:
    report = evaluate_visit_parser(DEV_FILE, date(2024, 11, 25))
    fields = report["fields"]
    assert report["n"] >= 10
    assert fields["customer"] >= 0.9, report["errors"]
    assert fields["next_date"] >= 0.95, report["errors"]
    assert fields["amount"] >= 0.95, report["errors"]
    assert fields["outcome"] >= 0.8, report["errors"]
