"""Offline scoring of a rep's answer: per check, a small logistic classifier over meaning (e5
cosine of the answer's sentences and clauses to the check's reference phrasing), key-term
coverage and the answer's shape. Two things are taken out before any check is looked at:

- clauses that echo the customer's line (character-bigram overlap): copying the question back
  says nothing, so it earns nothing;
- the compliance policy: an answer proposing an illegal tactic fails every check.

The classifier's weights are data (``scorer.yaml``), fitted by ``coach eval drills --fit`` on the
tuning half of evalsets/drill_answers.jsonl only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from bot.sales.drills.model import Check, Turn
from knowledge.policy import Category, Policy, load_policy
from knowledge.text import normalize_for_index

WEIGHTS_FILE = Path(__file__).with_name("scorer.yaml")
Encoder = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised rows (e5 "query: " side)

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_CLAUSE_END = re.compile(r"[。！？!?；;，,、：:\s…—“”\"‘’'（）()《》【】\[\]]+")
_CJK_OR_WORD = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")

FEATURES = (
    "sem_sentence",  # best cosine of a sentence to the reference
    "sem_clause",  # best cosine of a clause to the reference
    "sem_answer",  # cosine of the whole (echo-free) answer to the reference
    "sem_criterion",  # best cosine of a sentence to the criterion itself
    "sem_margin",  # sem_sentence minus the best sentence cosine to the turn's other references
    "terms",  # share of the check's key-term groups present
    "term_density",  # share of the answer's characters that are key terms of any check
    "short_clauses",  # share of clauses of at most 3 characters (bare word lists)
    "echo_share",  # share of the answer's characters in clauses echoing the customer
    "copy_cosine",  # cosine of the whole answer to the customer's line
    "stuffing",  # term density x share of the turn's key-term vocabulary used: a keyword list
)


@dataclass(frozen=True)
class Weights:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float = 0.5
    echo_overlap: float = 0.6  # share of a clause's bigrams found in the customer's line

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def as_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "coef": [round(float(x), 6) for x in self.coef],
            "intercept": round(float(self.intercept), 6),
            "threshold": round(float(self.threshold), 4),
            "echo_overlap": self.echo_overlap,
        }


@lru_cache(maxsize=2)
def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if list(raw["features"]) != list(FEATURES):
        raise ValueError(f"{path.name} was fitted on other features; refit with `coach eval drills --fit`")
    return Weights(
        mean=np.array(raw["mean"], dtype=np.float64),
        scale=np.array(raw["scale"], dtype=np.float64),
        coef=np.array(raw["coef"], dtype=np.float64),
        intercept=float(raw["intercept"]),
        threshold=float(raw.get("threshold", 0.5)),
        echo_overlap=float(raw.get("echo_overlap", 0.6)),
    )


def save_weights(weights: Weights, path: Path = WEIGHTS_FILE) -> None:
    header = "# Fitted by `coach eval drills --fit` on the tuning half of evalsets/drill_answers.jsonl.\n"
    path.write_text(header + yaml.safe_dump(weights.as_dict(), allow_unicode=True, sort_keys=False))
    load_weights.cache_clear()


@dataclass(frozen=True)
class CheckResult:
    check: Check
    passed: bool
    note: str = ""  # a short reason (LLM) or empty


@dataclass(frozen=True)
class Score:
    results: tuple[CheckResult, ...]
    violation: Category | None = None
    judged_by: str = "offline"  # offline | llm

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)


# ---------------------------------------------------------------- text shape


def _bigrams(text: str) -> set[str]:
    chars = "".join(_CJK_OR_WORD.findall(text))
    return {chars[i : i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set())


def _content_len(text: str) -> int:
    return len(_CJK_OR_WORD.findall(text))


def split_clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_END.split(text) if _content_len(c)]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if _content_len(s)]


def echo_of(clause: str, customer: str, overlap: float) -> bool:
    """Whether a clause mostly repeats the customer's words."""
    grams = _bigrams(clause)
    return bool(grams) and len(grams & _bigrams(customer)) / len(grams) >= overlap


def term_hits(check: Check, text: str) -> list[str]:
    """The first word found of each key-term group of the check."""
    return [next((w for w in group if w.lower() in text), "") for group in check.terms]


@dataclass(frozen=True)
class Prepared:
    """An answer cut up for scoring: the clauses that do not echo the customer, and their shape."""

    text: str  # normalized, echo-free
    sentences: tuple[str, ...]
    clauses: tuple[str, ...]
    echo_share: float
    short_clauses: float


