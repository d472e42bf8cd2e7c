"""The terminal transport: typed lines in, replies printed, buttons as numbered choices, files
written to the outbox."""

from __future__ import annotations

import pytest

from bot.engine.messages import Button, Outgoing, Reply
from bot.transports.terminal import TerminalChat
from store import conversations, users
from tests.support.engine_harness import engine_chat

REP = 3001


class Script:
    """Lines typed one by one; EOF after the last."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)


@pytest.fixture
async def engine(settings, db, module_kb):
    async with engine_chat(settings, db.url, module_kb) as chat:
        await chat.add_user(REP, "小李", "rep", "华东")
        yield chat.engine


async def test_a_session_greets_answers_offers_buttons_by_number_and_quits(engine, tmp_path):
    printed: list[str] = []
    script = Script("/log", "1", "/quit", "这行不会被读到")
    terminal = TerminalChat(engine, REP, "小李", read=script, write=printed.append, outbox=tmp_path)
    await terminal.run()
    out = "\n".join(printed)
    assert printed[0] == "小李，你好！"  # /start is sent first
    assert "哪家客户" in out and "[1] ✖️ 取消" in out  # /log: the question and its one button
    assert "已取消" in out  # "1" pressed the cancel button
    assert script.lines == ["这行不会被读到"]  # /quit ends the session
    async with engine.db.transaction() as session:
        user = await users.get_user_by_telegram_id(session, REP)
        assert await conversations.load_state(session, user.id) is None


async def test_end_of_input_stops_the_session(engine, tmp_path):
    printed: list[str] = []
    await TerminalChat(engine, REP, "小李", read=Script(), write=printed.append, outbox=tmp_path).run()
    assert printed  # the greeting, then EOF ends it


def test_numbers_press_the_last_buttons_and_other_lines_are_text(settings, tmp_path):
    fake_engine = type("E", (), {"settings": settings})()
    terminal = TerminalChat(fake_engine, REP, "小李", read=Script(), write=lambda s: None, outbox=tmp_path)
    terminal.show(Reply("选一个", buttons=((Button("甲", "x:1"), Button("乙", "x:2")),)))
    assert terminal.to_incoming("2").kind == "button" and terminal.to_incoming("2").text == "x:2"
    assert terminal.to_incoming("3").kind == "text"  # no third button: typed text
    assert terminal.to_incoming("你好").text == "你好"


def test_photos_and_documents_go_to_the_outbox_and_others_messages_are_labelled(settings, tmp_path):
    printed: list[str] = []
    fake_engine = type("E", (), {"settings": settings})()
    terminal = TerminalChat(fake_engine, REP, "小李", read=Script(), write=printed.append, outbox=tmp_path)
    terminal.show(Reply("图表", photo=b"\x89PNG"))
    terminal.show(Reply("表格", document=("report.xlsx", b"PK")))
    terminal.show_outgoing([Outgoing(REP, Reply("给我的")), Outgoing(42, Reply("给别人的"))])
    assert (tmp_path / "chart.png").read_bytes() == b"\x89PNG"
    assert (tmp_path / "report.xlsx").read_bytes() == b"PK"
    assert f"[图片] {tmp_path / 'chart.png'}" in printed and f"[文件] {tmp_path / 'report.xlsx'}" in printed
    assert "给我的" in printed and "(发给 42) 给别人的" in printed


async def test_upload_sends_a_local_file_as_a_document(engine, tmp_path):
    async with engine.db.transaction() as session:
        await users.add_user(session, 3002, "王经理", "manager", "华东")
    notes = tmp_path / "终端话术.md"
    notes.write_text(
        "## 终端导入\n\n客户第一次到访展厅，先请他看三分钟的产品短片，再带他看样机。\n", encoding="utf-8"
    )
    printed: list[str] = []
    script = Script(f"/upload {notes}", f"/upload {tmp_path / 'missing.md'}")
    await TerminalChat(engine, 3002, "王经理", read=script, write=printed.append, outbox=tmp_path).run()
    assert "📥 正在导入“终端话术.md”……" in printed
    assert any("“终端话术.md”已加入本团队的知识库" in line for line in printed)
    assert any("“missing.md”下载失败" in line for line in printed)
