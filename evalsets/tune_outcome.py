"""Choose how the outcome classifier and the outcome words are combined, on the TUNE split only.

    .venv/bin/python -m evalsets.tune_outcome

For each strength of the words (strong / weak / none, see bot.sales.parsing.visit_text.OutcomeCue) a
threshold: the classifier's reading replaces the words' when its probability reaches it. Every
combination of thresholds (and the classifier's regularization) is scored on the tune split of
evalsets/visit_reports.jsonl; ties go to the lower thresholds (the words were written while reading the
tune split, so their tune figure flatters them). Prints the choice, to be copied into
bot/sales/parsing/outcome_meaning.py; the test and holdout figures come from `coach eval visits`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

from bot.sales.parsing.evaluate import load_rows
from bot.sales.parsing.outcome_meaning import NEVER, OutcomeReader, combine
from bot.sales.parsing.visit_text import outcome_cue, outcome_text
from config import get_settings
from knowledge.embeddings import embedder_for
from knowledge.text import normalize_for_index

EVALSET = Path(__file__).with_name("visit_reports.jsonl")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, NEVER)
REGULARIZATIONS = (0.25, 1.0, 4.0)
STRENGTHS = ("strong", "weak", "none")


def main() -> None:
    settings = get_settings()
    embedder = embedder_for(settings)
    rows = load_rows(EVALSET, "tune")
    texts = [outcome_text(r["text"]) for r in rows]
    cues = [outcome_cue(t) for t in texts]
    gold = [r["expected"]["outcome"] for r in rows]
    vectors = embedder.embed_queries([normalize_for_index(t) for t in texts])
    print(f"{len(rows)} tune reports; strengths: {dict(Counter(c.strength for c in cues))}")
    print(f"words alone: {sum(c.outcome == g for c, g in zip(cues, gold, strict=True)) / len(rows):.1%}")
    best: tuple[float, float, tuple[float, ...]] | None = None
    for regularization in REGULARIZATIONS:
        reader = OutcomeReader(embedder, settings.cache_dir, regularization=regularization)
        probabilities = [reader.probabilities_of(v) for v in vectors]
        alone = sum(max(p, key=p.__getitem__) == g for p, g in zip(probabilities, gold, strict=True))
        print(f"C={regularization}: classifier alone {alone / len(rows):.1%}")
        for combo in itertools.product(THRESHOLDS, repeat=len(STRENGTHS)):
            at = dict(zip(STRENGTHS, combo, strict=True))
            hits = sum(
                combine(c, p, at[c.strength]) == g for c, p, g in zip(cues, probabilities, gold, strict=True)
            )
            score = (hits / len(rows), -sum(combo), regularization)
            if best is None or score[:2] > best[:2]:
                best = (score[0], score[1], (regularization, *combo))
    assert best is not None
    regularization, *combo = best[2]
    print(
        f"chosen: REGULARIZATION = {regularization}, OVERRIDE_AT = {dict(zip(STRENGTHS, combo, strict=True))}"
    )
    print(f"tune accuracy {best[0]:.1%}")


if __name__ == "__main__":
    main()
