import json

import pytest
from typer.testing import CliRunner

from bot import cli


def test_eval_visits_reports_both_halves_of_the_evalset(tmp_path):
    result = CliRunner().invoke(cli.app, ["eval", "visits", "--dev-file", str(tmp_path / "absent.jsonl")])
    assert result.exit_code == 0, result.output
    assert "tune half of visit_reports.jsonl" in result.stdout
    assert "test half of visit_reports.jsonl" in result.stdout
    assert "holdout of visit_reports.jsonl" in result.stdout
    assert "second holdout" in result.stdout
    assert "third holdout" in result.stdout
    assert "fourth holdout" in result.stdout
    assert "fifth holdout" in result.stdout
    assert "sixth holdout" in result.stdout
    assert "seventh holdout" in result.stdout
    assert result.stdout.count("next date resolved") == 9  # no dev file here

    as_json = CliRunner().invoke(
        cli.app, ["eval", "visits", "--json", "--no-meaning", "--dev-file", str(tmp_path / "absent.jsonl")]
    )
    report = json.loads(as_json.stdout)
    assert set(report) == {
        "tune",
        "test",
        "holdout",
        "holdout2",
        "holdout3",
        "holdout4",
        "holdout5",
        "holdout6",
        "holdout7",
    }
    assert report["tune"]["n"] + report["test"]["n"] >= 200


def test_eval_visits_never_lists_the_test_halfs_errors(tmp_path):
    result = CliRunner().invoke(
        cli.app, ["eval", "visits", "--errors", "--no-meaning", "--dev-file", str(tmp_path / "absent.jsonl")]
    )
    tune_part, held_out = result.stdout.split("test half of")
    assert "✗" in tune_part  # the tuning half's misses are listed
    assert "✗" not in held_out and "not tuned on" in held_out


def test_eval_visits_one_split_of_one_file(tmp_path):
    from bot.cli.visits import VISIT_EVALSET

    result = CliRunner().invoke(
        cli.app, ["eval", "visits", "--file", str(VISIT_EVALSET), "--split", "tune", "--json", "--no-meaning"]
    )
    report = json.loads(result.stdout)
    assert 100 <= report["n"] < 200


@pytest.mark.parametrize(
    ("held_out", "title"),
    [
        ("holdout4", "fourth holdout (written blind, measured once"),
        ("holdout5", "fifth holdout (written and labelled by reading"),
        ("holdout6", "sixth holdout (written and labelled by reading"),
        ("holdout7", "seventh holdout (written and labelled by reading"),
    ],
)
def test_eval_visits_reports_a_newer_holdout_as_its_own_held_out_split(
    tmp_path, monkeypatch, held_out, title
):
    """On a tiny file of its own (one row per split), not on the held-out rows themselves."""
    from bot.cli import visits

    wrong = {
        "customer": "别的公司",
        "contact_name": None,
        "outcome": "deal_won",
        "next_date": None,
        "amount_wan": 1,
    }
    rows = [
        {
            "id": f"x-{split}",
            "split": split,
            "today": "2026-12-08",
            "text": "今天去了青松电气，王总挺感兴趣",
            "expected": wrong,
        }
        for split in visits.EVAL_SPLITS
    ]
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(visits, "VISIT_EVALSET", tiny)
    absent = str(tmp_path / "absent.jsonl")

    as_json = CliRunner().invoke(cli.app, ["eval", "visits", "--json", "--no-meaning", "--dev-file", absent])
    report = json.loads(as_json.stdout)
    assert held_out in report and report[held_out]["n"] == 1
    assert all(report[split]["n"] == 1 for split in visits.EVAL_SPLITS)

    text = CliRunner().invoke(cli.app, ["eval", "visits", "--errors", "--no-meaning", "--dev-file", absent])
    assert text.exit_code == 0, text.output
    assert title in text.stdout
    assert "tiny.jsonl: 1 reports" in text.stdout
    assert "x-tune customer" in text.stdout  # the tuning half's misses are listed ...
    assert f"x-{held_out}" not in text.stdout  # ... a held-out split's never
