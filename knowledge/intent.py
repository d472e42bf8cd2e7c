"""What a question is after, judged on its meaning: an illegal tactic (and which one), a sales
question, or something off-topic.

Logistic regressions trained on the labelled exemplars in
knowledge/intent_exemplars.jsonl (written from the tuning half of evalsets/ and hand-written
examples; see evalsets/make_exemplars.py):

- unsafe vs. safe over the e5 query embedding (its meaning), with two extra features from the
  policy's patterns (a pattern hit, a defensive cue), so "客户要回扣我怎么拒绝" lands on the safe side
  of "怎么给回扣";
- unsafe vs. safe over the question's character n-grams (its wording: "偷偷", "冒充", "假的" wherever
  they stand). The two are combined as a weighted mean of their log-odds, and their agreement (the
  lower of the two) is a signal of its own: on the tuning half's out-of-fold scores either
  classifier alone is fooled by single safe questions the other gets right;
- in-domain (sales coaching, including unsafe requests) vs. off-topic (pay, travel, IT, weather …).
  Sales questions the starter playbooks happen not to cover (a product's price list, an internal
  process, a named competitor's spec: label `uncovered`) are in-domain: whether the knowledge covers
  them is the retrieval signals' call in the abstention rule, because a team's own documents or a
  taught card may cover exactly such a question.

A third signal is the nearest-exemplar margin: how much closer the question sits to unsafe
exemplars than to safe ones. The category of an unsafe question is a multinomial logistic regression's over the embedding and
the compositional cues (knowledge/cues.py), trained on the unsafe exemplars. A third unsafe-vs-safe
classifier over those cues joins the two in the log-odds mix (`cue_weight`). Exemplar vectors are cached on disk, keyed by the model, its runtime and the exemplars'
text, and so are the fitted regressions (knowledge/linear_probe.py, knowledge/wording_probe.py),
keyed by their training data: a cold start neither imports scikit-learn nor refits.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.cues import CueLists, load_cues
from knowledge.embeddings import Embedder
from knowledge.linear_probe import fit_probe
from knowledge.policy import Category, Policy
from knowledge.wording_probe import fit_wording_probe

EXEMPLARS_FILE = Path(__file__).with_name("intent_exemplars.jsonl")
UNSAFE_PREFIX = "unsafe:"
OFFTOPIC = "offtopic"
SALES = "sales"
UNCOVERED = "uncovered"  # a sales topic the starter playbooks lack (in-domain)
FLAG_SCALE = 1.0  # weight of the pattern features next to a unit-length embedding
_VECTORS: dict[str, np.ndarray] = {}  # exemplar vectors already computed in this process


@dataclass(frozen=True)
class Exemplar:
    text: str
    label: str  # sales | uncovered | offtopic | unsafe:<category id>

    @property
    def unsafe(self) -> bool:
        return self.label.startswith(UNSAFE_PREFIX)


NEIGHBOURS = 3
# C of the category classifier (e5 + cue features, unsafe exemplars only); cross-validated category
# accuracy on the tuning data: nearest exemplar 0.86, this classifier 0.94 (C 0.1 and 1 alike)
CATEGORY_REGULARIZATION = 1.0
# A matched tactic pattern names the category when the classifier ranks it this high at least
# (0: never). Cross-validated category accuracy on every unsafe item (evalsets.calibrate, round 5):
# the classifier alone 0.927, the pattern's when in its top 2 0.925, top 3 0.924, always 0.924
PATTERN_CATEGORY_WITHIN = 0
# The wording classifier: character n-grams of the normalized question (in Chinese a word is one to
# three characters), so "偷偷", "冒充", "假的" count wherever they stand and whatever surrounds them.
WORDING_NGRAMS = (1, 3)


@dataclass(frozen=True)
class Intent:
    unsafe_probability: float  # meaning and wording classifiers combined (weighted mean log-odds)
    unsafe_margin: float  # mean cosine to the nearest unsafe exemplars minus to the nearest safe ones
    domain_probability: float
    category: Category | None  # the likeliest unsafe category (the category classifier's)
    pattern_hit: bool  # a tactic pattern, outside a defensive sentence
    topic_hit: bool = False  # only a subject word, outside a defensive sentence
    meaning_probability: float = 0.0  # the e5 classifier alone
    wording_probability: float = 0.5  # the character n-gram classifier alone
    cue_probability: float = 0.5  # the compositional-cue classifier alone (0.5 when it is off)
    topic_category: Category | None = None  # the category whose subject word occurs (topic path)
    pattern_category: Category | None = None  # the category of the tactic pattern that matched
    ranked_categories: tuple[str, ...] = ()  # the category classifier's ids, likeliest first
    #: how likely a sales question asks for a fact the technique playbooks do not hold (our own
    #: price, a spec, an internal rule) rather than for a technique: the coverage classifier's,
    #: trained on the in-domain exemplars (sales vs. uncovered)
    uncovered_probability: float = 0.0

    @property
    def agreement(self) -> float:
        """How unsafe both classifiers find the question: the lower of the two."""
        return min(self.meaning_probability, self.wording_probability)


def load_exemplars(path: Path = EXEMPLARS_FILE) -> list[Exemplar]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Exemplar(r["text"], r["label"]) for r in rows]


def exemplar_vectors(embedder: Embedder, exemplars: Sequence[Exemplar], cache_dir: Path | None) -> np.ndarray:
    from knowledge.text import normalize_for_index

    texts = [normalize_for_index(e.text) for e in exemplars]
    identity = [embedder.model_name, embedder.runtime, texts]
    key = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()[:24]
    if key in _VECTORS:
        return _VECTORS[key]
    cached = cache_dir / f"intent-{key}.npy" if cache_dir else None
    if cached and cached.exists():
        _VECTORS[key] = np.load(cached)
        return _VECTORS[key]
    vectors = embedder.embed_queries(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    _VECTORS[key] = vectors
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(cached)
    return vectors


class IntentModel:
    def __init__(
        self,
        policy: Policy,
        exemplars: Sequence[Exemplar],
        vectors: np.ndarray,
        normalized_texts: Sequence[str],
        regularization: float = 4.0,
        wording_regularization: float = 10.0,
        wording_weight: float = 2.0,
        cache_dir: Path | None = None,
        cue_weight: float = 0.0,
        cue_regularization: float = 1.0,
        cues: CueLists | None = None,
        cues_in_meaning: bool = False,
    ) -> None:
        """``cache_dir``: where the fitted classifiers are kept. ``cue_weight``: the weight, in the
        combined log-odds, of a third classifier over the compositional cues (knowledge/cues.py);
        0 leaves it out."""
        self.policy = policy
        self._cues = cues or load_cues()
        self.cues_in_meaning = cues_in_meaning
        unsafe = np.array([e.unsafe for e in exemplars])
        in_domain = np.array([e.label != OFFTOPIC for e in exemplars])  # uncovered: a sales topic
        flags = np.array([self._meaning_extra(t) for t in normalized_texts], dtype=np.float32)
        self._unsafe = fit_probe(np.hstack([vectors, flags]), unsafe, regularization, cache_dir, "unsafe")
        self.cue_weight = cue_weight
        self._cue_probe = None
        if cue_weight > 0:
            cue_rows = np.array([self._cue_features(t) for t in normalized_texts], dtype=np.float32)
            self._cue_probe = fit_probe(cue_rows, unsafe, cue_regularization, cache_dir, "cues")
        self._domain = fit_probe(vectors, in_domain, regularization, cache_dir, "domain")
        sales_topic = np.array([e.label in (SALES, UNCOVERED) for e in exemplars])
        self._coverage = None
        if {e.label for e in exemplars} >= {SALES, UNCOVERED}:
            self._coverage = fit_probe(
                vectors[sales_topic],
                [e.label == UNCOVERED for e, keep in zip(exemplars, sales_topic, strict=True) if keep],
                regularization,
                cache_dir,
                "coverage",
            )
        self.wording_weight = wording_weight
        self._wording = fit_wording_probe(
            normalized_texts, unsafe, WORDING_NGRAMS, wording_regularization, cache_dir, "unsafe"
        )
        self._unsafe_vectors = vectors[unsafe]
        self._safe_vectors = vectors[~unsafe]
        categories = [e.label[len(UNSAFE_PREFIX) :] for e in exemplars if e.unsafe]
        self._category = None
        if len(set(categories)) > 1:
            cue_rows = np.array(
                [self._cues.features(t) for t, u in zip(normalized_texts, unsafe, strict=True) if u]
            )
            self._category = fit_probe(
                np.hstack([vectors[unsafe], cue_rows]),
                categories,
                CATEGORY_REGULARIZATION,
                cache_dir,
                "category",
            )
        self._only_category = categories[0] if len(set(categories)) == 1 else None

    def _flags(self, normalized: str) -> list[float]:
        hit = self.policy.mentions_any(normalized)
        return [FLAG_SCALE * hit, FLAG_SCALE * self.policy.is_defensive(normalized)]

    def _meaning_extra(self, normalized: str) -> np.ndarray:
        """The features beside the embedding in the meaning classifier."""
        flags = np.asarray(self._flags(normalized), dtype=np.float32)
        return np.hstack([flags, self._cues.features(normalized)]) if self.cues_in_meaning else flags

    def _cue_features(self, normalized: str) -> np.ndarray:
        return np.hstack([self._cues.features(normalized), np.asarray(self._flags(normalized), np.float32)])

    def assess(self, normalized: str, vector: np.ndarray) -> Intent:
        features = np.hstack([vector, self._meaning_extra(normalized)])[None, :]
        p_meaning = float(self._unsafe.proba(features)[0, 1])
        p_wording = self._wording.probability(normalized)
        w = self.wording_weight
        z = _logit(p_meaning) + w * _logit(p_wording)
        p_cues = 0.5
        if self._cue_probe is not None:
            p_cues = float(self._cue_probe.proba(self._cue_features(normalized)[None, :])[0, 1])
            z += self.cue_weight * _logit(p_cues)
        p_unsafe = _sigmoid(z / (1 + w + (self.cue_weight if self._cue_probe is not None else 0.0)))
        p_domain = float(self._domain.proba(vector)[0, 1])
        p_uncovered = float(self._coverage.proba(vector)[0, 1]) if self._coverage is not None else 0.0
        margin = _nearest_mean(self._unsafe_vectors, vector) - _nearest_mean(self._safe_vectors, vector)
        pattern = self.policy.pattern_category(normalized)
        pattern_hit = pattern is not None
        topic = None if pattern_hit else self.policy.topic_category(normalized)
        ranked = self._ranked_categories(normalized, vector)
        category = self.policy.category(ranked[0]) if ranked else None
        if pattern is not None and pattern.id in ranked[:PATTERN_CATEGORY_WITHIN]:
            category = pattern
        return Intent(
            p_unsafe,
            margin,
            p_domain,
            category,
            pattern_hit,
            topic is not None,
            p_meaning,
            p_wording,
            p_cues,
            topic,
            pattern,
            ranked,
            p_uncovered,
        )

    def _ranked_categories(self, normalized: str, vector: np.ndarray) -> tuple[str, ...]:
        """The category classifier's ids, likeliest first (it reads the meaning and the cues, and
        beat both the pattern's category and the nearest exemplar's out of fold)."""
        if self._category is None:
            return (self._only_category,) if self._only_category else ()
        features = np.hstack([vector, self._cues.features(normalized)])[None, :]
        order = np.argsort(-self._category.proba(features)[0])
        return tuple(str(self._category.labels[i]) for i in order)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def _nearest_mean(vectors: np.ndarray, vector: np.ndarray) -> float:
    if not len(vectors):
        return 0.0
    sims = vectors @ vector
    return float(np.sort(sims)[-NEIGHBOURS:].mean())


def train_intent_model(
    policy: Policy,
    embedder: Embedder,
    cache_dir: Path | None,
    exemplars: Sequence[Exemplar] | None = None,
    regularization: float = 4.0,
    wording_regularization: float = 10.0,
    wording_weight: float = 2.0,
    cue_weight: float = 0.0,
    cue_regularization: float = 1.0,
) -> IntentModel:
    from knowledge.text import normalize_for_index

    exemplars = list(exemplars if exemplars is not None else load_exemplars())
    vectors = exemplar_vectors(embedder, exemplars, cache_dir)
    texts = [normalize_for_index(e.text) for e in exemplars]
    return IntentModel(
        policy,
        exemplars,
        vectors,
        texts,
        regularization,
        wording_regularization,
        wording_weight,
        cache_dir,
        cue_weight,
        cue_regularization,
    )
