"""Choose the refusal and abstention settings on tuning data only, with cross-validation.

    .venv/bin/python -m evalsets.calibrate [--home DIR] [--cv-only] [--sweep B ...] [--cue-weight W] ...

Tuning data: the tuning half of evalsets/questions.jsonl, the first five holdout sets
(evalsets/questions_holdout.jsonl … questions_holdout5.jsonl, tuning data since their misses were
studied) and every other
exemplar of knowledge/intent_exemplars.jsonl. The intent classifier trains on all of them, so each
is scored by a model trained on the other folds (out-of-fold). Folds are drawn by group: every
paraphrase of one answerable topic, and every cluster of near-identical wordings (character-bigram
overlap), stay in one fold, so a held-out fold asks what the model never saw reworded. On those
scores:

- refusal: the thresholds that refuse the most unsafe items with at most SAFE_REFUSED_BUDGET of the
  in-domain safe items (the legitimate questions with sensitive words among them) refused, and the
  caution band below them (see SAFE_REFUSED_BUDGET). Before printing them, the rule is cross-checked: each fold's items are judged by thresholds
  chosen on the other folds' scores (the "cross-calibrated" figures: an honest estimate of unsafe
  recall and false refusals on wordings nobody tuned for);
- abstention: a logistic regression over (domain probability, dense cosine, BM25 stand-out,
  coverage, BM25 share of the question's idf mass), answerable+legitimate vs. off-topic and
  in-domain-but-uncovered, and a threshold at the lowest held-out answerable or legitimate question.

Prints the YAML blocks for knowledge/tuning.yaml (round 5 keeps the abstain block as it is). The
test half, the dev set and later holdout sets are never read.
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
from knowledge import intent as intent_module
from knowledge.answer import AbstainRule, RefusalRule
from knowledge.evaluate import Question
from knowledge.intent import Exemplar, Intent, IntentModel, exemplar_vectors, load_exemplars
from knowledge.text import normalize_for_index

FOLDS = 5
SEED = 8
MARGIN = 0.05
NEAR_BIGRAMS = 0.5  # bigram Jaccard at which two wordings are one question reworded (one group)
# Abstaining on a sales question costs more than answering an off-topic one (targets: <= 2% of
# answerable questions abstained, >= 80% of off-topic ones): the threshold sits at the ABSTAIN_RATE
# quantile of the held-out positives' scores. Round 7 (~590 positives, holdout4 in the tuning data):
# below the second-lowest positive (the rule until then) only ~76% of the off-topic questions
# abstained out-of-fold; at the 1% quantile ~95%, with 0-5% of each set's answerable ones.
ABSTAIN_RATE = 0.01
ABSTAIN_FEATURES = ("domain", "dense", "bm25_z", "coverage", "bm25_share", "question")
# The fact rule (AbstainRule.fact_at): the lowest coverage-classifier probability at which it may
# abstain on top of the model without adding more than FACT_BUDGET of the positives.
FACT_BUDGET = 0.005
FACT_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)


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


# The decision rule is chosen by an explicit objective on out-of-fold scores, not "just above the
# single worst safe item" (round 4: that rule, on a larger safe pool, raised the bar to 0.918 and
# refused 35/79 unsafe questions of a fresh set): the most unsafe items refused (and named) such that
# at most SAFE_REFUSED_BUDGET of the in-domain safe items (answerable, legitimate, sales exemplars,
# uncovered) are refused. Below it, the caution band (a compliance note and the compliant
# alternative instead of passages) starts at the lowest score that keeps the in-domain safe items
# other than the legitimate ones refused-or-cautioned within CAUTION_BUDGET, and the legitimate ones
# within LEGIT_CAUTION_BUDGET (for a legitimate sensitive question the compliant way is a fair
# answer, but a rep asking how to decline a kickback wants more than the card).
SAFE_REFUSED_BUDGET = SAFE_REFUSED_BUDGET_DEFAULT = 0.005
CAUTION_BUDGET = 0.02
LEGIT_CAUTION_BUDGET = 0.25
# the answerable eval questions keep CAUTION_BUDGET on their own as well (round 6)
ANSWERABLE_OWN_BUDGET = True
GRID = np.round(np.arange(0.05, 0.996, 0.005), 3)
MARGIN_GRID = np.round(np.arange(-0.05, 0.2, 0.002), 3)
# a subject word alone, or a pattern, never refuses where the classifier reads the question as
# compliant: the topic path needs the classifier to lean unsafe, the pattern path a fair share
FLOORS = {"topic_refuse_at": 0.5, "pattern_refuse_at": 0.15}
# The search starts with the pattern path at the classifier's own boundary: a tactic pattern in a
# question the classifier leans unsafe on refuses, if that fits the budget (None: start from nothing)
PATTERN_LEANS: float | None = 0.5
PATHS = ("refuse_at", "margin_refuse_at", "agree_refuse_at", "pattern_refuse_at", "topic_refuse_at")


@dataclass(frozen=True)
class Scores:
    """The out-of-fold intents of some items as arrays, for fast rule search."""

    p: np.ndarray
    margin: np.ndarray
    agreement: np.ndarray
    pattern: np.ndarray
    topic: np.ndarray
    named: np.ndarray  # a category is named (a refusal needs one)

    @classmethod
    def of(cls, intents: list[Intent]) -> Scores:
        return cls(
            np.array([i.unsafe_probability for i in intents]),
            np.array([i.unsafe_margin for i in intents]),
            np.array([i.agreement for i in intents]),
            np.array([i.pattern_hit for i in intents], dtype=bool),
            np.array([i.topic_hit for i in intents], dtype=bool),
            np.array([i.category is not None for i in intents], dtype=bool),
        )

    def refused(self, t: dict[str, float]) -> np.ndarray:
        """RefusalRule.refuse, vectorized (no per-category topic thresholds)."""
        strong = (self.p >= t["refuse_at"]) | (self.margin >= t["margin_refuse_at"])
        strong |= self.agreement >= t["agree_refuse_at"]
        weak = np.where(
            self.pattern, self.p >= t["pattern_refuse_at"], self.topic & (self.p >= t["topic_refuse_at"])
        )
        return (strong | weak) & self.named


def _grid(path: str) -> np.ndarray:
    return MARGIN_GRID if path == "margin_refuse_at" else GRID


def search_refusal(unsafe: Scores, safe: Scores, budget: int) -> dict[str, float]:
    """Coordinate ascent from a rule that refuses nothing: each step lowers the one threshold that
    refuses the most more unsafe items per safe item it adds, while the safe items refused stay
    within ``budget``; ties go to the move that adds the fewest safe items."""
    t = {path: float(_grid(path)[-1]) for path in PATHS}
    if (
        PATTERN_LEANS is not None
        and int(safe.refused(t | {"pattern_refuse_at": PATTERN_LEANS}).sum()) <= budget
    ):
        t["pattern_refuse_at"] = PATTERN_LEANS  # a pattern where the classifier leans unsafe refuses
    caught, false = int(unsafe.refused(t).sum()), int(safe.refused(t).sum())
    while True:
        best = None
        for path in PATHS:
            for value in _grid(path):
                if value >= t[path] or value < FLOORS.get(path, -1.0):
                    continue
                trial = t | {path: float(value)}
                c, f = int(unsafe.refused(trial).sum()), int(safe.refused(trial).sum())
                if f > budget or c <= caught:
                    continue
                key = ((c - caught) / (f - false + 1), -(f - false), c)
                if best is None or key > best[0]:
                    best = (key, trial, c, f)
        if best is None:
            return t
        _, t, caught, false = best


def search_caution(
    safe: Scores, legitimate: np.ndarray, t: dict[str, float], answerable: np.ndarray | None = None
) -> tuple[float, float]:
    """The lowest caution threshold within the caution budgets (1.0: no band), then the lowest
    threshold for a pattern hit within them too. ``answerable`` marks the answerable eval questions:
    a caution withholds their answer, so they keep CAUTION_BUDGET on their own too (in the pooled
    share the many hand-written sales exemplars would hide them)."""
    refused = safe.refused(t)
    plain, legit = ~legitimate, legitimate
    answer = answerable if answerable is not None else np.zeros(len(legitimate), dtype=bool)

    def within(flagged: np.ndarray) -> bool:
        return (
            flagged[plain].mean() <= CAUTION_BUDGET
            and (not legit.any() or flagged[legit].mean() <= LEGIT_CAUTION_BUDGET)
            and (not answer.any() or flagged[answer].mean() <= CAUTION_BUDGET)
        )

    caution_at = next((float(v) for v in GRID if within(refused | (safe.p >= v))), 1.0)
    banded = refused | (safe.p >= caution_at)
    pattern_at = next((float(v) for v in GRID if within(banded | (safe.pattern & (safe.p >= v)))), caution_at)
    return caution_at, min(pattern_at, caution_at)


IN_DOMAIN_SAFE = ("answerable", "legitimate", "exemplar", "uncovered")


def fit_refusal(items: list[Item], intents: list[Intent]) -> RefusalRule:
    """The rule chosen by the objective above on these items' out-of-fold scores."""
    unsafe = Scores.of([i for i, it in zip(intents, items, strict=True) if it.exemplar.unsafe])
    pool = [
        (i, it)
        for i, it in zip(intents, items, strict=True)
        if not it.exemplar.unsafe and it.kind in IN_DOMAIN_SAFE and it.exemplar.label != "offtopic"
    ]
    safe = Scores.of([i for i, _ in pool])
    legitimate = np.array([it.kind == "legitimate" for _, it in pool])
    answerable = np.array([it.kind == "answerable" for _, it in pool])
    t = search_refusal(unsafe, safe, int(SAFE_REFUSED_BUDGET * len(pool)))
    own = answerable if ANSWERABLE_OWN_BUDGET else None
    caution_at, pattern_caution_at = search_caution(safe, legitimate, t, own)
    return RefusalRule(
        **{k: round(v, 3) for k, v in t.items()},
        caution_at=round(caution_at, 3),
        pattern_caution_at=round(pattern_caution_at, 3),
    )


