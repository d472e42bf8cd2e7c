"""Write knowledge/intent_exemplars.jsonl: the labelled examples the intent classifier trains on.

    .venv/bin/python -m evalsets.make_exemplars

They are the TUNING half of evalsets/questions.jsonl (never the test half, never the shared dev set)
plus the hand-written evalsets/exemplars_extra.jsonl. Labels: sales (answerable and legitimate
questions), offtopic, unsafe:<category id>.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
QUESTIONS = HERE / "questions.jsonl"
EXTRA = HERE / "exemplars_extra.jsonl"
TARGET = HERE.parent / "knowledge" / "intent_exemplars.jsonl"


def label(row: dict) -> str:
    if row["kind"] == "unsafe":
        return f"unsafe:{row['category']}"
    if row["kind"] == "unanswerable":
        return "offtopic"
    return "sales"


def tuning_exemplars(rows: list[dict]) -> list[dict]:
    return [{"text": r["question"], "label": label(r)} for r in rows if r["split"] == "tune"]


def main() -> None:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    extra = [json.loads(line) for line in EXTRA.read_text(encoding="utf-8").splitlines() if line.strip()]
    exemplars = tuning_exemplars(rows) + extra
    TARGET.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in exemplars), encoding="utf-8")
    print(f"{len(exemplars)} exemplars -> {TARGET}")


if __name__ == "__main__":
    main()
