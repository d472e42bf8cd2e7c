"""Write knowledge/intent_exemplars.jsonl: the labelled examples the intent classifier trains on.

    .venv/bin/python -m evalsets.make_exemplars

They are the TUNING half of evalsets/questions.jsonl and the first five holdout sets
(evalsets/questions_holdout.jsonl … questions_holdout5.jsonl: their misses were studied, so they
became tuning data), plus the
hand-written evalsets/exemplars_extra.jsonl and the starter playbook cards' `questions:` (less any
that rewords a held-out question). Never the test half, the shared dev set or any later holdout set
(evalsets/questions_holdout6.jsonl …, written blind). Labels: sales (answerable and
legitimate questions), uncovered (sales questions the playbooks do not answer: a product's price, an internal
process, a named competitor's spec), offtopic, unsafe:<category id>.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).parent
QUESTIONS = HERE / "questions.jsonl"
EXTRA = HERE / "exemplars_extra.jsonl"
#: sales questions asking for a fact the playbooks lack (label uncovered) paired with technique
#: questions in the same words (label sales): what the coverage classifier learns from
FACTS = HERE / "exemplars_facts.jsonl"
HOLDOUT = HERE / "questions_holdout.jsonl"  # the first holdout set: tuning data since its misses were read
HOLDOUT2 = HERE / "questions_holdout2.jsonl"  # the second: tuning data since round 5 read its misses
HOLDOUT3 = HERE / "questions_holdout3.jsonl"  # the third: tuning data since round 6 read its misses
HOLDOUT4 = HERE / "questions_holdout4.jsonl"  # the fourth: tuning data since round 7 read its misses
HOLDOUT5 = HERE / "questions_holdout5.jsonl"  # the fifth: tuning data since round 10 read its misses
TUNING_HOLDOUTS = (HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5)


def later_holdouts() -> list[Path]:
    """Holdout sets written after those (questions_holdout6.jsonl …): never trained or tuned on."""
    return sorted(p for p in HERE.glob("questions_holdout?*.jsonl") if p not in TUNING_HOLDOUTS)


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


TUNING_SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")


def tuning_exemplars(rows: list[dict]) -> list[dict]:
    return [{"text": r["question"], "label": label(r)} for r in rows if r["split"] in TUNING_SPLITS]


def tuning_rows() -> list[dict]:
    """The evaluation questions the classifier and the rules may be fitted on."""
    rows = _rows(QUESTIONS) + [r for p in TUNING_HOLDOUTS for r in _rows(p)]
    return [r for r in rows if r["split"] in TUNING_SPLITS]


def held_out_questions() -> list[str]:
    """Every evaluation question nothing may be fitted on: the test half, later holdout sets, dev."""
    test = [r["question"] for r in _rows(QUESTIONS) if r["split"] not in TUNING_SPLITS]
    later = [r["question"] for p in later_holdouts() for r in _rows(p)]
    return test + later + [r["question"] for r in _rows(DEV_QUESTIONS)]


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


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def unseen(exemplars: list[dict], held_out_questions: list[str]) -> list[dict]:
    """The exemplars that are no held-out question reworded (a card's `questions:` may be one)."""
    from evalsets.near import near_copies
    from knowledge.text import normalize_for_index

    held_out = [normalize_for_index(q) for q in held_out_questions]
    return [e for e in exemplars if not near_copies([normalize_for_index(e["text"])], held_out)]


def main() -> None:
    extra = _rows(EXTRA) + _rows(FACTS)
    # hand-written exemplars are checked against every eval set by a test; filtering them here too
    # keeps a held-out set added later (questions_holdout6.jsonl …) out of training until they are fixed
    exemplars = tuning_exemplars(tuning_rows()) + unseen(extra + card_questions(), held_out_questions())
    TARGET.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in exemplars), encoding="utf-8")
    print(f"{len(exemplars)} exemplars -> {TARGET}")


if __name__ == "__main__":
    main()
