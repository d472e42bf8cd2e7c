"""Knowledge usage: the sources shown under answers, counted per team, with the answers' votes."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from store import Database, knowledge, usage
from store.models import utcnow

if TYPE_CHECKING:
    from tests.support.store_fixtures import World

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _answer(s, user, sources, *, vote=None, at=None):
    feedback = await knowledge.record_answer(s, user.id, "问题", "回答", [], team_id=user.team_id)
    if at is not None:
        feedback.created_at = at
    await usage.record_sources(s, feedback, sources)
    if vote is not None:
        await knowledge.set_vote(s, feedback.id, user.id, vote)
    return feedback


async def test_sources_are_counted_per_team_with_votes_and_a_window(db: Database, world: World) -> None:
    now = utcnow()
    card, doc = ("card:7", "card"), ("报价.docx", "document")
    async with db.transaction() as s:
        await _answer(s, world.rep_a1, [card, doc], vote=1)
        await _answer(s, world.rep_a2, [card, card], vote=-1)  # a source listed twice counts once
        await _answer(s, world.rep_a1, [doc])
        await _answer(s, world.rep_a1, [doc], at=now - timedelta(days=40))  # outside the window
        await _answer(s, world.rep_b1, [doc], vote=-1)  # another team
        with pytest.raises(ValueError):
            await _answer(s, world.rep_a1, [("x", "video")])
    async with db.transaction() as s:
        since = now - timedelta(days=30)
        rows = await usage.source_usage(s, world.team_a.id, since)
        assert [(r.source, r.kind, r.answers, r.up, r.down) for r in rows] == [
            ("card:7", "card", 2, 1, 1),
            ("报价.docx", "document", 2, 1, 0),
        ]
        assert await usage.answers_since(s, world.team_a.id, since) == 3
        [theirs] = await usage.source_usage(s, world.team_b.id, since)
        assert (theirs.source, theirs.answers, theirs.down) == ("报价.docx", 1, 1)
        assert await usage.source_usage(s, None, since) == []


async def test_feedback_carries_the_askers_team(db: Database, world: World) -> None:
    async with db.transaction() as s:
        feedback = await knowledge.record_answer(
            s, world.rep_b1.id, "q", "a", [], team_id=world.rep_b1.team_id
        )
        assert feedback.team_id == world.team_b.id
