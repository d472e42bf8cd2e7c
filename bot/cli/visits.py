"""`coach eval visits` (accuracy of the rule-based visit parser) and `coach export visits`."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

EXPORT_FORMATS = ("csv", "xlsx", "json")
EVAL_FIELDS = ("customer", "contact", "outcome", "next_date", "amount")
EXPORT_COLUMNS = (
    "id",
    "visited_on",
    "rep",
    "customer",
    "customer_grade",
    "customer_stars",
    "customer_milestone",
    "contact",
    "contact_title",
    "contact_buying_role",
    "contact_phone",
    "contact_landline",
    "contact_email",
    "kind",
    "outcome",
    "effective",
    "next_step",
    "next_date",
    "amount_wan",
    "notes",
    "created_at",
)

export_app = typer.Typer(no_args_is_help=True, help="Export records")


REPO = Path(__file__).resolve().parents[2]
#: The labelled set this repository keeps, one file with a "split" per row (tune / test, split once).
VISIT_EVALSET = REPO / "evalsets" / "visit_reports.jsonl"
#: Its splits (bot.sales.parsing.evaluate.split_names) are read from the file itself, so a split
#: written later (holdout14) is reported without a change here; their notes live beside the parser.
#: The small shared dev set beside the checkout (a sanity check, not a target).
DEV_FILE = REPO.parent / "shared" / "eval" / "visit_logs.dev.jsonl"


def _print_report(title: str, report: dict[str, Any], errors: bool) -> None:
    n = report["n"]
    typer.echo(title)
    for field in EVAL_FIELDS:
        accuracy = report["fields"][field]
        label = "next date resolved" if field == "next_date" else field
        typer.echo(f"  {label:<20} {accuracy:6.1%}  ({round(accuracy * n)}/{n})")
    if errors:
        for error in report["errors"]:
            if error["field"] in EVAL_FIELDS:
                typer.echo(
                    f"  ✗ {error['id']} {error['field']}: expected {error['expected']!r}, got {error['got']!r}"
                )


def eval_visits(
    file: Annotated[
        Path | None,
        typer.Option(
            help="One file of labelled reports (JSONL: text, expected); default: both halves "
            "of evalsets/visit_reports.jsonl and the shared dev file"
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            help="With --file: only the rows of this split (one the file holds: tune / test / holdout …)"
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            help="The day relative dates are read from where a row has none (YYYY-MM-DD; default today)"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON")] = False,
    errors: Annotated[
        bool, typer.Option(help="Also list every wrong field (only the tune half's: the others are held out)")
    ] = False,
    dev_file: Annotated[Path, typer.Option(help="The shared dev file (skipped when absent)")] = DEV_FILE,
    meaning: Annotated[
        bool,
        typer.Option(
            help="Judge the outcome on the report's meaning too, as the bot does (loads the embedding "
            "model); --no-meaning: by its words alone"
        ),
    ] = True,
) -> None:
    """Per-field accuracy of the rule-based visit parser (customer, contact, outcome, next date, amount)."""
    from bot.sales.parsing.evaluate import ERRORS_LISTED, evaluate_visit_parser, split_names, split_title

    day = _parse_day(today) if today else date.today()
    reader = _outcome_reader() if meaning else None
    if file is not None:
        if not file.exists():
            raise typer.BadParameter(f"not found: {file}")
        if split is not None and split not in (splits := split_names(file)):
            raise typer.BadParameter(f"not a split of {file.name}: {split} ({' / '.join(splits)})")
        report = evaluate_visit_parser(file, day, split=split, outcome_reader=reader)
        if as_json:
            typer.echo(json.dumps(report, ensure_ascii=False, default=str))
            return
        _print_report(
            f"{report['n']} visit reports, relative dates read from {day.isoformat()}", report, errors
        )
        return
    reports: dict[str, dict[str, Any]] = {}
    titles: dict[str, str] = {}
    for half in split_names(VISIT_EVALSET):
        reports[half] = evaluate_visit_parser(VISIT_EVALSET, day, split=half, outcome_reader=reader)
        titles[half] = f"{split_title(half)} of {VISIT_EVALSET.name}: {reports[half]['n']} reports"
    if dev_file.exists():
        reports["dev"] = evaluate_visit_parser(dev_file, day, outcome_reader=reader)
        titles["dev"] = f"shared dev file {dev_file.name}: {reports['dev']['n']} reports (read from {day})"
    if as_json:
        typer.echo(json.dumps(reports, ensure_ascii=False, default=str))
        return
    for name, report in reports.items():
        _print_report(titles[name], report, errors and name in (*ERRORS_LISTED, "dev"))
    if errors:
        typer.echo("(the errors of the held-out splits are not listed: they are not tuned on)")


def _outcome_reader():
    from bot.sales.parsing.outcome_meaning import OutcomeReader
    from config import get_settings
    from knowledge.embeddings import embedder_for

    settings = get_settings()
    return OutcomeReader(embedder_for(settings), settings.cache_dir)


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}") from None


async def export_rows(database_url: str, since: date | None) -> list[dict[str, Any]]:
    """One row per visit (all teams: the command line is an administrator's tool), dates ISO."""
    from store import users, visits
    from store.access import Viewer
    from store.db import open_database

    db = await open_database(database_url)
    try:
        async with db.transaction() as session:
            everything = Viewer.system()
            found = await visits.visits_between(session, everything, since or date.min, date.max)
            reps: dict[int, str] = {}
            for rep_id in {v.rep_id for v in found}:
                rep = await users.get_user(session, rep_id)
                reps[rep_id] = rep.name if rep else ""
    finally:
        await db.dispose()
    rows = []
    for v in found:
        c, k = v.customer, v.contact
        rows.append(
            {
                "id": v.id,
                "visited_on": v.visited_on.isoformat(),
                "rep": reps.get(v.rep_id, ""),
                "customer": c.name,
                "customer_grade": c.grade,
                "customer_stars": c.stars,
                "customer_milestone": c.milestone,
                "contact": k.name if k else None,
                "contact_title": k.title if k else None,
                "contact_buying_role": k.buying_role if k else None,
                "contact_phone": k.phone if k else None,
                "contact_landline": k.landline if k else None,
                "contact_email": k.email if k else None,
                "kind": v.kind,
                "outcome": v.outcome,
                "effective": v.effective,
                "next_step": v.next_step,
                "next_date": v.next_date.isoformat() if v.next_date else None,
                "amount_wan": v.amount_wan,
                "notes": v.notes,
                "created_at": v.created_at.isoformat(),
            }
        )
    return rows


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read the Chinese right


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "visits"
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in EXPORT_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(rows: list[dict[str, Any]]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@export_app.command("visits")
def export_visits(
    format: Annotated[str, typer.Option("--format", help="csv | xlsx | json")] = "csv",
    since: Annotated[str | None, typer.Option(help="Only visits on or after this day (YYYY-MM-DD)")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout; xlsx: visits.xlsx)")
    ] = None,
) -> None:
    """Every visit, one record each, with ISO dates."""
    import asyncio

    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(EXPORT_FORMATS)}")
    start = _parse_day(since) if since else None
    from config import get_settings

    settings = get_settings()
    settings.coach_home.mkdir(parents=True, exist_ok=True)
    rows = asyncio.run(export_rows(settings.database, start))
    content = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}[format](rows)
    if output is None and format == "xlsx":
        output = Path("visits.xlsx")
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    output.write_bytes(content)
    typer.echo(f"{len(rows)} visits written to {output}", err=True)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("visits")(eval_visits)
    app.add_typer(export_app, name="export")
