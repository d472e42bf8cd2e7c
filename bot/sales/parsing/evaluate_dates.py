"""Accuracy of the date parser over labelled expressions (evalsets/dates.jsonl), reported on a
tuning half and a test half split once with a fixed seed.

Each line: {"id", "text", "today": "YYYY-MM-DD", "expected": "YYYY-MM-DD" | null, "category",
"mode"}. mode "expression": the first date parse_date finds (null: none at all); mode "visit": the
next date the quick-log parser chooses in a whole visit report."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from bot.sales.parsing.dates import parse_date
from bot.sales.parsing.visit_text import choose_next_date

SPLIT_SEED = 13


def split_halves(ids: list[str], seed: int = SPLIT_SEED) -> dict[str, str]:
    """id → "tuning" | "test", by a seeded hash of the id alone: an expression stays in its half
    whatever is added to the file later."""
    return {
        item: "tuning" if hashlib.sha256(f"{seed}:{item}".encode()).digest()[0] % 2 == 0 else "test"
        for item in ids
    }


def resolve(row: dict[str, Any]) -> date | None:
    today = date.fromisoformat(row["today"])
    if row.get("mode") == "visit":
        found = choose_next_date(row["text"], today)
        return found.date if found else None
    parsed = parse_date(row["text"], today)
    return parsed[0] if parsed else None


def evaluate_dates(path: Path, seed: int = SPLIT_SEED) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    halves = split_halves([r["id"] for r in rows], seed)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for row in rows:
        got = resolve(row)
        expected = date.fromisoformat(row["expected"]) if row["expected"] else None
        ok = got == expected
        half = halves[row["id"]]
        totals[half][0] += ok
        totals[half][1] += 1
        if half == "test":
            by_category[row.get("category", "-")][0] += ok
            by_category[row.get("category", "-")][1] += 1
        if not ok:
            misses.append(
                {
                    "id": row["id"],
                    "half": half,
                    "text": row["text"],
                    "today": row["today"],
                    "expected": row["expected"],
                    "got": got.isoformat() if got else None,
                }
            )
    report: dict[str, Any] = {"n": len(rows), "seed": seed, "misses": misses}
    for half in ("tuning", "test"):
        correct, n = totals[half]
        report[half] = {"n": n, "correct": correct, "accuracy": correct / n if n else 0.0}
    report["test_by_category"] = {
        cat: {"n": n, "accuracy": correct / n} for cat, (correct, n) in sorted(by_category.items())
    }
    return report
