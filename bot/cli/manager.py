"""`coach report`: the managers' team report from the command line (the same chart as /report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.session import run_async


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        team: Annotated[str | None, typer.Option(help="Team name (default: every team)")] = None,
        period: Annotated[str, typer.Option(help="day | week | month (or 今天 | 本周 | 本月)")] = "week",
        out: Annotated[
            Path, typer.Option(help="Where to write it: .png for the chart, .xlsx for the data")
        ] = Path("report.png"),
    ) -> None:
        """Write a team report chart (PNG) or workbook (XLSX) and print its summary."""
        from bot.sales.localtime import local_today
        from bot.sales.reports.chart import render_report_png
        from bot.sales.reports.data import PERIODS, collect_report, summary_text
        from bot.sales.reports.workbook import report_xlsx
        from prompts import text
        from store import users
        from store.access import Viewer
        from store.db import open_database
        from store.models import utcnow

        kind = PERIODS.get(period.lower())
        if kind is None:
            raise typer.BadParameter("period must be day, week or month")
        if out.suffix.lower() not in (".png", ".xlsx"):
            raise typer.BadParameter("--out must end in .png or .xlsx")
        from config import get_settings

        settings = get_settings()
        settings.coach_home.mkdir(parents=True, exist_ok=True)

        async def collect():
            db = await open_database(settings.database)
            try:
                async with db.transaction() as session:
                    if team is None:
                        viewer, scope = Viewer.system(), text("report_all_teams")
                    else:
                        found = next((t for t in await users.list_teams(session) if t.name == team), None)
                        if found is None:
                            return None
                        viewer, scope = Viewer.system(found.id), found.name
                    today = local_today(utcnow(), settings.timezone)
                    return await collect_report(session, viewer, kind, today, settings.timezone, scope)
            finally:
                await db.dispose()

        data = run_async(collect())
        if data is None:
            typer.echo(f"no team called {team!r}", err=True)
            raise typer.Exit(1)
        content = report_xlsx(data) if out.suffix.lower() == ".xlsx" else render_report_png(data)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        typer.echo(summary_text(data))
        typer.echo(f"written: {out}")
