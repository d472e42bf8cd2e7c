"""Visit logging end to end: real PTB Application over HTTP, fake Bot API, real database
(SQLite and PostgreSQL), a controllable clock (2026-11-23 09:00 Asia/Shanghai, a Monday)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.app import build_engine
from store import customers, users, visits
from store.access import Viewer
from store.db import Database
from store.models import Contact, Customer
from tests.support.clock import Clock
from tests.support.store_fixtures import all_visits
from tests.support.telegram_harness import button_data, button_labels, data_for, running_bot

REP, MANAGER, REP2, OTHER_TEAM_MANAGER = 1001, 1002, 1003, 1004
EXAMPLE = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万"
NEXT_TUESDAY = date(2026, 12, 1)


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        await bot.add_user(REP2, "小张", "rep", "华东")
        await bot.add_user(OTHER_TEAM_MANAGER, "赵经理", "manager", "华南")
        yield bot


async def press_label(bot, user, call, label, *, replies=1):
    return await bot.press(user, call, data_for(call, label), replies=replies)


async def test_guided_form_with_buttons_back_edit_and_confirm(bot):
    [q] = await bot.say(REP, "/log")
    assert "哪家客户" in q.text and button_labels(q) == ["✖️ 取消"]
    [q] = await bot.say(REP, "华东机械")
    assert "新建" in q.text
    [q] = await press_label(bot, REP, q, "新建客户「华东机械」")
    assert "见到了谁" in q.text
    [q] = await bot.say(REP, "刘总")
    assert "部门或职务" in q.text
    [q] = await bot.say(REP, "采购部")
    assert "采购中的角色" in q.text and {"决策者", "技术评估者", "商务评估者", "使用者"} <= set(
        button_labels(q)
    )
    [q] = await press_label(bot, REP, q, "决策者")
    assert "电话" in q.text
    [q] = await bot.say(REP, "12345")  # not a phone number: explained, asked again
    assert "不像电话号码" in q.text and "电话" in q.text
    [q] = await bot.say(REP, "021-62345678")
    assert "邮箱" in q.text
    [q] = await press_label(bot, REP, q, "跳过")
    assert "什么方式" in q.text
    [q] = await press_label(bot, REP, q, "上一步")  # back one step: the e-mail again
    assert "邮箱" in q.text
    [q] = await bot.say(REP, "liu@huadong.com")
    [q] = await press_label(bot, REP, q, "上门")
    assert "结果怎么样" in q.text
    [q] = await press_label(bot, REP, q, "感兴趣")
    [q] = await bot.say(REP, "去做演示")
    assert "哪天" in q.text
    [q] = await bot.say(REP, "下周二")
    assert "金额" in q.text
    [q] = await bot.say(REP, "20")
    assert "问卷" in q.text and "全部问清了" in button_labels(q)
    [q] = await bot.say(REP, "1-5 9-9")  # no such item: named, asked again
    assert "没有第9-9题" in q.text
    [q] = await press_label(bot, REP, q, "全部问清了")
    assert "需求" in q.text
    [q] = await press_label(bot, REP, q, "有明确需求")
    assert "兴趣" in q.text
    [q] = await press_label(bot, REP, q, "很感兴趣")
    assert "产值" in q.text
    [q] = await bot.say(REP, "5000")
    [card] = await press_label(bot, REP, q, "跳过")  # no notes
    assert "请核对" in card.text
    for expected in ("客户：华东机械（新建）", "联系人：刘总（新建）", "电话：021-62345678", "结果：感兴趣"):
        assert expected in card.text
    assert "下一步日期：12月1日（周二）" in card.text and "金额：20万" in card.text
    assert "问卷已问清：1-5、2-2、2-3、2-4、2-5、2-8、2-9" in card.text and "年产值：5000万" in card.text
    assert [b for b in button_labels(card)] == ["✅ 确认保存", "✏️ 修改", "✖️ 取消"]
    assert await all_visits(bot.engine.db) == []  # nothing saved before the confirmation

    [menu] = await press_label(bot, REP, card, "修改")  # edit one field from the card
    assert menu.method == "editMessageText" and "修改金额" in button_labels(menu)
    [q] = await press_label(bot, REP, menu, "修改金额")
    assert "当前：20万" in q.text
    [card] = await bot.say(REP, "25万")
    assert "金额：25万" in card.text

    saved, grading = await press_label(bot, REP, card, "确认保存", replies=2)
    assert "已保存：华东机械" in saved.text and "有效拜访" in saved.text and "⚠️" not in saved.text
    assert "12月1日（周二） 08:30 提醒你：去做演示" in saved.text
    assert "📘" in saved.text  # a playbook card for the customer's milestone
    # 25万, a clear need, strong interest: 5 stars; the grade needs the ability to pay, which the
    # default rules leave to the rep (no annual-output figure in the sources)
    assert (
        "5星 · 分类待定" in grading.text
        and "已见到决策者" in grading.text
        and "年产值约5000万" in grading.text
    )
    assert "采纳建议" not in button_labels(grading)
    [visit] = await all_visits(bot.engine.db)
    assert (visit.kind, visit.outcome, visit.amount_wan, visit.next_date) == (
        "上门",
        "interested",
        25,
        NEXT_TUESDAY,
    )
    assert visit.effective and visit.next_step == "去做演示" and visit.visited_on == date(2026, 11, 23)
    assert (visit.need, visit.interest, len(visit.clarified)) == ("clear", "strong", 7)
    async with bot.engine.db.transaction() as session:
        contact = await session.get(Contact, visit.contact_id)
        customer = await session.get(Customer, visit.customer_id)
    assert (contact.name, contact.title, contact.buying_role) == ("刘总", "采购部", "决策者")
    assert (contact.landline, contact.email, contact.phone) == ("021-62345678", "liu@huadong.com", None)
    assert customer.expected_amount_wan == 25 and customer.milestone == "电话预约与上门拜访"
    assert customer.annual_output_wan == 5000

    [again] = await press_label(bot, REP, card, "确认保存")  # a second press saves nothing
    assert "失效" in again.text
    assert len(await all_visits(bot.engine.db)) == 1

    [classes] = await press_label(bot, REP, grading, "改分类")
    [updated] = await press_label(bot, REP, classes, "A类")
    assert "A类" in updated.text
    [stars] = await press_label(bot, REP, grading, "改星级")
    [updated] = await press_label(bot, REP, stars, "4★")
    assert "4星 · A类" in updated.text
    async with bot.engine.db.transaction() as session:
        customer = await session.get(Customer, visit.customer_id, populate_existing=True)
    assert (customer.stars, customer.grade) == (4, "A")


async def test_a_half_filled_form_survives_a_restart(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as first:
        await first.add_user(REP, "小李")
        await first.say(REP, "/log")
        [q] = await first.say(REP, "华东机械")
        [q] = await first.press(REP, q, button_data(q)[0])
        assert "见到了谁" in q.text
    async with running_bot(settings, db.url, module_kb) as second:  # a new process, same database
        [q] = await second.say(REP, "刘总")
        assert "部门或职务" in q.text
        [q] = await second.press(REP, q, data_for(q, "上一步"))
        assert "见到了谁" in q.text and "当前：刘总（新建）" in q.text


async def test_reminder_on_the_morning_of_the_next_date_is_sent_once(bot):
    [card] = await bot.say(REP, EXAMPLE)
    await press_label(bot, REP, card, "确认保存", replies=2)
    sent_before = bot.fake.reply_count(REP)
    bot.clock.now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai: not yet
    await bot.tick()
    assert bot.fake.reply_count(REP) == sent_before
    bot.clock.now = datetime(2026, 12, 1, 0, 31, tzinfo=UTC)  # 08:31
    await bot.tick()
    reminder = await bot.fake.await_reply(REP, after=sent_before)
    assert "今天要跟进「华东机械」：去做演示" in reminder.text and "刘总" in reminder.text
    for _ in range(2):
        await bot.tick()
    await asyncio.sleep(0.2)
    assert bot.fake.reply_count(REP) == sent_before + 1
    [q] = await press_label(bot, REP, reminder, "记录这次拜访")  # straight into the form
    assert "见到了谁" in q.text and "刘总" in button_labels(q)[0]


async def test_two_engines_on_one_database_send_a_reminder_once(settings, db, module_kb):
    clock = Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    first = await build_engine(settings, kb=module_kb, db=Database(db.url), clock=clock)
    second = await build_engine(settings, kb=module_kb, db=Database(db.url), clock=clock)
    try:
        async with first.db.transaction() as session:
            rep = await users.add_user(session, REP, "小李", "rep", "华东")
            viewer = Viewer.of(rep)
            customer, _ = await customers.get_or_create_customer(session, viewer, "华东机械")
            for step in ("去做演示", "送报价单"):
                await visits.add_visit(
                    session,
                    viewer,
                    customer.id,
                    visited_on=date(2026, 11, 23),
                    kind="上门",
                    outcome="interested",
                    next_step=step,
                    next_date=date(2026, 12, 1),
                )
        results = await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
        sent = [o for outgoing in results for o in outgoing]
        assert sorted(o.reply.text.split("：")[1].split("\n")[0] for o in sent) == ["去做演示", "送报价单"]
        assert {o.recipient_id for o in sent} == {REP}
        assert await first.tick() == [] and await second.tick() == []
    finally:
        await first.db.dispose()
        await second.db.dispose()


async def test_a_rep_cannot_see_another_reps_visits(bot):
    [card] = await bot.say(REP, EXAMPLE)
    await press_label(bot, REP, card, "确认保存", replies=2)

    [mine] = await bot.say(REP, "/visits")
    assert "华东机械" in mine.text and "去做演示" in mine.text
    [none] = await bot.say(REP2, "/visits")
    assert "还没有拜访记录" in none.text and "华东机械" not in none.text
    [missing] = await bot.say(REP2, "/customer 华东机械")
    assert "没找到" in missing.text
    [team] = await bot.say(MANAGER, "/visits")
    assert "华东机械" in team.text and "小李" in team.text
    [profile] = await bot.say(MANAGER, "/customer 华东")
    assert (
        "🏢 华东机械" in profile.text
        and "刘总" in profile.text
        and "12月1日（周二） 去做演示" in profile.text
    )
    [other] = await bot.say(OTHER_TEAM_MANAGER, "/visits")
    assert "华东机械" not in other.text

    # the other rep cannot press the first rep's grading buttons either
    async with bot.engine.db.transaction() as session:
        customer_id = (await session.scalars(select(Customer.id))).one()
    [refused] = await bot.say(REP2, "/help")  # any message: then a forged button press
    start = bot.fake.reply_count(REP2)
    bot.fake.push_callback(REP2, f"grade:ok:{customer_id}:1:D", refused.result["message_id"])
    reply = await bot.fake.await_reply(REP2, after=start)
    assert "按钮已失效" in reply.text and "华东机械" not in reply.text
    async with bot.engine.db.transaction() as session:
        assert (
            await session.scalar(select(func.count()).select_from(Customer).where(Customer.stars == 1)) == 0
        )
