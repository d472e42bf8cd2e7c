"""The engine at the door and at the fork: strangers, roles, commands, buttons, plain text and
open flows, driven through Engine.handle (tests/support/engine_harness.py)."""

from __future__ import annotations

import pytest

from bot.engine.core import MAX_INPUT_CHARS
from store import users
from tests.support.engine_harness import button, engine_chat

REP, MANAGER, STRANGER = 2001, 2002, 2999


@pytest.fixture
async def chat(settings, db, module_kb):
    async with engine_chat(settings, db.url, module_kb) as chat:
        await chat.add_user(REP, "小李", "rep", "华东")
        await chat.add_user(MANAGER, "王经理", "manager", "华东")
        yield chat


async def test_a_stranger_is_turned_away_until_an_invite_is_redeemed(chat):
    [reply] = await chat.say(STRANGER, "客户嫌贵怎么回")
    assert "只对团队成员开放" in reply.text
    [reply] = await chat.say(STRANGER, "/start WRONGCODE")
    assert "邀请码不对" in reply.text
    async with chat.engine.db.transaction() as session:
        invite = await users.create_invite(session, "rep", "华东")
    [reply] = await chat.say(STRANGER, f"/start {invite}")
    assert "欢迎加入" in reply.text
    [reply] = await chat.say(STRANGER, "/whoami")
    assert "身份：销售" in reply.text and "团队：华东" in reply.text


async def test_commands_unknown_ones_and_the_manager_only_ones(chat):
    [reply] = await chat.say(REP, "/nosuch")
    assert "没有 /nosuch 这个命令" in reply.text
    [reply] = await chat.say(REP, "/task 小李 明天回电话")
    assert reply.text == "这个功能只对主管开放。"
    [reply] = await chat.say(REP, "/help")
    assert "/log —" in reply.text and "/task —" not in reply.text and "/report" not in reply.text
    [reply] = await chat.say(MANAGER, "/help")
    assert "/task —" in reply.text and "/report —" in reply.text


async def test_forged_or_stale_buttons_and_odd_input_get_a_clear_message(chat):
    for data in ("nosuch:1", "grade:ok:x", "td:abc", "cust:", "visit:set:customer:0", "", ":::"):
        replies = await chat.press(REP, data)
        assert replies and all(r.text for r in replies), data
    [reply] = await chat.press(REP, "tstop:1")
    assert reply.text == "这个功能只对主管开放。"
    [reply] = await chat.say(REP, "字" * (MAX_INPUT_CHARS + 1))
    assert str(MAX_INPUT_CHARS) in reply.text
    [reply] = await chat.send_unsupported(REP, "贴纸")
    assert "贴纸" in reply.text
    [reply] = await chat.say(REP, "   ")
    assert "请输入文字" in reply.text


async def test_plain_text_runs_down_the_chain_question_or_visit_report(chat):
    [answer] = await chat.say(REP, "客户嫌贵怎么办")
    assert answer.text and "拜访" not in answer.text.split("\n")[0]
    [card] = await chat.say(REP, "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示")
    assert "客户：华东机械" in card.text and button(card, "确认保存") == "visit:save"
    # At the open summary card a question is answered and the card stays open …
    replies = await chat.say(REP, "客户嫌贵怎么办")
    assert len(replies) == 2 and "还没保存" in replies[-1].text
    # … and a new report replaces it.
    [card] = await chat.say(REP, "今天去了华南电子，见了技术部陈工，对方案挺感兴趣")
    assert "客户：华南电子" in card.text
    [saved, _grading] = await chat.press(REP, button(card, "确认保存"))
    assert "华南电子" in saved.text
