"""The cached logistic regressions give scikit-learn's probabilities, and a second fit is a file read."""

from __future__ import annotations

import numpy as np
import pytest

import knowledge.linear_probe as linear_probe
from knowledge.linear_probe import fit_probe


def _data(classes: int, seed: int = 3) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, 12))
    labels = rng.integers(0, classes, size=150)
    features = centres[labels] + rng.normal(scale=1.5, size=(150, 12))
    features[:, 5] = 0.25  # a constant column: the scaler's zero variance must not divide by zero
    return features.astype(np.float32), [f"class-{k}" for k in labels]


def _sklearn_proba(features, labels, regularization, query):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced")
    )
    model.fit(features, labels)
    return model.predict_proba(query), [str(c) for c in model.classes_]


@pytest.mark.parametrize("classes", [2, 3])
def test_probe_gives_the_pipeline_probabilities(classes, tmp_path):
    features, labels = _data(classes)
    query, _ = _data(classes, seed=11)
    probe = fit_probe(features, labels, 0.5, tmp_path, "test")
    expected, order = _sklearn_proba(features, labels, 0.5, query)
    assert list(probe.labels) == order
    np.testing.assert_allclose(probe.proba(query), expected, atol=1e-6)
    np.testing.assert_allclose(probe.proba(query[0])[0], expected[0], atol=1e-6)  # one vector


def test_a_second_fit_of_the_same_data_reads_the_cache(tmp_path, monkeypatch):
    features, labels = _data(2)
    first = fit_probe(features, labels, 1.0, tmp_path, "test")

    def refit(*args):
        raise AssertionError("fitted again")

    monkeypatch.setattr(linear_probe, "_fit", refit)
    again = fit_probe(features, labels, 1.0, tmp_path, "test")
    np.testing.assert_array_equal(again.proba(features), first.proba(features))
    with pytest.raises(AssertionError, match="fitted again"):  # other inputs: another fit
        fit_probe(features, labels, 2.0, tmp_path, "test")
    with pytest.raises(AssertionError, match="fitted again"):
        fit_probe(features[:-1], labels[:-1], 1.0, tmp_path, "test")
