"""A drill in the terminal chat: the same engine, buttons as numbered choices."""

from __future__ import annotations

import pytest

from bot.app import build_engine
from bot.transports.terminal import TerminalChat
from store import users
from store.db import Database

pytestmark = pytest.mark.slow


async def test_a_drill_runs_in_the_terminal_with_numbered_buttons(settings, db, module_kb, tmp_path):
    engine = await build_engine(settings, kb=module_kb, db=Database(db.url))
    async with engine.db.transaction() as session:
        await users.add_user(session, 7001, "小李", "rep", "华东")
    lines = iter(
        ["/drill 报价", "要看您用多少人、要哪些功能，您先说说最头疼的事，我再出方案报价。", "3", "/quit"]
    )
    shown: list[str] = []
    chat = TerminalChat(engine, 7001, "小李", read=lambda _prompt: next(lines), write=shown.append)
    try:
        await chat.run()
    finally:
        await engine.db.dispose()
    output = "\n".join(shown)
    assert "客户：「" in output and "得分 " in output
    assert "[1] 再来一次  [2] 换一题  [3] 结束" in output
    assert "客户追问" in output
    assert "练习结束，辛苦了！" in output and "本周练习 1 次" in output