def prepare(answer: str, customer: str, echo_overlap: float) -> Prepared:
    norm = normalize_for_index(answer)
    customer = normalize_for_index(customer)
    clauses = split_clauses(norm)
    kept = [c for c in clauses if not echo_of(c, customer, echo_overlap)]
    total = sum(_content_len(c) for c in clauses) or 1
    echo = 1.0 - sum(_content_len(c) for c in kept) / total
    # Sentences rebuilt from the kept clauses only, so an echoed clause cannot carry a sentence.
    sentences = []
    for sentence in split_sentences(norm):
        parts = [c for c in split_clauses(sentence) if c in kept]
        if parts:
            sentences.append("，".join(parts))
    short = sum(_content_len(c) <= 3 for c in clauses) / len(clauses) if clauses else 0.0
    return Prepared("，".join(kept), tuple(sentences), tuple(kept), echo, short)


# ---------------------------------------------------------------- features


def turn_features(answer: str, turn: Turn, encode: Encoder, echo_overlap: float) -> np.ndarray | None:
    """One feature row per check of the turn, or None when nothing but echo is left."""
    prep = prepare(answer, turn.customer, echo_overlap)
    if not prep.clauses:
        return None
    checks = turn.checks
    refs = [normalize_for_index(c.reference) for c in checks]
    criteria = [normalize_for_index(c.criterion) for c in checks]
    texts = [*refs, *criteria, normalize_for_index(turn.customer), prep.text, *prep.sentences, *prep.clauses]
    vectors = encode(texts)
    n = len(checks)
    ref_v, crit_v, cust_v, answer_v = vectors[:n], vectors[n : 2 * n], vectors[2 * n], vectors[2 * n + 1]
    s0 = 2 * n + 2
    sent_v = vectors[s0 : s0 + len(prep.sentences)]
    clause_v = vectors[s0 + len(prep.sentences) :]
    sent_ref = sent_v @ ref_v.T  # sentences x checks
    clause_ref = clause_v @ ref_v.T
    best_sent = sent_ref.max(axis=0)
    vocabulary = {w.lower() for c in checks for g in c.terms for w in g if len(w) >= 2 or w.isascii()}
    used = {w for w in vocabulary if w in prep.text}
    term_chars = sum(len(w) * prep.text.count(w) for w in used)
    density = min(1.0, term_chars / max(1, _content_len(prep.text)))
    stuffing = density * len(used) / max(1, len(vocabulary))
    copy_cosine = float(answer_v @ cust_v)
    rows = []
    for i, check in enumerate(checks):
        others = np.delete(best_sent, i)
        hits = term_hits(check, prep.text)
        rows.append(
            [
                best_sent[i],
                clause_ref[:, i].max(),
                float(answer_v @ ref_v[i]),
                float((sent_v @ crit_v[i]).max()),
                best_sent[i] - (others.max() if len(others) else 0.0),
                sum(bool(h) for h in hits) / len(hits) if hits else 0.0,
                density,
                prep.short_clauses,
                prep.echo_share,
                copy_cosine,
                stuffing,
            ]
        )
    return np.array(rows, dtype=np.float64)


class OfflineScorer:
    """Scores an answer against one turn's checks with the e5 encoder and the fitted weights."""

    def __init__(self, encode: Encoder, policy: Policy | None = None, weights: Weights | None = None) -> None:
        self._encode = encode
        self.policy = policy or load_policy()
        self.weights = weights or load_weights()

    def violation(self, answer: str) -> Category | None:
        return self.policy.violation(normalize_for_index(answer))

    def decisions(self, answer: str, turn: Turn) -> list[bool]:
        features = turn_features(answer, turn, self._encode, self.weights.echo_overlap)
        if features is None:
            return [False] * len(turn.checks)
        return [bool(p >= self.weights.threshold) for p in self.weights.probability(features)]

    def score(self, answer: str, turn: Turn) -> Score:
        violation = self.violation(answer)
        if violation is not None:
            return Score(tuple(CheckResult(c, False) for c in turn.checks), violation)
        passed = self.decisions(answer, turn)
        return Score(tuple(CheckResult(c, ok) for c, ok in zip(turn.checks, passed, strict=True)))


def cached_encoder(encode_many: Callable[[list[str]], np.ndarray], limit: int = 4096) -> Encoder:
    """Wrap an encoder so repeated texts (references, criteria, customer lines) are encoded once."""
    cache: dict[str, np.ndarray] = {}

    def encode(texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in cache))
        if todo:
            if len(cache) + len(todo) > limit:
                cache.clear()
            for text, vector in zip(todo, encode_many(todo), strict=True):
                cache[text] = vector
        return np.stack([cache[t] for t in texts])

    return encode