def refused_right(item: Item, intent: Intent, rule: RefusalRule) -> bool:
    return rule.refuse(intent) and intent.category is not None


def cautioned(intent: Intent, rule: RefusalRule) -> bool:
    return intent.category is not None and rule.caution(intent)


def cross_calibrated(items: list[Item], intents: list[Intent], folds: np.ndarray) -> dict:
    """Each fold judged by a rule fitted on the other folds' out-of-fold scores."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # (source, kind) -> [refused, cautioned, n]
    wrong_category = named = 0
    missed: list[str] = []
    for fold in range(FOLDS):
        others = [k for k in range(len(items)) if folds[k] != fold]
        rule = fit_refusal([items[k] for k in others], [intents[k] for k in others])
        print(f"# fold {fold} rule: {rule}")
        for i in np.flatnonzero(folds == fold):
            item, intent = items[i], intents[i]
            key = f"{item.source}:{'unsafe' if item.exemplar.unsafe else item.kind}"
            refused = refused_right(item, intent, rule)
            band = cautioned(intent, rule)
            counts[key][0] += refused
            counts[key][1] += band
            counts[key][2] += 1
            if not item.exemplar.unsafe and (refused or band) and item.source != "exemplar":
                missed.append(
                    f"{'refused' if refused else 'cautioned'} {item.source}:{item.kind} {intent.unsafe_probability:.2f} {item.exemplar.text}"
                )
            if item.exemplar.unsafe and not refused and item.source != "exemplar":
                missed.append(
                    f"{item.question.id if item.question else ''} {intent.unsafe_probability:.2f} {'caution ' if band else ''}{item.exemplar.text}"
                )
            expected = item.exemplar.label.removeprefix("unsafe:")
            if item.exemplar.unsafe and (refused or band):
                named += 1
                wrong_category += intent.category.id != expected
    report = {key: f"{r}+{c}/{n}" for key, (r, c, n) in sorted(counts.items())}
    report |= ranking(items, intents)
    unsafe = [c for k, c in counts.items() if k.endswith(":unsafe")]
    safe = [c for k, c in counts.items() if not k.endswith(":unsafe")]
    n_unsafe = max(1, sum(n for _, _, n in unsafe))
    report["unsafe_refused"] = round(sum(r for r, _, _ in unsafe) / n_unsafe, 3)
    report["unsafe_refused_or_cautioned"] = round(sum(r + c for r, c, _ in unsafe) / n_unsafe, 3)
    report["safe_refused"] = sum(r for r, _, _ in safe)
    for kind in ("legitimate", "answerable", "exemplar", "unanswerable", "uncovered"):
        rows = [c for k, c in counts.items() if k.endswith(f":{kind}")]
        total = max(1, sum(n for _, _, n in rows))
        report[f"{kind}_refused"] = round(sum(r for r, _, _ in rows) / total, 3)
        report[f"{kind}_cautioned"] = round(sum(c for _, c, _ in rows) / total, 3)
    report["unsafe_named"] = named
    report["unsafe_wrong_category"] = wrong_category
    report["category_accuracy"] = round(1 - wrong_category / max(1, named), 3)
    report |= category_variants(items, intents)
    return report, missed


def category_variants(items: list[Item], intents: list[Intent]) -> dict:
    """Out-of-fold category accuracy on every unsafe item: the classifier's choice, the matched
    pattern's wherever there is one, and the pattern's where the classifier ranks it in its top k."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item, intent in zip(items, intents, strict=True):
        if not item.exemplar.unsafe or not intent.ranked_categories:
            continue
        expected = item.exemplar.label.removeprefix("unsafe:")
        pattern = intent.pattern_category.id if intent.pattern_category else None
        ranked = intent.ranked_categories
        for name, k in (("classifier", 0), ("pattern_in_top2", 2), ("pattern_in_top3", 3), ("pattern", 99)):
            chosen = pattern if pattern is not None and pattern in ranked[:k] else ranked[0]
            found[name][0] += chosen == expected
            found[name][1] += 1
    return {f"category_{name}": round(r / max(1, n), 3) for name, (r, n) in found.items()}


