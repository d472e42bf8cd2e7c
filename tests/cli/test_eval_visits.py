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
    assert "eighth holdout" in result.stdout
    assert result.stdout.count("next date resolved") == 15  # no dev file here

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
        "holdout8",
        "holdout10",
        "holdout11",
        "holdout12",
        "holdout13",
        "holdout14",
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
        ("holdout8", "eighth holdout (written blind in round 7"),
        ("holdout10", "tenth holdout (written blind in round 9"),
        ("holdout11", "eleventh holdout (written blind in round 9"),
        ("holdout12", "twelfth holdout (written blind in round 9"),
        ("holdout13", "thirteenth holdout (written blind in round 9"),
        ("holdout14", "fourteenth holdout (written blind in round 9"),
        ("holdout15", "holdout15 (never tuned on)"),  # a split nobody described yet is reported as it is
    ],
)
def test_eval_visits_reports_a_newer_holdout_as_its_own_held_out_split(
    tmp_path, monkeypatch, held_out, title
):
    """On a tiny file of its own (one row per split), not on the held-out rows themselves."""
    from bot.cli import visits
    from bot.sales.parsing.evaluate import SPLIT_NOTES

    splits = (*SPLIT_NOTES, held_out) if held_out not in SPLIT_NOTES else tuple(SPLIT_NOTES)
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
        for split in splits
    ]
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(visits, "VISIT_EVALSET", tiny)
    absent = str(tmp_path / "absent.jsonl")

    as_json = CliRunner().invoke(cli.app, ["eval", "visits", "--json", "--no-meaning", "--dev-file", absent])
    report = json.loads(as_json.stdout)
    assert held_out in report and report[held_out]["n"] == 1
    assert list(report) == list(splits)  # in the file's order, each split once
    assert all(report[split]["n"] == 1 for split in splits)

    text = CliRunner().invoke(cli.app, ["eval", "visits", "--errors", "--no-meaning", "--dev-file", absent])
    assert text.exit_code == 0, text.output
    assert title in text.stdout
    assert "tiny.jsonl: 1 reports" in text.stdout
    assert "x-tune customer" in text.stdout  # the tuning half's misses are listed ...
    assert f"x-{held_out}" not in text.stdout  # ... a held-out split's never


def test_a_split_that_is_not_in_the_file_is_refused(tmp_path):
    from bot.cli.visits import VISIT_EVALSET

    result = CliRunner().invoke(
        cli.app, ["eval", "visits", "--file", str(VISIT_EVALSET), "--split", "holdout99", "--no-meaning"]
    )
    assert result.exit_code != 0
    assert "holdout99" in result.output


def test_split_names_are_read_from_the_file(tmp_path):
    from bot.sales.parsing.evaluate import split_names, split_title

    path = tmp_path / "r.jsonl"
    rows = [{"split": "tune"}, {"split": "holdout9"}, {}, {"split": "tune"}, {"split": "test"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert split_names(path) == ("tune", "holdout9", "test")
    assert split_title("tune") == "tune half"
    assert "never tuned on" in split_title("holdout9")


def test_the_module_runner_refuses_a_split_the_file_lacks(tmp_path, capsys):
    from bot.sales.parsing.evaluate import main

    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"split": "tune", "text": "x", "expected": {}}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main([str(path), "--split", "holdout8"])
    assert "not a split" in capsys.readouterr().err
