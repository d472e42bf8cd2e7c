"""Visit logging's rules apart from the chat: grading, effective visits, report detection, reading a
report (rules and LLM with fallback), playbook card suggestions."""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.sales.visits import grading
from bot.sales.visits.detect import reads_like_visit_report
from bot.sales.visits.extract import VisitExtractor, by_rules
from bot.sales.visits.playbook_tip import MILESTONE_CARDS, card_title_and_tags, choose_card, find_card
from knowledge.index import StoredChunk
from store.models import MILESTONES

TODAY = date(2026, 11, 23)  # a Monday
EXAMPLE = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万"


# ---------------------------------------------------------------- grading (customer-stars-1-5.md, -grades-abcd.md)


@pytest.mark.parametrize(
    ("outcome", "amount", "role", "stars", "grade"),
    [
        ("interested", 25, "决策者", 5, "A"),  # 20万以上，有需求，很感兴趣; KP + need + budget
        ("interested", 20, None, 5, "B"),
        ("deal_won", 12, "技术评估者", 4, "B"),  # 10万以上
        ("need_followup", 15, None, 3, "B"),  # 10万以上，潜在需求，反应平淡
        ("interested", 8, None, 2, "B"),  # 7万到10万
        ("interested", 5, None, 1, "B"),
        ("interested", None, None, 1, "C"),  # a need but neither KP nor budget: phone follow-up
        ("need_followup", None, "决策者", 1, "B"),
        ("not_interested", 50, "决策者", 1, "D"),
        ("no_show", None, None, 1, "D"),
    ],
)
def test_stars_and_class_follow_the_playbook(outcome, amount, role, stars, grade):
    suggestion = grading.suggest(outcome, amount, role)
    assert (suggestion.stars, suggestion.grade) == (stars, grade)


def test_star_rules_are_data_in_playbook_order():
    assert [r.stars for r in grading.STAR_RULES] == [5, 4, 3, 2]
    assert [r.grade for r in grading.GRADE_RULES] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("outcome", "contact", "reach", "effective", "missing"),
    [
        ("interested", "刘总", {"landline": "021-62345678"}, True, ()),
        ("interested", "刘总", {"email": "liu@x.com"}, True, ()),
        ("interested", "刘总", {"landline": None, "email": None}, False, ("reach",)),
        ("interested", None, {}, False, ("contact",)),
        ("no_show", "刘总", {"email": "liu@x.com"}, False, ("meeting",)),
    ],
)
def test_effective_visit_needs_the_contact_and_a_landline_or_email(
    outcome, contact, reach, effective, missing
):
    result = grading.check_effective(outcome, contact, reach)
    assert (result.effective, result.missing) == (effective, missing)


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


class ToolCallingFake(GenericFakeChatModel):
    def bind_tools(self, tools, **kwargs):
        return self


def _tool_call(**args) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": "VisitFields", "args": args, "id": "c1"}])


async def test_llm_fills_the_same_fields_and_known_names_win():
    model = ToolCallingFake(
        messages=iter(
            [
                _tool_call(
                    customer="华东机械有限公司",
                    contact_name="刘总",
                    kind="演示",
                    outcome="interested",
                    next_date="下周二",
                    amount_wan=20,
                )
            ]
        )
    )
    draft = await VisitExtractor(model, 5).extract(EXAMPLE, TODAY, ["华东机械"])
    assert draft.source == "llm"
    assert (draft.customer, draft.contact_name, draft.kind) == ("华东机械", "刘总", "演示")
    assert (draft.next_date, draft.amount_wan, draft.contact_title) == (date(2026, 12, 1), 20, None)


async def test_llm_errors_fall_back_to_the_rules():
    model = ToolCallingFake(messages=iter([_tool_call(outcome="maybe")]))  # not an allowed outcome
    draft = await VisitExtractor(model, 5).extract(EXAMPLE, TODAY)
    assert draft.source == "rules" and draft.customer == "华东机械"
    broken = ToolCallingFake(messages=iter([]))  # raises StopIteration inside the model
    assert (await VisitExtractor(broken, 5).extract(EXAMPLE, TODAY)).source == "rules"


async def test_a_slow_llm_falls_back_to_the_rules():
    class Slow(ToolCallingFake):
        async def _agenerate(self, *args, **kwargs):
            await asyncio.sleep(5)
            raise AssertionError("not reached")

    draft = await VisitExtractor(Slow(messages=iter([])), timeout_s=0.2).extract(EXAMPLE, TODAY)
    assert draft.source == "rules"


def test_without_a_model_the_rules_answer():
    assert not VisitExtractor().uses_llm


# ---------------------------------------------------------------- playbook cards


def test_an_objection_wins_over_the_milestone():
    assert choose_card("客户说价格太高", MILESTONES[4]) == "objection-too-expensive.md"
    assert choose_card("他们已经有ERP了", None) == "objection-already-have-oa-erp.md"
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
