"""The outcome of a visit report judged on its meaning, next to its outcome words.

Two classifiers, trained at start-up on the hand-written exemplar sentences
(lexicon/outcome_exemplars.jsonl) and the labelled visit reports (lexicon/outcome_reports.jsonl, built
from evalsets/ by ``python -m evalsets.build_outcome_reports``): a logistic regression over the e5
query embedding (the meaning) and one over character n-gram tf-idf (the wording: 成了, 拍板, 簽約,
gate locked wherever they stand; outcome_wording.py), combined by a weighted sum of their
log-probabilities. The vectors are cached like knowledge/intent.py's (in the process and on disk,
keyed by the model and the texts), and so are the fitted regressions.

A long report's embedding is dominated by what it says besides the customer's reaction (the way
there, who was met), so a report is read twice: whole, and by its most decided clause (the clause
whose reading of an outcome is surest; clauses that only set the scene are learnt from exemplars
labelled "setting" and never decide); the two readings are averaged. Where the report turns (方案很好，
只是预算用完了) both readings are of its part from the last turn on (visit_text.outcome_focus): in
Chinese the clause after 但是/不过/只是 carries the stance.

The classifiers and the outcome words are combined by the strength of the wording
(visit_text.OutcomeCue): the classifiers' reading replaces the words' when its probability reaches
the threshold for that strength. The thresholds, the regularizations and the wording's weight are
chosen by grouped cross-validation, one group of reports (a split written at one time) left out at a
time: ``python -m evalsets.tune_outcome``.

The parser gets a reader explicitly (bot/app.py builds one over the knowledge base's embedder); without
one, the outcome words alone decide.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from bot.sales.parsing.lexicon import HERE as LEXICON_DIR
from bot.sales.parsing.outcome_wording import OutcomeWordingProbe, fit_outcome_wording
from bot.sales.parsing.visit_text import OutcomeCue, outcome_clauses, outcome_focus, outcome_text
from knowledge.embeddings import Embedder
from knowledge.intent import Exemplar, exemplar_vectors
from knowledge.linear_probe import LinearProbe, fit_probe
from knowledge.text import normalize_for_index

EXEMPLARS_FILE = LEXICON_DIR / "outcome_exemplars.jsonl"
#: The labelled visit reports (written by ``python -m evalsets.build_outcome_reports``).
REPORTS_FILE = LEXICON_DIR / "outcome_reports.jsonl"
NEVER = 1.01  # a threshold no probability reaches: the words decide at that strength
#: The label of exemplar clauses that only set the scene (who, where, when): no outcome.
SETTING = "setting"
#: The classifiers' probability that overrides the outcome words, per strength of the words, and the
#: meaning classifier's regularization (chosen by grouped cross-validation: evalsets/tune_outcome.py).
OVERRIDE_AT: Mapping[str, float] = {"strong": 0.9, "weak": 0.9, "none": 0.4}
REGULARIZATION = 0.05
#: The wording classifier (character n-grams, outcome_wording.py): its n-gram lengths, regularization
#: and weight in the combined log-probabilities (0: the meaning classifier alone).
WORDING_NGRAMS = (1, 3)
WORDING_REGULARIZATION = 30.0
WORDING_WEIGHT = 2.0


def fit_classifier(
    vectors: np.ndarray,
    labels: Sequence[str],
    regularization: float = REGULARIZATION,
    cache_dir: Path | None = None,
) -> LinearProbe:
    """A logistic regression over standardized e5 vectors (knowledge/linear_probe.py), kept in
    ``cache_dir`` keyed by its training data."""
    return fit_probe(vectors, labels, regularization, cache_dir, "outcome")


def read_probabilities(model: LinearProbe, whole: np.ndarray, clauses: np.ndarray) -> dict[str, float]:
    """The average of the whole report's reading and its most decided clause's, over the outcomes.

    A clause that only sets the scene (去了金盾安防, 见了王总: the SETTING exemplars) says nothing of the
    outcome: the most decided clause is the one with the highest probability of some outcome, and the
    setting's share is dropped before the outcomes' are compared."""
    outcome_columns = [i for i, label in enumerate(model.labels) if label != SETTING]
    row = model.proba(whole)[0]
    if len(clauses):
        by_clause = model.proba(clauses)
        row = (row + by_clause[int(np.argmax(by_clause[:, outcome_columns].max(axis=1)))]) / 2
    kept = row[outcome_columns]
    kept = kept / kept.sum() if kept.sum() > 0 else kept
    return {model.labels[i]: float(p) for i, p in zip(outcome_columns, kept, strict=True)}


def load_exemplars(path: Path = EXEMPLARS_FILE) -> list[Exemplar]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Exemplar(r["text"], r["label"]) for r in rows]


def load_reports(path: Path = REPORTS_FILE) -> list[Exemplar]:
    """The labelled visit reports, each as text and outcome (absent file: none)."""
    if not path.exists():
        return []
    return load_exemplars(path)


def combine_readings(
    meaning: Mapping[str, float], wording: Mapping[str, float] | None, weight: float
) -> dict[str, float]:
    """The two classifiers' readings as one: a weighted sum of their log-probabilities, normalised
    over the meaning's outcomes."""
    if wording is None or weight == 0:
        return dict(meaning)
    logs = {
        o: math.log(max(p, 1e-9)) + weight * math.log(max(wording.get(o, 0.0), 1e-9))
        for o, p in meaning.items()
    }
    top = max(logs.values())
    odds = {o: math.exp(v - top) for o, v in logs.items()}
    total = sum(odds.values())
    return {o: v / total for o, v in odds.items()}


