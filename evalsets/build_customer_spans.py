"""Write the customer tagger's training data (bot/sales/parsing/lexicon/customer_spans.jsonl).

One row per labelled visit report of evalsets/training_reports.py whose customer is named in its
text: {"group", "id", "text", "customer"}.

Run: python -m evalsets.build_customer_spans
"""

from __future__ import annotations

import json

from bot.sales.parsing.customer_tagger import TRAINING_FILE
from evalsets.training_reports import training_reports


def main() -> None:
    out: list[str] = []
    for row in training_reports():
        customer = row["expected"].get("customer")
        if not customer or customer not in row["text"]:
            continue
        record = {"group": row["group"], "id": row["id"], "text": row["text"], "customer": customer}
        out.append(json.dumps(record, ensure_ascii=False))
    TRAINING_FILE.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} rows → {TRAINING_FILE}")


if __name__ == "__main__":
    main()
