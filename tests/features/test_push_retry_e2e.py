"""A scheduled message that fails to send is sent again by a later tick, once, end to end through
the real PTB stack: the fake Bot API refuses the reminder's sendMessage, the transport reports it
back, the claim is marked failed, and the next tick claims and sends it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.transports.telegram import SEND_ATTEMPTS
from store.models import Claim
from tests.support.telegram_harness import data_for, running_bot

REP = 3001
REPORT = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示"


async def reminder_claims(db) -> list[tuple[str, int]]:
    async with db.transaction() as session:
        rows = await session.scalars(select(Claim).where(Claim.kind == "visit_reminder"))
        return [(c.status, c.attempts) for c in rows]


async def test_a_reminder_that_fails_to_send_is_sent_at_the_next_tick_once(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李")
        [card] = await bot.say(REP, REPORT)
        await bot.press(REP, card, data_for(card, "确认保存"), replies=2)
        before = bot.fake.reply_count(REP)
        bot.clock.now = datetime(2026, 12, 1, 0, 31, tzinfo=UTC)  # 08:31 on the next date

        bot.fake.fail_next("sendMessage", status=502, times=SEND_ATTEMPTS)  # Telegram is down
        await bot.tick()
        assert bot.fake.reply_count(REP) == before
        assert await reminder_claims(db) == [("failed", 1)]

        await bot.tick()  # the next tick: claimed again and sent
        reminder = await bot.fake.await_reply(REP, after=before)
        assert "今天要跟进「华东机械」：去做演示" in reminder.text
        assert await reminder_claims(db) == [("sent", 2)]
        for _ in range(2):
            await bot.tick()
        await asyncio.sleep(0.2)
        assert bot.fake.reply_count(REP) == before + 1  # exactly once