class OutcomeReader:
    def __init__(
        self,
        embedder: Embedder,
        cache_dir: Path | None,
        exemplars: Sequence[Exemplar] | None = None,
        override_at: Mapping[str, float] = OVERRIDE_AT,
        regularization: float = REGULARIZATION,
        reports: Sequence[Exemplar] | None = None,
        wording_weight: float = WORDING_WEIGHT,
    ) -> None:
        """Trained on the hand-written exemplars and the labelled reports (lexicon/), each read as
        the parser reads a report's outcome (visit_text.outcome_text); vectors and fits cached."""
        examples = [
            *(exemplars if exemplars is not None else load_exemplars()),
            *(reports if reports is not None else load_reports()),
        ]
        examples = [Exemplar(outcome_text(e.text), e.label) for e in examples]
        labels = [e.label for e in examples]
        vectors = exemplar_vectors(embedder, examples, cache_dir)
        self._model = fit_classifier(vectors, labels, regularization, cache_dir)
        self._wording: OutcomeWordingProbe | None = None
        self.wording_weight = wording_weight
        if wording_weight:
            texts = [normalize_for_index(e.text) for e in examples]
            self._wording = fit_outcome_wording(
                texts, labels, WORDING_NGRAMS, WORDING_REGULARIZATION, cache_dir
            )
        self._embedder = embedder
        self.override_at = dict(override_at)

    def probabilities(self, text: str) -> dict[str, float]:
        clauses = outcome_clauses(text)
        focus = outcome_focus(text)
        vectors = self._embedder.embed_queries([normalize_for_index(t) for t in (focus, *clauses)])
        meaning = read_probabilities(self._model, vectors[0], vectors[1:])
        wording = self._wording.proba(normalize_for_index(focus)) if self._wording is not None else None
        if wording is not None:
            wording.pop(SETTING, None)
        return combine_readings(meaning, wording, self.wording_weight)

    def read(self, text: str, cue: OutcomeCue) -> str:
        """The outcome: the words', unless the classifier is sure enough for their strength."""
        threshold = self.override_at.get(cue.strength, NEVER)
        if threshold >= NEVER or not text.strip():
            return cue.outcome
        return combine(cue, self.probabilities(text), threshold)


def combine(cue: OutcomeCue, probabilities: Mapping[str, float], threshold: float) -> str:
    best = max(probabilities, key=probabilities.__getitem__)
    return best if probabilities[best] >= threshold else cue.outcome
