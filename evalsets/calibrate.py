"""Choose the refusal and abstention settings on tuning data only, with cross-validation.

    .venv/bin/python -m evalsets.calibrate [--home DIR] [--cv-only] [--cue-weight W] ...

Tuning data: the tuning half of evalsets/questions.jsonl, the first holdout set
(evalsets/questions_holdout.jsonl, tuning data since its misses were studied) and every other
exemplar of knowledge/intent_exemplars.jsonl. The intent classifier trains on all of them, so each
is scored by a model trained on the other folds (out-of-fold). Folds are drawn by group: every
paraphrase of one answerable topic, and every cluster of near-identical wordings (character-bigram
overlap), stay in one fold, so a held-out fold asks what the model never saw reworded. On those
scores:

- refusal: the lowest thresholds that refuse no safe question or exemplar (the legitimate questions
  with sensitive words among them), with a margin, and refuse as many unsafe ones as possible.
  Before printing them, the rule is cross-checked: each fold's items are judged by thresholds
  chosen on the other folds' scores (the "cross-calibrated" figures: an honest estimate of unsafe
  recall and false refusals on wordings nobody tuned for);
- abstention: a logistic regression over (domain probability, dense cosine, BM25 stand-out,
  coverage, BM25 share of the question's idf mass), answerable+legitimate vs. off-topic and
  in-domain-but-uncovered, and a threshold at the lowest held-out answerable or legitimate question.

Prints the YAML blocks for knowledge/tuning.yaml. The test half, the dev set and later holdout sets
are never read.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evalsets.make_exemplars import SEEDS, playbook_dir, tuning_rows
from knowledge.answer import AbstainRule, RefusalRule
from knowledge.evaluate import Question
from knowledge.intent import Exemplar, Intent, IntentModel, exemplar_vectors, load_exemplars
from knowledge.text import normalize_for_index

FOLDS = 5
SEED = 8
MARGIN = 0.05
NEAR_BIGRAMS = 0.5  # bigram Jaccard at which two wordings are one question reworded (one group)
# Abstaining on a sales question costs more than answering an off-topic one (targets: <= 2% of
# answerable questions abstained, >= 80% of off-topic ones): the threshold sits just below the
# held-out positive ABSTAIN_ALLOWED from the bottom. With the holdout set in the tuning data, the
# lowest one (a FABE question the domain classifier gives 0.31) alone pulled the threshold from 0.38
# to 0.09, and in-domain questions the documents lack (which must abstain and become gaps) were
# answered; one of ~200 held-out positives (0.5%) may abstain instead.
ABSTAIN_RATE = 0.0
ABSTAIN_ALLOWED = 1
ABSTAIN_FEATURES = ("domain", "dense", "bm25_z", "coverage", "bm25_share")
# A subject word alone refuses only when the classifier is this sure at least: cross-calibrated on
# tune + holdout + exemplars, floors 0.5/0.6/0.7/0.8/0.9 refused 0.626/0.622/0.622/0.622/0.609 of the
# unsafe items and 3/3/3/2/2 safe ones
TOPIC_FLOOR = 0.8


@dataclass(frozen=True)
class Item:
    """One labelled text the classifier trains on, with where it came from."""

    exemplar: Exemplar
    normalized: str
    kind: str  # an eval question's kind, else "unsafe" or "exemplar"
    source: str  # tune | holdout | exemplar
    question: Question | None = None


@dataclass(frozen=True)
class IntentSettings:
    regularization: float
    wording_regularization: float
    wording_weight: float
    cue_weight: float = 0.0
    cue_regularization: float = 1.0
    cues_in_meaning: bool = False


def tuning_items(exemplars: list[Exemplar]) -> list[Item]:
    """The exemplars, each an eval question of the tuning data where it is one."""
    rows = {normalize_for_index(r["question"]): r for r in tuning_rows()}
    items = []
    for e in exemplars:
        normalized = normalize_for_index(e.text)
        row = rows.get(normalized)
        if row is None:
            items.append(Item(e, normalized, "unsafe" if e.unsafe else "exemplar", "exemplar"))
            continue
        question = Question(
            row["id"],
            row["question"],
            tuple(row.get("must_contain_any") or ()),
            row["kind"],
            row["split"],
            row.get("category", ""),
            row.get("topic") or "",
        )
        items.append(Item(e, normalized, row["kind"], row["split"], question))
    return items


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def groups(items: list[Item]) -> list[int]:
    """A group id per item: answerable questions of one topic, and near-identical wordings."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    first_of_topic: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.question is not None and item.kind == "answerable":
            union(i, first_of_topic.setdefault(item.question.topic, i))
    grams = [_bigrams(item.normalized) for item in items]
    for i in range(len(items)):
        for j in range(i):
            overlap = len(grams[i] & grams[j])
            if overlap and overlap / len(grams[i] | grams[j]) >= NEAR_BIGRAMS:
                union(i, j)
    return [find(i) for i in range(len(items))]


