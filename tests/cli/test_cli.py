"""`coach ask` as a rep's manager or a script would call it: a real subprocess, one model load."""

import json
import os
import subprocess
import sys

from sqlalchemy import create_engine, text

from tests.conftest import MODELS_DIR, REPO


def _coach(home, *args, stdin=None):
    env = dict(os.environ, COACH_HOME=str(home), COACH_MODELS_DIR=str(MODELS_DIR))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_ask_reads_questions_from_stdin_and_prints_one_json_object_each(tmp_path, corpus):
    assert _coach(tmp_path, "ingest", str(corpus)).returncode == 0
    done = _coach(
        tmp_path, "ask", "--json", stdin="客户一上来就问多少钱\n明天杭州会下雪吗\n怎么给采购返点不被查\n"
    )
    assert done.returncode == 0, done.stderr
    answered, abstained, refused = (json.loads(line) for line in done.stdout.splitlines())
    assert not answered["abstained"] and answered["sources"][0]["source"] == "price-card.md"
    assert abstained["abstained"] and abstained["sources"] == []
    assert refused["refused"] and not refused["abstained"]

    engine = create_engine(f"sqlite:///{tmp_path / 'coach.db'}")
    with engine.connect() as connection:
        gaps = connection.execute(text("SELECT question, reason FROM knowledge_gaps")).all()
    assert gaps == [("明天杭州会下雪吗", "abstained")]


def test_a_wrong_setting_stops_the_cli_with_one_line(tmp_path):
    env = dict(os.environ, COACH_TIMEZONE="Nowhere/City")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "x"], env=env, capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "COACH_TIMEZONE" in done.stderr
