"""Assign the tuning/test split of evalsets/questions.jsonl once, with a fixed seed.

    .venv/bin/python -m evalsets.split          # writes the `split` field in place

Answerable questions are split by topic (every paraphrase of one passage lands in the same half,
so the test half asks about passages nothing was tuned on); unsafe, off-topic and legitimate
questions are split item by item within their category, so each half covers every category.
Run it once; re-running gives the same split, but never re-split after looking at test figures.
Questions added later (rows without a `split`) are split by the same item-by-item procedure among
themselves, with the same seed; rows that already have a split keep it (`assign_new`).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

SEED = 8
QUESTIONS = Path(__file__).with_name("questions.jsonl")


def assign(rows: list[dict], seed: int = SEED) -> None:
    rng = random.Random(seed)
    answerable_topics = sorted({r["topic"] for r in rows if r["kind"] == "answerable"})
    rng.shuffle(answerable_topics)
    test_topics = set(answerable_topics[: len(answerable_topics) // 2])
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["kind"] == "answerable":
            row["split"] = "test" if row["topic"] in test_topics else "tune"
        else:
            by_topic[row["topic"]].append(row)
    _alternate_within_topics(by_topic, rng)


def _alternate_within_topics(by_topic: dict[str, list[dict]], rng: random.Random) -> None:
    """Half of each topic's rows to each half, item by item in a shuffled order."""
    for topic in sorted(by_topic):
        group = by_topic[topic]
        order = list(range(len(group)))
        rng.shuffle(order)
        for position, i in enumerate(order):
            group[i]["split"] = "test" if position % 2 == 0 else "tune"


def assign_new(rows: list[dict], seed: int = SEED) -> None:
    """Split only the rows without a `split`, item by item within each topic: adding a class of
    questions later moves no existing question between the halves."""
    rng = random.Random(seed)
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if not row.get("split"):
            by_topic[row["topic"]].append(row)
    _alternate_within_topics(by_topic, rng)


def main() -> None:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not any(row.get("split") for row in rows):
        assign(rows)
    else:
        assign_new(rows)  # rows already split keep their half
    QUESTIONS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["kind"], row["split"])] += 1
    print(dict(sorted(counts.items())))


if __name__ == "__main__":
    main()
