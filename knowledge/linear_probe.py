"""Standardise, then logistic regression: fitted once with scikit-learn, then kept as plain arrays.

The intent and outcome classifiers are trained on fixed exemplars at every start.  Importing
scikit-learn alone took ~2 s of a cold `coach ask`, so the fitted arithmetic (the scaler's mean and
scale, the coefficients and intercepts) is cached on disk keyed by everything the fit depends on:
the features, the labels and the regularization.  A start with the cache reads a few hundred KB and
never imports scikit-learn; predictions are the same numbers ``predict_proba`` gives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROBE_VERSION = "1"  # bump when the fit below changes


@dataclass(frozen=True)
class LinearProbe:
    labels: tuple[str, ...]  # the classes, in scikit-learn's (sorted) order: the columns of proba()
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # [1, d] for two classes, else [classes, d]
    intercept: np.ndarray

    def proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per row of ``features``."""
        z = ((np.atleast_2d(features) - self.mean) / self.scale) @ self.coef.T + self.intercept
        if len(self.labels) == 2:
            positive = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        z -= z.max(axis=1, keepdims=True)
        odds = np.exp(z)
        return odds / odds.sum(axis=1, keepdims=True)


def _fit(features: np.ndarray, labels: Sequence[str], regularization: float) -> LinearProbe:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    # e5 vectors crowd into a narrow cone (unrelated sentences score cosine ~0.8): standardizing
    # each dimension first lets a linear model see the differences.
    scaler = StandardScaler().fit(features)
    model = LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced")
    model.fit(scaler.transform(features), list(labels))
    return LinearProbe(
        tuple(str(label) for label in model.classes_),
        scaler.mean_.astype(np.float64),
        scaler.scale_.astype(np.float64),
        model.coef_.astype(np.float64),
        model.intercept_.astype(np.float64),
    )


def _cache_key(features: np.ndarray, labels: Sequence[str], regularization: float) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([PROBE_VERSION, list(features.shape), regularization, list(labels)]).encode())
    digest.update(np.ascontiguousarray(features, dtype=np.float32).tobytes())
    return digest.hexdigest()[:24]


def fit_probe(
    features: np.ndarray, labels: Sequence[str], regularization: float, cache_dir: Path | None, name: str
) -> LinearProbe:
    """The probe fitted on ``features``/``labels``, from ``cache_dir`` when this exact fit is there."""
    labels = [str(label) for label in labels]
    cached = (
        cache_dir / f"probe-{name}-{_cache_key(features, labels, regularization)}.npz" if cache_dir else None
    )
    if cached is not None and cached.exists():
        with np.load(cached, allow_pickle=False) as saved:
            return LinearProbe(
                tuple(str(label) for label in saved["labels"]),
                saved["mean"],
                saved["scale"],
                saved["coef"],
                saved["intercept"],
            )
    probe = _fit(features, labels, regularization)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            labels=np.array(probe.labels),
            mean=probe.mean,
            scale=probe.scale,
            coef=probe.coef,
            intercept=probe.intercept,
        )
        tmp.replace(cached)
    return probe
