"""/task through the engine: the guided form (target, content, review buttons), forged target
buttons that must show no one outside the manager's reach, /schedule, /report, and reps refused
at the managers' commands."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from prompts import text
from store import conversations, users
from store.models import Task, User
from tests.support.engine_harness import button, buttons, engine_chat

REP, REP2, MANAGER, OTHER_MANAGER, OTHER_REP, ADMIN = 3001, 3002, 3003, 3004, 3005, 3006
EXPIRED = text("button_expired")


@pytest.fixture
async def chat(settings, db, module_kb):
    async with engine_chat(settings, db.url, module_kb) as chat:  # 09:00 local
        await chat.add_user(REP, "小李", "rep", "华东")
        await chat.add_user(REP2, "小王", "rep", "华东")
        await chat.add_user(MANAGER, "王经理", "manager", "华东")
        await chat.add_user(OTHER_MANAGER, "赵经理", "manager", "华南")
        await chat.add_user(OTHER_REP, "小陈", "rep", "华南")
        await chat.add_user(ADMIN, "管理员老周", "admin", None)
        yield chat


async def _people(chat) -> dict[int, User]:
    """Every user by database id."""
    async with chat.engine.db.transaction() as session:
        return {u.id: u for u in await session.scalars(select(User))}


async def _tasks(chat) -> list[Task]:
    async with chat.engine.db.transaction() as session:
        return list(await session.scalars(select(Task).order_by(Task.id)))


async def test_the_guided_task_form(chat):
    [ask] = await chat.say(MANAGER, "/task")
    targets = buttons(ask)
    assert "task:to:team" in targets.values() and len(targets) == 4  # 全组, 小李, 小王, 取消
    [prompt] = await chat.press(MANAGER, targets["小王"])
    assert "小王" in prompt.text
    [review] = await chat.say(MANAGER, "每天拜访3家客户")
    assert "重复：每天" in review.text and "每日指标：3" in review.text
    [again] = await chat.press(MANAGER, button(review, "只一次"))
    assert "重复：只一次" in again.text and again.replace_pressed
    [dated] = await chat.press(MANAGER, button(again, "明天"))
    assert "截止：11月24日" in dated.text
    [published] = await chat.press(MANAGER, button(dated, "发布"))
    assert "已发布" in published.text
    [task] = await _tasks(chat)
    assert (task.scope, task.recurrence, task.quota_visits) == ("user", None, 3)
    assert task.due_date.isoformat() == "2026-11-24"
    [tasks_view, _own] = await chat.say(MANAGER, "/tasks")
    assert "[小王] 每天拜访3家客户" in tasks_view.text
    [stopped] = await chat.press(MANAGER, button(tasks_view, "停用"))
    assert "已停用" in stopped.text
    [pressed_again] = await chat.press(MANAGER, button(dated, "发布"))  # the form is closed
    assert pressed_again.text == EXPIRED
    assert len(await _tasks(chat)) == 1


async def test_a_typed_name_a_pending_line_and_cancel(chat):
    [ask] = await chat.say(MANAGER, "/task 老张 周五前提交方案")  # no such person: whom is it for?
    assert "没找到“老张”" in ask.text
    [review] = await chat.say(MANAGER, "小李")
    assert "对象：小李" in review.text and "内容：老张 周五前提交方案" in review.text  # the whole line
    [cancelled] = await chat.press(MANAGER, button(review, "取消"))
    assert cancelled.text == text("cancelled") and await _tasks(chat) == []
    [unknown] = await chat.say(MANAGER, "/task")
    [still] = await chat.say(MANAGER, "小陈")  # 华南's rep is not this manager's to give tasks to
    assert "没找到" in still.text and "小陈" not in str(buttons(still))
    [content] = await chat.press(MANAGER, button(unknown, "全组"))
    assert "给【全组】布置什么任务" in content.text
    [problem] = await chat.say(MANAGER, "2月30日前交周报")  # an impossible date is named
    assert "2月" in problem.text and await _tasks(chat) == []


async def test_forged_target_buttons_show_only_the_managers_own_team(chat):
    people = await _people(chat)
    reachable = {p.name for p in people.values() if p.team_id == people_by(people, MANAGER).team_id}
    for person_id in [*people, max(people) + 1, max(people) + 50]:
        await chat.say(MANAGER, "/task")
        [reply] = await chat.press(MANAGER, f"task:to:{person_id}")
        person = people.get(person_id)
        if person is not None and person.name in reachable:
            assert person.name in reply.text  # 给【小李】布置什么任务？
            await chat.say(MANAGER, "/cancel")
        else:
            assert reply.text == EXPIRED, (person_id, reply.text)
            assert all(p.name not in reply.text for p in people.values())
    for person_id in people:  # an admin may give tasks to everyone
        await chat.say(ADMIN, "/task")
        [reply] = await chat.press(ADMIN, f"task:to:{person_id}")
        assert people[person_id].name in reply.text
        await chat.say(ADMIN, "/cancel")


def people_by(people: dict[int, User], telegram_id: int) -> User:
    return next(p for p in people.values() if p.telegram_id == telegram_id)


async def test_buttons_of_another_step_say_the_button_expired(chat):
    [ask] = await chat.say(MANAGER, "/task")
    for data in ("task:ok", "task:due:2026-11-24", "task:rep:daily", "task:rep:weekly", "task:to:team:1"):
        [reply] = await chat.press(MANAGER, data)
        assert reply.text == EXPIRED, data
    [prompt] = await chat.press(MANAGER, button(ask, "小李"))
    [review] = await chat.say(MANAGER, "今天回访华东机械")
    assert "小李" in prompt.text and "请确认任务" in review.text
    for data in ("task:to:team", "task:due:2026-02-30", "task:due:tomorrow"):
        [reply] = await chat.press(MANAGER, data)
        assert reply.text == EXPIRED, data
    async with chat.engine.db.transaction() as session:
        manager = await users.get_user_by_telegram_id(session, MANAGER)
        state = await conversations.load_state(session, manager.id)
    assert state.step == "review" and state.data["title"] == "今天回访华东机械"  # nothing changed


async def test_reps_are_refused_the_managers_commands(chat):
    for command in (
        "/task 小王 明天拜访客户",
        "/task",
        "/report",
        "/export",
        "/gaps",
        "/teach",
        "/schedule 08:00",
    ):
        [reply] = await chat.say(REP, command)
        assert "只对主管开放" in reply.text, command
    for data in ("gteach:free", "task:to:team", "teach:save"):
        [forged] = await chat.press(REP, data)
        assert "只对主管开放" in forged.text or forged.text == EXPIRED, data
    [help_] = await chat.say(REP, "/help")
    assert "/tasks" in help_.text and "/task " not in help_.text and "/report" not in help_.text
    async with chat.engine.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Task)) == 0


async def test_the_schedule_is_per_team_and_kept_in_the_database(chat):
    [shown] = await chat.say(MANAGER, "/schedule")
    assert "09:00" in shown.text and "18:00" in shown.text
    [changed] = await chat.say(MANAGER, "/schedule 9:30 17:45")
    assert "09:30" in changed.text and "17:45" in changed.text
    [bad] = await chat.say(MANAGER, "/schedule 25:00")
    assert "格式" in bad.text
    await chat.say(MANAGER, "/task 小李 今天拜访华东机械")
    assert [o for o in await chat.tick() if o.recipient_id == REP] == []  # 09:00 < 09:30: nothing yet
    chat.clock.advance(minutes=30)
    pushes = [o for o in await chat.tick() if o.recipient_id == REP]
    assert len(pushes) == 1 and "今天拜访华东机械" in pushes[0].reply.text
