"""Write knowledge/intent_exemplars.jsonl: the labelled examples the intent classifier trains on.

    .venv/bin/python -m evalsets.make_exemplars

They are the TUNING half of evalsets/questions.jsonl (never the test half, never the shared dev set)
plus the hand-written evalsets/exemplars_extra.jsonl and the starter playbook cards' `questions:`. Labels: sales (answerable and legitimate
questions), uncovered (sales questions the playbooks do not answer: a product's price, an internal
process, a named competitor's spec), offtopic, unsafe:<category id>.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).parent
QUESTIONS = HERE / "questions.jsonl"
EXTRA = HERE / "exemplars_extra.jsonl"
TARGET = HERE.parent / "knowledge" / "intent_exemplars.jsonl"
# The five seed documents the answerable questions are about: ../shared beside the checkout
# (or beside the worktrees' parent), or COACH_SHARED_DIR.
_SHARED_CANDIDATES = [
    Path(os.environ["COACH_SHARED_DIR"]) if os.environ.get("COACH_SHARED_DIR") else None,
    HERE.parent.parent / "shared",
    HERE.parent.parent.parent / "shared",
]
SHARED = next((p for p in _SHARED_CANDIDATES if p and p.exists()), HERE.parent.parent / "shared")
SEEDS = SHARED / "seeds"
DEV_QUESTIONS = SHARED / "eval" / "questions.dev.jsonl"


def playbook_dir() -> Path:
    from knowledge.service import PLAYBOOKS_DIR

    return PLAYBOOKS_DIR


def label(row: dict) -> str:
    if row["kind"] == "unsafe":
        return f"unsafe:{row['category']}"
    if row["kind"] == "unanswerable":
        return "offtopic"
    if row["kind"] == "uncovered":
        return "uncovered"
    return "sales"


def tuning_exemplars(rows: list[dict]) -> list[dict]:
    return [{"text": r["question"], "label": label(r)} for r in rows if r["split"] == "tune"]


# Cards whose `questions:` ask about a tactic in order to be told no: not examples of safe wording.
COMPLIANCE_CARDS = {"bid-compliance"}


def card_questions() -> list[dict]:
    """The starter playbook cards' own `questions:`: how reps ask about sales, labelled sales."""
    from knowledge.loaders import discover, load

    found = []
    for path in discover([playbook_dir()]):
        document = load(path)
        if document.entries and path.stem not in COMPLIANCE_CARDS:
            found += [{"text": q, "label": "sales"} for q in document.entries[0].questions]
    return found


def main() -> None:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    extra = [json.loads(line) for line in EXTRA.read_text(encoding="utf-8").splitlines() if line.strip()]
    exemplars = tuning_exemplars(rows) + extra + card_questions()
    TARGET.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in exemplars), encoding="utf-8")
    print(f"{len(exemplars)} exemplars -> {TARGET}")


if __name__ == "__main__":
    main()
