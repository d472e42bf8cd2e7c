"""store.drills on SQLite and PostgreSQL: attempts and who may see them, history per drill,
drills added by managers per team, the 今日一练 switch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import drills

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def _attempt(s, user, key, passed, total=3, at=T0):
    return await drills.record_attempt(
        s,
        user,
        drill_key=key,
        drill_title=f"标题{key}",
        turn=0,
        passed=passed,
        total=total,
        answer="回答",
        at=at,
    )


async def test_attempts_are_stored_and_seen_by_their_rep_and_team_manager_only(db, world):
    async with db.transaction() as s:
        await _attempt(s, world.rep_a1, "pb:a", 1)
        await _attempt(s, world.rep_a1, "pb:a", 3)
        await _attempt(s, world.rep_a2, "pb:b", 2)
        await _attempt(s, world.rep_b1, "pb:a", 0)
        await _attempt(s, world.rep_a1, "pb:c", 0, at=T0 - timedelta(days=30))
    window = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    async with db.transaction() as s:
        mine = await drills.attempts_between(s, world.viewer(world.rep_a1), *window)
        team = await drills.attempts_between(s, world.viewer(world.manager_a), *window)
        everyone = await drills.attempts_between(s, world.viewer(world.admin), *window)
        own = await drills.own_attempts_between(s, world.manager_a.id, *window, team_id=world.team_a.id)
        history = await drills.history(s, world.rep_a1.id, team_id=world.team_a.id)
    assert [(a.user_id, a.checks_passed) for a in mine] == [(world.rep_a1.id, 1), (world.rep_a1.id, 3)]
    assert {a.user_id for a in team} == {world.rep_a1.id, world.rep_a2.id}
    assert len(everyone) == 4 and own == []
    assert mine[0].team_id == world.team_a.id and mine[0].answer == "回答"
    assert history["pb:a"].attempts == 2 and history["pb:a"].share == pytest.approx(4 / 6)
    assert history["pb:c"].share == 0.0 and history["pb:c"].drill_title == "标题pb:c"


async def test_an_impossible_score_is_refused(db, world):
    async with db.transaction() as s:
        with pytest.raises(ValueError):
            await _attempt(s, world.rep_a1, "pb:a", 4, total=3)
        with pytest.raises(ValueError):
            await _attempt(s, world.rep_a1, "pb:a", 0, total=0)


async def test_manager_drills_are_per_team_and_the_daily_switch_per_team(db, world):
    data = {"customer": "您好", "checks": [{"check": "a"}, {"check": "b"}]}
    async with db.transaction() as s:
        await drills.add_definition(s, title="华东题", data=data, team_id=world.team_a.id, created_by=None)
        await drills.add_definition(s, title="通用题", data=data, team_id=None, created_by=None)
        await drills.add_definition(s, title="华南题", data=data, team_id=world.team_b.id, created_by=None)
        assert not await drills.daily_drill_enabled(s, world.team_a.id)
        await drills.set_daily_drill(s, world.team_a.id, True)
    async with db.transaction() as s:
        titles = [d.title for d in await drills.definitions_for(s, world.team_a.id)]
        every = await drills.definitions_for(s, None, all_teams=True)
        assert titles == ["华东题", "通用题"] and len(every) == 3
        assert await drills.daily_drill_enabled(s, world.team_a.id)
        assert not await drills.daily_drill_enabled(s, world.team_b.id)
        assert not await drills.daily_drill_enabled(s, None)
        await drills.set_daily_drill(s, world.team_a.id, False)
    async with db.transaction() as s:
        assert not await drills.daily_drill_enabled(s, world.team_a.id)
