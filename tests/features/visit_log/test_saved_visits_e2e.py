"""Edit and void a saved visit, end to end through the real PTB stack: /visits → a visit → 修改
field by field (the visit form on a draft of the visit) or 作废; only the author, for 7 days;
every change kept and shown; a voided visit counts in no report or quota, and a voided won deal
gives the customer back the milestone it had before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.sales.visits.amend import EDIT_WINDOW
from store import customers, visits
from store.access import Viewer
from store.models import MILESTONES, Customer, Visit, VisitChange
from tests.support.telegram_harness import button_labels, data_for, running_bot

REP, REP2, MANAGER = 5001, 5002, 5003
REPORT = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20万"
TODAY = date(2026, 11, 23)


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(REP2, "小张", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        yield bot


async def the_visit(bot) -> Visit:
    async with bot.engine.db.transaction() as session:
        return (await session.scalars(select(Visit).execution_options(populate_existing=True))).one()


async def log_and_open(bot):
    [card] = await bot.say(REP, REPORT)
    await bot.press(REP, card, data_for(card, "确认保存"), replies=2)
    [listing] = await bot.say(REP, "/visits")
    [detail] = await bot.press(REP, listing, data_for(listing, "华东机械"))
    assert "客户：华东机械" in detail.text and "金额：20万" in detail.text
    assert button_labels(detail) == ["✏️ 修改", "🗑 作废"]
    return detail


async def test_edit_a_saved_visit_field_by_field_and_see_its_history(bot):
    detail = await log_and_open(bot)
    [card] = await bot.press(REP, detail, data_for(detail, "修改"))
    assert "修改这条拜访记录" in card.text and "金额：20万" in card.text
    [menu] = await bot.press(REP, card, data_for(card, "修改"))
    [question] = await bot.press(REP, menu, data_for(menu, "修改金额"))
    assert "当前：20万" in question.text
    [card] = await bot.say(REP, "25万")
    [question] = await bot.press(REP, card, data_for(card, "修改"))  # the menu again
    [question] = await bot.press(REP, question, data_for(question, "修改结果"))
    [card] = await bot.press(REP, question, data_for(question, "需跟进"))
    assert "金额：25万" in card.text and "结果：需跟进" in card.text
    [done] = await bot.press(REP, card, data_for(card, "确认保存"))
    assert "已修改：华东机械" in done.text
    assert "金额：20万 → 25万" in done.text and "结果：感兴趣 → 需跟进" in done.text

    visit = await the_visit(bot)
    assert (visit.amount_wan, visit.outcome) == (25, "need_followup")
    async with bot.engine.db.transaction() as session:
        changes = list(await session.scalars(select(VisitChange).order_by(VisitChange.id)))
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("outcome", "interested", "need_followup"),
        ("amount", "20", "25"),
    ]
    [listing] = await bot.say(REP, "/visits")
    [detail] = await bot.press(REP, listing, data_for(listing, "华东机械"))
    assert "修改记录" in detail.text and "小李：金额 20万 → 25万" in detail.text
    [again] = await bot.press(REP, card, data_for(card, "确认保存"))  # the edit card is spent
    assert "已失效" in again.text


async def test_void_a_visit_it_counts_nowhere_and_only_the_author_may(bot):
    detail = await log_and_open(bot)
    visit = await the_visit(bot)
    for who in (REP2, MANAGER):  # a teammate sees nothing; the manager sees it but may not change it
        [anchor] = await bot.say(who, "/help")
        [reply] = await bot.press(who, anchor, f"vis:{visit.id}:void")
        assert "已失效" in reply.text
    [manager_view] = await bot.press(MANAGER, anchor, f"vis:{visit.id}")
    assert "华东机械" in manager_view.text and button_labels(manager_view) == []

    [confirm] = await bot.press(REP, detail, data_for(detail, "作废"))
    assert "确定作废" in confirm.text
    [voided] = await bot.press(REP, confirm, data_for(confirm, "确定作废"))
    assert "已作废：华东机械" in voided.text
    visit = await the_visit(bot)
    assert visit.voided_at is not None
    async with bot.engine.db.transaction() as session:
        assert await visits.visits_between(session, Viewer.system(), TODAY, TODAY) == []
        assert await visits.count_effective_visits(session, [visit.rep_id], TODAY) == {}
        assert [c.field for c in await visits.changes_of(session, visit.id)] == ["voided"]
    [listing] = await bot.say(REP, "/visits")
    assert "已作废" in listing.text
    [detail] = await bot.press(REP, listing, data_for(listing, "华东机械"))
    assert "已作废" in detail.text and "小李：作废" in detail.text and button_labels(detail) == []
    [again] = await bot.press(REP, confirm, data_for(confirm, "确定作废"))
    assert "7 天内" in again.text


async def test_after_seven_days_the_visit_can_no_longer_be_changed(bot):
    detail = await log_and_open(bot)
    visit = await the_visit(bot)
    bot.clock.now = visit.created_at + EDIT_WINDOW + timedelta(minutes=1)
    [locked] = await bot.press(REP, detail, data_for(detail, "修改"))
    assert "7 天内" in locked.text
    [listing] = await bot.say(REP, "/visits")
    [detail] = await bot.press(REP, listing, data_for(listing, "华东机械"))
    assert button_labels(detail) == [] and "7 天内" in detail.text


async def test_voiding_a_won_deal_gives_the_customer_back_its_milestone(bot):
    [card] = await bot.say(REP, "今天去了华东机械，见了采购部刘总，方案认可，下周二去做演示")
    await bot.press(REP, card, data_for(card, "确认保存"), replies=2)
    async with bot.engine.db.transaction() as session:
        customer = (await session.scalars(select(Customer))).one()
        await customers.update_customer(session, Viewer.system(), customer.id, milestone=MILESTONES[3])

    [card] = await bot.say(REP, "华东机械刘总今天签了合同，30万")
    assert "签约" in card.text or "成交" in card.text
    await bot.press(REP, card, data_for(card, "确认保存"), replies=2)
    async with bot.engine.db.transaction() as session:
        customer = (await session.scalars(select(Customer).execution_options(populate_existing=True))).one()
        assert customer.milestone == MILESTONES[-1]
        won = (await session.scalars(select(Visit).where(Visit.outcome == "deal_won"))).one()

    [anchor] = await bot.say(REP, "/visits")
    [detail] = await bot.press(REP, anchor, f"vis:{won.id}")
    assert "30万" in detail.text
    [confirm] = await bot.press(REP, detail, data_for(detail, "作废"))
    [voided] = await bot.press(REP, confirm, data_for(confirm, "确定作废"))
    assert "已作废：华东机械" in voided.text
    async with bot.engine.db.transaction() as session:
        customer = (await session.scalars(select(Customer).execution_options(populate_existing=True))).one()
        assert customer.milestone == MILESTONES[3]
