"""Documents sent in the chat, at the engine: the checks before any download, the naming, who may
manage which document, forged /docs buttons. The real engine and knowledge base; files come from a
fake FileFetcher, progress goes to a recording Channel (the PTB stack: test_documents_e2e.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.messages import MAX_ATTACHMENT_BYTES, Attachment, Reply
from bot.features.documents.service import document_key, upload_name
from tests.support.engine_harness import button, engine_chat

MANAGER_A, REP_A, MANAGER_B, ADMIN, LONER = 3101, 3102, 3103, 3104, 3105


class MemoryFiles:
    """A FileFetcher over bytes kept by file id; records what was fetched."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fetched: list[str] = []

    def add(self, name: str, data: bytes, *, size: int | None = None) -> Attachment:
        file_id = f"F{len(self.files) + 1}"
        self.files[file_id] = data
        return Attachment(file_id, name, len(data) if size is None else size, "")

    async def fetch(self, attachment: Attachment, target: Path) -> None:
        self.fetched.append(attachment.file_id)
        if attachment.file_id not in self.files:
            raise OSError("gone")
        target.write_bytes(self.files[attachment.file_id])


class RecordingChannel:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.edits: list[str] = []

    async def send(self, reply: Reply) -> object:
        self.sent.append(reply.text)
        return len(self.sent)

    async def edit(self, handle: object, reply: Reply) -> None:
        self.edits.append(reply.text)


@pytest.fixture
async def chat(settings, db, docs_kb):
    async with engine_chat(settings, db.url, docs_kb) as chat:
        await chat.add_user(MANAGER_A, "王经理", "manager", "华东")
        await chat.add_user(REP_A, "小李", "rep", "华东")
        await chat.add_user(MANAGER_B, "赵经理", "manager", "华南")
        await chat.add_user(ADMIN, "管理员", "admin", None)
        await chat.add_user(LONER, "孤经理", "manager", None)
        files = MemoryFiles()
        chat.engine.files = files
        chat.files = files  # type: ignore[attr-defined]
        yield chat


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("报价.md", "报价.md"),
        ("../../etc/passwd.md", "passwd.md"),
        ("C:\\Users\\王\\话术.docx", "话术.docx"),
        ("a<b>|c?.txt", "a_b_c_.txt"),
        ("...", ""),
        ("长" * 200 + ".pdf", "长" * 76 + ".pdf"),
    ],
)
def test_a_sent_name_is_kept_without_folders_or_unsafe_characters(sent, kept):
    assert upload_name(Attachment("f", sent, 1)) == kept


async def test_refusals_come_before_any_download(chat):
    files = chat.files
    checks = [
        (REP_A, files.add("话术.md", b"# x\n\nsome text"), "只有主管"),
        (MANAGER_A, files.add("报价.pptx", b"PK.."), "格式暂不支持"),
        (MANAGER_A, files.add("", b"text"), "没有文件名"),
        (MANAGER_A, files.add("大文件.pdf", b"%PDF", size=MAX_ATTACHMENT_BYTES + 1), "超过了 20 MB"),
        (LONER, files.add("话术.md", b"# x\n\ntext"), "还没有分到团队"),
    ]
    for user, attachment, expected in checks:
        [reply] = await chat.send_document(user, attachment)
        assert expected in reply.text, (attachment.name, reply.text)
    assert files.fetched == []


async def test_an_empty_or_unfetchable_file_is_refused_after_the_download(chat):
    [empty] = await chat.send_document(MANAGER_A, chat.files.add("空.txt", b""))
    assert "空文件" in empty.text
    [blank] = await chat.send_document(MANAGER_A, chat.files.add("空白.txt", b"   \n\n  "))
    assert "没有读到文字" in blank.text
    [gone] = await chat.send_document(MANAGER_A, Attachment("missing", "丢失.md", 10))
    assert "下载失败" in gone.text


async def test_a_damaged_office_file_gets_a_clear_message(chat):
    [reply] = await chat.send_document(MANAGER_A, chat.files.add("坏的.docx", b"not a zip at all"))
    assert "打不开" in reply.text


async def test_progress_is_shown_and_documents_belong_to_the_senders_team(chat):
    channel = RecordingChannel()
    body = "## 华东样品寄送流程\n\n样品寄出前先在系统里登记单号，客户签收后第二天电话回访确认效果。\n"
    [summary] = await chat.send_document(
        MANAGER_A, chat.files.add("样品流程.md", body.encode()), channel=channel
    )
    assert "已加入本团队的知识库" in summary.text and "新增 1 段" in summary.text
    assert channel.sent == ["📥 正在导入“样品流程.md”……"]

    [listing] = await chat.say(MANAGER_A, "/docs")
    assert "样品流程.md（1 段）" in listing.text
    [other_team] = await chat.say(MANAGER_B, "/docs")
    assert "样品流程.md" not in other_team.text
    [admin_view] = await chat.say(ADMIN, "/docs")  # the admin manages the shared documents
    assert "样品流程.md" not in admin_view.text and "共享" in admin_view.text

    data = button(listing, "删除")
    for forger in (MANAGER_B, ADMIN):  # another team's manager, and an admin outside that team
        for action in ("del", "yes"):
            [expired] = await chat.press(forger, data.replace(":del:", f":{action}:"))
            assert "按钮已失效" in expired.text
    [rep] = await chat.press(REP_A, data)
    assert "只对主管开放" in rep.text
    [listing_again] = await chat.say(MANAGER_A, "/docs")
    assert "样品流程.md" in listing_again.text


async def test_an_admins_document_is_shared(chat):
    [summary] = await chat.send_document(
        ADMIN, chat.files.add("公司介绍.txt", "公司成立于二零零八年，专注工业自动化。".encode())
    )
    assert "共享知识库" in summary.text
    [listing] = await chat.say(ADMIN, "/docs")
    assert "公司介绍.txt" in listing.text
    [manager] = await chat.say(MANAGER_A, "/docs")
    assert "公司介绍.txt" not in manager.text  # shared knowledge is the admins' to manage


@pytest.mark.parametrize(
    "data",
    [
        "docs",
        "docs:",
        "docs:del",
        "docs:del:",
        "docs:zap:abc",
        "docs:del:abc:def",
        "docs:yes:" + "9" * 200,
        "docs:del:../../x",
        "docs:no:" + document_key("team:999/x.md"),
    ],
)
async def test_forged_docs_buttons_read_as_expired(chat, data):
    [reply] = await chat.press(MANAGER_A, data)
    assert "按钮已失效" in reply.text
