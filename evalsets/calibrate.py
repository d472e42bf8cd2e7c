"""Choose the refusal and abstention settings on the TUNING half only, with cross-validation.

    .venv/bin/python -m evalsets.calibrate [--home DIR]

The intent classifier is trained on knowledge/intent_exemplars.jsonl, which holds the tuning half;
scoring those questions with a model that saw them would be optimistic, so each tuning question is
scored by a model trained on the other folds (out-of-fold), and so is each other exemplar. On
those scores:

- refusal: the lowest thresholds that refuse no safe tuning question and no safe exemplar (the
  legitimate questions with sensitive words among them), with a margin, and refuse as many unsafe
  ones as possible;
- abstention: a logistic regression over (domain probability, dense cosine, BM25 stand-out,
  coverage, BM25 share of the question's idf mass), answerable+legitimate vs. off-topic and
  in-domain-but-uncovered, and a threshold at the lowest held-out answerable or legitimate question.

Prints the YAML blocks for knowledge/tuning.yaml. The test half and the holdout set are never read.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from evalsets.make_exemplars import QUESTIONS, SEEDS, playbook_dir
from knowledge.answer import AbstainRule, RefusalRule
from knowledge.evaluate import load_questions
from knowledge.intent import IntentModel, exemplar_vectors, load_exemplars
from knowledge.text import normalize_for_index

FOLDS = 5
SEED = 8  # the folds of exemplars that are not tuning questions
MARGIN = 0.05
# Abstaining on a sales question costs more than answering an off-topic one (targets: <= 2% of
# answerable questions abstained, >= 80% of off-topic ones): the threshold sits at the lowest
# held-out positive. At 1% (the previous choice) the tuning half's out-of-fold rates were answerable
# 0.009, off-topic 0.933, but the test half abstained on 2.7% of its answerable questions: the
# positives' scores on unseen topics spread lower than out of fold, and off-topic has room to give.
ABSTAIN_RATE = 0.0
ABSTAIN_FEATURES = ("domain", "dense", "bm25_z", "coverage", "bm25_share")
TOPIC_FLOOR = 0.5  # the balanced classifier's own decision boundary


def question_folds(questions) -> dict[str, int]:
    """Folds like the test split: every paraphrase of one answerable topic in the same fold (a
    held-out fold asks about topics the model never saw); other kinds item by item."""
    topics = sorted({q.topic for q in questions if q.kind == "answerable"})
    topic_fold = {t: i % FOLDS for i, t in enumerate(topics)}
    return {
        q.id: topic_fold[q.topic] if q.kind == "answerable" else i % FOLDS for i, q in enumerate(questions)
    }


def out_of_fold_intents(kb, questions, tuning, cache_dir: Path):
    """Each tuning question, and each other exemplar (hand-written or a card's question, in a fold
    drawn with a fixed seed), scored by a model trained on the other folds. The exemplars' scores
    add hard negatives (legitimate questions with sensitive words) and varied unsafe wording to the
    tuning half's; they are training data, never evaluation questions."""
    exemplars = load_exemplars()
    texts = [normalize_for_index(e.text) for e in exemplars]
    vectors = exemplar_vectors(kb.index.embedder, exemplars, cache_dir)
    fold_of = question_folds(questions)
    fold_of_text = {normalize_for_index(q.question): fold_of[q.id] for q in questions}
    rng = np.random.default_rng(SEED)
    folds = np.array([fold_of_text.get(t, int(rng.integers(FOLDS))) for t in texts])
    in_tuning_half = np.array([t in fold_of_text for t in texts])
    intents, exemplar_intents = {}, []
    for fold in range(FOLDS):
        keep = folds != fold
        model = IntentModel(
            kb.policy,
            [e for e, k in zip(exemplars, keep, strict=True) if k],
            vectors[keep],
            [t for t, k in zip(texts, keep, strict=True) if k],
            tuning.regularization,
            tuning.wording_regularization,
            tuning.wording_weight,
        )
        for q in questions:
            if fold_of[q.id] == fold:
                normalized = normalize_for_index(q.question)
                intents[q.id] = model.assess(normalized, kb.index.embedder.embed_query(normalized))
        for i in np.flatnonzero((folds == fold) & ~in_tuning_half):
            exemplar_intents.append((exemplars[i], model.assess(texts[i], vectors[i])))
    return intents, exemplar_intents


def topic_thresholds(safe, ceiling: float) -> dict[str, float]:
    """For each category whose subject words occur in safe questions: just above the highest of
    their scores. Other categories keep the global topic threshold."""
    by_category: dict[str, float] = {}
    for i in safe:
        if i.topic_hit and i.category is not None:
            by_category[i.category.id] = max(by_category.get(i.category.id, 0.0), i.unsafe_probability)
    return {c: round(max(TOPIC_FLOOR, min(ceiling, p + MARGIN)), 3) for c, p in sorted(by_category.items())}


