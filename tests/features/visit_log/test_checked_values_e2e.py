"""Values checked where they enter, end to end through the real PTB Application over HTTP (fake Bot
API, real database): the quick log, the /log form and /task refuse impossible values with a message
naming the problem, and the rep fixes them or confirms them on purpose. Dates too: a next date more than
a year ahead, a visit date too far back or ahead, stacked 下下下 read as three weeks on."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.models import Customer, Task
from tests.support.store_fixtures import all_visits
from tests.support.telegram_harness import data_for, running_bot

REP, MANAGER = 5001, 5002


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        yield bot


async def press(bot, call, label, *, replies=1):
    return await bot.press(REP, call, data_for(call, label), replies=replies)


async def test_a_negative_amount_in_a_quick_log_is_refused_and_asked_again(bot):
    [question] = await bot.say(REP, "今天去了青松电气，见了王总，挺感兴趣，预算-5万")
    assert "金额不能是负数" in question.text and "-5万" in question.text
    assert "预计金额" in question.text  # the amount is asked for, not stored as 5万
    [card] = await bot.say(REP, "20")
    assert "客户：青松电气（新建）" in card.text and "金额：20万" in card.text
    await press(bot, card, "确认保存", replies=2)
    [visit] = await all_visits(bot.engine.db)
    assert visit.amount_wan == 20


@pytest.mark.parametrize(
    ("report", "problem"),
    [
        ("今天去了白桦机械，见了李总，挺感兴趣，预算九千九百亿", "大得不像真的"),
        ("今天去了白桦机械，见了李总，挺感兴趣，预算1e9万", "大得不像真的"),
        ("今天去了白桦机械，见了李总，挺感兴趣，预算20万美元", "美元"),
    ],
)
async def test_impossible_or_foreign_amounts_are_never_stored(bot, report, problem):
    [question] = await bot.say(REP, report)
    assert problem in question.text and "金额" in question.text
    [card] = await press(bot, question, "跳过")
    assert "金额：" in card.text and "金额：20万" not in card.text and "金额：9万" not in card.text
    await press(bot, card, "确认保存", replies=2)
    [visit] = await all_visits(bot.engine.db)
    assert visit.amount_wan is None
    async with bot.engine.db.transaction() as session:
        customer = await session.get(Customer, visit.customer_id)
    assert customer.expected_amount_wan is None


async def test_a_large_amount_is_kept_but_flagged(bot):
    [card] = await bot.say(REP, "/log 今天去了恒大机电，见了周总，很有意向，项目大概1.5个亿")
    assert "很大" in card.text and "金额：15000万" in card.text


async def test_the_form_refuses_a_negative_amount_and_takes_a_confirmed_large_one(bot):
    await bot.say(REP, "/log")
    [q] = await bot.say(REP, "华东\u200b机械\x00")
    [q] = await press(bot, q, "新建")
    [q] = await press(bot, q, "跳过")  # no contact
    [q] = await press(bot, q, "上门")
    [q] = await press(bot, q, "感兴趣")
    [q] = await press(bot, q, "跳过")  # next step
    [q] = await press(bot, q, "跳过")  # next date
    [q] = await bot.say(REP, "-5")
    assert "金额不能是负数" in q.text
    [q] = await bot.say(REP, "20000")
    assert "很大" in q.text and "确认" in q.text
    [q] = await bot.say(REP, "20000 确认")
    for _ in ("clarified", "need", "interest", "annual_output"):  # the playbook rules' questions
        [q] = await press(bot, q, "跳过")
    [card] = await bot.say(REP, "无")
    assert "金额：20000万" in card.text
    await press(bot, card, "确认保存", replies=2)
    [visit] = await all_visits(bot.engine.db)
    assert visit.amount_wan == 20000
    assert visit.customer.name == "华东机械"  # invisible characters dropped, nothing else


async def test_a_500_character_customer_name_is_refused_by_length(bot):
    await bot.say(REP, "/log")
    [q] = await bot.say(REP, "华" * 500 + "公司")
    assert "客户名称太长了" in q.text and "502" in q.text
    [q] = await bot.say(REP, "<script>alert(1)</script>公司")
    [q] = await press(bot, q, "新建")
    assert "见到了谁" in q.text
    async with bot.engine.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 0  # not yet saved


async def tasks_in_db(bot) -> list[Task]:
    async with bot.engine.db.transaction() as session:
        return list(await session.scalars(select(Task)))


async def test_task_with_a_negative_quota_or_a_huge_title_is_not_published(bot):
    [reply] = await bot.say(MANAGER, "/task 小李 每天拜访-3家客户")
    assert "每天拜访数要是正数" in reply.text and "-3" in reply.text
    assert await tasks_in_db(bot) == []
    [reply] = await bot.say(MANAGER, "交" * 1990)  # the content, typed again: still refused
    assert "任务内容太长了" in reply.text and "200" in reply.text
    assert await tasks_in_db(bot) == []
    [review] = await bot.say(MANAGER, "每天拜访3家客户")
    assert "每日指标：3" in review.text


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
