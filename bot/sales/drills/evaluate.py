"""`coach eval drills`: how often the scorer's per-check pass/fail agrees with hand labels.

The labelled answers (evalsets/drill_answers.jsonl) are split once, with a fixed seed, into a
tuning half and a test half. Everything fitted (classifier weights, threshold, echo overlap) is
chosen on the tuning half; the test half is only ever scored."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.sales.drills.model import Drill, Turn
from bot.sales.drills.scoring import FEATURES, Encoder, OfflineScorer, Weights, turn_features

SPLIT_SEED = 20261201
KINDS = ("good", "partial", "off_topic", "copied", "stuffed", "unsafe")
ECHO_GRID = (0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class Example:
    drill: str  # card stem
    turn: int
    kind: str
    answer: str
    passed: frozenset[int]


def load_examples(path: Path) -> list[Example]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw["kind"] not in KINDS:
            raise ValueError(f"line {n}: unknown kind {raw['kind']!r}")
        rows.append(
            Example(raw["drill"], int(raw["turn"]), raw["kind"], raw["answer"], frozenset(raw["passed"]))
        )
    return rows


def split(examples: list[Example], seed: int = SPLIT_SEED) -> tuple[list[Example], list[Example]]:
    """(tuning, test): one shuffle with a fixed seed, cut in half."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    half = len(order) // 2
    return [examples[i] for i in sorted(order[:half])], [examples[i] for i in sorted(order[half:])]


def turn_of(drills: dict[str, Drill], example: Example) -> Turn:
    drill = drills["pb:" + example.drill]
    return drill.turn(example.turn)


def _labels(example: Example, turn: Turn) -> list[bool]:
    return [i in example.passed for i in range(len(turn.checks))]


def fit(
    examples: list[Example], drills: dict[str, Drill], encode: Encoder, scorer_policy: OfflineScorer
) -> Weights:
    """Logistic regression over the features, echo overlap and threshold picked by agreement,
    all on ``examples`` (the tuning half)."""
    from sklearn.linear_model import LogisticRegression

    best: tuple[float, Weights] | None = None
    for echo in ECHO_GRID:
        xs, ys, groups = [], [], []
        for example in examples:
            if scorer_policy.violation(example.answer) is not None:
                continue  # decided by the compliance rule, not by the classifier
            turn = turn_of(drills, example)
            features = turn_features(example.answer, turn, encode, echo)
            labels = _labels(example, turn)
            if features is None:
                groups.append((None, labels))
                continue
            xs.append(features)
            ys.extend(labels)
            groups.append((features, labels))
        x = np.vstack(xs)
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        model = LogisticRegression(C=1.0, max_iter=2000)
        model.fit((x - mean) / scale, np.array(ys))
        for threshold in np.arange(0.3, 0.71, 0.05):
            weights = Weights(mean, scale, model.coef_[0], float(model.intercept_[0]), float(threshold), echo)
            agree = total = 0
            for features, labels in groups:
                decided = (
                    [False] * len(labels)
                    if features is None
                    else list(weights.probability(features) >= threshold)
                )
                agree += sum(d == y for d, y in zip(decided, labels, strict=True))
                total += len(labels)
            if best is None or agree / total > best[0] + 1e-9:
                best = (agree / total, weights)
    assert best is not None
    return best[1]


@dataclass
class HalfReport:
    name: str
    answers: int = 0
    checks: int = 0
    agree: int = 0
    answers_exact: int = 0
    share_by_kind: dict[str, list[float]] | None = None

    @property
    def agreement(self) -> float:
        return self.agree / self.checks if self.checks else 0.0

    def mean_share(self, *kinds: str) -> float:
        values = [v for k in kinds for v in (self.share_by_kind or {}).get(k, [])]
        return sum(values) / len(values) if values else 0.0

    def as_dict(self) -> dict:
        return {
            "half": self.name,
            "answers": self.answers,
            "checks": self.checks,
            "check_agreement": round(self.agreement, 4),
            "answers_all_checks_agree": round(self.answers_exact / self.answers, 4) if self.answers else 0.0,
            "mean_share_passed": {
                k: round(self.mean_share(k), 4) for k in KINDS if (self.share_by_kind or {}).get(k)
            },
            "good_share": round(self.mean_share("good"), 4),
            "off_topic_and_copied_share": round(self.mean_share("off_topic", "copied"), 4),
        }


def score_half(
    name: str, examples: Iterable[Example], drills: dict[str, Drill], scorer: OfflineScorer
) -> HalfReport:
    report = HalfReport(name, share_by_kind=defaultdict(list))
    for example in examples:
        turn = turn_of(drills, example)
        score = scorer.score(example.answer, turn)
        decided = [r.passed for r in score.results]
        labels = _labels(example, turn)
        same = sum(d == y for d, y in zip(decided, labels, strict=True))
        report.answers += 1
        report.checks += len(labels)
        report.agree += same
        report.answers_exact += same == len(labels)
        report.share_by_kind[example.kind].append(score.passed / score.total)
    return report


__all__ = ["FEATURES", "Example", "HalfReport", "fit", "load_examples", "score_half", "split"]
