import json

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
    assert result.stdout.count("next date resolved") == 5  # no dev file here

    as_json = CliRunner().invoke(
        cli.app, ["eval", "visits", "--json", "--no-meaning", "--dev-file", str(tmp_path / "absent.jsonl")]
    )
    report = json.loads(as_json.stdout)
    assert set(report) == {"tune", "test", "holdout", "holdout2", "holdout3"}
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
