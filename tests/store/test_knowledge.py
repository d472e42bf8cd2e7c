"""Knowledge gaps, feedback and manager-taught playbook cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from store import Database, Viewer, knowledge
from store.knowledge import normalize_question

if TYPE_CHECKING:
    from tests.support.store_fixtures import World

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_normalize_question() -> None:
    assert normalize_question("请问：客户说太贵了怎么办？") == normalize_question("客户说太贵了怎么办呢")
    assert normalize_question(" How to  CLOSE? ") == "howtoclose"


async def test_gaps_grouped_most_frequent_first(db: Database, world: World) -> None:
    a = world.team_a.id
    async with db.transaction() as s:
        await knowledge.record_gap(s, world.rep_a1.id, a, "客户说太贵了怎么办？", "abstained")
        await knowledge.record_gap(s, world.rep_a2.id, a, "请问客户说太贵了怎么办呢", "downvoted")
        await knowledge.record_gap(s, world.rep_a1.id, a, "客户说太贵了怎么办", "abstained")
        await knowledge.record_gap(s, world.rep_a2.id, a, "怎么约技术负责人", "abstained")
        await knowledge.record_gap(s, world.rep_a1.id, a, "招标前要准备什么", "abstained")
        await knowledge.record_gap(s, world.rep_a2.id, a, "招标前要准备什么？", "abstained")
        with pytest.raises(ValueError):
            await knowledge.record_gap(s, world.rep_a1.id, a, "x", "confused")
    async with db.transaction() as s:
        groups = await knowledge.list_gaps(s, Viewer.of(world.manager_a))
        assert [(g.count, g.users) for g in groups] == [(3, 2), (2, 2), (1, 1)]
        assert groups[0].question == "客户说太贵了怎么办"  # the latest wording
        assert len(groups[0].gap_ids) == 3
        assert groups[0].last_asked.tzinfo is not None
        assert [g.count for g in await knowledge.list_gaps(s, Viewer.of(world.rep_a1))] == [2, 1]
        assert len(await knowledge.list_gaps(s, Viewer.of(world.manager_a), limit=1)) == 1


async def test_card_resolves_gaps_and_tells_askers_once(db: Database, world: World) -> None:
    a, b = world.team_a.id, world.team_b.id
    async with db.transaction() as s:
        await knowledge.record_gap(s, world.rep_a1.id, a, "客户说太贵了怎么办？", "abstained")
        await knowledge.record_gap(s, world.rep_a2.id, a, "客户说太贵了怎么办", "downvoted")
        await knowledge.record_gap(s, world.rep_b1.id, b, "客户说太贵了怎么办", "abstained")
        card = await knowledge.add_card(
            s,
            "价格异议",
            "先认同，再拆分价值……",
            tags=["价格", "异议"],
            created_by=world.manager_a.id,
            team_id=a,
        )
        resolved = await knowledge.resolve_gaps(s, card, ["客户说太贵了怎么办？"])
        assert {g.user_id for g in resolved} == {world.rep_a1.id, world.rep_a2.id}  # not team B's
        assert await knowledge.users_to_notify(s, card.id) == sorted([world.rep_a1.id, world.rep_a2.id])
        assert await knowledge.mark_notified(s, card.id, [world.rep_a1.id]) == 1
        assert await knowledge.users_to_notify(s, card.id) == [world.rep_a2.id]
        assert await knowledge.mark_notified(s, card.id) == 1
        assert await knowledge.users_to_notify(s, card.id) == []
        assert await knowledge.list_gaps(s, Viewer.of(world.manager_a)) == []
        assert len(await knowledge.list_gaps(s, Viewer.of(world.manager_a), include_resolved=True)) == 1
        assert [g.count for g in await knowledge.list_gaps(s, Viewer.of(world.manager_b))] == [1]
        # a global card reaches every team
        general = await knowledge.add_card(s, "价格异议(通用)", "……", created_by=world.admin.id)
        assert [g.user_id for g in await knowledge.resolve_gaps(s, general, ["客户说太贵了怎么办"])] == [
            world.rep_b1.id
        ]
        assert [c.title for c in await knowledge.list_cards(s, b)] == ["价格异议(通用)"]
        assert len(await knowledge.list_cards(s, a)) == 2
        assert len(await knowledge.list_cards(s, all_teams=True)) == 2


async def test_feedback(db: Database, world: World) -> None:
    async with db.transaction() as s:
        fb = await knowledge.record_feedback(
            s, world.rep_a1.id, "太贵怎么办", "先认同……", [{"doc": "004", "chunk": 3}], -1
        )
        assert fb.id and fb.sources == [{"doc": "004", "chunk": 3}]
        with pytest.raises(ValueError):
            await knowledge.record_feedback(s, world.rep_a1.id, "q", "a", [], 0)


async def test_answer_then_vote(db: Database, world: World) -> None:
    async with db.transaction() as s:
        given = await knowledge.record_answer(s, world.rep_a1.id, "太贵怎么办", "先认同……", ["004#3"])
        assert given.vote is None
    async with db.transaction() as s:
        assert await knowledge.set_vote(s, given.id, world.rep_a2.id, 1) is None  # not theirs
        voted = await knowledge.set_vote(s, given.id, world.rep_a1.id, -1)
        assert voted is not None and voted.vote == -1
        with pytest.raises(ValueError):
            await knowledge.set_vote(s, given.id, world.rep_a1.id, 2)
