"""How a report's outcome probabilities are read: whole and by its most decided clause, averaged
(synthetic vectors; the model-backed tests are in test_outcome_meaning.py)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.sales.parsing.outcome_meaning import fit_classifier, read_probabilities
from bot.sales.parsing.visit_text import outcome_clauses
from evalsets.tune_outcome import NEVER, _thresholds


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(1)
    won = rng.normal([3.0, 0.0], 0.3, size=(20, 2))
    lost = rng.normal([-3.0, 0.0], 0.3, size=(20, 2))
    return fit_classifier(np.vstack([won, lost]), ["deal_won"] * 20 + ["deal_lost"] * 20, 1.0)


def test_the_most_decided_clause_tips_an_undecided_whole(model) -> None:
    undecided = np.array([0.0, 0.0])
    whole_only = read_probabilities(model, undecided, np.empty((0, 2)))
    with_clauses = read_probabilities(model, undecided, np.array([[0.2, 0.0], [-3.0, 0.0]]))
    assert whole_only["deal_lost"] == pytest.approx(0.5, abs=0.15)
    assert with_clauses["deal_lost"] > 0.7 > with_clauses["deal_won"]
    assert sum(with_clauses.values()) == pytest.approx(1.0)


def test_outcome_clauses_split_at_punctuation_and_drop_single_characters() -> None:
    assert outcome_clauses("今天去了华东机械，嗯，王总很感兴趣。 好") == ["今天去了华东机械", "王总很感兴趣"]


def test_each_strength_gets_the_threshold_best_for_its_own_reports() -> None:
    # strong: the words are right and the classifier wrong -> never override; none: the reverse
    strength = np.array(["strong", "strong", "none", "none", "weak"])
    best_ok = np.array([False, False, True, True, True])
    cue_ok = np.array([True, True, False, False, True])
    best_p = np.array([0.95, 0.95, 0.35, 0.65, 0.5])
    chosen, hits = _thresholds(best_ok, best_p, cue_ok, strength, np.ones(5, dtype=bool))
    assert chosen["strong"] == NEVER and chosen["none"] <= 0.35 and hits == 5
    assert chosen["weak"] == NEVER  # a tie: the words keep it