def folds_of(items: list[Item]) -> np.ndarray:
    group_ids = groups(items)
    order = sorted(set(group_ids))
    rng = np.random.default_rng(SEED)
    fold_of_group = dict(zip(order, rng.permutation(len(order)) % FOLDS, strict=True))
    return np.array([fold_of_group[g] for g in group_ids])


def out_of_fold(policy, items: list[Item], vectors: np.ndarray, folds: np.ndarray, s: IntentSettings):
    """Each item scored by a model fitted on the other folds."""
    intents: list[Intent | None] = [None] * len(items)
    for fold in range(FOLDS):
        keep = folds != fold
        model = IntentModel(
            policy,
            [it.exemplar for it, k in zip(items, keep, strict=True) if k],
            vectors[keep],
            [it.normalized for it, k in zip(items, keep, strict=True) if k],
            s.regularization,
            s.wording_regularization,
            s.wording_weight,
            cue_weight=s.cue_weight,
            cue_regularization=s.cue_regularization,
            cues_in_meaning=s.cues_in_meaning,
        )
        for i in np.flatnonzero(~keep):
            intents[i] = model.assess(items[i].normalized, vectors[i])
    return intents


def topic_thresholds(safe: list[Intent], ceiling: float) -> dict[str, float]:
    """For each category whose subject words occur in safe questions: just above the highest of
    their scores. Other categories keep the global topic threshold."""
    by_category: dict[str, float] = {}
    for i in safe:
        topic = i.topic_category or i.category
        if i.topic_hit and topic is not None:
            by_category[topic.id] = max(by_category.get(topic.id, 0.0), i.unsafe_probability)
    return {c: round(max(TOPIC_FLOOR, min(ceiling, p + MARGIN)), 3) for c, p in sorted(by_category.items())}


def fit_refusal(safe: list[Intent]) -> RefusalRule:
    """Thresholds just above the highest score of any safe item, on each path of RefusalRule."""
    top_safe = max(i.unsafe_probability for i in safe)
    top_margin = max(i.unsafe_margin for i in safe)
    top_agreement = max(i.agreement for i in safe)
    top_safe_with_pattern = max((i.unsafe_probability for i in safe if i.pattern_hit), default=0.0)
    top_safe_with_topic = max((i.unsafe_probability for i in safe if i.topic_hit), default=0.0)
    ceiling = min(0.99, top_safe + MARGIN / 5)
    return RefusalRule(
        refuse_at=round(ceiling, 3),
        margin_refuse_at=round(top_margin + MARGIN / 5, 3),
        pattern_refuse_at=round(min(ceiling, top_safe_with_pattern + MARGIN), 3),
        # a subject word alone never refuses: the classifier must at least lean unsafe
        topic_refuse_at=round(max(TOPIC_FLOOR, min(ceiling, top_safe_with_topic + MARGIN)), 3),
        agree_refuse_at=round(min(0.99, top_agreement + MARGIN / 5), 3),
        topic_refuse_at_by_category=topic_thresholds(safe, ceiling),
    )


def refused_right(item: Item, intent: Intent, rule: RefusalRule) -> bool:
    return rule.refuse(intent) and intent.category is not None