def category_confusions(items: list[Item], intents: list[Intent], n: int = 8) -> list[str]:
    """The commonest out-of-fold (expected -> chosen) category confusions over every unsafe item."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for item, intent in zip(items, intents, strict=True):
        if item.exemplar.unsafe and intent.category is not None:
            expected = item.exemplar.label.removeprefix("unsafe:")
            if intent.category.id != expected:
                found[(expected, intent.category.id)] += 1
    return [f"{c} {a} -> {b}" for (a, b), c in sorted(found.items(), key=lambda x: -x[1])[:n]]


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

    rows, labels, kinds, row_folds, ids, fact_of = [], [], [], [], [], []
    for item, intent, fold in zip(items, intents, folds, strict=True):
        if item.question is None or item.kind == "unsafe":
            continue
        x = AbstainRule().features(intent, kb.retriever.search(item.question.question, k=3))
        rows.append([x[n] for n in ABSTAIN_FEATURES])
        labels.append(item.kind in ("answerable", "legitimate"))
        kinds.append(f"{item.source}:{item.kind}")
        row_folds.append(fold)
        ids.append(item.question.id)
        fact_of.append(intent)
    x, y, kinds, row_folds = np.array(rows), np.array(labels), np.array(kinds), np.array(row_folds)

    def fit(keep):
        return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced").fit(x[keep], y[keep])

    held_out = np.zeros(len(y))
    for fold in range(FOLDS):
        keep = row_folds != fold
        held_out[~keep] = fit(keep).predict_proba(x[~keep])[:, 1]
    threshold = float(np.quantile(held_out[y], ABSTAIN_RATE)) - 1e-4
    for rate in sorted({ABSTAIN_RATE, 0.0, 0.01, 0.02}):
        t = float(np.quantile(held_out[y], rate))
        rates = {str(k): round(float(np.mean(held_out[kinds == k] < t)), 3) for k in sorted(set(kinds))}
        print(f"# abstention at the {rate:.0%} quantile, out-of-fold: {rates}")
    fact = np.array([intent.uncovered_probability for intent in fact_of])
    answered = held_out >= threshold
    fact_at = next((t for t in FACT_GRID if np.mean((fact[y] >= t) & answered[y]) <= FACT_BUDGET), 1.01)
    final = ~answered | (fact >= fact_at)
    rates = {str(k): round(float(np.mean(final[kinds == k])), 3) for k in sorted(set(kinds))}
    print(f"# fact rule at {fact_at}: abstained out-of-fold with the model {rates}")
    low = np.argsort(np.where(y, held_out, np.inf))[:5]
    print("# lowest-scored answerable/legitimate (score, " + ", ".join(ABSTAIN_FEATURES) + "):")
    for i in low:
        print(f"#   {held_out[i]:.3f} {np.round(x[i], 3).tolist()} {ids[i]}")
    model = fit(np.ones(len(y), dtype=bool))
    return (
        {"bias": round(float(model.intercept_[0]), 4)}
        | {n: round(float(w), 4) for n, w in zip(ABSTAIN_FEATURES, model.coef_[0], strict=True)}
        | {"threshold": round(threshold, 4), "fact_at": fact_at}
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
    parser.add_argument("--category-regularization", type=float, default=None, help="C of the category LR")
    parser.add_argument("--sweep", type=float, nargs="*", default=[], help="refusal budgets to compare")
    parser.add_argument("--no-pattern-start", action="store_true", help="search the pattern path from 1")
    parser.add_argument("--safe-budget", type=float, default=None, help="instead of SAFE_REFUSED_BUDGET")
    parser.add_argument("--caution-budget", type=float, default=None, help="instead of CAUTION_BUDGET")
    parser.add_argument(
        "--pooled-caution", action="store_true", help="no caution budget of the answerable questions' own"
    )
    args = parser.parse_args()
    global SAFE_REFUSED_BUDGET, CAUTION_BUDGET, PATTERN_LEANS, ANSWERABLE_OWN_BUDGET
    ANSWERABLE_OWN_BUDGET = not args.pooled_caution
    PATTERN_LEANS = None if args.no_pattern_start else PATTERN_LEANS
    SAFE_REFUSED_BUDGET = args.safe_budget if args.safe_budget is not None else SAFE_REFUSED_BUDGET
    CAUTION_BUDGET = args.caution_budget if args.caution_budget is not None else CAUTION_BUDGET
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
    if args.category_regularization is not None:
        intent_module.CATEGORY_REGULARIZATION = args.category_regularization
    print(f"# intent settings: {chosen}, category C {intent_module.CATEGORY_REGULARIZATION}")
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
        for budget in args.sweep:  # the same out-of-fold scores under other refusal budgets
            SAFE_REFUSED_BUDGET = budget
            swept, _ = cross_calibrated(items, intents, folds)
            keys = (
                "unsafe_refused",
                "unsafe_refused_or_cautioned",
                "legitimate_refused",
                "answerable_refused",
            )
            keys += ("exemplar_refused", "legitimate_cautioned", "answerable_cautioned", "category_accuracy")
            print(f"# sweep budget {budget}: " + json.dumps({k: swept[k] for k in keys}))
        SAFE_REFUSED_BUDGET = (
            args.safe_budget if args.safe_budget is not None else SAFE_REFUSED_BUDGET_DEFAULT
        )
        if ANSWERABLE_OWN_BUDGET:  # the same scores with the answerable questions' caution pooled
            ANSWERABLE_OWN_BUDGET = False
            pooled, _ = cross_calibrated(items, intents, folds)
            ANSWERABLE_OWN_BUDGET = True
            keys = (
                "unsafe_refused",
                "unsafe_refused_or_cautioned",
                "answerable_cautioned",
                "legitimate_cautioned",
            )
            print("# pooled caution budget: " + json.dumps({k: pooled[k] for k in keys}))
        report, missed = cross_calibrated(items, intents, folds)
        print("# cross-calibrated refusal (each fold judged by thresholds fitted on the others):")
        print("# " + json.dumps(report, ensure_ascii=False))
        for line in missed:
            print(f"#   missed: {line}")
        for line in top_safe(items, intents):
            print(f"#   top safe: {line}")
        for line in category_confusions(items, intents):
            print(f"#   category confusion: {line}")
        rule = fit_refusal(items, intents)
        unsafe = [(it, i) for it, i in zip(items, intents, strict=True) if it.exemplar.unsafe]
        caught = sum(refused_right(it, i, rule) for it, i in unsafe)
        print(f"# refusal fitted on all out-of-fold scores: {caught}/{len(unsafe)} unsafe items refused")
        refusal = {
            "refuse_at": rule.refuse_at,
            "margin_refuse_at": rule.margin_refuse_at,
            "pattern_refuse_at": rule.pattern_refuse_at,
            "topic_refuse_at": rule.topic_refuse_at,
            "agree_refuse_at": rule.agree_refuse_at,
            "caution_at": rule.caution_at,
            "pattern_caution_at": rule.pattern_caution_at,
        }
        if args.cv_only:
            _print_block("refusal", refusal)
            return
        kb = open_knowledge_base(settings, composer=None)
        kb.ingestor.ingest([SEEDS, playbook_dir()], prune=True)
        abstain = choose_abstention(kb, items, intents, folds)
    _print_block("refusal", refusal)
    _print_block("abstain", abstain)


if __name__ == "__main__":
    main()
