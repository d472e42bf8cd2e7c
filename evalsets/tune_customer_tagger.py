"""Grouped cross-validation of the customer tagger and of the ways to combine it with the rules.

Each group of lexicon/customer_spans.jsonl (a split written at one time: tune, test, holdout…,
blind_parser4, train) is read by a tagger trained on the other groups; the rules' customer is the
parser's without the tagger; the tagger's span is snapped to whole words as the parser snaps it
(visit_text.tagged_customer). Printed: the customer accuracy per way of combining, per group, overall
and over the newest groups (holdout6, holdout7, train), and the nested
figure (each group scored with the way chosen on the other groups alone).

Run: python -m evalsets.tune_customer_tagger
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from bot.sales.parsing.customer_tagger import TaggedName, load_tagger, load_training_rows
from bot.sales.parsing.visit_text import combine_customer, parse_visit, tagged_customer
from store.customers import normalize_company_name

TODAY = date(2026, 12, 1)
CHOICES = (
    "rules",
    "tagger",
    "tagger_if_rules_none",
    "snap",
    *(f"tagger_at_{t}" for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
    *(f"trim_tagger_at_{t}" for t in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
)


def _choose(choice: str, rules: str | None, tagged: TaggedName | None) -> str | None:
    if choice == "rules":
        return rules
    if choice == "tagger":
        return tagged.name if tagged else None
    if choice == "tagger_if_rules_none":
        return rules or (tagged.name if tagged else None)
    if choice == "snap":
        return combine_customer(rules, tagged, "snap", 1.0)
    mode = "trim" if choice.startswith("trim") else "threshold"
    return combine_customer(rules, tagged, mode, float(choice.rsplit("_", 1)[1]))


def main() -> None:
    rows = load_training_rows()
    groups = sorted({r.group for r in rows})
    hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, int] = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        for group in groups:
            tagger = load_tagger(Path(tmp), [r for r in rows if r.group != group])
            for row in (r for r in rows if r.group == group):
                rules = parse_visit(row.text, TODAY, customer_tagger=None).customer
                tagged = tagged_customer(tagger, row.text)
                counts[group] += 1
                for choice in CHOICES:
                    got = _choose(choice, rules, tagged)
                    ok = got is not None and normalize_company_name(got) == normalize_company_name(
                        row.customer
                    )
                    hits[choice][group] += ok
    newest = ("holdout6", "holdout7", "train")
    print(f"{'choice':<22}" + "".join(f"{g:>14}" for g in groups) + f"{'all':>8}{'newest':>8}")
    for choice in CHOICES:
        line = f"{choice:<22}" + "".join(f"{hits[choice][g] / counts[g]:14.1%}" for g in groups)
        total = sum(hits[choice].values()) / sum(counts.values())
        blind = sum(hits[choice][g] for g in newest) / sum(counts[g] for g in newest)
        print(line + f"{total:8.1%}{blind:8.1%}")
    nested = 0
    for group in groups:
        best = max(
            CHOICES, key=lambda c: (sum(v for g, v in hits[c].items() if g != group), -CHOICES.index(c))
        )
        nested += hits[best][group]
        print(f"  without {group}: {best} chosen, {hits[best][group] / counts[group]:.1%} on {group}")
    print(f"nested grouped CV: {nested / sum(counts.values()):.1%} of {sum(counts.values())} reports")


if __name__ == "__main__":
    main()
