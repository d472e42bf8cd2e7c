"""Character n-gram tf-idf, then logistic regression: fitted once with scikit-learn, then kept as
plain data (the n-gram vocabulary, its idf weights and the coefficients).

The same reason as knowledge/linear_probe.py: a cold `coach ask` must not import scikit-learn
or refit on every start. Scoring a question repeats ``TfidfVectorizer(analyzer="char",
sublinear_tf=True)`` exactly: whitespace runs folded to one space, lowercased, every n-gram of the
configured lengths counted, ``1 + log(count)`` times the idf, L2-normalised, then the linear model.
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

PROBE_VERSION = "1"  # bump when the fit below changes
_WHITESPACE = re.compile(r"\s\s+")


@dataclass(frozen=True)
class WordingProbe:
    """Two classes: ``probability()`` is that of ``positive``."""

    ngram_range: tuple[int, int]
    weights: dict[str, tuple[float, float]]  # n-gram -> (idf, coefficient)
    intercept: float

    def probability(self, text: str) -> float:
        counts = Counter(_char_ngrams(text, self.ngram_range))
        norm_sq = 0.0
        dot = 0.0
        for gram, count in counts.items():
            known = self.weights.get(gram)
            if known is None:
                continue
            value = (1.0 + math.log(count)) * known[0]
            norm_sq += value * value
            dot += value * known[1]
        z = self.intercept + (dot / math.sqrt(norm_sq) if norm_sq else 0.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _char_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    text = _WHITESPACE.sub(" ", text.lower())
    low, high = ngram_range
    return [text[i : i + n] for n in range(low, min(high, len(text)) + 1) for i in range(len(text) - n + 1)]


def _fit(texts: Sequence[str], positive: Sequence[bool], ngram_range: tuple[int, int], regularization: float):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True)
    features = vectorizer.fit_transform(list(texts))
    model = LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced")
    model.fit(features, [bool(p) for p in positive])
    sign = 1.0 if bool(model.classes_[1]) else -1.0  # coefficients are for classes_[1]
    coef = model.coef_[0]
    weights = {
        gram: (float(vectorizer.idf_[column]), sign * float(coef[column]))
        for gram, column in vectorizer.vocabulary_.items()
    }
    return WordingProbe(ngram_range, weights, sign * float(model.intercept_[0]))


def fit_wording_probe(
    texts: Sequence[str],
    positive: Sequence[bool],
    ngram_range: tuple[int, int],
    regularization: float,
    cache_dir: Path | None,
    name: str,
) -> WordingProbe:
    """The probe fitted on ``texts``/``positive``, from ``cache_dir`` when this exact fit is there."""
    identity = [PROBE_VERSION, list(ngram_range), regularization, list(texts), [bool(p) for p in positive]]
    key = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()[:24]
    cached = cache_dir / f"wording-{name}-{key}.json" if cache_dir else None
    if cached is not None and cached.exists():
        try:
            saved = json.loads(cached.read_text(encoding="utf-8"))
            return WordingProbe(
                tuple(saved["ngram_range"]),
                {gram: (idf, coef) for gram, (idf, coef) in saved["weights"].items()},
                float(saved["intercept"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            cached.unlink(missing_ok=True)
    probe = _fit(texts, positive, ngram_range, regularization)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f"{cached.name}.tmp")
            data = {
                "ngram_range": list(probe.ngram_range),
                "weights": probe.weights,
                "intercept": probe.intercept,
            }
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cached)
        except OSError:  # a read-only cache: keep the fit in memory
            pass
    return probe
