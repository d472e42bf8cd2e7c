"""Chat answers with the LLM on, end to end: an LLM NO_ANSWER never becomes "手册里没有找到…" nor a
knowledge gap when retrieval answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from knowledge.compose import LLMComposer
from knowledge.llm import ChatClient, LLMConfig
from store.models import KnowledgeGap
from tests.support.openai_stub import OpenAIStub, Play
from tests.support.telegram_harness import running_bot

REP = 1001


@pytest.fixture
async def bot(settings, db, module_kb):
    async with running_bot(settings, db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        yield bot


@pytest.mark.parametrize("play", [Play("NO_ANSWER"), Play.hang(30)], ids=["no-answer", "hang"])
async def test_an_llm_failure_shows_the_extractive_answer_and_records_no_gap(bot, play):
    answerer = bot.engine.kb.answerer
    with OpenAIStub(script=[play]) as stub:
        answerer.composer = LLMComposer(
            ChatClient(LLMConfig(base_url=stub.base_url, model="m", timeout_s=0.5))
        )
        try:
            [reply] = await bot.say(REP, "客户一上来就问多少钱，怎么回")
        finally:
            answerer.composer = None
    assert len(stub.requests) == 1
    assert "先了解一下咱们的情况" in reply.text and "没有找到" not in reply.text
    async with bot.engine.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(KnowledgeGap)) == 0