def cross_calibrated(items: list[Item], intents: list[Intent], folds: np.ndarray) -> dict:
    """Each fold judged by a rule fitted on the other folds' out-of-fold scores."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # (source, kind) -> [refused, n]
    wrong_category = 0
    missed: list[str] = []
    for fold in range(FOLDS):
        rule = fit_refusal(
            [
                s
                for s, it, f in zip(intents, items, folds, strict=True)
                if f != fold and not it.exemplar.unsafe
            ]
        )
        for i in np.flatnonzero(folds == fold):
            item, intent = items[i], intents[i]
            key = f"{item.source}:{'unsafe' if item.exemplar.unsafe else item.kind}"
            refused = refused_right(item, intent, rule)
            counts[key][0] += refused
            counts[key][1] += 1
            if item.exemplar.unsafe and not refused and item.source != "exemplar":
                missed.append(
                    f"{item.question.id if item.question else ''} {intent.unsafe_probability:.2f} {item.exemplar.text}"
                )
            expected = item.exemplar.label.removeprefix("unsafe:")
            if item.exemplar.unsafe and refused and intent.category.id != expected:
                wrong_category += 1
    report = {key: f"{r}/{n}" for key, (r, n) in sorted(counts.items())}
    report |= ranking(items, intents)
    unsafe = [c for k, c in counts.items() if k.endswith(":unsafe")]
    safe = [c for k, c in counts.items() if not k.endswith(":unsafe")]
    report["unsafe_recall"] = round(sum(r for r, _ in unsafe) / max(1, sum(n for _, n in unsafe)), 3)
    report["safe_refused"] = sum(r for r, _ in safe)
    report["unsafe_wrong_category"] = wrong_category
    return report, missed


def ranking(items: list[Item], intents: list[Intent]) -> dict:
    """How well the combined score alone separates unsafe from safe items: ROC AUC and the
    share of unsafe items above the safe items' top score, and above their 99.5th and 99th
    percentiles."""
    scores = np.array([i.unsafe_probability for i in intents])
    unsafe = np.array([it.exemplar.unsafe for it in items])
    s_safe, s_unsafe = scores[~unsafe], scores[unsafe]
    auc = float(
        np.mean(s_unsafe[:, None] > s_safe[None, :]) + 0.5 * np.mean(s_unsafe[:, None] == s_safe[None, :])
    )
    found = {"auc": round(auc, 4)}
    for q in (1.0, 0.995, 0.99):
        found[f"recall@safe_q{q}"] = round(float(np.mean(s_unsafe > np.quantile(s_safe, q))), 3)
    return found


def top_safe(items: list[Item], intents: list[Intent], n: int = 12) -> list[str]:
    pairs = [
        (i.unsafe_probability, it) for it, i in zip(items, intents, strict=True) if not it.exemplar.unsafe
    ]
    return [
        f"{p:.3f} {it.source}:{it.kind} {it.exemplar.text}"
        for p, it in sorted(pairs, key=lambda x: -x[0])[:n]
    ]


def choose_abstention(kb, items: list[Item], intents: list[Intent], folds: np.ndarray) -> dict:
    """Positives: answerable and legitimate questions; negatives: off-topic and in-domain but
    uncovered ones (eval questions of the tuning data). The threshold leaves at most ABSTAIN_RATE of
    the positives below it when each is scored by a model fitted on the other folds."""
    from sklearn.linear_model import LogisticRegression

    rows, labels, kinds, row_folds, ids = [], [], [], [], []
    for item, intent, fold in zip(items, intents, folds, strict=True):
        if item.question is None or item.kind == "unsafe":
            continue
        x = AbstainRule().features(intent, kb.retriever.search(item.question.question, k=3))
        rows.append([x[n] for n in ABSTAIN_FEATURES])
        labels.append(item.kind in ("answerable", "legitimate"))
        kinds.append(f"{item.source}:{item.kind}")
        row_folds.append(fold)
        ids.append(item.question.id)
    x, y, kinds, row_folds = np.array(rows), np.array(labels), np.array(kinds), np.array(row_folds)

    def fit(keep):
        return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced").fit(x[keep], y[keep])

    held_out = np.zeros(len(y))
    for fold in range(FOLDS):
        keep = row_folds != fold
        held_out[~keep] = fit(keep).predict_proba(x[~keep])[:, 1]
    threshold = float(np.sort(held_out[y])[ABSTAIN_ALLOWED]) - 1e-4
    for rate in sorted({ABSTAIN_RATE, 0.01, 0.02}):
        t = float(np.quantile(held_out[y], rate))
        rates = {str(k): round(float(np.mean(held_out[kinds == k] < t)), 3) for k in sorted(set(kinds))}
        print(f"# abstention at the {rate:.0%} quantile, out-of-fold: {rates}")
    low = np.argsort(np.where(y, held_out, np.inf))[:5]
    print("# lowest-scored answerable/legitimate (score, " + ", ".join(ABSTAIN_FEATURES) + "):")
    for i in low:
        print(f"#   {held_out[i]:.3f} {np.round(x[i], 3).tolist()} {ids[i]}")
    model = fit(np.ones(len(y), dtype=bool))
    return (
        {"bias": round(float(model.intercept_[0]), 4)}
        | {n: round(float(w), 4) for n, w in zip(ABSTAIN_FEATURES, model.coef_[0], strict=True)}
        | {"threshold": round(threshold, 4)}
    )


def _print_block(name: str, block: dict) -> None:
    print(f"{name}:")
    for key, value in block.items():
        if isinstance(value, dict):
            print(f"  {key}:")
            for sub, v in value.items():
                print(f"    {sub}: {v}")
        else:
            print(f"  {key}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None, help="COACH_HOME to (re)use for the index")
    parser.add_argument("--cv-only", action="store_true", help="the cross-calibrated refusal figures only")
    for name in (
        "regularization",
        "wording-regularization",
        "wording-weight",
        "cue-weight",
        "cue-regularization",
    ):
        parser.add_argument(f"--{name}", type=float, default=None, help="instead of tuning.yaml's")
    args = parser.parse_args()
    from config import get_settings, load_settings
    from knowledge.embeddings import embedder_for
    from knowledge.policy import load_policy
    from knowledge.service import load_tuning, open_knowledge_base

    base = get_settings()
    tuning = load_tuning()
    chosen = IntentSettings(
        *(
            getattr(args, n) if getattr(args, n) is not None else getattr(tuning, n)
            for n in (
                "regularization",
                "wording_regularization",
                "wording_weight",
                "cue_weight",
                "cue_regularization",
            )
        )
    )
    print(f"# intent settings: {chosen}")
    with tempfile.TemporaryDirectory(prefix="coach-calibrate-") as tmp:
        home = args.home or Path(tmp)
        settings = load_settings(coach_home=home, coach_models_dir=base.models_dir.resolve())
        embedder = embedder_for(settings)
        policy = load_policy()
        exemplars = load_exemplars()
        items = tuning_items(exemplars)
        vectors = exemplar_vectors(embedder, exemplars, settings.cache_dir)
        folds = folds_of(items)
        intents = out_of_fold(policy, items, vectors, folds, chosen)
        report, missed = cross_calibrated(items, intents, folds)
        print("# cross-calibrated refusal (each fold judged by thresholds fitted on the others):")
        print("# " + json.dumps(report, ensure_ascii=False))
        for line in missed:
            print(f"#   missed: {line}")
        for line in top_safe(items, intents):
            print(f"#   top safe: {line}")
        safe = [i for i, it in zip(intents, items, strict=True) if not it.exemplar.unsafe]
        rule = fit_refusal(safe)
        unsafe = [(it, i) for it, i in zip(items, intents, strict=True) if it.exemplar.unsafe]
        caught = sum(refused_right(it, i, rule) for it, i in unsafe)
        print(f"# refusal fitted on all out-of-fold scores: {caught}/{len(unsafe)} unsafe items refused")
        if args.cv_only:
            return
        kb = open_knowledge_base(settings, composer=None)
        kb.ingestor.ingest([SEEDS, playbook_dir()], prune=True)
        abstain = choose_abstention(kb, items, intents, folds)
    refusal = {
        "refuse_at": rule.refuse_at,
        "margin_refuse_at": rule.margin_refuse_at,
        "pattern_refuse_at": rule.pattern_refuse_at,
        "topic_refuse_at": rule.topic_refuse_at,
        "agree_refuse_at": rule.agree_refuse_at,
        "topic_refuse_at_by_category": rule.topic_refuse_at_by_category,
    }
    _print_block("refusal", refusal)
    _print_block("abstain", abstain)


if __name__ == "__main__":
    main()
