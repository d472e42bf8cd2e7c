"""Customers: name normalization, fuzzy find, get-or-create, contacts; visits and reminders."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from store import Database, Viewer, customers, visits
from store.customers import normalize_company_name

if TYPE_CHECKING:
    from tests.support.store_fixtures import World

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("华东机械有限公司", "华东机械"),
        ("江苏省华东重工集团股份有限公司", "华东重工"),
        ("上海市华联超市有限公司", "华联超市"),
        ("华联超市有限公司", "华联超市"),
        ("南京市金陵电子有限责任公司", "金陵电子"),
        ("华东机械（上海）有限公司", "华东机械"),
        ("  华东 机械  ", "华东机械"),
        ("广西壮族自治区南宁市绿城科技有限公司", "绿城科技"),
        ("公司", "公司"),
        ("深圳市城市之光有限公司", "城市之光"),
        ("ACME Co., Ltd.", "acme"),
    ],
)
async def test_normalize_company_name(raw: str, normalized: str) -> None:
    assert normalize_company_name(raw) == normalized


async def _customers(db: Database, w: World) -> Viewer:
    v = Viewer.of(w.rep_a1)
    async with db.transaction() as s:
        for name in (
            "华东机械有限公司",
            "江苏省华东重工集团股份有限公司",
            "上海市华联超市有限公司",
            "南京市金陵电子有限公司",
            "华东机械设备安装工程公司",
        ):
            await customers.get_or_create_customer(s, v, name)
    return v


async def test_find_customers_prefix_contains_and_exact_first(db: Database, world: World) -> None:
    v = await _customers(db, world)
    async with db.transaction() as s:
        found = [c.name for c in await customers.find_customers(s, v, "华东")]
        assert found[0] == "华东机械有限公司"
        assert set(found) == {
            "华东机械有限公司",
            "华东机械设备安装工程公司",
            "江苏省华东重工集团股份有限公司",
        }
        exact = await customers.find_customers(s, v, "华东机械股份有限公司")
        assert [c.name for c in exact][:1] == ["华东机械有限公司"]
        assert [c.name for c in await customers.find_customers(s, v, "金陵")] == ["南京市金陵电子有限公司"]
        assert [c.name for c in await customers.find_customers(s, v, "上海市华联")] == [
            "上海市华联超市有限公司"
        ]
        assert await customers.find_customers(s, v, "100%") == []
        assert await customers.find_customers(s, v, "   ") == []


async def test_find_customers_tolerates_typos(db: Database, world: World) -> None:
    v = await _customers(db, world)
    async with db.transaction() as s:
        found = [c.name for c in await customers.find_customers(s, v, "华冬机械")]
        assert found[0] == "华东机械有限公司"
        assert await customers.find_customers(s, v, "完全无关的名字") == []


async def test_find_customers_respects_visibility(db: Database, world: World) -> None:
    await _customers(db, world)
    async with db.transaction() as s:
        assert await customers.find_customers(s, Viewer.of(world.rep_b1), "华东") == []
        assert await customers.find_customers(s, Viewer.of(world.manager_b), "华冬机械") == []
        assert len(await customers.find_customers(s, Viewer.of(world.manager_a), "华东")) == 3


async def test_get_or_create_matches_normalized_name_within_team(db: Database, world: World) -> None:
    async with db.transaction() as s:
        a1 = Viewer.of(world.rep_a1)
        first, created = await customers.get_or_create_customer(s, a1, "华东机械有限公司", industry="制造")
        assert created and first.team_id == world.team_a.id and first.owner_id == world.rep_a1.id
        again, created = await customers.get_or_create_customer(
            s, Viewer.of(world.rep_a2), "华东机械股份有限公司"
        )
        assert not created and again.id == first.id
        other_team, created = await customers.get_or_create_customer(s, Viewer.of(world.rep_b1), "华东机械")
        assert created and other_team.id != first.id
        with pytest.raises(ValueError):
            await customers.get_or_create_customer(s, a1, "新客户", grade="E")


async def test_update_customer_and_contacts(db: Database, world: World) -> None:
    v = Viewer.of(world.rep_a1)
    async with db.transaction() as s:
        c, _ = await customers.get_or_create_customer(s, v, "华东机械有限公司")
        updated = await customers.update_customer(
            s, v, c.id, grade="A", stars=4, milestone="技术突破", expected_amount_wan=120.5, region="苏州"
        )
        assert (updated.grade, updated.stars, updated.milestone, updated.expected_amount_wan) == (
            "A",
            4,
            "技术突破",
            120.5,
        )
        with pytest.raises(ValueError):
            await customers.update_customer(s, v, c.id, milestone="签约")
        with pytest.raises(ValueError):
            await customers.update_customer(s, v, c.id, stars=6)
        renamed = await customers.update_customer(s, v, c.id, name="华东智能装备有限公司")
        assert renamed.normalized_name == "华东智能装备"
        boss = await customers.add_contact(
            s,
            v,
            c.id,
            "刘总",
            title="总经理",
            phone="13800000000",
            buying_role="决策者",
            stance="支持者",
            personality="D",
        )
        await customers.add_contact(s, v, c.id, "陈工", buying_role="技术评估者")
        with pytest.raises(ValueError):
            await customers.add_contact(s, v, c.id, "x", stance="朋友")
        await customers.update_contact(s, v, boss.id, stance="良师益友")
        listed = await customers.list_contacts(s, v, c.id)
        assert [(x.name, x.stance) for x in listed] == [("刘总", "良师益友"), ("陈工", None)]
        assert await customers.list_contacts(s, Viewer.of(world.rep_b1), c.id) == []
    async with db.transaction() as s:
        fresh = await customers.get_customer(s, v, c.id)
        assert fresh is not None and fresh.expected_amount_wan == 120.5


async def test_visits_reminders_and_reports(db: Database, world: World) -> None:
    v = Viewer.of(world.rep_a1)
    async with db.transaction() as s:
        c, _ = await customers.get_or_create_customer(s, v, "华东机械有限公司")
        first = await visits.add_visit(
            s,
            v,
            c.id,
            visited_on=date(2025, 3, 3),
            kind="上门",
            outcome="need_followup",
            notes="见了刘总",
            next_step="送样品",
            next_date=date(2025, 3, 5),
            amount_wan=30,
        )
        assert first.effective and first.customer.name == "华东机械有限公司"
        no_show = await visits.add_visit(
            s, v, c.id, visited_on=date(2025, 3, 4), kind="电话", outcome="no_show"
        )
        assert not no_show.effective
        with pytest.raises(ValueError):
            await visits.add_visit(s, v, c.id, visited_on=date(2025, 3, 4), kind="喝茶", outcome="no_show")
    async with db.transaction() as s:
        due = await visits.due_reminders(s, date(2025, 3, 5))
        assert [d.id for d in due] == [first.id]
        assert await visits.mark_reminded(s, [first.id]) == 1
        assert await visits.due_reminders(s, date(2025, 3, 5)) == []
        assert await visits.mark_reminded(s, [first.id]) == 0
        recent = await visits.recent_visits(s, v, limit=1)
        assert [r.id for r in recent] == [no_show.id]
        march = await visits.visits_between(s, v, date(2025, 3, 1), date(2025, 3, 3))
        assert [m.id for m in march] == [first.id]
        assert march[0].amount_wan == 30
        assert await visits.count_effective_visits(s, [world.rep_a1.id], date(2025, 3, 4)) == {}
        assert await visits.count_effective_visits(s, [world.rep_a1.id], date(2025, 3, 3)) == {
            world.rep_a1.id: 1
        }
