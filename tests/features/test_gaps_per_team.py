"""Knowledge gaps are per team: an abstention or a 👎 records the asker's team, and /gaps shows a
manager only their team's questions (engine harness, a stub answerer over the test corpus)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from knowledge.answer import Answer
from store import users
from store.models import KnowledgeGap
from tests.support.engine_harness import button, engine_chat

EAST_REP, EAST_MANAGER, SOUTH_REP, SOUTH_MANAGER, ADMIN = 3001, 3002, 3003, 3004, 3005
UNKNOWN = "华南展会的展位费谁来报销"
DISLIKED = "华东客户嫌贵怎么回"


class StubAnswerer:
    """Abstains on UNKNOWN, answers anything else."""

    async def answer(self, question: str, *, team_id: int | None = None) -> Answer:
        if question == UNKNOWN:
            return Answer("没有找到相关的话术。", abstained=True, refused=False)
        return Answer("先问预算，再讲价值。", abstained=False, refused=False)


class KnowledgeWithStubAnswers:
    """The shared test knowledge base, answering through the stub (the module's kb stays as it is)."""

    def __init__(self, real: object) -> None:
        self._real = real
        self.answerer = StubAnswerer()

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


@pytest.fixture
async def chat(settings, db, module_kb):
    async with engine_chat(settings, db.url, KnowledgeWithStubAnswers(module_kb)) as chat:  # type: ignore[arg-type]
        await chat.add_user(EAST_REP, "小李", "rep", "华东")
        await chat.add_user(EAST_MANAGER, "王经理", "manager", "华东")
        await chat.add_user(SOUTH_REP, "小钱", "rep", "华南")
        await chat.add_user(SOUTH_MANAGER, "赵经理", "manager", "华南")
        await chat.add_user(ADMIN, "管理员", "admin", None)
        yield chat


async def test_gaps_record_the_askers_team_and_list_per_team(chat):
    [abstained] = await chat.say(SOUTH_REP, UNKNOWN)
    assert "没有找到" in abstained.text
    [answered] = await chat.say(EAST_REP, DISLIKED)
    [thanks] = await chat.press(EAST_REP, button(answered, "👎"))
    assert thanks.text
    async with chat.engine.db.transaction() as session:
        gaps = {(g.question, g.reason): g.team_id for g in await session.scalars(select(KnowledgeGap))}
        teams = {u.name: u.team_id for u in await users.list_users(session)}
    assert gaps == {(UNKNOWN, "abstained"): teams["小钱"], (DISLIKED, "downvoted"): teams["小李"]}

    [east] = await chat.say(EAST_MANAGER, "/gaps")
    assert DISLIKED in east.text and UNKNOWN not in east.text
    [south] = await chat.say(SOUTH_MANAGER, "/gaps")
    assert UNKNOWN in south.text and DISLIKED not in south.text
    [everyone] = await chat.say(ADMIN, "/gaps")
    assert UNKNOWN in everyone.text and DISLIKED in everyone.text
