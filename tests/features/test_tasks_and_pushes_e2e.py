"""Managers end to end: tasks pushed at 09:00 exactly once (across a restart and two processes),
completed by a rep and shown in the evening summary; reports as a photo and a workbook; the
knowledge-gap loop. The /task form itself, /schedule and the managers' commands refused to reps are
tested through the engine (tests/features/tasks/test_task_form.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import build_engine
from knowledge.taught_answers import indexed_taught_answer_ids, taught_answer_source
from store import customers, knowledge, users, visits
from store.access import Viewer
from store.db import Database
from store.models import Claim, PlaybookCard
from tests.support.clock import Clock
from tests.support.telegram_harness import button_data, running_bot

REP, REP2, MANAGER, OTHER_MANAGER = 3001, 3002, 3003, 3004
MONDAY = date(2026, 11, 23)
AT_0830 = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 in Asia/Shanghai
GAP_QUESTION = "展会上怎么收集客户名片"


async def _team(bot) -> None:
    await bot.add_user(REP, "小李", "rep", "华东")
    await bot.add_user(REP2, "小王", "rep", "华东")
    await bot.add_user(MANAGER, "王经理", "manager", "华东")
    await bot.add_user(OTHER_MANAGER, "赵经理", "manager", "华南")


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb, Clock()) as bot:  # 09:00 local
        await _team(bot)
        yield bot
    for card_id in indexed_taught_answer_ids(module_kb.ingestor):  # the index is shared by the module
        module_kb.index.remove_file(taught_answer_source(card_id))


async def _viewer(bot, telegram_id: int) -> Viewer:
    async with bot.engine.db.transaction() as session:
        user = await users.get_user_by_telegram_id(session, telegram_id)
        return Viewer.of(user)


async def _log_visit(bot, telegram_id: int, customer: str, *, effective: bool = True) -> None:
    viewer = await _viewer(bot, telegram_id)
    async with bot.engine.db.transaction() as session:
        found, _ = await customers.get_or_create_customer(session, viewer, customer, grade="B", stars=3)
        found.created_at = bot.clock.now  # "new this period" follows the test clock
        await visits.add_visit(
            session,
            viewer,
            found.id,
            visited_on=MONDAY,
            kind="上门",
            outcome="interested" if effective else "no_show",
        )


async def test_the_morning_push_goes_out_once_across_a_restart_and_two_processes(settings, db, module_kb):
    clock = Clock(AT_0830)
    async with running_bot(settings, db.url, module_kb, clock) as first:
        await _team(first)
        [published] = await first.say(MANAGER, "/task 小李 明天上午给华东机械回电话")
        assert "已发布" in published.text and "11月24日" in published.text
        await first.tick()
        assert first.fake.sent_messages(REP) == []  # 08:30: not yet

        clock.advance(minutes=30)  # 09:00: two processes on one database tick at once
        second = await build_engine(settings, kb=module_kb, db=Database(db.url), clock=clock)
        try:
            results = await asyncio.gather(first.engine.tick(), second.tick(), first.engine.tick())
        finally:
            await second.db.dispose()
        outgoing = [o for result in results for o in result]
        pushes = [o for o in outgoing if o.recipient_id == REP]
        assert len(pushes) == 1
        transport = first.application.bot_data["transport"]  # sent and settled, as run_tick does
        await first.engine.delivered(outgoing, await transport.send_all(first.application.bot, outgoing))
        push = await first.fake.await_reply(REP)
        assert "早上好" in push.text and "明天上午给华东机械回电话" in push.text
        assert [d.split(":")[0] for d in button_data(push)] == ["td", "tn"]

    clock.advance(minutes=5)  # the bot restarts at 09:05: the day's push is not sent again
    async with running_bot(settings, db.url, module_kb, clock) as again:
        await again.tick()
        clock.advance(hours=1)
        await again.tick()
        assert again.fake.sent_messages(REP) == []
    async with db.transaction() as session:
        keys = list(await session.scalars(select(Claim.key).where(Claim.kind == "morning")))
    assert len(keys) == 4 and all(f":{MONDAY.isoformat()}:" in k for k in keys)  # one per person


async def test_a_process_started_late_still_sends_the_days_push(settings, db, module_kb):
    clock = Clock(datetime(2026, 11, 23, 2, 5, tzinfo=UTC))  # 10:05 local
    async with running_bot(settings, db.url, module_kb, clock) as bot:
        await _team(bot)
        await bot.say(MANAGER, "/task 全员 每人今天找到2个优质客户")
        await bot.tick()
        assert "2个优质客户" in (await bot.fake.await_reply(REP)).text
        assert "2个优质客户" in (await bot.fake.await_reply(REP2)).text
        assert bot.fake.sent_messages(MANAGER)[-1].text.startswith("✅ 任务已发布")  # managers: no push


async def test_a_rep_completes_tasks_and_the_evening_summary_shows_it(bot):
    await bot.say(MANAGER, "/task 小李 明天上午给华东机械回电话")
    await bot.say(MANAGER, "/task 全员 每人今天找到2个优质客户")
    await bot.tick()  # 09:00: the morning push
    push = await bot.fake.await_reply(REP)
    assert "明天上午给华东机械回电话" in push.text and "有效拜访 0/2" in push.text
    done_call, _not_done, *_ = button_data(push)
    [edited] = await bot.press(REP, push, done_call)
    assert edited.method == "editMessageText" and "✅ 1. " not in edited.text
    assert "✅ 明天上午给华东机械回电话" in edited.text

    # 小王 cannot make it: 未完成 with a reason
    push2 = await bot.fake.await_reply(REP2)
    [ask_reason] = await bot.press(REP2, push2, button_data(push2)[1])
    assert "原因" in ask_reason.text
    [after] = await bot.say(REP2, "客户临时出差")
    assert "❌" in after.text and "客户临时出差" in after.text

    # a manager assigning later in the day: the rep, already pushed, hears of it at once
    [published, notice] = await asyncio.gather(
        bot.say(MANAGER, "/task 小李 周五前提交方案"), bot.fake.await_reply(REP, after=2)
    )
    assert "已发布" in published[0].text and "周五前提交方案" in notice.text and "王经理" in notice.text

    await _log_visit(bot, REP, "华东机械有限公司")
    await _log_visit(bot, REP, "苏州精工")
    await _log_visit(bot, REP2, "南京重工", effective=False)
    [listing] = await bot.say(REP, "/tasks")
    assert "✅ 每人今天找到2个优质客户" in listing.text  # the quota counted from logged visits

    bot.clock.advance(hours=9)  # 18:00
    await bot.tick()
    summary = await bot.fake.await_reply(MANAGER, after=bot.fake.reply_count(MANAGER) - 1)
    assert "今日小结" in summary.text
    assert "小李：任务完成 2/3；拜访 2 次（有效 2）；指标 2/2 ✅" in summary.text
    assert "小王：任务完成 0/1；拜访 1 次（有效 0）；指标 0/2 ⚠️" in summary.text
    assert "未完成：每人今天找到2个优质客户（客户临时出差）" in summary.text
    assert "未处理：周五前提交方案" in summary.text
    assert bot.fake.sent_messages(OTHER_MANAGER) == [] or all(
        "小李" not in c.text for c in bot.fake.sent_messages(OTHER_MANAGER)
    )
    before = len(bot.fake.sent_messages(MANAGER))
    await bot.tick()
    assert len(bot.fake.sent_messages(MANAGER)) == before  # once


async def test_reports_arrive_as_a_photo_and_a_workbook(bot):
    await _log_visit(bot, REP, "华东机械有限公司")
    await _log_visit(bot, REP2, "南京重工", effective=False)
    [photo] = await bot.say(MANAGER, "/report 今天")
    assert photo.method == "sendPhoto"
    assert photo.files["photo"].startswith(b"\x89PNG")
    assert "拜访 2 次，有效 1 次（有效率 50%）" in photo.text and "新客户 2 家" in photo.text
    [document] = await bot.say(MANAGER, "/export 本月")
    assert document.method == "sendDocument"
    assert document.files["document"].startswith(b"PK")
    [usage] = await bot.say(MANAGER, "/report 去年")
    assert "用法" in usage.text


async def test_a_taught_card_answers_the_gap_question_afterwards(bot):
    [abstained] = await bot.say(REP, GAP_QUESTION)
    assert "没有找到" in abstained.text
    await bot.say(REP2, "请问展会上怎么收集客户名片呢？")
    await bot.say(REP2, "明天杭州天气怎么样")
    [gaps] = await bot.say(MANAGER, "/gaps")
    first_line = gaps.text.splitlines()[2]
    assert GAP_QUESTION in gaps.text and "2 次 · 2 人" in first_line
    [title_prompt] = await bot.press(MANAGER, gaps, button_data(gaps)[0])
    assert "标题" in title_prompt.text
    [script_prompt] = await bot.press(MANAGER, title_prompt, "teach:useq")
    assert "话术" in script_prompt.text
    script = "展位上准备扫码登记送资料，每位来访者留名片换一份行业白皮书，当天晚上逐个加微信回访。"
    [tags_prompt] = await bot.say(MANAGER, script)
    assert "标签" in tags_prompt.text
    [preview] = await bot.say(MANAGER, "展会 名片")
    assert "展会、名片" in preview.text
    [saved] = await bot.press(MANAGER, preview, "teach:save")
    assert "已加入手册" in saved.text and "通知了 2 位" in saved.text
    told = await bot.fake.await_reply(REP, after=1)
    assert "补充了答案" in told.text and "白皮书" in told.text
    assert "白皮书" in (await bot.fake.await_reply(REP2, after=2)).text

    [answer] = await bot.say(REP, GAP_QUESTION)
    assert "白皮书" in answer.text and "card:" in answer.text
    [gaps_after] = await bot.say(MANAGER, "/gaps")
    assert GAP_QUESTION not in gaps_after.text and "天气" in gaps_after.text
    async with bot.engine.db.transaction() as session:
        [card] = list(await session.scalars(select(PlaybookCard)))
        assert card.tags == ["展会", "名片"] and card.team_id is not None
        assert await knowledge.users_to_notify(session, card.id) == []
