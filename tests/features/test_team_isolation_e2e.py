"""No data crosses a team, end to end through the real PTB stack and the fake Bot API: a rep
removed from 华东 who rejoins in 华南 sees nothing of 华东 (and 华东 keeps it all); a quick log
never shows a colleague's figures; forged button data naming another rep's or team's rows is
answered 这个按钮已失效 and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.routes import build_routes
from store import customers, drills, knowledge, tasks, users
from store.access import Viewer
from store.models import Customer, Feedback, Visit, VisitDraft
from tests.support.telegram_harness import button_data, data_for, running_bot

REP, MANAGER, REP2, SOUTH_MANAGER, SOUTH_REP = 2001, 2002, 2003, 2004, 2005
EXPIRED = "这个按钮已失效"
REPORT = "今天去了恒通电气，见了采购部刘总，对方案挺感兴趣，下周二去送报价单，预算30来万"
FOLLOW_UP_DAY = date(2026, 12, 1)  # 下周二 from Monday 2026-11-23


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        await bot.add_user(REP2, "小张", "rep", "华东")
        await bot.add_user(SOUTH_MANAGER, "赵经理", "manager", "华南")
        await bot.add_user(SOUTH_REP, "小钱", "rep", "华南")
        yield bot


async def _user(bot, telegram_id: int):
    async with bot.engine.db.transaction() as session:
        user = await users.get_user_by_telegram_id(session, telegram_id, include_inactive=True)
        assert user is not None
        return user


async def _log_and_save(bot, who: int, report: str = REPORT) -> None:
    [card] = await bot.say(who, report)
    await bot.press(who, card, data_for(card, "确认保存"), replies=2)


async def test_a_removed_rep_who_rejoins_another_team_sees_nothing_of_the_old_one(bot):
    await _log_and_save(bot, REP)
    [left_open] = await bot.say(REP, "今天去了海天机械，见了王工，对方需要跟进")  # a card not confirmed
    rep = await _user(bot, REP)
    manager = await _user(bot, MANAGER)
    async with bot.engine.db.transaction() as session:
        await tasks.create_task(
            session, Viewer.of(manager), "给恒通电气送样品", scope="user", assignee_id=rep.id
        )
        await knowledge.record_gap(session, rep.id, rep.team_id, "华东的底价能给到几折", "abstained")
        # what `coach users remove --telegram-id` does, then an invite to 华南
        assert await users.remove_user(session, rep.id)
        code = await users.create_invite(session, "rep", "华南")
    [gone] = await bot.say(REP, "/visits")
    assert "邀请码" in gone.text  # removed: no access at all
    [welcome] = await bot.say(REP, f"/start {code}")
    assert "欢迎" in welcome.text

    [profile] = await bot.say(REP, "/customer 恒通电气")
    assert "没找到" in profile.text and "30" not in profile.text and "刘总" not in profile.text
    [mine] = await bot.say(REP, "/visits")
    assert "还没有拜访记录" in mine.text and "恒通" not in mine.text
    [todo] = await bot.say(REP, "/tasks")
    assert "送样品" not in todo.text
    [stale] = await bot.press(REP, left_open, data_for(left_open, "确认保存"))
    assert EXPIRED in stale.text and "海天" not in stale.text
    fresh = await bot.say(REP, "今天去了恒通电气，见了陈工，对方需要跟进")  # no pending 华东 drafts offered
    assert len(fresh) == 1 and "海天" not in fresh[0].text and "30" not in fresh[0].text
    bot.clock.now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 on the follow-up day
    start = bot.fake.reply_count(REP)
    await bot.tick()
    assert bot.fake.reply_count(REP) == start  # no reminder about the old team's customer

    # the records stay with 华东 and its manager, not deleted nor moved
    [east] = await bot.say(MANAGER, "/customer 恒通电气")
    assert "恒通电气" in east.text and "30" in east.text and "刘总" in east.text
    [east_visits] = await bot.say(MANAGER, "/visits")
    assert "恒通电气" in east_visits.text and "刘总" in east_visits.text
    [east_gaps] = await bot.say(MANAGER, "/gaps")
    assert "底价" in east_gaps.text
    [south_gaps] = await bot.say(SOUTH_MANAGER, "/gaps")
    assert "底价" not in south_gaps.text
    [south_visits] = await bot.say(SOUTH_MANAGER, "/visits")
    assert "刘总" not in south_visits.text and "送报价单" not in south_visits.text
    async with bot.engine.db.transaction() as session:
        teams = {c.name: c.team_id for c in await session.scalars(select(Customer))}
        assert teams["恒通电气"] == manager.team_id  # the old record, still 华东's
        assert (
            await session.scalar(select(func.count()).select_from(Visit).where(Visit.rep_id == rep.id)) == 1
        )


async def test_a_quick_log_never_shows_a_colleagues_figures(bot):
    """小张 owns 恒通电气 (30万, a next step); 小李 logs a visit there: it is linked to the team's
    record as a joint visit, but the reply shows none of 小张's figures; a 华南 rep is never
    matched to 华东's record."""
    await _log_and_save(bot, REP2)
    async with bot.engine.db.transaction() as session:
        [theirs] = list(await session.scalars(select(Customer)))
    replies = [*await bot.say(REP, "今天去了恒通电气，见了李工，对方需要跟进")]
    replies += await bot.press(REP, replies[0], data_for(replies[0], "确认保存"), replies=2)
    shown = "\n".join(r.text for r in replies)
    assert "30" not in shown and "送报价单" not in shown and "刘总" not in shown, shown
    assert "金额未知" in shown  # the grading suggestion uses only what 小李 reported
    assert all(f"grade:ok:{theirs.id}" not in d for r in replies for d in button_data(r))
    async with bot.engine.db.transaction() as session:
        visits = list(await session.scalars(select(Visit).order_by(Visit.id)))
        record = await session.get(Customer, theirs.id, populate_existing=True)
    rep = await _user(bot, REP)
    assert [(v.rep_id, v.customer_id) for v in visits][-1] == (rep.id, theirs.id)  # a joint visit
    assert record is not None and record.expected_amount_wan == 30 and record.owner_id != rep.id
    # the reminder's 记录拜访 button of that joint visit opens the form again, by the name only
    [form] = await bot.press(REP, replies[0], f"logc:{theirs.id}")
    assert "已失效" not in form.text and "30" not in form.text

    south = [*await bot.say(SOUTH_REP, "今天去了恒通电气，见了李工，对方需要跟进")]
    south += await bot.press(SOUTH_REP, south[0], data_for(south[0], "确认保存"), replies=2)
    assert "30" not in "\n".join(r.text for r in south)
    async with bot.engine.db.transaction() as session:
        last = (await session.scalars(select(Visit).order_by(Visit.id.desc()))).first()
    assert last is not None and last.customer_id != theirs.id and last.customer.team_id != theirs.team_id


