"""`coach eval retrieval`'s iteration flags and sets: a set name it does not know is refused with
the names it takes; each holdout file is its own set of its own split (temporary files only: the
real holdout questions are never run here)."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import EVAL_SET_NAMES, app, eval_question_sets


def test_an_unknown_set_is_refused_with_the_names_it_takes(tmp_path):
    result = CliRunner().invoke(
        app, ["eval", "retrieval", "--only", "heldout", "--ranking-only", "--corpus", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert (
        "--only takes test, tune, holdout, holdout2, holdout3, holdout4, holdout5, holdout6, dev"
        in result.output
    )


def _write_questions(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _row(qid, split, kind="unanswerable"):
    return {
        "id": qid,
        "question": f"问题{qid}",
        "must_contain_any": [],
        "source": None,
        "kind": kind,
        "split": split,
    }


def test_each_later_holdout_is_a_set_of_its_own_with_only_its_split(tmp_path):
    main = _write_questions(tmp_path / "questions.jsonl", [_row("t1", "tune"), _row("t2", "test")])
    second = _write_questions(tmp_path / "second.jsonl", [_row("g1", "holdout2")])
    third = _write_questions(tmp_path / "third.jsonl", [_row("k1", "holdout3"), _row("x1", "holdout2")])
    fourth = _write_questions(tmp_path / "fourth.jsonl", [_row("m1", "holdout4"), _row("y1", "holdout3")])
    holdouts = {"holdout": None, "holdout2": second, "holdout3": third, "holdout4": fourth}

    sets = eval_question_sets(main, holdouts, None, set(EVAL_SET_NAMES))
    assert {name: [q.id for q in qs] for name, qs in sets.items()} == {
        "test": ["t2"],
        "tune": ["t1"],
        "holdout2": ["g1"],
        "holdout3": ["k1"],
        "holdout4": ["m1"],
    }
    only_third = eval_question_sets(main, holdouts, None, {"holdout3"})
    assert list(only_third) == ["holdout3"]
    only_fourth = eval_question_sets(main, holdouts, None, {"holdout4"})
    assert {name: [q.id for q in qs] for name, qs in only_fourth.items()} == {"holdout4": ["m1"]}


@pytest.mark.parametrize("name", ["holdout3", "holdout4", "holdout5", "holdout6"])
def test_a_missing_later_holdout_file_is_skipped(tmp_path, name):
    main = _write_questions(tmp_path / "questions.jsonl", [_row("t1", "tune")])
    holdouts = {name: tmp_path / "absent.jsonl"}
    assert name not in eval_question_sets(main, holdouts, None, {"tune", name})


def test_every_holdout_set_defaults_to_its_file_and_says_where_it_stands():
    result = CliRunner().invoke(app, ["eval", "retrieval", "--help"], terminal_width=400)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for name in ("holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6"):
        assert f"{name}: evalsets/questions_{name}.jsonl" in text
    assert "holdout6: evalsets/questions_holdout6.jsonl (never tuned on)" in text


def test_a_holdout_file_can_be_replaced_by_name(tmp_path):
    from bot.cli import holdout_files

    files = holdout_files([f"holdout3={tmp_path / 'h3.jsonl'}"])
    assert files["holdout3"] == tmp_path / "h3.jsonl"
    assert str(files["holdout4"]) == "evalsets/questions_holdout4.jsonl"


@pytest.mark.parametrize("bad", ["holdout9=x.jsonl", "holdout3", "=x.jsonl"])
def test_a_malformed_holdout_replacement_is_refused(tmp_path, bad):
    result = CliRunner().invoke(
        app, ["eval", "retrieval", "--holdout", bad, "--ranking-only", "--corpus", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--holdout takes NAME=PATH" in result.output
