"""`coach calendar load` in a real subprocess; another process (this one) reads the year from the
database."""

import asyncio
import os
import subprocess
import sys
from datetime import date

from bot.sales.workcalendar import WorkCalendar, arrangement_from_rows
from store.calendar import loaded_years
from store.db import open_database
from tests.conftest import REPO

ARRANGEMENT_2027 = """\
year: 2027
holidays:
  元旦: 2027-01-01 ~ 2027-01-03
  国庆: 2027-10-01 ~ 2027-10-07
workdays:
  - 2027-09-26
  - 2027-10-09
"""


def _coach(home, *args):
    env = dict(os.environ, COACH_HOME=str(home))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, text=True, cwd=REPO
    )


async def _calendar_from(db_url: str) -> WorkCalendar:
    db = await open_database(db_url)
    try:
        async with db.transaction() as session:
            years = await loaded_years(session)
    finally:
        await db.dispose()
    return WorkCalendar({y: arrangement_from_rows(y, rows, "db") for y, rows in years.items()})


def test_load_a_year_then_every_process_sees_it(tmp_path):
    file = tmp_path / "2027.yaml"
    file.write_text(ARRANGEMENT_2027, encoding="utf-8")
    done = _coach(tmp_path, "calendar", "load", str(file))
    assert done.returncode == 0, done.stderr
    assert "2027" in done.stdout and "10 天休息日" in done.stdout and "2 天调休上班" in done.stdout

    calendar = asyncio.run(_calendar_from(f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"))
    assert calendar.is_official(2027)
    assert not calendar.is_workday(date(2027, 10, 4))  # a Monday of the loaded 国庆 break
    assert calendar.is_workday(date(2027, 10, 9))  # its 调休 Saturday
    assert calendar.next_workday(date(2027, 9, 30)) == date(2027, 10, 8)

    shown = _coach(tmp_path, "calendar", "show", "2027")
    assert shown.returncode == 0 and "loaded" in shown.stdout and "2027-10-09 班" in shown.stdout


def test_a_bad_file_is_refused_with_the_reason(tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text("year: 2027\nholidays:\n  国庆: 2027-10-01\nworkdays: [2027-10-13]\n", encoding="utf-8")
    done = _coach(tmp_path, "calendar", "load", str(file))
    assert done.returncode == 1 and "周六或周日" in done.stderr


def test_eval_dates_reports_both_halves(tmp_path):
    done = _coach(tmp_path, "eval", "dates")
    assert done.returncode == 0, done.stderr
    assert "tuning" in done.stdout and "test" in done.stdout
