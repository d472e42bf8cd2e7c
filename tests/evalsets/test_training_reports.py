"""The learnt parts of the parser are trained only on the listed groups (evalsets/training_reports.py)."""

from __future__ import annotations

import json
from pathlib import Path

from evalsets.training_reports import TRAINING_SPLITS, training_reports


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_a_split_written_later_never_becomes_training_data(tmp_path) -> None:
    reports = tmp_path / "reports.jsonl"
    blind = tmp_path / "blind.jsonl"
    _write(reports, [{"id": "a", "split": "tune"}, {"id": "b", "split": "holdout14"}, {"id": "c"}])
    _write(blind, [{"id": "d"}])
    rows = training_reports([(reports, None), (blind, "blind_parser4"), (tmp_path / "absent.jsonl", "x")])
    assert [(r["id"], r["group"]) for r in rows] == [("a", "tune"), ("d", "blind_parser4")]


def test_the_listed_groups_hold_no_unseen_holdout() -> None:
    """holdout14 (written blind, measured once, never tuned on) is kept out; every split looked at trains (holdout9 was lost
    with its round's branch and never landed)."""
    assert "holdout14" not in TRAINING_SPLITS
    assert not any(s.startswith("holdout") and int(s[len("holdout") :] or 1) >= 14 for s in TRAINING_SPLITS)
    seen = {f"holdout{k}" for k in (2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13)} | {
        "tune",
        "test",
        "holdout",
        "blind_parser4",
        "train",
    }
    assert seen <= set(TRAINING_SPLITS)
    assert {r["group"] for r in training_reports()} <= set(TRAINING_SPLITS)


def test_the_measured_holdouts_train_now() -> None:
    assert {"holdout7", "holdout8", "holdout10", "holdout11", "holdout12", "holdout13"} <= {
        r["group"] for r in training_reports()
    }
