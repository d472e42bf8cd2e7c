"""Write the outcome classifier's labelled reports (bot/sales/parsing/lexicon/outcome_reports.jsonl).

One row per labelled visit report of evalsets/training_reports.py: {"group", "id", "text", "label"}.
At run time the classifier is fitted on these and the hand-written exemplars together.

Run: python -m evalsets.build_outcome_reports
"""

from __future__ import annotations

import json

from bot.sales.parsing.outcome_meaning import REPORTS_FILE
from evalsets.training_reports import training_reports


def main() -> None:
    out = [
        json.dumps(
            {"group": r["group"], "id": r["id"], "text": r["text"], "label": r["expected"]["outcome"]},
            ensure_ascii=False,
        )
        for r in training_reports()
        if r["expected"].get("outcome")
    ]
    REPORTS_FILE.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} rows → {REPORTS_FILE}")


if __name__ == "__main__":
    main()
