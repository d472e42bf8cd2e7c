"""Ingest time of a 50-page .docx sent through the chat: the real PTB Application polling the
fake Bot API (tests/support/fake_bot_api.py), getFile and the file download, the real engine,
SQLite and a fresh knowledge base (the test corpus only, so no playbook indexing is timed).

    .venv/bin/python -m bench.chat_ingest [--pages 50]

The document is generated here (sentences of field-sales advice put together at random with a
fixed seed; nothing from the seed documents). Measured: from the update being queued to the
summary message arriving at the API. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
MANAGER, TEAM = 9001, "华东"

SUBJECTS = [
    "拜访前",
    "第一次见面时",
    "客户犹豫时",
    "技术交流会上",
    "报价之后",
    "合同谈判中",
    "回款阶段",
    "售后回访时",
]
ACTIONS = [
    "先确认对方的决策链，弄清谁拍板、谁评估、谁使用",
    "用三个开放式问题了解客户现在的流程和痛点",
    "把竞品的优缺点整理成一页对比表带在身上",
    "约定下一次沟通的具体日期和要带的资料",
    "请技术负责人一起参加，现场回答参数问题",
    "记录客户提到的每一个顾虑，当天发邮件逐条回复",
    "把成功案例按行业分好类，只讲和客户同行业的",
    "报价单上写清楚有效期、交付周期和付款方式",
]
REASONS = [
    "这样客户会觉得我们专业、靠谱",
    "避免后面出现理解偏差",
    "能明显缩短成交周期",
    "经理复盘时也有据可查",
    "客户内部汇报时可以直接引用",
    "防止被竞争对手抢先一步",
]


def page_paragraphs(rng: random.Random, n: int = 7) -> list[str]:
    return [
        f"{rng.choice(SUBJECTS)}，{rng.choice(ACTIONS)}；{rng.choice(ACTIONS)}，{rng.choice(REASONS)}。"
        f"第{rng.randint(1, 99)}号案例里，销售{rng.choice('甲乙丙丁')}就是这样做的，{rng.choice(REASONS)}。"
        for _ in range(n)
    ]


def fifty_page_docx(pages: int, seed: int = 7) -> bytes:
    import docx

    rng = random.Random(seed)
    document = docx.Document()
    for page in range(1, pages + 1):
        document.add_heading(f"第{page}章 {rng.choice(SUBJECTS)}的做法", level=2)
        for paragraph in page_paragraphs(rng):
            document.add_paragraph(paragraph)
        if page < pages:
            document.add_page_break()
    from io import BytesIO

    out = BytesIO()
    document.save(out)
    return out.getvalue()


async def measure(pages: int) -> dict:
    import shutil

    from config import load_settings
    from knowledge.service import open_knowledge_base
    from tests.support.telegram_harness import running_bot

    data = fifty_page_docx(pages)
    with tempfile.TemporaryDirectory(prefix="bench-chat-ingest-") as home:
        settings = load_settings(coach_home=Path(home) / "home", coach_models_dir=REPO / "var" / "models")
        kb = open_knowledge_base(settings, composer=None)
        corpus = Path(home) / "corpus"
        shutil.copytree(REPO / "tests" / "fixtures" / "corpus", corpus)
        kb.ingestor.ingest([corpus])
        kb.index.embedder.embed_passages(["预热"])  # the model is loaded before the clock starts
        from store.db import upgrade

        db_url = f"sqlite+aiosqlite:///{home}/coach.db"
        await upgrade(db_url)
        async with running_bot(settings, db_url, kb) as bot:
            await bot.add_user(MANAGER, "王经理", "manager", TEAM)
            start_count = bot.fake.reply_count(MANAGER)
            started = time.perf_counter()
            bot.fake.push_document(
                MANAGER,
                "销售手册50页.docx",
                data,
                mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
            summary, edits = None, 0
            while summary is None:
                await asyncio.sleep(0.05)
                sent = bot.fake.sent_messages(MANAGER)[start_count:]
                edits = sum(1 for c in sent if c.method == "editMessageText")
                summary = next((c for c in sent if "已加入本团队" in (c.text or "")), None)
                if time.perf_counter() - started > 1800:
                    raise TimeoutError("no summary within 30 minutes")
            seconds = time.perf_counter() - started
    return {
        "pages": pages,
        "bytes": len(data),
        "seconds": round(seconds, 2),
        "progress_edits": edits,
        "summary": summary.text,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.pages)), ensure_ascii=False))


if __name__ == "__main__":
    main()
