"""A visit report's outcome read from its wording: character n-gram tf-idf, then a multinomial
logistic regression, fitted once with scikit-learn and kept as plain arrays (as knowledge/wording_probe.py
does for two classes): a start with the cache neither imports scikit-learn nor refits.

Scoring repeats ``TfidfVectorizer(analyzer="char", sublinear_tf=True)``: whitespace runs folded to one
space, lower-cased, every n-gram of the configured lengths counted, ``1 + log(count)`` times the idf,
L2-normalised, then the linear model and a softmax.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROBE_VERSION = "1"  # bump when the fit below changes
_WHITESPACE = re.compile(r"\s\s+")


@dataclass(frozen=True)
class OutcomeWordingProbe:
    labels: tuple[str, ...]
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]  # n-gram -> column
    idf: np.ndarray  # [columns]
    coef: np.ndarray  # [labels, columns]
    intercept: np.ndarray  # [labels]

    def proba(self, text: str) -> dict[str, float]:
        counts = Counter(_char_ngrams(text, self.ngram_range))
        columns, values = [], []
        for gram, count in counts.items():
            column = self.vocabulary.get(gram)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(count)) * self.idf[column])
        z = self.intercept.copy()
        if columns:
            weights = np.asarray(values)
            z += self.coef[:, columns] @ (weights / np.linalg.norm(weights))
        z -= z.max()
        odds = np.exp(z)
        return dict(zip(self.labels, (odds / odds.sum()).tolist(), strict=True))


def _char_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    text = _WHITESPACE.sub(" ", text.lower())
    low, high = ngram_range
    return [text[i : i + n] for n in range(low, min(high, len(text)) + 1) for i in range(len(text) - n + 1)]


def _fit(
    texts: Sequence[str], labels: Sequence[str], ngram_range: tuple[int, int], regularization: float
) -> OutcomeWordingProbe:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True)
    features = vectorizer.fit_transform(list(texts))
    model = LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced")
    model.fit(features, list(labels))
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes
        coef, intercept = (
            np.vstack([-coef[0] / 2, coef[0] / 2]),
            np.array([-intercept[0] / 2, intercept[0] / 2]),
        )
    return OutcomeWordingProbe(
        tuple(str(label) for label in model.classes_),
        ngram_range,
        {str(gram): int(column) for gram, column in vectorizer.vocabulary_.items()},
        vectorizer.idf_.astype(np.float64),
        np.asarray(coef, dtype=np.float64),
        np.asarray(intercept, dtype=np.float64),
    )


def fit_outcome_wording(
    texts: Sequence[str],
    labels: Sequence[str],
    ngram_range: tuple[int, int],
    regularization: float,
    cache_dir: Path | None = None,
) -> OutcomeWordingProbe:
    """The probe fitted on ``texts``/``labels``, from ``cache_dir`` when this exact fit is there."""
    labels = [str(label) for label in labels]
    identity = [PROBE_VERSION, list(ngram_range), regularization, list(texts), labels]
    key = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()[:24]
    cached = cache_dir / f"outcome-wording-{key}.npz" if cache_dir else None
    if cached is not None and cached.exists():
        try:
            with np.load(cached, allow_pickle=False) as saved:
                grams = [str(g) for g in saved["grams"]]
                return OutcomeWordingProbe(
                    tuple(str(label) for label in saved["labels"]),
                    (int(saved["ngram_range"][0]), int(saved["ngram_range"][1])),
                    {gram: i for i, gram in enumerate(grams)},
                    saved["idf"],
                    saved["coef"],
                    saved["intercept"],
                )
        except (OSError, ValueError, KeyError):
            cached.unlink(missing_ok=True)
    probe = _fit(texts, labels, ngram_range, regularization)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            order = sorted(probe.vocabulary, key=probe.vocabulary.__getitem__)
            tmp = cached.with_suffix(".tmp.npz")
            np.savez(
                tmp,
                labels=np.array(probe.labels),
                ngram_range=np.array(probe.ngram_range),
                grams=np.array(order),
                idf=probe.idf,
                coef=probe.coef,
                intercept=probe.intercept,
            )
            tmp.replace(cached)
        except OSError:  # a read-only cache: keep the fit in memory
            pass
    return probe
