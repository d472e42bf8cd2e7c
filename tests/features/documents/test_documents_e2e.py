"""Documents and FAQ sheets sent in Telegram, end to end: the real PTB Application over HTTP
against the fake Bot API (getFile and the file download included), the real engine, database and
knowledge base. A team's documents answer that team's reps and nobody else's."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tests.support.documents import docx_bytes, xlsx_bytes
from tests.support.fake_bot_api import Call
from tests.support.telegram_harness import Bot, data_for, running_bot

MANAGER_A, REP_A, MANAGER_B, REP_B = 4101, 4102, 4103, 4104
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def bot(settings, db, docs_kb):
    async with running_bot(settings, db.url, docs_kb) as bot:
        await bot.add_user(MANAGER_A, "王经理", "manager", "华东")
        await bot.add_user(REP_A, "小李", "rep", "华东")
        await bot.add_user(MANAGER_B, "赵经理", "manager", "华南")
        await bot.add_user(REP_B, "小钱", "rep", "华南")
        yield bot


async def message_containing(bot: Bot, chat: int, part: str, *, after: int, timeout: float = 120) -> Call:
    """The first message (or edit) the bot sent to ``chat`` past position ``after`` containing ``part``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in bot.fake.sent_messages(chat)[after:]:
            if call.text and part in call.text:
                return call
        await asyncio.sleep(0.05)
    raise AssertionError(
        f"no message with {part!r}: {[c.text for c in bot.fake.sent_messages(chat)[after:]]}"
    )


async def upload(bot: Bot, user: int, name: str | None, data: bytes, expect: str, **kwargs) -> Call:
    start = bot.fake.reply_count(user)
    bot.fake.push_document(user, name, data, **kwargs)
    return await message_containing(bot, user, expect, after=start)


async def ask(bot: Bot, user: int, question: str) -> str:
    [reply] = await bot.say(user, question, timeout=120)
    return reply.text or ""


MD = (
    "## 展会上收集客户名片\n\n"
    "展位前立一块扫码登记牌，扫码就送一本行业白皮书；当晚把名片录进系统并发微信问候，三天内电话回访。\n"
)
DOCX_TEXT = [
    "客户想先试用样机时，试用期最长十五天。",
    "试用前请客户签好试用协议，并交一笔押金，样机归还后押金全额退回。",
]
TRAINING_TEXT = [
    "样机试用到期后由销售上门回收，当场核对配件清单并请客户签收。",
    "配件缺失的按价目表折价，从押金里扣除后再退还余款。",
]
SHEET = [
    ["问题", "答案", "标签"],
    ["交货期一般多久", "标准型号下单后七个工作日发货，定制型号四周交货。", "交付"],
    ["发票怎么开", "", "财务"],
    ["能不能分期付款", "首付三成，余款三个月内付清，需要签分期协议。", "付款"],
]
QUESTIONS = {
    "展会上怎么收集客户名片": "扫码登记",
    "客户想先试用样机怎么办": "押金",
    "客户问交货期一般多久": "七个工作日",
}


async def test_a_managers_md_docx_and_xlsx_answer_their_team_and_not_the_other(bot):
    md = await upload(
        bot, MANAGER_A, "展会获客.md", MD.encode(), "已加入本团队的知识库", mime_type="text/markdown"
    )
    assert "新增 1 段" in md.text
    doc = await upload(
        bot,
        MANAGER_A,
        "样机试用.docx",
        docx_bytes(DOCX_TEXT, headings=["样机试用申请"]),
        "已加入",
        mime_type=DOCX,
    )
    assert "新增" in doc.text
    sheet = await upload(bot, MANAGER_A, "常见问答.xlsx", xlsx_bytes(SHEET), "已加入", mime_type=XLSX)
    assert "问答表导入了 2 条问答" in sheet.text
    assert "表“问答”第 3 行：缺少答案" in sheet.text  # the bad row, named
    assert len(bot.fake.calls("getFile")) == 3 and len(bot.fake.downloads()) == 3
    assert any("正在导入" in (c.text or "") for c in bot.fake.sent_messages(MANAGER_A))

    for question, phrase in QUESTIONS.items():
        mine = await ask(bot, REP_A, question)
        assert phrase in mine, (question, mine)
        theirs = await ask(bot, REP_B, question)
        assert phrase not in theirs, (question, theirs)

    # /kb: the usage of the team's knowledge, as a short text and a chart
    start = bot.fake.reply_count(MANAGER_A)
    bot.fake.push_message(MANAGER_A, "/kb")
    summary = await message_containing(bot, MANAGER_A, "知识库使用情况", after=start)
    assert "回答了 3 个问题" in summary.text
    assert "展会获客.md · 1 次" in summary.text and "常见问答.xlsx · 1 次" in summary.text
    photo = await bot.fake.await_calls("sendPhoto", predicate=lambda c: c.chat_id == MANAGER_A)
    assert photo[-1].files["photo"].startswith(b"\x89PNG")
    start = bot.fake.reply_count(MANAGER_B)
    bot.fake.push_message(MANAGER_B, "/kb")
    other = await message_containing(bot, MANAGER_B, "知识库使用情况", after=start)
    assert not any(name in other.text for name in ("展会获客.md", "样机试用.docx", "常见问答.xlsx"))


