"""The report as an .xlsx workbook: a summary per rep, new customers, milestones, and every visit."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.sales.reports.data import NO_GRADE, NO_STARS, TeamReport
from prompts import text


def _sheet(
    workbook: Workbook, title: str, header: list[str], rows: list[list[object]], *, first: bool = False
):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 2))
    sheet.freeze_panes = "A2"
    return sheet


def report_xlsx(report: TeamReport) -> bytes:
    workbook = Workbook()
    _sheet(
        workbook,
        text("xlsx_sheet_summary"),
        text("xlsx_summary_header").split("|"),
        [
            [r.name, r.visits, r.effective, round(r.effective_rate, 3), r.tasks_done, r.tasks_total]
            for r in report.reps
        ],
        first=True,
    )
    grades = [
        [text("chart_grade", grade=g) if g != NO_GRADE else text("chart_no_grade"), n]
        for g, n in report.new_by_grade.items()
    ]
    stars = [
        [text("chart_stars", n=s) if s != NO_STARS else text("chart_no_stars"), n]
        for s, n in report.new_by_stars.items()
    ]
    _sheet(workbook, text("xlsx_sheet_customers"), text("xlsx_customers_header").split("|"), grades + stars)
    _sheet(
        workbook,
        text("xlsx_sheet_milestones"),
        text("xlsx_milestones_header").split("|"),
        [[m, n] for m, n in report.milestones.items()],
    )
    _sheet(
        workbook,
        text("xlsx_sheet_visits"),
        text("xlsx_visits_header").split("|"),
        [
            [
                v.day,
                v.rep,
                v.customer,
                v.kind,
                text(f"report_outcome_{v.outcome}"),
                text("xlsx_yes" if v.effective else "xlsx_no"),
                v.notes,
                v.next_step,
            ]
            for v in report.visit_rows
        ],
    )
    info = workbook.create_sheet(text("xlsx_sheet_info"))
    info.append([text("xlsx_info_scope"), report.scope])
    info.append(
        [
            text("xlsx_info_period"),
            f"{report.period_label}（{report.start.isoformat()} – {report.end.isoformat()}）",
        ]
    )
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
