"""Report periods, the summary, the chart and the workbook."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from bot.sales.reports.chart import render_report_png
from bot.sales.reports.data import RepRow, TeamReport, period_range, summary_text
from bot.sales.reports.fonts import chinese_font_family
from bot.sales.reports.workbook import report_xlsx

MONDAY = date(2026, 11, 23)


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
