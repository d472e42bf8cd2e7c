"""Dates checked where they enter, end to end through the real PTB Application over HTTP (fake Bot
API, real database): a quick log names a next date more than a year ahead, a visit date too far back,
and reads stacked 下下下 as three weeks on; nothing impossible is saved without a word."""

from __future__ import annotations

import pytest

from tests.support.store_fixtures import all_visits
from tests.support.telegram_harness import data_for, running_bot

REP = 5101


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        yield bot


async def press(bot, call, label, *, replies=1):
    return await bot.press(REP, call, data_for(call, label), replies=replies)


async def test_a_next_date_a_year_away_is_asked_again_and_stacked_weeks_are_read_in_full(bot):
    [question] = await bot.say(REP, "今天去了白桦机械，见了李总，挺感兴趣，9999-12-31再去")
    assert "9999年12月31日" in question.text and "一年以后" in question.text
    [card] = await press(bot, question, "跳过")
    assert "下一步日期：—" in card.text
    await press(bot, card, "确认保存", replies=2)
    [visit] = await all_visits(bot.engine.db)
    assert visit.next_date is None

    [card] = await bot.say(REP, "今天去了青松电气，见了王总，挺感兴趣，下下下周二再去")
    assert "下一步日期：12月15日" in card.text  # the clock's Monday 23 November, three weeks on


async def test_a_visit_date_too_far_back_or_ahead_is_refused_on_the_card(bot):
    [card] = await bot.say(REP, "今天去了白桦机械，见了李总，挺感兴趣")
    [q] = await press(bot, card, "修改")
    [q] = await press(bot, q, "拜访日期")
    [q] = await bot.say(REP, "1900-01-01")
    assert "1900年1月1日" in q.text and "90天" in q.text
    [q] = await bot.say(REP, "2026-11-30")
    assert "还没到" in q.text
    [card] = await bot.say(REP, "11月20日")
    assert "拜访日期：11月20日" in card.text
    await press(bot, card, "确认保存", replies=2)
    [visit] = await all_visits(bot.engine.db)
    assert visit.visited_on.isoformat() == "2026-11-20"
