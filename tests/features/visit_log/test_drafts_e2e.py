"""Every visit card is its own draft, end to end through the real PTB stack: two reports in a row
(save both; save one and discard the other), two bot processes on one database with one rep, and
a half-entered visit across a restart."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from store.models import Visit, VisitDraft
from tests.support.telegram_harness import button_data, data_for, running_bot

REP = 2001
FIRST = "今天去了青松电气，见了王总，挺感兴趣，预算20万"
SECOND = "今天去了白桦机械，见了李总，没兴趣"


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        yield bot


async def saved_customers(db) -> list[str]:
    async with db.transaction() as session:
        return [v.customer.name for v in await session.scalars(select(Visit).order_by(Visit.id))]


async def draft_statuses(db) -> list[str]:
    async with db.transaction() as session:
        return list(await session.scalars(select(VisitDraft.status).order_by(VisitDraft.id)))


async def two_cards(bot):
    [first] = await bot.say(REP, FIRST)
    second, pending = await bot.say(REP, SECOND, replies=2)
    assert "客户：青松电气" in first.text and "客户：白桦机械" in second.text
    assert "还有 1 条拜访记录没确认：青松电气" in pending.text
    assert data_for(first, "确认保存") != data_for(second, "确认保存")  # each card names its draft
    return first, second, pending


async def test_two_reports_in_a_row_each_card_saves_its_own_report(bot):
    first, second, _pending = await two_cards(bot)
    saved, _ = await bot.press(REP, first, data_for(first, "确认保存"), replies=2)
    assert "已保存：青松电气" in saved.text
    saved, _ = await bot.press(REP, second, data_for(second, "确认保存"), replies=2)
    assert "已保存：白桦机械" in saved.text
    assert await saved_customers(bot.engine.db) == ["青松电气", "白桦机械"]
    [again] = await bot.press(REP, first, data_for(first, "确认保存"))  # a second press saves nothing
    assert "已失效" in again.text
    assert await saved_customers(bot.engine.db) == ["青松电气", "白桦机械"]


async def test_a_new_report_offers_to_discard_the_unconfirmed_one(bot):
    first, second, pending = await two_cards(bot)
    [kept] = await bot.press(REP, pending, data_for(pending, "都留着"))
    assert "都留着" in kept.text
    [dropped] = await bot.press(REP, pending, data_for(pending, "丢弃「青松电气」"))
    assert "没有保存" in dropped.text
    [stale] = await bot.press(REP, first, data_for(first, "确认保存"))
    assert "已失效" in stale.text
    saved, _ = await bot.press(REP, second, data_for(second, "确认保存"), replies=2)
    assert "已保存：白桦机械" in saved.text
    assert await saved_customers(bot.engine.db) == ["白桦机械"]
    assert await draft_statuses(bot.engine.db) == ["discarded", "saved"]


async def test_the_pending_notice_can_save_the_earlier_card(bot):
    _first, _second, pending = await two_cards(bot)
    saved, _ = await bot.press(REP, pending, data_for(pending, "保存「青松电气」"), replies=2)
    assert "已保存：青松电气" in saved.text
    [answer] = await bot.say(REP, "/cancel")  # /cancel drops the card last shown
    assert "已取消" in answer.text
    assert await saved_customers(bot.engine.db) == ["青松电气"]
    assert await draft_statuses(bot.engine.db) == ["saved", "discarded"]


COMPANIES = ("青松电气", "白桦机械", "红杉科技", "金桥物流", "银河化工", "远航机电", "东方仪表", "北辰材料")


async def test_two_processes_one_rep_nothing_lost_nothing_duplicated(settings, db, module_kb):
    async with (
        running_bot(settings, db.url, module_kb) as one,
        running_bot(settings, db.url, module_kb) as two,
    ):
        await one.add_user(REP, "小李", "rep", "华东")
        processes = (one, two)
        anchors = [(await bot.say(REP, "/help"))[0] for bot in processes]  # a message to press on
        starts = [bot.fake.reply_count(REP) for bot in processes]
        for i, company in enumerate(COMPANIES):  # all at once, alternating between the processes
            processes[i % 2].fake.push_message(REP, f"今天去了{company}，见了王总，挺感兴趣")
        cards: list = []
        for _ in range(600):  # each report is answered by its card (and a notice of the others)
            cards = [
                m
                for bot, start in zip(processes, starts, strict=True)
                for m in bot.fake.sent_messages(REP)[start:]
                if "确认保存" in str(m.reply_markup)
            ]
            if len(cards) >= len(COMPANIES):
                break
            await asyncio.sleep(0.2)
        assert sorted(c.text.split("客户：")[1].split("（")[0] for c in cards) == sorted(COMPANIES)
        saves = [data_for(card, "确认保存") for card in cards]
        for data in saves:  # every card's 确认保存 pressed on both processes at the same time
            for bot, anchor in zip(processes, anchors, strict=True):
                bot.fake.push_callback(REP, data, anchor.result["message_id"])
        for _ in range(200):
            if len(await saved_customers(db)) >= len(COMPANIES) and "open" not in await draft_statuses(db):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # the losing presses have answered by now
        assert sorted(await saved_customers(db)) == sorted(COMPANIES)  # each once
        assert await draft_statuses(db) == ["saved"] * len(COMPANIES)


async def test_a_half_entered_visit_survives_a_restart_with_its_card(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as first:
        await first.add_user(REP, "小李")
        [card] = await first.say(REP, FIRST)
        [menu] = await first.press(REP, card, data_for(card, "修改"))
        [question] = await first.press(REP, menu, data_for(menu, "修改金额"))
        assert "当前：20万" in question.text
    async with running_bot(settings, db.url, module_kb) as second:  # a new process, same database
        [card] = await second.say(REP, "25")
        assert "金额：25万" in card.text and "客户：青松电气" in card.text
        saved, _ = await second.press(REP, card, button_data(card)[0], replies=2)
        assert "已保存：青松电气" in saved.text
    assert await saved_customers(db) == ["青松电气"]
