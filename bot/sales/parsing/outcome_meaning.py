"""The outcome of a visit report judged on its meaning, next to its outcome words.

A logistic regression over the e5 query embedding of the report, trained at start-up on the labelled
exemplar sentences in lexicon/outcome_exemplars.jsonl (written by hand, none taken from evalsets/).
Its vectors are cached like knowledge/intent.py's (in the process and on disk, keyed by the model and
the exemplars' text), and so is the fitted regression (knowledge/linear_probe.py).

The two readings are combined by the strength of the wording (visit_text.OutcomeCue): the classifier's
reading replaces the words' when its probability reaches the threshold for that strength. The
thresholds were chosen on the tune split of evalsets/visit_reports.jsonl only
(``python -m evalsets.tune_outcome``).

The parser gets a reader explicitly (bot/app.py builds one over the knowledge base's embedder); without
one, the outcome words alone decide.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from bot.sales.parsing.lexicon import HERE as LEXICON_DIR
from bot.sales.parsing.visit_text import OutcomeCue
from knowledge.embeddings import Embedder
from knowledge.intent import Exemplar, exemplar_vectors
from knowledge.linear_probe import fit_probe
from knowledge.text import normalize_for_index

EXEMPLARS_FILE = LEXICON_DIR / "outcome_exemplars.jsonl"
NEVER = 1.01  # a threshold no probability reaches: the words decide at that strength
#: The classifier's probability that overrides the outcome words, per strength of the words
#: (chosen on the tune split by evalsets/tune_outcome.py).
OVERRIDE_AT: Mapping[str, float] = {"strong": 0.9, "weak": NEVER, "none": 0.8}
REGULARIZATION = 0.25


def load_exemplars(path: Path = EXEMPLARS_FILE) -> list[Exemplar]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Exemplar(r["text"], r["label"]) for r in rows]


class OutcomeReader:
    def __init__(
        self,
        embedder: Embedder,
        cache_dir: Path | None,
        exemplars: Sequence[Exemplar] | None = None,
        override_at: Mapping[str, float] = OVERRIDE_AT,
        regularization: float = REGULARIZATION,
    ) -> None:
        exemplars = list(exemplars if exemplars is not None else load_exemplars())
        vectors = exemplar_vectors(embedder, exemplars, cache_dir)
        self._model = fit_probe(vectors, [e.label for e in exemplars], regularization, cache_dir, "outcome")
        self._labels: list[str] = list(self._model.labels)
        self._embedder = embedder
        self.override_at = dict(override_at)

    def probabilities(self, text: str) -> dict[str, float]:
        vector = self._embedder.embed_query(normalize_for_index(text))
        return self.probabilities_of(vector)

    def probabilities_of(self, vector: np.ndarray) -> dict[str, float]:
        row = self._model.proba(vector)[0]
        return dict(zip(self._labels, (float(p) for p in row), strict=True))

    def read(self, text: str, cue: OutcomeCue) -> str:
        """The outcome: the words', unless the classifier is sure enough for their strength."""
        threshold = self.override_at.get(cue.strength, NEVER)
        if threshold >= NEVER or not text.strip():
            return cue.outcome
        return combine(cue, self.probabilities(text), threshold)


def combine(cue: OutcomeCue, probabilities: Mapping[str, float], threshold: float) -> str:
    best = max(probabilities, key=probabilities.__getitem__)
    return best if probabilities[best] >= threshold else cue.outcome