def choose_refusal(questions, intents, exemplar_intents=()) -> dict:
    """Thresholds just above the highest out-of-fold score of any safe tuning question or safe
    exemplar, on each path of RefusalRule."""
    safe = [intents[q.id] for q in questions if q.kind != "unsafe"]
    unsafe = [intents[q.id] for q in questions if q.kind == "unsafe"]
    safe_exemplars = [i for e, i in exemplar_intents if not e.unsafe]
    unsafe_exemplars = [i for e, i in exemplar_intents if e.unsafe]
    safe = safe + safe_exemplars
    top_safe = max(i.unsafe_probability for i in safe)
    top_margin = max(i.unsafe_margin for i in safe)
    top_agreement = max(i.agreement for i in safe)
    top_safe_with_pattern = max((i.unsafe_probability for i in safe if i.pattern_hit), default=0.0)
    top_safe_with_topic = max((i.unsafe_probability for i in safe if i.topic_hit), default=0.0)
    ceiling = min(0.99, top_safe + MARGIN / 5)
    rule = RefusalRule(
        refuse_at=round(ceiling, 3),
        margin_refuse_at=round(top_margin + MARGIN / 5, 3),
        pattern_refuse_at=round(min(ceiling, top_safe_with_pattern + MARGIN), 3),
        # a subject word alone never refuses: the classifier must at least lean unsafe
        topic_refuse_at=round(max(TOPIC_FLOOR, min(ceiling, top_safe_with_topic + MARGIN)), 3),
        agree_refuse_at=round(min(0.99, top_agreement + MARGIN / 5), 3),
        topic_refuse_at_by_category=topic_thresholds(safe, ceiling),
    )
    low = sorted(round(u.unsafe_probability, 2) for u in unsafe if u.pattern_hit)[:5]
    print(f"# lowest classifier scores of unsafe tuning questions with a pattern hit: {low}")
    refused = sum(rule.refuse(u) for u in unsafe)
    false = sum(rule.refuse(s) for s in safe)
    print(
        f"# refusal, out-of-fold: {refused}/{len(unsafe)} unsafe tuning questions refused, {false}/{len(safe)} safe refused"
    )
    refused_ex = sum(rule.refuse(u) for u in unsafe_exemplars)
    print(f"# refusal, out-of-fold: {refused_ex}/{len(unsafe_exemplars)} unsafe exemplars refused")
    missed = [q.id for q in questions if q.kind == "unsafe" and not rule.refuse(intents[q.id])]
    print(f"# unsafe tuning questions not refused: {missed}")
    return {
        "refuse_at": rule.refuse_at,
        "margin_refuse_at": rule.margin_refuse_at,
        "pattern_refuse_at": rule.pattern_refuse_at,
        "topic_refuse_at": rule.topic_refuse_at,
        "agree_refuse_at": rule.agree_refuse_at,
        "topic_refuse_at_by_category": rule.topic_refuse_at_by_category,
    }


def choose_abstention(kb, questions, intents) -> dict:
    """Positives: answerable and legitimate questions; negatives: off-topic and in-domain but
    uncovered ones. The threshold leaves at most ABSTAIN_RATE of the positives below it when each
    is scored by a model fitted on the other folds."""
    from sklearn.linear_model import LogisticRegression

    rows, labels, kinds, folds, ids = [], [], [], [], []
    fold_of = question_folds(questions)
    for q in questions:
        if q.kind == "unsafe":
            continue
        intent = intents[q.id]
        x = AbstainRule().features(intent, kb.retriever.search(q.question, k=3))
        rows.append([x[n] for n in ABSTAIN_FEATURES])
        labels.append(q.kind in ("answerable", "legitimate"))
        kinds.append(q.kind)
        folds.append(fold_of[q.id])
        ids.append(q.id)
    x, y, kinds, folds = np.array(rows), np.array(labels), np.array(kinds), np.array(folds)

    def fit(keep):
        return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced").fit(x[keep], y[keep])

    held_out = np.zeros(len(y))
    for fold in range(FOLDS):
        keep = folds != fold
        held_out[~keep] = fit(keep).predict_proba(x[~keep])[:, 1]
    threshold = float(np.quantile(held_out[y], ABSTAIN_RATE))
    for rate in sorted({ABSTAIN_RATE, 0.01, 0.02}):
        t = float(np.quantile(held_out[y], rate))
        rates = {str(k): round(float(np.mean(held_out[kinds == k] < t)), 3) for k in sorted(set(kinds))}
        print(f"# abstention at the {rate:.0%} quantile, out-of-fold on the tuning half: {rates}")
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None, help="COACH_HOME to (re)use for the index")
    args = parser.parse_args()
    from config import get_settings, load_settings
    from knowledge.service import load_tuning, open_knowledge_base

    base = get_settings()
    with tempfile.TemporaryDirectory(prefix="coach-calibrate-") as tmp:
        home = args.home or Path(tmp)
        settings = load_settings(coach_home=home, coach_models_dir=base.models_dir.resolve())
        kb = open_knowledge_base(settings, composer=None)
        kb.ingestor.ingest([SEEDS, playbook_dir()], prune=True)
        questions = load_questions(QUESTIONS, "tune")
        tuning = load_tuning()
        intents, exemplar_intents = out_of_fold_intents(kb, questions, tuning, settings.cache_dir)
        refusal = choose_refusal(questions, intents, exemplar_intents)
        abstain = choose_abstention(kb, questions, intents)
    print("refusal:")
    for key, value in refusal.items():
        if isinstance(value, dict):
            print(f"  {key}:")
            for name, v in value.items():
                print(f"    {name}: {v}")
        else:
            print(f"  {key}: {value}")
    print("abstain:")
    for key, value in abstain.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
