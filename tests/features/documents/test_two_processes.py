"""Two bot processes behind one webhook: one database (SQLite or PostgreSQL), one `chroma run`
server, two engines each with its own knowledge base (chunk cache and BM25, as two processes have).
A document a manager sends to one is answered by the other within seconds, to the manager's team
only; deleted through /docs on the first, it stops being answered by the second."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.features.documents.test_documents import MemoryFiles
from tests.support.chroma_server import process_kb
from tests.support.engine_harness import button, engine_chat

pytestmark = pytest.mark.slow

MANAGER, REP, OTHER_REP = 3201, 3202, 3203
QUESTION = "展会上怎么收集客户名片"
DOCUMENT = "## 展会名片收集\n\n展会上先递上自己的名片，再请对方扫码加微信，当晚把名片按意向分级整理。\n"
WITHIN_S = 10.0


async def _within(condition) -> float:
    started = time.monotonic()
    while not await condition():
        if time.monotonic() - started > WITHIN_S:
            return float("inf")
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def test_a_document_sent_to_one_process_is_answered_by_the_other(
    settings, db, chroma_server, tmp_path, embedder
):
    first_kb = process_kb(tmp_path / "p1", chroma_server, embedder)
    second_kb = process_kb(tmp_path / "p2", chroma_server, embedder)
    async with (
        engine_chat(settings, db.url, first_kb) as first,
        engine_chat(settings, db.url, second_kb) as second,
    ):
        await first.add_user(MANAGER, "王经理", "manager", "华东")
        await first.add_user(REP, "小李", "rep", "华东")
        await first.add_user(OTHER_REP, "小陈", "rep", "华南")
        files = MemoryFiles()
        first.engine.files = files

        async def answered(rep: int) -> bool:
            [reply] = await second.say(rep, QUESTION)
            return "扫码加微信" in reply.text

        assert not await answered(REP)  # the second process has loaded its (empty) index
        [summary] = await first.send_document(MANAGER, files.add("展会.md", DOCUMENT.encode()))
        assert "新增 1 段" in summary.text
        assert await _within(lambda: answered(REP)) < WITHIN_S
        assert not await answered(OTHER_REP)  # another team's rep, on the same process

        [listing] = await first.say(MANAGER, "/docs")
        delete = button(listing, "删除")
        await first.press(MANAGER, delete)
        [done] = await first.press(MANAGER, delete.replace(":del:", ":yes:"))
        assert "展会.md" in done.text
        assert await _within(lambda: _not(answered(REP))) < WITHIN_S


async def _not(result) -> bool:
    return not await result
