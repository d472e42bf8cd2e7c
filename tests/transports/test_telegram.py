"""The chat bot end to end: real PTB Application over HTTP, fake Bot API, real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.transports.telegram import bot_api_urls, split_text
from store import knowledge, users
from store.db import Database
from store.models import Feedback, KnowledgeGap
from tests.support.telegram_harness import button_data, running_bot

REP, MANAGER, STRANGER = 1001, 1002, 666


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        yield bot


async def test_a_stranger_gets_one_short_message_and_nothing_else(bot):
    [reply] = await bot.say(STRANGER, "客户一上来就问多少钱")
    assert "邀请码" in reply.text and "先了解" not in reply.text
    assert reply.reply_markup is None


async def test_registration_by_invite_then_answers_with_sources_and_feedback(bot):
    async with bot.engine.db.transaction() as session:
        code = await users.create_invite(session, "rep", "华东")
    [welcome] = await bot.say(2001, f"/start {code}")
    assert "欢迎加入" in welcome.text
    [again] = await bot.say(2002, f"/start {code}")
    assert "用过" in again.text

    [answer] = await bot.say(2001, "客户一上来就问多少钱，怎么回")
    assert "先了解一下咱们的情况" in answer.text and "来源" in answer.text and "price-card.md" in answer.text
    assert any(c.method == "sendChatAction" for c in bot.fake.calls())
    _up, down = button_data(answer)
    [thanks] = await bot.press(2001, answer, down)
    assert "已记给主管" in thanks.text
    async with bot.engine.db.transaction() as session:
        feedback = await session.get(Feedback, int(down.split(":")[1]))
        assert feedback.vote == -1 and feedback.question == "客户一上来就问多少钱，怎么回"
        gaps = list(await session.scalars(select(KnowledgeGap)))
        assert [g.reason for g in gaps] == ["downvoted"]


async def test_an_unanswerable_question_is_abstained_and_recorded_as_a_gap(bot):
    [reply] = await bot.say(REP, "明天杭州天气怎么样，会下雪吗")
    assert "没有找到" in reply.text and reply.reply_markup is None
    async with bot.engine.db.transaction() as session:
        gaps = await knowledge.list_gaps(session, (await _viewer(session, MANAGER)))
    assert [g.question for g in gaps] == ["明天杭州天气怎么样，会下雪吗"]


async def test_illegal_tactics_are_refused_in_chat(bot):
    [reply] = await bot.say(REP, "采购科长暗示要点好处，返几个点合适")
    assert "商业贿赂" in reply.text and reply.reply_markup is None


async def test_restart_in_the_middle_of_a_conversation_resumes(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as first:
        await first.add_user(REP, "小李")
        [prompt] = await first.say(REP, "/ask")
        assert "请输入你的问题" in prompt.text
    async with running_bot(settings, db.url, module_kb) as second:  # a new process, same database
        [answer] = await second.say(REP, "客户说要再考虑考虑怎么办")
        assert "約定下次溝通的具體日期" in answer.text or "约定下次" in answer.text


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (lambda fake: fake.push_sticker(REP), "贴纸"),
        (lambda fake: fake.push_photo(REP), "图片"),
        (lambda fake: fake.push_message(REP, "长" * 5000), "太长"),
        (lambda fake: fake.push_message(REP, "/nosuchcommand"), "没有 /nosuchcommand"),
        (lambda fake: fake.push_message(REP, "/cancel"), "没有进行中"),
    ],
)
async def test_odd_input_gets_a_clear_answer_and_the_bot_keeps_running(bot, send, expected):
    start = bot.fake.reply_count(REP)
    send(bot.fake)
    reply = await bot.fake.await_reply(REP, after=start)
    assert expected in reply.text
    [answer] = await bot.say(REP, "客户一上来就问多少钱")
    assert "先了解" in answer.text


async def test_sql_looking_and_emoji_only_text_is_just_a_question(bot):
    [reply] = await bot.say(REP, "'; DROP TABLE users; --")
    assert reply.text
    [reply] = await bot.say(REP, "😀😀😀")
    assert reply.text
    async with bot.engine.db.transaction() as session:
        assert (await users.get_user_by_telegram_id(session, REP)) is not None


async def test_telegram_429_is_waited_out(bot):
    bot.fake.fail_next("sendMessage", status=429, retry_after=1)
    [reply] = await bot.say(REP, "客户一上来就问多少钱")
    assert "先了解" in reply.text
    failed = [c for c in bot.fake.calls("sendMessage") if c.status == 429]
    assert len(failed) == 1


async def test_network_errors_on_send_are_retried(bot):
    bot.fake.fail_next("sendMessage", status=502, retry_after=None)
    [reply] = await bot.say(REP, "/whoami")
    assert "小李" in reply.text


async def test_command_menus_are_registered_per_role(bot):
    await bot.say(MANAGER, "/whoami")  # a manager added while the bot runs gets the menu on first contact
    await bot.fake.await_calls("setMyCommands", predicate=lambda c: "scope" in c.params)
    rep_menu = {c["command"] for c in bot.fake.my_commands()}
    manager_menu = {c["command"] for c in bot.fake.my_commands({"type": "chat", "chat_id": MANAGER})}
    assert {"help", "ask", "whoami", "cancel"} <= rep_menu
    assert rep_menu <= manager_menu


async def test_whoami_and_help(bot):
    [who] = await bot.say(MANAGER, "/whoami")
    assert "王经理" in who.text and "主管" in who.text and "华东" in who.text
    [help_] = await bot.say(REP, "/help")
    assert "/ask" in help_.text


def test_long_text_is_split_under_the_telegram_limit():
    text = "\n\n".join("段落" * 300 for _ in range(10))
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


async def _viewer(session, telegram_id):
    from store.access import Viewer

    user = await users.get_user_by_telegram_id(session, telegram_id)
    return Viewer(user.id, user.role, user.team_id)


async def test_two_engines_on_one_database_behave_as_one(settings, db, module_kb):
    from bot.app import build_engine
    from bot.engine.messages import Incoming

    first = await build_engine(settings, kb=module_kb, db=Database(db.url))
    second = await build_engine(settings, kb=module_kb, db=Database(db.url))
    try:
        async with first.db.transaction() as session:
            await users.add_user(session, REP, "小李", "rep", "华东")
        prompt = await first.handle(Incoming(REP, "小李", "text", "/ask"))
        assert "请输入你的问题" in prompt.replies[0].text
        answer = await second.handle(Incoming(REP, "小李", "text", "客户一上来就问多少钱"))
        assert "先了解" in answer.replies[0].text
        after = await first.handle(Incoming(REP, "小李", "text", "/cancel"))
        assert "没有进行中" in after.replies[0].text  # the first process sees the flow ended
    finally:
        await first.db.dispose()
        await second.db.dispose()


async def test_a_demoted_user_inside_a_manager_flow_is_stopped_at_the_door(settings, db, module_kb):
    from bot.app import build_engine
    from bot.engine.messages import Incoming
    from store import conversations

    engine = await build_engine(settings, kb=module_kb, db=Database(db.url))
    try:
        async with engine.db.transaction() as session:
            user = await users.add_user(session, MANAGER, "王经理", "manager", "华东")
        started = await engine.handle(Incoming(MANAGER, "王经理", "text", "/task"))
        assert started.replies
        async with engine.db.transaction() as session:
            assert (await conversations.load_state(session, user.id)).flow == "task"
            await users.add_user(session, MANAGER, "王经理", "rep", "华东")  # demoted mid-flow
        refused = await engine.handle(Incoming(MANAGER, "王经理", "text", "小李"))
        assert "只对主管开放" in refused.replies[0].text
        async with engine.db.transaction() as session:
            assert await conversations.load_state(session, user.id) is None
    finally:
        await engine.db.dispose()


@pytest.mark.parametrize(
    "base",
    [
        "http://localhost:8081",
        "http://localhost:8081/",
        "http://localhost:8081/bot",
        "http://localhost:8081/bot/",
    ],
)
def test_the_bot_api_base_url_is_the_server_root_or_ptbs_form_ending_in_bot(base):
    assert bot_api_urls(base) == ("http://localhost:8081/bot", "http://localhost:8081/file/bot")


async def test_a_base_url_in_ptbs_own_form_reaches_the_server(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb, api_path="/bot") as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        [reply] = await bot.say(REP, "/whoami")
        assert "小李" in reply.text
