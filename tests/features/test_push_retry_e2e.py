"""A scheduled message that fails to send is sent again by a later tick, once, end to end through
the real PTB stack: the fake Bot API refuses the reminder's sendMessage, the transport reports it
back, the claim is marked failed, and the next tick claims and sends it. A reminder claimed by a
process killed before it sent it is taken over once the claim's lease has run out."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.features.visit_reminders import CLAIM_KIND, reminder_key
from bot.transports.telegram import SEND_ATTEMPTS
from store import Database, visits
from store.claims import CLAIM_LEASE
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


async def test_a_reminder_claimed_by_a_process_that_crashed_is_sent_after_the_lease_once(
    settings, db, module_kb
):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李")
        [card] = await bot.say(REP, REPORT)
        await bot.press(REP, card, data_for(card, "确认保存"), replies=2)
        before = bot.fake.reply_count(REP)
        bot.clock.now = datetime(2026, 12, 1, 0, 31, tzinfo=UTC)  # 08:31 on the next date

        # Another bot process claims the reminder at this tick and is killed before sending it.
        crashed = Database(db.url)
        try:
            async with crashed.transaction() as session:
                due = await visits.due_reminders(session, date(2026, 12, 1))
            keys = [reminder_key(v) for v in due]
            assert await crashed.claim_each(CLAIM_KIND, keys, "crashed-process", at=bot.clock.now) == keys
        finally:
            await crashed.dispose()

        await bot.tick()  # within the lease: the claim may still be on its way
        await asyncio.sleep(0.2)
        assert bot.fake.reply_count(REP) == before
        assert await reminder_claims(db) == [("claimed", 1)]

        bot.clock.advance(seconds=CLAIM_LEASE.total_seconds() + 60)
        await bot.tick()  # the lease ran out: this process takes it over and sends it
        reminder = await bot.fake.await_reply(REP, after=before)
        assert "今天要跟进「华东机械」：去做演示" in reminder.text
        assert await reminder_claims(db) == [("sent", 2)]
        for _ in range(2):
            bot.clock.advance(seconds=CLAIM_LEASE.total_seconds() + 60)
            await bot.tick()
        await asyncio.sleep(0.2)
        assert bot.fake.reply_count(REP) == before + 1  # exactly once
