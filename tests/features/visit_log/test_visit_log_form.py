"""Visit logging through the engine (the main tier for features): the guided form's checks, the
quick log read by the rules, questions answered beside an open card, cancel, and a form left for a
day. The PTB-over-HTTP tests in test_visit_log_e2e.py keep what involves the transport (edits,
restarts, pushes)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from store.models import VisitDraft
from tests.support.engine_harness import button, buttons, engine_chat
from tests.support.store_fixtures import all_visits

REP, MANAGER = 1001, 1002
EXAMPLE = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万"
NEXT_TUESDAY = date(2026, 12, 1)


@pytest.fixture
async def chat(settings, db, module_kb):
    async with engine_chat(settings, db.url, module_kb) as chat:  # 2026-11-23 09:00 local, a Monday
        await chat.add_user(REP, "小李", "rep", "华东")
        await chat.add_user(MANAGER, "王经理", "manager", "华东")
        yield chat


async def press_label(chat, user, reply, label):
    return await chat.press(user, button(reply, label))


def labels(reply) -> list[str]:
    return list(buttons(reply))


async def test_validation_errors_are_explained_and_the_form_asks_again(chat):
    await chat.say(REP, "/log")
    [q] = await chat.say(REP, "华东机械")
    [q] = await press_label(chat, REP, q, "新建")
    [q] = await press_label(chat, REP, q, "跳过")  # no contact
    [q] = await press_label(chat, REP, q, "电话")
    [q] = await press_label(chat, REP, q, "需跟进")
    [q] = await chat.say(REP, "回访")
    [q] = await chat.say(REP, "过几天吧")
    assert "没看懂这个日期" in q.text and "哪天" in q.text
    [q] = await chat.say(REP, "2026-11-01")
    assert "已经过去了" in q.text
    [q] = await chat.say(REP, "12月3日")
    assert "金额" in q.text
    [q] = await chat.say(REP, "二十来个人")
    assert "金额要是数字" in q.text
    [q] = await chat.say(REP, "15.5")
    for _ in range(4):  # questionnaire, need, interest, annual output: skipped
        [q] = await press_label(chat, REP, q, "跳过")
    [card] = await chat.say(REP, "老板出差了")
    assert "金额：15.5万" in card.text and "下一步日期：12月3日（周四）" in card.text
    saved, _grading = await press_label(chat, REP, card, "确认保存")
    assert "还不算有效拜访" in saved.text and "信息化接口人" in saved.text and "问卷第2-8题" in saved.text
    [visit] = await all_visits(chat.engine.db)
    assert not visit.effective and visit.contact_id is None and visit.notes == "老板出差了"


async def test_quick_log_shows_what_it_understood_and_saves_on_confirm(chat):
    [card] = await chat.say(REP, EXAMPLE)  # a plain message that reads like a visit report
    assert "规则解析" in card.text
    for expected in ("客户：华东机械（新建）", "联系人：刘总（新建）", "部门/职务：采购部", "结果：感兴趣"):
        assert expected in card.text
    assert "下一步：去做演示" in card.text and "下一步日期：12月1日（周二）" in card.text
    assert "金额：20万" in card.text
    assert labels(card) == ["✅ 确认保存", "✏️ 修改", "✖️ 取消"]
    saved, grading = await press_label(chat, REP, card, "确认保存")
    assert "已保存" in saved.text and "还不算有效拜访" in saved.text  # no landline or e-mail yet
    assert "接口人的座机" in saved.text and "接口人的邮箱" in saved.text
    # interest is in the report, need is not: the stars are left to the rep
    assert "星级待定" in grading.text and "需求未说明" in grading.text and "很感兴趣" in grading.text
    [visit] = await all_visits(chat.engine.db)
    assert (visit.customer.name, visit.contact.name, visit.contact.title) == ("华东机械", "刘总", "采购部")
    assert (visit.outcome, visit.next_date, visit.amount_wan, visit.notes) == (
        "interested",
        NEXT_TUESDAY,
        20,
        EXAMPLE,
    )

    # the same customer and contact are recognised the next time, by a short name
    [card] = await chat.say(REP, "/log 华东 刘总 说价格太高，要再考虑考虑")
    assert "客户：华东机械\n" in card.text and "联系人：刘总\n" in card.text and "结果：需跟进" in card.text
    saved, _ = await press_label(chat, REP, card, "确认保存")
    assert "进口的太贵" in saved.text or "📘" in saved.text
    assert [v.customer_id for v in await all_visits(chat.engine.db)] == [visit.customer_id] * 2


async def test_quick_log_asks_only_for_the_missing_customer(chat):
    [q] = await chat.say(REP, "/log 见了刘总，挺感兴趣，明天发报价单")
    assert "哪家客户" in q.text
    [q] = await chat.say(REP, "宏达科技")
    [card] = await press_label(chat, REP, q, "新建")
    assert "客户：宏达科技（新建）" in card.text and "下一步：发报价单" in card.text
    [cancelled] = await press_label(chat, REP, card, "取消")
    assert "已取消" in cancelled.text
    assert await all_visits(chat.engine.db) == []


async def test_questions_are_still_answered_from_the_playbook(chat):
    [answer] = await chat.say(REP, "客户一上来就问多少钱，怎么回")
    assert "先了解" in answer.text and "来源" in answer.text
    [card] = await chat.say(REP, EXAMPLE)
    answer, still_open = await chat.say(REP, "客户一上来就问多少钱，怎么回")  # at the card
    assert "先了解" in answer.text and "还没保存" in still_open.text
    await press_label(chat, REP, card, "确认保存")  # the card still works
    assert len(await all_visits(chat.engine.db)) == 1


async def test_cancel_at_any_step(chat):
    await chat.say(REP, "/log")
    await chat.say(REP, "华东机械")
    [done] = await chat.say(REP, "/cancel")
    assert "已取消" in done.text
    [answer] = await chat.say(REP, "客户一上来就问多少钱")  # back to questions
    assert "先了解" in answer.text
    [q] = await chat.say(REP, "/log")
    [cancelled] = await press_label(chat, REP, q, "取消")
    assert "没有保存" in cancelled.text
    assert await all_visits(chat.engine.db) == []


async def test_a_form_abandoned_for_a_day_expires_politely(chat):
    await chat.say(REP, "/log")
    async with chat.engine.db.transaction() as session:  # the form was last touched 25 hours ago
        draft = (await session.scalars(select(VisitDraft))).one()
        draft.updated_at = chat.clock.now - timedelta(hours=25)
    [reply] = await chat.say(REP, "华东机械")
    assert "超过一天" in reply.text
    [answer] = await chat.say(REP, "客户一上来就问多少钱")
    assert "先了解" in answer.text
