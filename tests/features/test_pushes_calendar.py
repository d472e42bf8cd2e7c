"""Pushes, quotas and next dates follow China's working calendar, end to end over the real PTB
stack with a controlled clock (the official 2026 arrangement: 国庆 1–7 October, 调休 Saturday
10 October; 中秋 25–27 September)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.telegram_harness import Clock, button_data, running_bot

REP, MANAGER = 5001, 5003


def local(year: int, month: int, day: int, hour: int) -> datetime:
    """HH:00 in Asia/Shanghai (UTC+8)."""
    return datetime(year, month, day, hour - 8, 0, tzinfo=UTC)


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb, Clock(local(2026, 9, 30, 8))) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        yield bot


async def _pushes_at(bot, when: datetime) -> tuple[list, list]:
    """What the rep and the manager are sent by the ticks at `when`."""
    before_rep, before_manager = len(bot.fake.sent_messages(REP)), len(bot.fake.sent_messages(MANAGER))
    bot.clock.now = when
    await bot.tick()
    return bot.fake.sent_messages(REP)[before_rep:], bot.fake.sent_messages(MANAGER)[before_manager:]


async def test_no_push_on_national_day_and_one_on_the_adjusted_saturday(bot):
    [published] = await bot.say(MANAGER, "/task 全组 每天拜访3家客户")
    assert "已发布" in published.text

    rep, _ = await _pushes_at(bot, local(2026, 9, 30, 9))  # a working Wednesday
    assert len(rep) == 1 and "每天拜访3家客户" in rep[0].text
    _, manager = await _pushes_at(bot, local(2026, 9, 30, 18))
    assert len(manager) == 1 and "小结" in manager[0].text

    rep, _ = await _pushes_at(bot, local(2026, 10, 1, 9))  # 国庆
    _, manager = await _pushes_at(bot, local(2026, 10, 1, 18))
    assert rep == [] and manager == []
    rep, _ = await _pushes_at(bot, local(2026, 10, 4, 9))  # a Sunday inside the break
    assert rep == []

    rep, _ = await _pushes_at(bot, local(2026, 10, 10, 9))  # the 调休 Saturday is a working day
    _, manager = await _pushes_at(bot, local(2026, 10, 10, 18))
    assert len(rep) == 1 and "10月10日" in rep[0].text
    assert len(manager) == 1

    rep, _ = await _pushes_at(bot, local(2026, 10, 11, 9))  # an ordinary Sunday again
    assert rep == []


async def test_a_team_that_works_saturdays_says_so_in_schedule(bot):
    await bot.say(MANAGER, "/task 全组 每天拜访3家客户")
    rep, _ = await _pushes_at(bot, local(2026, 11, 28, 9))  # a plain Saturday
    assert rep == []

    [changed] = await bot.say(MANAGER, "/schedule 周六上班")
    assert "周六" in changed.text and "09:00" in changed.text
    rep, _ = await _pushes_at(bot, local(2026, 11, 28, 10))
    assert len(rep) == 1 and "11月28日" in rep[0].text
    rep, _ = await _pushes_at(bot, local(2026, 10, 3, 9))  # a Saturday inside 国庆 stays off
    assert rep == []

    [shown] = await bot.say(MANAGER, "/schedule")
    assert "周六" in shown.text
    [back] = await bot.say(MANAGER, "/schedule 法定工作日")
    assert "法定工作日" in back.text


async def test_after_national_day_means_the_first_working_day_after_the_break(bot):
    bot.clock.now = local(2026, 9, 28, 10)
    [card] = await bot.say(REP, "今天去了华东机械，见了张总，挺感兴趣，国庆后再约")
    assert "10月8日" in card.text, card.text
    [card] = await bot.say(REP, "/cancel")
    [card] = await bot.say(REP, "今天去了華東機械，見了張總，挺感興趣，國慶後再約")
    assert "10月8日" in card.text, card.text


async def test_an_impossible_date_is_named_on_the_card_and_refused_by_task(bot):
    bot.clock.now = local(2026, 11, 24, 10)
    [card] = await bot.say(REP, "今天去了华东机械，见了张总，挺感兴趣，2月30日再去")
    assert "2月30日" in card.text and "不存在" in card.text
    await bot.say(REP, "/cancel")
    [refused] = await bot.say(MANAGER, "/task 小李 2月30日前交周报")
    assert "2月30日" in refused.text and "不存在" in refused.text and "已发布" not in refused.text


async def test_a_quota_week_with_a_holiday_counts_its_working_days(bot):
    bot.clock.now = local(2026, 9, 28, 8)  # Monday of the week with 国庆 (1–4 October off)
    await bot.say(MANAGER, "/task 全组 每天拜访3家客户")
    for day in range(28, 31):
        rep, _ = await _pushes_at(bot, local(2026, 9, day, 9))
        assert len(rep) == 1
    for day in range(1, 5):
        rep, _ = await _pushes_at(bot, local(2026, 10, day, 9))
        assert rep == []
        [tasks] = await bot.say(REP, "/tasks")  # looking on a day off does not make the quota due
        assert "每天拜访3家客户" not in tasks.text

    bot.clock.now = local(2026, 10, 4, 20)
    [report] = await bot.say(MANAGER, "/report 本周", timeout=60)
    assert "工作日：3 天" in report.text and "国庆" in report.text
    assert "任务完成 0/3" in report.text  # the quota was due on the three working days only


async def test_invisible_characters_and_lone_surrogates_never_crash(bot):
    forged = "今天去了华东\ud800机械\u202e，见了张\u200b总\x00，挺感兴趣，后天再去"
    [card] = await bot.say(REP, forged)
    assert "抱歉" not in card.text and "\u202e" not in card.text and "\u200b" not in card.text
    data = button_data(card)[0]
    [pressed] = await bot.press(REP, card, data[:2] + "\ud800\u200b" + data[2:] + "\x00")
    assert "抱歉" not in pressed.text and "失效" not in pressed.text  # read as the button it was
