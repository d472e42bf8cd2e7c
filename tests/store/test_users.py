"""Users, teams, invites and conversation state."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from store import Database, StaleState, User, users
from store.conversations import clear_state, expire_states, load_state, save_state

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_ensure_team_is_idempotent(db: Database) -> None:
    async with db.transaction() as s:
        a = await users.ensure_team(s, "华东")
        b = await users.ensure_team(s, " 华东 ")
        assert a.id == b.id
        assert (a.morning_push, a.evening_summary) == ("09:00", "18:00")
        team = await users.set_team_schedule(s, a.id, morning_push="8:30")
        assert team.morning_push == "08:30"
        with pytest.raises(ValueError):
            await users.set_team_schedule(s, a.id, evening_summary="25:00")


async def test_add_list_remove_users(db: Database) -> None:
    async with db.transaction() as s:
        assert not await users.any_admin_exists(s)
        admin = await users.add_user(s, 1, "管理员", "admin")
        mgr = await users.add_user(s, 2, "王经理", "manager", "华东")
        rep = await users.add_user(s, 3, "张三", "rep", "华东")
        assert await users.any_admin_exists(s)
        assert mgr.team is not None and mgr.team.name == "华东"
        team_id = mgr.team_id
        assert team_id is not None
        assert [u.id for u in await users.managers_of_team(s, team_id)] == [mgr.id]
        assert {u.id for u in await users.users_of_team(s, team_id)} == {mgr.id, rep.id}
        assert len(await users.list_users(s)) == 3
        with pytest.raises(ValueError):
            await users.add_user(s, 4, "x", "boss")

    async with db.transaction() as s:
        assert await users.remove_user(s, rep.id)
        assert not await users.remove_user(s, rep.id)
        assert await users.get_user_by_telegram_id(s, 3) is None
        gone = await users.get_user_by_telegram_id(s, 3, include_inactive=True)
        assert gone is not None and not gone.active
        assert {u.id for u in await users.list_users(s)} == {admin.id, mgr.id}
        # adding again reactivates the same row
        back = await users.add_user(s, 3, "张三", "rep", "华东")
        assert back.id == rep.id and back.active


async def test_invite_create_and_redeem(db: Database) -> None:
    async with db.transaction() as s:
        admin = await users.add_user(s, 1, "管理员", "admin")
        code = await users.create_invite(s, "manager", "华南", timedelta(days=2), created_by=admin.id)
    assert len(code) == 8 and not set(code) & set("0O1IL")
    async with db.transaction() as s:
        # sloppy typing of the code still works
        user = await users.redeem_invite(s, f" {code[:4].lower()}-{code[4:]} ", 555, "赵经理")
        assert isinstance(user, User)
        assert (user.role, user.team.name if user.team else None, user.telegram_id) == (
            "manager",
            "华南",
            555,
        )
    async with db.transaction() as s:
        assert await users.redeem_invite(s, code, 556, "另一个人") == "used"
        assert await users.get_user_by_telegram_id(s, 556) is None


async def test_invite_expired_and_unknown(db: Database) -> None:
    past = datetime.now(UTC) - timedelta(days=3)
    async with db.transaction() as s:
        code = await users.create_invite(s, "rep", "华东", timedelta(days=1), now=past)
        assert await users.redeem_invite(s, code, 7, "张三") == "expired"
        assert await users.redeem_invite(s, "ABCDEFGH", 7, "张三") == "unknown"
        assert await users.get_user_by_telegram_id(s, 7) is None


async def test_invite_redeemed_concurrently_only_once(db: Database) -> None:
    async with db.transaction() as s:
        code = await users.create_invite(s, "rep", "华东")

    async def redeem(tg: int) -> object:
        async with db.transaction() as s:
            result = await users.redeem_invite(s, code, tg, f"u{tg}")
            await asyncio.sleep(0.05)
            return result if isinstance(result, str) else "ok"

    assert sorted(await asyncio.gather(redeem(10), redeem(11))) == ["ok", "used"]


async def test_state_roundtrip_and_optimistic_conflict(db: Database) -> None:
    async with db.transaction() as s:
        user = await users.add_user(s, 1, "张三", "rep")
        assert await load_state(s, user.id) is None
        state = await save_state(s, user.id, "visit", "customer", {"a": 1}, expected_version=None)
        assert state.version == 1

    # two handlers load version 1 at the same time
    async with db.transaction() as s1, db.transaction() as s2:
        first = await load_state(s1, user.id)
        second = await load_state(s2, user.id)
        assert first is not None and second is not None
        assert first.version == second.version == 1
    async with db.transaction() as s:
        saved = await save_state(s, user.id, "visit", "outcome", {"a": 1, "b": "华东"}, expected_version=1)
        assert saved.version == 2
    with pytest.raises(StaleState):
        async with db.transaction() as s:
            await save_state(s, user.id, "visit", "notes", {"lost": True}, expected_version=1)
    with pytest.raises(StaleState):
        async with db.transaction() as s:
            await save_state(s, user.id, "visit", "customer", {}, expected_version=None)
    async with db.transaction() as s:
        state = await load_state(s, user.id)
        assert state is not None
        assert (state.step, state.data, state.version) == ("outcome", {"a": 1, "b": "华东"}, 2)
        assert not await clear_state(s, user.id, expected_version=1)
        assert await clear_state(s, user.id, expected_version=2)
        assert await load_state(s, user.id) is None


async def test_expire_states(db: Database) -> None:
    async with db.transaction() as s:
        a = await users.add_user(s, 1, "甲", "rep")
        b = await users.add_user(s, 2, "乙", "rep")
        await save_state(s, a.id, "f", "s", {}, None)
        await save_state(s, b.id, "f", "s", {}, None)
    async with db.transaction() as s:
        assert await expire_states(s, datetime.now(UTC) - timedelta(hours=1)) == []
        assert await expire_states(s, datetime.now(UTC) + timedelta(seconds=1)) == [a.id, b.id]
        assert await load_state(s, a.id) is None
