"""The labelled visit reports the parser's learnt parts are trained on, each with its group.

A group is a set of reports written at one time (a split of visit_reports.jsonl, the 40 blind_parser4
reports, the train file): grouped cross-validation leaves one group out at a time, so a figure is
always on reports written apart from everything the model learnt from. Only the groups listed in
TRAINING_SPLITS are used: a split written later to measure the parser (holdout14 …) never becomes
training data by being appended to the same file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: (file, group of its rows that carry no split of their own)
SOURCES: tuple[tuple[Path, str | None], ...] = (
    (HERE / "visit_reports.jsonl", None),
    (HERE / "visit_reports_blind_parser4.jsonl", "blind_parser4"),
    (HERE / "visit_reports_train.jsonl", "train"),
)
TRAINING_SPLITS = (
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
    "blind_parser4",
    "train",
)


def training_reports(
    sources: Sequence[tuple[Path, str | None]] = SOURCES, splits: Sequence[str] = TRAINING_SPLITS
) -> list[dict[str, Any]]:
    """Every labelled report of ``splits``, in file order, with its ``group``."""
    out: list[dict[str, Any]] = []
    for path, default_group in sources:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            group = row.get("split") or default_group
            if group in splits:
                out.append({**row, "group": group})
    return out