async def _rows_of_rep(bot) -> dict[str, int | str]:
    """小李 (华东) leaves one of each row a button can name: a customer with a grade, a saved
    visit, an open draft, an answer to vote on, a gap, a team drill."""
    await _log_and_save(bot, REP)
    [card] = await bot.say(REP, "今天去了海天机械，见了王工，对方需要跟进")
    draft_id = int(data_for(card, "确认保存").split(":")[1])
    rep = await _user(bot, REP)
    async with bot.engine.db.transaction() as session:
        [customer] = list(await session.scalars(select(Customer)))
        [visit] = list(await session.scalars(select(Visit)))
        answer = await knowledge.record_answer(session, rep.id, "嫌贵怎么办", "先问预算", [])
        gap = await knowledge.record_gap(session, rep.id, rep.team_id, "华东的底价能给到几折", "abstained")
        drill = await drills.add_definition(
            session, title="华东专属：底价谈判", data={}, team_id=rep.team_id, created_by=rep.id
        )
        await customers.update_customer(session, Viewer.of(rep), customer.id, stars=4, grade="B")
    return {"c": customer.id, "v": visit.id, "d": draft_id, "f": answer.id, "g": gap.id, "k": drill.id}


LEAKS = ("恒通", "海天", "刘总", "王工", "30", "底价", "华东专属", "4星", "B类", "小李")
FORGED = (  # every button prefix of bot/routes.py but the tasks' and /teach's, with its actions
    "cust:{c}",
    "logc:{c}",
    "grade:stars:{c}",
    "grade:class:{c}",
    "grade:ok:{c}:1:D",
    "grade:s:{c}:1",
    "grade:g:{c}:D",
    "vis:{v}",
    "vis:{v}:edit",
    "vis:{v}:void",
    "vis:{v}:voidok",
    "vd:{d}:save",
    "vd:{d}:cancel",
    "vd:{d}:keep",
    "vd:{d}:back",
    "vote:{f}:1",
    "vote:{f}:-1",
    "drl:start:db:{k}",
    "drl:again:db:{k}",
)


@pytest.mark.parametrize("presser", [REP2, SOUTH_REP, SOUTH_MANAGER])
async def test_forged_buttons_naming_others_rows_are_expired_and_leak_nothing(bot, presser):
    ids = await _rows_of_rep(bot)
    table = [*FORGED, *(["gteach:{g}"] if presser == SOUTH_MANAGER else [])]
    if presser == SOUTH_MANAGER:  # a manager of another team: nothing of 华东 either
        table.remove("vis:{v}")
    [anchor] = await bot.say(presser, "/help")
    for pattern in table:
        data = pattern.format(**ids)
        [reply] = await bot.press(presser, anchor, data)
        assert EXPIRED in reply.text, (data, reply.text)
        assert not [word for word in LEAKS if word in reply.text], (data, reply.text)
    async with bot.engine.db.transaction() as session:
        customer = await session.get(Customer, ids["c"], populate_existing=True)
        visit = await session.get(Visit, ids["v"], populate_existing=True)
        draft = await session.get(VisitDraft, ids["d"], populate_existing=True)
        answer = await session.get(Feedback, ids["f"], populate_existing=True)
    assert customer is not None and (customer.stars, customer.grade) == (4, "B")
    assert visit is not None and visit.voided_at is None
    assert draft is not None and draft.status == "open"
    assert answer is not None and answer.vote is None


async def test_a_manager_sees_the_team_visit_but_not_another_teams(bot):
    """The one button a manager may press on a rep's row: opening a visit of the team."""
    ids = await _rows_of_rep(bot)
    [anchor] = await bot.say(MANAGER, "/help")
    [card] = await bot.press(MANAGER, anchor, f"vis:{ids['v']}")
    assert "恒通电气" in card.text
    [other] = await bot.say(SOUTH_MANAGER, "/help")
    [refused] = await bot.press(SOUTH_MANAGER, other, f"vis:{ids['v']}")
    assert EXPIRED in refused.text and "恒通" not in refused.text


def test_the_forged_table_covers_every_button_route():
    """A new button prefix needs its row in FORGED (the tasks' buttons are tested with /task, the
    documents' in tests/features/documents/test_documents.py, another team's delete included)."""
    covered = {pattern.split(":")[0] for pattern in FORGED} | {"gteach"}
    tested_elsewhere = {"td", "tn", "tstop", "docs"}
    assert set(build_routes().buttons) == covered | tested_elsewhere
