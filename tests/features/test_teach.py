"""/teach through the engine: the card form step by step, whose team a taught card belongs to (a
manager's team; an admin chooses 本团队 or 全部团队), and buttons that do not fit the step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from knowledge.taught_answers import indexed_taught_answer_ids, taught_answer_source
from prompts import text
from store import users
from store.models import PlaybookCard
from tests.support.engine_harness import button, buttons, engine_chat

MANAGER, ADMIN, REP = 5001, 5002, 5003
SCRIPT = "先问清对方为什么要找领导商量，再约一个三方会面的时间，把方案要点写成一页纸给对方转交。"


@pytest.fixture
async def chat(settings, db, module_kb):
    async with engine_chat(settings, db.url, module_kb) as chat:
        await chat.add_user(MANAGER, "王经理", "manager", "华东")
        await chat.add_user(ADMIN, "管理员老周", "admin", "总部")
        await chat.add_user(REP, "小李", "rep", "华东")
        yield chat
    for card_id in indexed_taught_answer_ids(module_kb.ingestor):  # the index is shared by the module
        module_kb.index.remove_file(taught_answer_source(card_id))


async def _cards(chat) -> list[PlaybookCard]:
    async with chat.engine.db.transaction() as session:
        return list(await session.scalars(select(PlaybookCard).order_by(PlaybookCard.id)))


async def _team_id(chat, telegram_id: int) -> int | None:
    async with chat.engine.db.transaction() as session:
        return (await users.get_user_by_telegram_id(session, telegram_id)).team_id


async def _teach(chat, who: int, title: str) -> object:
    [pick] = await chat.say(who, "/teach")  # no open gaps: straight to a free card
    assert "标题" in pick.text and list(buttons(pick).values()) == ["teach:no"]
    [script_prompt] = await chat.say(who, title)
    assert title in script_prompt.text and "话术" in script_prompt.text
    [tags_prompt] = await chat.say(who, SCRIPT)
    assert "标签" in tags_prompt.text
    [after_tags] = await chat.say(who, "#领导 异议，拖延")
    return after_tags


async def test_a_managers_card_belongs_to_the_managers_team(chat):
    preview = await _teach(chat, MANAGER, "客户说要找领导商量")
    assert "领导、异议、拖延" in preview.text and "适用" not in preview.text
    [saved] = await chat.press(MANAGER, button(preview, "保存"))
    assert "已加入手册" in saved.text
    [card] = await _cards(chat)
    assert card.team_id == await _team_id(chat, MANAGER) and card.team_id is not None
    assert card.tags == ["领导", "异议", "拖延"]
    [again] = await chat.press(MANAGER, button(preview, "保存"))  # the form is closed: saved once
    assert again.text == text("button_expired") and len(await _cards(chat)) == 1


@pytest.mark.parametrize(("choice", "shared"), [("全部团队", True), ("本团队", False)])
async def test_an_admin_chooses_whether_the_card_is_shared(chat, choice, shared):
    scope = await _teach(chat, ADMIN, "客户说预算冻结了")
    assert scope.text == text("teach_ask_scope") and set(buttons(scope)) == {"本团队", "全部团队"}
    [repeated] = await chat.say(ADMIN, "全部")  # typed: the buttons again
    assert repeated.text == text("teach_ask_scope")
    [preview] = await chat.press(ADMIN, button(scope, choice))
    assert f"适用：{choice}" in preview.text
    await chat.press(ADMIN, button(preview, "保存"))
    [card] = await _cards(chat)
    assert card.team_id == (None if shared else await _team_id(chat, ADMIN))


async def test_buttons_that_do_not_fit_the_step_say_the_button_expired(chat):
    [pick] = await chat.say(MANAGER, "/teach")
    assert "标题" in pick.text
    for data in ("teach:save", "teach:skip", "teach:scope:all", "teach:useq:1", "teach:zz"):
        [reply] = await chat.press(MANAGER, data)
        assert reply.text == text("button_expired"), data
    [empty_title] = await chat.press(MANAGER, "teach:useq")  # a free card has no question to use
    assert empty_title.text == text("teach_ask_title_again")
    await chat.say(MANAGER, "客户说要找领导商量")
    [too_long] = await chat.say(MANAGER, "话" * 1501)
    assert "1500" in too_long.text
    [cancelled] = await chat.press(MANAGER, "teach:no")
    assert cancelled.text == text("cancelled") and await _cards(chat) == []
    [forged] = await chat.press(MANAGER, "teach:scope:all")  # no flow open any more
    assert forged.text == text("button_expired")
