"""`coach calendar load FILE` / `coach calendar show YEAR` (the official working calendar) and
`coach eval dates` (accuracy of the date parser on labelled expressions, tuning and test halves)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.session import in_transaction, run_async

calendar_app = typer.Typer(no_args_is_help=True, help="China's official working calendar (holidays, 调休)")
DEFAULT_DATES_EVAL = Path("evalsets/dates.jsonl")


@calendar_app.command("load")
def calendar_load(file: Annotated[Path, typer.Argument(help="YAML: year, holidays, workdays")]) -> None:
    """Load a year's holiday arrangement (replaces an earlier one); every bot process picks it up."""
    from bot.sales.calendar_file import CalendarFileError, read_arrangement
    from prompts import text
    from store.calendar import replace_year

    try:
        arrangement = read_arrangement(file)
    except CalendarFileError as error:
        typer.echo(text("calendar_bad_file", problem=str(error)), err=True)
        raise typer.Exit(1) from None

    async def work(session):
        await replace_year(session, arrangement.year, arrangement.days, source=str(file))

    run_async(in_transaction(work))
    typer.echo(
        text(
            "calendar_loaded",
            year=arrangement.year,
            holidays=arrangement.holidays,
            workdays=arrangement.workdays,
        )
    )


@calendar_app.command("show")
def calendar_show(year: Annotated[int, typer.Argument(help="The year")]) -> None:
    """Days off and 调休 working days of a year, and where the arrangement comes from."""
    from bot.sales.workcalendar import refresh_from_store, work_calendar

    run_async(in_transaction(refresh_from_store))
    arrangement = work_calendar().year(year)
    typer.echo(f"{year}: {arrangement.source}")
    for day, name in sorted(arrangement.days_off.items()):
        typer.echo(f"  {day.isoformat()} 休 {name}")
    for day, name in sorted(arrangement.workdays.items()):
        typer.echo(f"  {day.isoformat()} 班 {name}")
    start = date(year, 1, 1)
    total = work_calendar().workdays_between(start, date(year, 12, 31))
    typer.echo(
        f"  {total} working days, {(date(year + 1, 1, 1) - start) // timedelta(days=1) - total} days off"
    )


def eval_dates(
    file: Annotated[Path, typer.Option(help="Labelled date expressions (JSONL)")] = DEFAULT_DATES_EVAL,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON")] = False,
    errors: Annotated[bool, typer.Option(help="Also list every miss")] = False,
) -> None:
    """Date-parser accuracy on the tuning and the test half (split once, fixed seed)."""
    from bot.sales.parsing.evaluate_dates import evaluate_dates

    if not file.exists():
        raise typer.BadParameter(f"not found: {file}")
    report = evaluate_dates(file)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, default=str))
        return
    typer.echo(f"{report['n']} date expressions (split seed {report['seed']})")
    for half in ("tuning", "test"):
        part = report[half]
        typer.echo(f"  {half:<7} {part['accuracy']:6.1%}  ({part['correct']}/{part['n']})")
    if errors:
        for miss in report["misses"]:
            typer.echo(
                f"  ✗ [{miss['half']}] {miss['text']!r} on {miss['today']}: "
                f"expected {miss['expected']}, got {miss['got']}"
            )


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")
    eval_app.command("dates")(eval_dates)
