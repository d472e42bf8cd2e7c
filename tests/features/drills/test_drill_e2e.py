"""Drills end to end through the real PTB stack: a full drill with its follow-up, the attempts
stored, the manager's report showing practice, and 今日一练 in the morning push."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from store.models import DrillAttempt, DrillDefinition
from tests.support.clock import Clock
from tests.support.telegram_harness import button_data, running_bot

pytestmark = pytest.mark.slow

REP, MANAGER, OTHER_REP = 5001, 5003, 5004
SCORE_LINE = re.compile(r"^得分 (\d)/(\d)$", re.M)
GOOD = (
    "价格一定会讲清楚，不过要看您这边想解决哪些问题、大概多少人用，规模不同价格差别很大。"
    "您先说说现在最头疼的事，我回去出一份准确的方案和报价；签的时候价格和工期都写进合同，后面不加价。"
)
GOOD_FOLLOW_UP = "可以，按五十个用户、两个模块来估，大概在十五到二十万之间，模块变了价格也会变。我回去出份正式报价，周三给您讲。"


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb, Clock()) as bot:  # Monday 09:00 local
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(OTHER_REP, "小赵", "rep", "华南")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        yield bot


async def _attempts(bot, telegram_id: int) -> list[DrillAttempt]:
    async with bot.engine.db.transaction() as session:
        rows = await session.scalars(select(DrillAttempt).order_by(DrillAttempt.id))
        return [a for a in rows if a.user_id == await _user_id(bot, telegram_id)]


async def _user_id(bot, telegram_id: int) -> int:
    from store import users

    async with bot.engine.db.transaction() as session:
        return (await users.get_user_by_telegram_id(session, telegram_id)).id


async def test_a_full_drill_with_its_follow_up_is_scored_stored_and_reported(bot):
    [help_] = await bot.say(REP, "/help")
    assert "/drill — 练一练" in help_.text and "/drilladd" not in help_.text
    [opening] = await bot.say(REP, "/drill 报价")
    assert "价格异议：客户一上来就问多少钱" in opening.text and "客户：「" in opening.text

    scored, follow_up = await bot.say(REP, GOOD, replies=2)
    passed, total = map(int, SCORE_LINE.search(scored.text).groups())
    assert total == 3 and passed >= 2
    assert scored.text.count("✅") == passed and scored.text.count("❌") == total - passed
    assert "示范话术" in scored.text and "价格肯定给您讲清楚" in scored.text
    data = button_data(scored)
    assert data == ["drl:again:pb:price-asked-early", "drl:next:pb:price-asked-early", "drl:end"]
    assert "客户追问（第 2/2 轮）" in follow_up.text and "大概的数" in follow_up.text

    [second] = await bot.say(REP, GOOD_FOLLOW_UP)
    assert SCORE_LINE.search(second.text).group(2) == "3"
    attempts = await _attempts(bot, REP)
    assert [(a.turn, a.checks_total, a.drill_key) for a in attempts] == [
        (0, 3, "pb:price-asked-early"),
        (1, 3, "pb:price-asked-early"),
    ]
    assert attempts[0].answer == GOOD and attempts[0].checks_passed == passed

    # the drill is over: plain text is a question again, not an answer
    [again] = await bot.say(REP, "客户说太贵了怎么办")
    assert "得分" not in again.text

    [start_again] = await bot.press(REP, scored, "drl:again:pb:price-asked-early")
    assert "客户：「" in start_again.text
    echo = start_again.text.split("「", 1)[1].split("」", 1)[0]
    echoed, _ = await bot.say(REP, f"{echo}是吧？", replies=2)
    assert SCORE_LINE.search(echoed.text).group(1) == "0"

    ended = await bot.press(REP, echoed, "drl:end", replies=2)
    assert ended[0].text == "练习结束，辛苦了！"
    assert "本周练习 3 次" in ended[1].text and "薄弱情景" in ended[1].text

    [photo] = await bot.say(MANAGER, "/report 本周")
    assert photo.method == "sendPhoto" and photo.files["photo"].startswith(b"\x89PNG")
    assert "练习：3 次" in photo.text and "· 小李：3 次" in photo.text


async def test_an_illegal_answer_fails_with_the_compliance_message(bot):
    await bot.say(REP, "/drill 报价")
    [scored] = await bot.say(REP, "价格好说，您定了我们，我私下给您返几个点回扣。")
    assert "⚠️" in scored.text and "商业贿赂" in scored.text
    assert SCORE_LINE.search(scored.text).group(1) == "0"
    [after] = await bot.say(REP, "/drill 统计")
    assert "本周练习 1 次，平均得分 0%" in after.text


async def test_managers_add_a_drill_and_switch_on_the_morning_practice(bot):
    [refused] = await bot.say(REP, "/drillpush 开")
    assert "主管" in refused.text or "权限" in refused.text
    [help_] = await bot.say(MANAGER, "/drilladd")
    assert "标题：" in help_.text
    form = (
        "/drilladd 标题：客户说今年预算用完了\n标签：预算\n客户：今年的预算早就花完了，明年再说吧。\n"
        "检查：先认同客户的处境｜预算定了确实不好动，我理解｜理解/认同\n"
        "检查：问清下一轮预算的时间｜明年的预算一般几月份开始报｜几月/什么时候\n"
        "示范：“预算定了确实难动，我理解。明年的预算几月开始报？”"
    )
    [saved] = await bot.say(MANAGER, form)
    assert "已添加练习" in saved.text and "2 个检查项" in saved.text
    [bad] = await bot.say(MANAGER, "/drilladd 标题：x\n客户：您好\n检查：只有一条")
    assert "还不能保存" in bad.text and "2–5 个检查项" in bad.text
    async with bot.engine.db.transaction() as session:
        assert len(list(await session.scalars(select(DrillDefinition)))) == 1

    [started] = await bot.say(REP, "/drill 预算")
    assert "客户说今年预算用完了" in started.text
    [other_team] = await bot.say(OTHER_REP, "/drill 预算")
    assert "客户说今年预算用完了" not in other_team.text  # 华东's drill, not 华南's
    await bot.say(REP, "/cancel")

    [switched] = await bot.say(MANAGER, "/drillpush 开")
    assert "已开启" in switched.text
    await bot.tick()  # 09:00: the morning push
    pushes = bot.fake.sent_messages(REP)
    push = pushes[-1]
    assert "今日一练" in push.text
    [start_data] = [d for d in button_data(push) if d.startswith("drl:start:")]
    assert not any("今日一练" in (m.text or "") for m in bot.fake.sent_messages(OTHER_REP))
    [tapped] = await bot.press(REP, push, start_data)
    assert "🎭 练一练" in tapped.text and "客户：「" in tapped.text
    await bot.tick()
    assert sum("今日一练" in (m.text or "") for m in bot.fake.sent_messages(REP)) == 1  # once a day
