"""Per-field accuracy of the rule-based visit parser over a jsonl file of labelled visit reports.

Each line: {"id": ..., "text": ..., "expected": {customer, contact_name, outcome, next_step, next_date, amount_wan, ...}}
where expected.next_date is the phrase as typed (下周二, 2025-01-15) and is resolved with parse_date on the same
`today` as the parser's output.

Run: python -m bot.sales.parsing.evaluate /work/shared/eval/visit_logs.dev.jsonl --today 2024-11-25
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from bot.sales.parsing.customers import normalize_company
from bot.sales.parsing.dates import parse_date
from bot.sales.parsing.visit_text import ParsedVisit, parse_visit

FIELDS: tuple[str, ...] = ("customer", "contact", "outcome", "next_date", "amount", "next_step")
_NON_CONTENT = re.compile(r"[\s\W_]+")


def char_overlap(a: str, b: str) -> float:
    """Dice coefficient over character multisets, punctuation ignored (1.0 = same characters)."""
    ca, cb = Counter(_NON_CONTENT.sub("", a)), Counter(_NON_CONTENT.sub("", b))
    total = sum(ca.values()) + sum(cb.values())
    if total == 0:
        return 1.0
    return 2 * sum((ca & cb).values()) / total


def _field_results(
    got: ParsedVisit, expected: dict[str, Any], today: date
) -> dict[str, tuple[bool, Any, Any]]:
    exp_customer = expected.get("customer")
    customer_ok = (
        got.customer is None
        if exp_customer is None
        else got.customer is not None and normalize_company(got.customer) == normalize_company(exp_customer)
    )
    exp_date_text = expected.get("next_date")
    exp_date = None
    if exp_date_text:
        resolved = parse_date(str(exp_date_text), today)
        exp_date = resolved[0] if resolved else None
    exp_amount = expected.get("amount_wan")
    amount_ok = (
        got.amount_wan is None
        if exp_amount is None
        else got.amount_wan is not None and abs(got.amount_wan - float(exp_amount)) <= 0.01
    )
    exp_step = expected.get("next_step")
    step_ok = (
        got.next_step is None
        if exp_step is None
        else got.next_step is not None and char_overlap(got.next_step, exp_step) >= 0.5
    )
    return {
        "customer": (customer_ok, exp_customer, got.customer),
        "contact": (
            got.contact_name == expected.get("contact_name"),
            expected.get("contact_name"),
            got.contact_name,
        ),
        "outcome": (got.outcome == expected.get("outcome"), expected.get("outcome"), got.outcome),
        "next_date": (
            got.next_date == exp_date,
            f"{exp_date_text} → {exp_date}" if exp_date_text else None,
            f"{got.next_date_text} → {got.next_date}" if got.next_date else None,
        ),
        "amount": (amount_ok, exp_amount, got.amount_wan),
        "next_step": (step_ok, exp_step, got.next_step),
    }


def evaluate_visit_parser(path: Path, today: date, known_customers: tuple[str, ...] = ()) -> dict[str, Any]:
    """{"n": N, "fields": {field: accuracy}, "errors": [{"id", "field", "expected", "got", "text"}]}."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    correct = dict.fromkeys(FIELDS, 0)
    errors: list[dict[str, Any]] = []
    for row in rows:
        got = parse_visit(row["text"], today, known_customers)
        for field, (ok, expected, value) in _field_results(got, row["expected"], today).items():
            if ok:
                correct[field] += 1
            else:
                errors.append(
                    {
                        "id": row.get("id"),
                        "field": field,
                        "expected": expected,
                        "got": value,
                        "text": row["text"],
                    }
                )
    n = len(rows)
    return {"n": n, "fields": {f: (correct[f] / n if n else 0.0) for f in FIELDS}, "errors": errors}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    report = evaluate_visit_parser(args.path, args.today)
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
