"""Asking in chat: input empty of meaning gets a typing hint and is not a knowledge gap; sources
name their section; refusals name the category."""

from __future__ import annotations

import pytest

from store import knowledge, users
from store.access import Viewer
from tests.support.telegram_harness import running_bot

REP, MANAGER = 1101, 1102


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        yield bot


async def _gaps(bot):
    async with bot.engine.db.transaction() as session:
        manager = await users.get_user_by_telegram_id(session, MANAGER)
        return await knowledge.list_gaps(session, Viewer.of(manager))


@pytest.mark.slow
async def test_emoji_and_punctuation_get_a_hint_and_no_gap(bot):
    for message in ("😀😀", "/", "？？", "好"):
        [reply] = await bot.say(REP, message)
        if message == "/":
            continue  # a lone slash is handled as a command by the engine
        assert "请直接打字提问" in reply.text and reply.reply_markup is None
    assert await _gaps(bot) == []


@pytest.mark.slow
async def test_answers_show_simplified_text_and_sources_name_their_section(bot):
    [reply] = await bot.say(REP, "客户说要再考虑考虑怎么办")
    assert "约定下次沟通的具体日期" in reply.text and "約定" not in reply.text
    assert "客户说要再考虑考虑怎么办" in reply.text.split("来源")[1]  # the FAQ item's own title
