"""Write the customer tagger's training data (bot/sales/parsing/lexicon/customer_spans.jsonl).

One row per labelled visit report whose customer is named in its text: {"group", "id", "text",
"customer"}. Only the splits listed here are copied, so a split written later to measure the tagger
(holdout6 …) never becomes its training data by being appended to the same file.

Run: python -m evalsets.build_customer_spans
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.sales.parsing.customer_tagger import TRAINING_FILE

HERE = Path(__file__).resolve().parent
SOURCES: tuple[tuple[Path, str | None], ...] = (
    (HERE / "visit_reports.jsonl", None),
    (HERE / "visit_reports_blind_parser4.jsonl", "blind_parser4"),
)
TRAINING_SPLITS = ("tune", "test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "blind_parser4")


def main() -> None:
    out: list[str] = []
    for path, default_group in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            group = row.get("split") or default_group
            customer = row["expected"].get("customer")
            if group not in TRAINING_SPLITS or not customer or customer not in row["text"]:
                continue
            record = {"group": group, "id": row["id"], "text": row["text"], "customer": customer}
            out.append(json.dumps(record, ensure_ascii=False))
    TRAINING_FILE.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} rows → {TRAINING_FILE}")


if __name__ == "__main__":
    main()
