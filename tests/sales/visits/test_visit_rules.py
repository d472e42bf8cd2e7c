"""Visit logging's rules apart from the chat: grading, effective visits, report detection, reading a
report (rules and LLM with fallback), playbook card suggestions."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from bot.sales.rules import default_rules, rules_with
from bot.sales.visits import grading
from bot.sales.visits.detect import reads_like_visit_report
from bot.sales.visits.extract import VisitExtractor, by_rules
from bot.sales.visits.playbook_tip import MILESTONE_CARDS, card_title_and_tags, choose_card, find_card
from knowledge.index import StoredChunk
from store.models import MILESTONES

TODAY = date(2026, 11, 23)  # a Monday
EXAMPLE = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万"


# ---------------------------------------------------------------- grading by the default rules (002 五, 000, 004)


def _signals(rules, outcome="interested", amount=None, role=None, need=None, interest=None, output=None):
    return grading.signals_of(
        rules,
        outcome=outcome,
        amount_wan=amount,
        buying_role=role,
        need=need,
        interest=interest,
        annual_output_wan=output,
    )


@pytest.mark.parametrize(
    ("amount", "need", "interest", "stars"),
    [
        (25, "clear", "strong", 5),  # 20万以上，有需求，很感兴趣
        (20, "clear", "strong", 5),
        (12, "clear", "strong", 4),  # 10万以上
        (15, "latent", "flat", 3),  # 10万以上，潜在需求，反应平淡
        (15, "clear", "flat", 1),  # matches none of the seed's rows: "其它"
        (8, "clear", "strong", 2),  # 10万以下7万以上
        (10, "clear", "strong", 4),
        (5, "clear", "strong", 1),
        (None, "clear", "strong", 1),
        (50, None, "strong", None),  # the need unknown: the rep decides
        (50, "clear", None, None),
    ],
)
def test_stars_follow_002_and_score_need_and_interest_separately(amount, need, interest, stars):
    rules = default_rules()
    signals = _signals(rules, outcome="need_followup", amount=amount, need=need, interest=interest)
    assert grading.suggest_stars(rules, signals) == stars


def test_the_outcome_stands_in_for_the_interest_only():
    rules = default_rules()
    assert _signals(rules, outcome="interested").interest == "strong"
    assert _signals(rules, outcome="interested").need is None
    assert _signals(rules, outcome="need_followup").interest is None


def test_grade_a_needs_kp_need_and_ability_to_pay_from_annual_output_not_the_amount():
    rules = default_rules()
    rich_deal = _signals(rules, amount=500, role="决策者", need="clear", interest="strong")
    suggestion = grading.suggest(rules, rich_deal)
    # the default has no annual-output figure (000 gives none): A cannot be decided, nothing invented
    assert suggestion.grade is None and suggestion.candidates == ("A", "B", "C", "D")

    team = rules_with({"ability_to_pay": {"min_annual_output_wan": 3000}})
    can = _signals(team, amount=1, role="决策者", need="clear", output=5000)
    assert grading.suggest(team, can).grade == "A"
    cannot = _signals(team, amount=900, role="决策者", need="clear", output=800)
    assert cannot.can_pay is False and grading.suggest(team, cannot).grade is None
    no_kp = _signals(team, role="技术评估者", need="clear", output=5000)
    assert grading.suggest(team, no_kp).grade is None


def test_the_top_50_ranking_narrows_the_grade_without_inventing_b_c_d():
    rules = default_rules()
    s = _signals(rules, need="latent")
    assert grading.suggest(rules, s, top_ranked=True).candidates == ("A", "B")
    assert grading.suggest(rules, s, top_ranked=False).candidates == ("C", "D")
    assert grading.suggest(rules, s, top_ranked=False).grade is None
    assert "没有规定" in rules.grades.undefined


def test_a_team_may_define_its_own_grades():
    team = rules_with({"grades": {"rules": [{"grade": "D", "need": ["none"]}]}})
    assert grading.suggest(team, _signals(team, need="none")).grade == "D"


# ---------------------------------------------------------------- the effective visit (002 七)

ALL_ITEMS = ("1-5", "2-2", "2-3", "2-4", "2-5", "2-8", "2-9")


@pytest.mark.parametrize(
    ("outcome", "contact", "reach", "clarified", "effective", "items", "fields"),
    [
        ("interested", "刘工", {"landline": "021-62345678", "email": "liu@x.com"}, ALL_ITEMS, True, (), ()),
        ("interested", "刘工", {"landline": "021-62345678"}, ALL_ITEMS, False, (), ("email",)),
        ("interested", "刘工", {"email": "liu@x.com"}, ALL_ITEMS, False, (), ("landline",)),
        ("interested", "刘工", {"landline": "021-1", "email": "a@b.cn"}, ALL_ITEMS[:-1], False, ("2-9",), ()),
        ("interested", None, {}, (), False, ALL_ITEMS, ("landline", "email")),
        ("no_show", "刘工", {"landline": "021-1", "email": "a@b.cn"}, ALL_ITEMS, False, (), ()),
    ],
)
def test_effective_visit_needs_the_items_and_both_landline_and_email(
    outcome, contact, reach, clarified, effective, items, fields
):
    result = grading.check_effective(default_rules(), outcome, contact, reach, clarified)
    assert (result.effective, result.missing_items, result.missing_fields) == (effective, items, fields)
    assert result.met == (outcome != "no_show")


def test_a_team_rule_changes_what_is_required():
    team = rules_with({"effective_visit": {"questionnaire_items": ["1-5"], "contact_fields": ["landline"]}})
    result = grading.check_effective(team, "interested", "刘工", {"landline": "021-62345678"}, ["1-5"])
    assert result.effective


# ---------------------------------------------------------------- which messages are reports


@pytest.mark.parametrize(
    "message",
    [
        EXAMPLE,
        "拜访东岳电气，采购部长孙海涛。报了28万，他说已经定了别家，这单丢了",
        "华锐塑胶 没见到人 前台说王经理出差了 白跑一趟",
        "鑫达五金 IT主管小郑 需求是有的 但得等老板出差回来拍板",
    ],
)
def test_visit_reports_are_recognised(message):
    assert reads_like_visit_report(message)


@pytest.mark.parametrize(
    "message",
    [
        "客户说太贵怎么办",
        "客户一上来就问多少钱，怎么回",
        "华东机械的刘总说要再考虑考虑，我该怎么跟？",
        "A类客户是什么标准",
        "今天天气不错",
        "/log",
        "好的",
    ],
)
def test_questions_and_chatter_are_not_reports(message):
    assert not reads_like_visit_report(message, ["华东机械"])


def test_a_known_customer_by_its_short_name_makes_a_report():
    assert not reads_like_visit_report("华东那边挺感兴趣")
    assert reads_like_visit_report("华东那边挺感兴趣", ["华东机械有限公司"])


# ---------------------------------------------------------------- reading a report


def test_rules_read_the_brief_example():
    draft = by_rules(EXAMPLE, TODAY)
    assert (draft.customer, draft.contact_name, draft.contact_title) == ("华东机械", "刘总", "采购部")
    assert (draft.kind, draft.outcome, draft.next_date, draft.amount_wan) == (
        "上门",
        "interested",
        date(2026, 12, 1),
        20,
    )
    assert draft.source == "rules" and "演示" in (draft.next_step or "")


def test_rules_split_the_parsers_dinner_or_event_kind():
    assert by_rules("昨晚请宏达科技的张总吃饭，挺感兴趣", TODAY).kind == "宴请"
    assert by_rules("宏达科技的张总来参加了我们的沙龙活动，挺感兴趣", TODAY).kind == "活动"


# Extraction through an LLM is tested against the stub in tests/sales/visits/test_extract_llm.py.


def test_without_a_model_the_rules_answer():
    assert not VisitExtractor().uses_llm


# ---------------------------------------------------------------- playbook cards


def test_an_objection_wins_over_the_milestone():
    assert choose_card("客户说价格太高", MILESTONES[4]) == "objection-too-expensive.md"
    assert choose_card("他们已经有OA了，想上ERP", None) == "objection-already-have-oa-erp.md"
    # the seed's OA card covers a customer with OA who wants ERP, not one who already has ERP
    assert choose_card("他们已经有ERP了", None) == "milestone-2-call-and-visit.md"
    assert choose_card("聊得不错", MILESTONES[4]) == "milestone-5-technical-breakthrough.md"
    assert choose_card("聊得不错", None) == "milestone-2-call-and-visit.md"
    assert len(set(MILESTONE_CARDS.values())) == 8


def _chunk(title: str, text: str, source: str = "x.md", position: int = 0) -> StoredChunk:
    return StoredChunk("id-" + title + str(position), text, title, source, position, (), "")


def test_a_card_is_found_by_its_exact_title_first():
    title, _tags = card_title_and_tags("milestone-3-project-approval.md")
    chunks = [_chunk("别的", "别的内容"), _chunk(title, f"{title}\n## 话术\n第一句\n第二句\n第三句")]
    kb = SimpleNamespace(index=SimpleNamespace(chunks=lambda: chunks), retriever=None)
    hint = find_card(kb, "milestone-3-project-approval.md")
    assert hint is not None and hint.title == "里程碑三：项目立项" and hint.lines == ("第一句", "第二句")


def test_without_the_card_the_retriever_finds_the_closest(module_kb):
    hint = find_card(module_kb, "price-asked-early.md")
    assert hint is not None and "价格" in hint.title and hint.lines
