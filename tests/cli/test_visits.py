"""`coach eval visits` and `coach export visits --format csv|xlsx|json [--since DATE]`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot import cli
from config import get_settings
from store import customers, users, visits
from store.access import Viewer
from tests.conftest import shared_path


@pytest.fixture
async def filled_db(db):
    async with db.transaction() as session:
        rep = await users.add_user(session, 1001, "小李", "rep", "华东")
        viewer = Viewer.of(rep)
        customer, _ = await customers.get_or_create_customer(session, viewer, "华东机械", grade="A", stars=5)
        contact = await customers.add_contact(session, viewer, customer.id, "刘总", landline="021-62345678")
        await visits.add_visit(
            session,
            viewer,
            customer.id,
            visited_on=date(2026, 11, 2),
            kind="电话",
            outcome="need_followup",
        )
        await visits.add_visit(
            session,
            viewer,
            customer.id,
            visited_on=date(2026, 11, 23),
            kind="上门",
            outcome="interested",
            contact_id=contact.id,
            notes='对方案挺感兴趣，逗号,和"引号"',
            next_step="去做演示",
            next_date=date(2026, 12, 1),
            amount_wan=20,
        )
    return db


def invoke(monkeypatch, tmp_path, db_url: str, *args: str):
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli.app, list(args))
    finally:
        get_settings.cache_clear()


def test_export_json_has_one_record_per_visit_with_iso_dates(filled_db, monkeypatch, tmp_path):
    result = invoke(monkeypatch, tmp_path, filled_db.url, "export", "visits", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["visited_on"] for r in rows] == ["2026-11-02", "2026-11-23"]
    last = rows[1]
    assert (last["customer"], last["rep"], last["contact"], last["contact_landline"]) == (
        "华东机械",
        "小李",
        "刘总",
        "021-62345678",
    )
    assert (last["next_date"], last["amount_wan"], last["outcome"], last["customer_grade"]) == (
        "2026-12-01",
        20,
        "interested",
        "A",
    )
    assert rows[0]["next_date"] is None and rows[0]["contact"] is None


def test_export_csv_since_a_day(filled_db, monkeypatch, tmp_path):
    result = invoke(
        monkeypatch, tmp_path, filled_db.url, "export", "visits", "--format", "csv", "--since", "2026-11-10"
    )
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert row["visited_on"] == "2026-11-23" and row["next_date"] == "2026-12-01"
    assert row["notes"] == '对方案挺感兴趣，逗号,和"引号"'


def test_export_xlsx_to_a_file(filled_db, monkeypatch, tmp_path):
    target = tmp_path / "out.xlsx"
    result = invoke(
        monkeypatch, tmp_path, filled_db.url, "export", "visits", "--format", "xlsx", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    header, *rows = list(sheet.values)
    assert header[:4] == ("id", "visited_on", "rep", "customer") and len(rows) == 2
    assert rows[1][header.index("next_date")] == "2026-12-01"


def test_export_rejects_a_bad_format_or_date(filled_db, monkeypatch, tmp_path):
    assert invoke(monkeypatch, tmp_path, filled_db.url, "export", "visits", "--format", "pdf").exit_code != 0
    assert invoke(monkeypatch, tmp_path, filled_db.url, "export", "visits", "--since", "昨天").exit_code != 0


def test_eval_visits_prints_per_field_accuracy():
    path = shared_path("eval", "visit_logs.dev.jsonl")
    result = CliRunner().invoke(cli.app, ["eval", "visits", "--file", str(path), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    for label in ("customer", "contact", "outcome", "next date resolved", "amount"):
        assert label in result.stdout
    as_json = CliRunner().invoke(cli.app, ["eval", "visits", "--file", str(path), "--json"])
    report = json.loads(as_json.stdout)
    assert report["n"] >= 10 and report["fields"]["customer"] >= 0.8
