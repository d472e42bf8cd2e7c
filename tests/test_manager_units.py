"""The managers' features in pieces: reading one-line tasks, grouping gap questions, report periods,
the chart and workbook, and `coach report`."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.features.gaps import merge_similar, similarity
from bot.sales.parsing.task_text import read_details, split_target
from bot.sales.reports.chart import render_report_png
from bot.sales.reports.data import RepRow, TeamReport, period_range, summary_text
from bot.sales.reports.fonts import chinese_font_family
from bot.sales.reports.workbook import report_xlsx
from knowledge.tokenize import default_tokenizer
from store.knowledge import GapGroup, normalize_question

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("line", "target", "due", "recurrence", "quota"),
    [
        ("小李 明天上午给华东机械回电话", "小李", date(2026, 11, 24), None, None),
        ("全员 每人今天找到2个优质客户", "全员", MONDAY, None, 2),
        ("全组 每天拜访三家客户", "全组", None, "daily", 3),
        ("@小王：周五前提交方案", "小王", date(2026, 11, 27), None, None),
        ("小李 昨天的拜访记录补一下", "小李", None, None, None),
    ],
)
def test_a_one_line_task_is_read(line, target, due, recurrence, quota):
    who, rest = split_target(line)
    details = read_details(rest, MONDAY)
    assert (who, details.due, details.recurrence, details.quota_visits) == (target, due, recurrence, quota)
    assert details.title == rest


def _group(question: str, count: int, users: int, first_id: int) -> GapGroup:
    return GapGroup(
        normalize_question(question),
        question,
        count,
        users,
        datetime(2026, 11, 23, tzinfo=UTC),
        tuple(range(first_id, first_id + count)),
    )


def test_similar_gap_questions_are_grouped_most_frequent_first():
    groups = [
        _group("展会上怎么收集客户名片", 3, 2, 1),
        _group("明天杭州天气怎么样", 2, 1, 10),
        _group("在展会上如何收集客户的名片", 1, 1, 20),
        _group("展会现场怎样收集名片", 1, 1, 30),
    ]
    tokens = default_tokenizer().tokens
    topics = merge_similar(groups, tokens)
    assert [t.question for t in topics] == ["展会上怎么收集客户名片", "明天杭州天气怎么样"]
    assert topics[0].count == 5 and topics[0].gap_ids[:3] == [1, 2, 3] and len(topics[0].questions) == 3
    apart = set(tokens("客户嫌贵怎么办")), set(tokens("客户不回微信怎么办"))
    assert similarity(*apart) < 0.5


def test_report_periods():
    assert period_range("day", MONDAY) == (MONDAY, MONDAY)
    thursday = date(2026, 11, 26)
    assert period_range("week", thursday) == (MONDAY, thursday)
    assert period_range("month", thursday) == (date(2026, 11, 1), thursday)


def _report() -> TeamReport:
    report = TeamReport(scope="华东", period="week", start=MONDAY, end=date(2026, 11, 26))
    report.reps = [RepRow(1, "小李", 4, 3, 2, 3), RepRow(2, "小王", 0, 0, 0, 1)]
    report.new_by_grade = {"A": 1, "B": 2, "C": 0, "D": 0, "-": 0}
    report.new_by_stars = {"1": 0, "2": 0, "3": 2, "4": 1, "5": 0, "0": 0}
    report.milestones = {"项目立项": 2, "合同签订": 1}
    return report


def test_the_summary_the_chart_and_the_workbook():
    report = _report()
    summary = summary_text(report)
    assert "拜访 4 次，有效 3 次（有效率 75%）" in summary and "新客户 3 家" in summary
    assert "无拜访记录：小王" in summary and len(summary) <= 1024
    assert chinese_font_family() is not None  # the packaged Noto Sans SC is found
    png = render_report_png(report)
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    workbook = load_workbook(BytesIO(report_xlsx(report)))
    assert workbook.sheetnames[:4] == ["汇总", "新客户", "里程碑", "拜访明细"]
    assert [c.value for c in workbook["汇总"][2]] == ["小李", 4, 3, 0.75, 2, 3]


def test_coach_report_writes_the_chart(tmp_path, monkeypatch):
    from bot.cli import app
    from config import get_settings
    from store import customers, users, visits
    from store.access import Viewer
    from store.db import open_database

    home = tmp_path / "home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()

    async def seed() -> None:
        db = await open_database(get_settings().database)
        async with db.transaction() as session:
            rep = await users.add_user(session, 1, "小李", "rep", "华东")
            viewer = Viewer.of(rep)
            customer, _ = await customers.get_or_create_customer(session, viewer, "华东机械", grade="A")
            today = datetime.now(get_settings().timezone).date()
            await visits.add_visit(
                session, viewer, customer.id, visited_on=today, kind="上门", outcome="interested"
            )
        await db.dispose()

    try:
        asyncio.run(seed())
        out = tmp_path / "report.png"
        result = CliRunner().invoke(app, ["report", "--team", "华东", "--period", "week", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\x89PNG") and "拜访 1 次" in result.output
        missing = CliRunner().invoke(app, ["report", "--team", "华北", "--out", str(out)])
        assert missing.exit_code == 1
    finally:
        get_settings.cache_clear()