async def test_refused_files_are_never_downloaded_and_an_empty_one_is_named(bot):
    big = await upload(
        bot, MANAGER_A, "产品手册.pdf", b"%PDF-1.4", "超过了 20 MB", file_size=25 * 1024 * 1024
    )
    assert "25 MB" in big.text
    rep = await upload(bot, REP_A, "我的话术.md", MD.encode(), "只有主管")
    assert "转发给你的主管" in rep.text
    odd = await upload(bot, MANAGER_A, "方案.pptx", b"PK\x03\x04", "格式暂不支持")
    assert ".docx" in odd.text and ".xlsx" in odd.text
    assert bot.fake.calls("getFile") == []
    empty = await upload(bot, MANAGER_A, "空.txt", b"", "空文件")
    assert "“空.txt”" in empty.text


async def test_same_name_replaces_and_docs_deletes_only_for_its_own_team(bot):
    old = "## 价格底线\n\n华东区报价最低九五折，再低要找区域经理审批。\n"
    new = "## 价格底线\n\n华东区报价一律九折封顶，特价需要总监签字。\n"
    await upload(bot, MANAGER_A, "价格政策.md", old.encode(), "已加入")
    again = await upload(bot, MANAGER_A, "价格政策.md", new.encode(), "已加入")
    assert "替换掉旧的 1 段" in again.text
    answer = await ask(bot, REP_A, "客户砍价，价格底线是多少")
    assert "九折封顶" in answer and "九五折" not in answer

    [listing] = await bot.say(MANAGER_A, "/docs")
    assert listing.text.count("价格政策.md") == 1
    delete = data_for(listing, "删除")
    # another team's manager forging the same 删除 (and its confirmation) on a message of theirs
    [theirs] = await bot.say(MANAGER_B, "/docs")
    for forged in (delete, delete.replace(":del:", ":yes:")):
        [expired] = await bot.press(MANAGER_B, theirs, forged)
        assert "按钮已失效" in expired.text
    assert "价格政策.md" in (await bot.say(MANAGER_A, "/docs"))[0].text

    [confirm] = await bot.press(MANAGER_A, listing, delete)
    assert "确定从知识库删除“价格政策.md”" in confirm.text
    [done] = await bot.press(MANAGER_A, confirm, data_for(confirm, "确定删除"))
    assert "已删除“价格政策.md”" in done.text
    assert "九折封顶" not in await ask(bot, REP_A, "客户砍价，价格底线是多少")
    [pressed_again] = await bot.press(MANAGER_A, confirm, data_for(confirm, "确定删除"))
    assert "按钮已失效" in pressed_again.text


async def test_another_rep_is_answered_while_a_document_ingests(bot, docs_kb, monkeypatch):
    """Ingestion is held inside its progress callback (a gate) until the other rep's answer has
    arrived: the answer cannot have waited for the ingestion. The document's passages are new to the
    index (a passage it already holds reuses its vector: nothing to embed, no progress to show)."""
    entered, gate = threading.Event(), threading.Event()
    real = docs_kb.ingestor.ingest_upload

    def gated(path, name, team_id, progress=None):
        def held(done: int, total: int) -> None:
            if progress:
                progress(done, total)
            entered.set()
            gate.wait(300)  # released in the finally below

        return real(path, name, team_id, held)

    monkeypatch.setattr(docs_kb.ingestor, "ingest_upload", gated)
    start = bot.fake.reply_count(MANAGER_A)
    bot.fake.push_document(
        MANAGER_A, "培训资料.docx", docx_bytes(TRAINING_TEXT, headings=["样机回收"]), mime_type=DOCX
    )
    assert await asyncio.to_thread(entered.wait, 60)
    try:
        answer = await ask(bot, REP_B, "客户说太贵了怎么回")
        assert answer and not gate.is_set()
        progress = await message_containing(bot, MANAGER_A, "正在导入“培训资料.docx”：", after=start)
        assert "正在导入“培训资料.docx”" in progress.text and progress.method == "editMessageText"
    finally:
        gate.set()
    done = await message_containing(bot, MANAGER_A, "已加入本团队的知识库", after=start)
    assert "培训资料.docx" in done.text
