"""/report and /export for managers: the team's numbers for today, this week or this month, as a
chart image with a short summary, or as an .xlsx workbook."""

from __future__ import annotations

import asyncio

from bot.engine.core import Context
from bot.engine.messages import Reply
from bot.sales.reports.chart import render_report_png
from bot.sales.reports.data import PERIODS, TeamReport, collect_report, scope_name, summary_text
from bot.sales.reports.workbook import report_xlsx
from prompts import text

DEFAULT_PERIOD = "week"


async def _report(ctx: Context) -> TeamReport | None:
    word = ctx.incoming.args.split()[0] if ctx.incoming.args else ""
    period = PERIODS.get(word.lower(), DEFAULT_PERIOD if not word else None)
    if period is None:
        return None
    async with ctx.db.transaction() as session:
        scope = await scope_name(session, ctx.viewer)
        return await collect_report(
            session, ctx.viewer, period, ctx.today, ctx.engine.settings.timezone, scope
        )


async def report_command(ctx: Context) -> list[Reply]:
    report = await _report(ctx)
    if report is None:
        return [Reply(text("report_usage"))]
    png = await asyncio.to_thread(render_report_png, report)
    return [Reply(summary_text(report), photo=png)]


async def export_command(ctx: Context) -> list[Reply]:
    report = await _report(ctx)
    if report is None:
        return [Reply(text("export_usage"))]
    content = await asyncio.to_thread(report_xlsx, report)
    name = f"report-{report.period}-{report.end.isoformat()}.xlsx"
    caption = text("export_caption", scope=report.scope, period=report.period_label, dates=report.dates_label)
    return [Reply(caption, document=(name, content))]
