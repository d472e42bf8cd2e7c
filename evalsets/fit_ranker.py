"""Fit the retrieval ranker (knowledge.retrieve.Ranker) on the TUNING half and the two holdout sets and
write its weights into knowledge/tuning.yaml's ``ranker`` section.

    .venv/bin/python -m evalsets.fit_ranker [--home var/eval] [--dry-run]

The holdout set's questions were written blind by another writer, worded more freely than the
tuning half's: fitted on the tuning half alone, the ranker leaned on the word overlap that half
shares with the documents. Both together teach it more varied wording; the second holdout set
(evalsets/questions_holdout2.jsonl, written blind by a third writer and measured once) joined them
in round 5, so all three are now tuned on.

For each answerable tuning or holdout question, every candidate passage either leg found gets the ranker's
signals (RANKER_FEATURES) and a label (the passage holds one of the question's key phrases). The
weights maximise the softmax likelihood of the labelled passages among each question's
candidates (a listwise logistic ranker) with an L2 penalty. The penalty is chosen by 5-fold
cross-validation grouped by topic (paraphrases of one passage never straddle a fold), and the
folds' hit@3 is printed beside the reciprocal-rank fusion it replaces, for all and for each set
alone. The test half is not read.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.retrieve import RANKER_FEATURES

QUESTIONS = Path(__file__).with_name("questions.jsonl")
HOLDOUT = Path(__file__).with_name("questions_holdout.jsonl")
HOLDOUT2 = Path(__file__).with_name("questions_holdout2.jsonl")
HOLDOUT3 = Path(__file__).with_name("questions_holdout3.jsonl")
HOLDOUT4 = Path(__file__).with_name("questions_holdout4.jsonl")
HOLDOUT5 = Path(__file__).with_name("questions_holdout5.jsonl")
SETS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")
TUNING = Path(__file__).parent.parent / "knowledge" / "tuning.yaml"
PENALTIES = (0.001, 0.01, 0.1, 1.0, 3.0, 10.0)
FOLDS = 5


@dataclass(frozen=True)
class Example:
    """One question's candidates: their features, labels and the fusion score they had."""

    topic: str
    features: np.ndarray
    labels: np.ndarray
    rrf: np.ndarray
    split: str = "tune"  # or "holdout", "holdout2"


def fit(examples: list[Example], penalty: float) -> np.ndarray:
    """Weights on the raw features (standardized inside the fit, so the penalty treats every
    signal alike)."""
    from scipy.optimize import minimize

    stacked = np.vstack([e.features for e in examples])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-9
    lists = [((e.features - mean) / scale, e.labels / e.labels.sum()) for e in examples if e.labels.any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = penalty * w @ w, 2 * penalty * w
        for x, target in lists:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            value -= target @ np.log(p + 1e-12)
            grad -= x.T @ (target - p)
        return value / len(lists), grad / len(lists)

    w = minimize(loss, np.zeros(stacked.shape[1]), jac=True, method="L-BFGS-B").x
    return w / scale  # the mean shifts every candidate alike: no intercept needed to rank


def hit_at_3(examples: list[Example], scores_of) -> float:
    hits = 0
    for e in examples:
        order = np.argsort(-scores_of(e), kind="stable")[:3]
        hits += bool(e.labels[order].any())
    return hits / len(examples)


def folds(examples: list[Example]) -> list[tuple[list[Example], list[Example]]]:
    topics = sorted({e.topic for e in examples})
    rng = np.random.default_rng(8)
    rng.shuffle(topics)
    fold_of = {t: i % FOLDS for i, t in enumerate(topics)}
    return [
        ([e for e in examples if fold_of[e.topic] != f], [e for e in examples if fold_of[e.topic] == f])
        for f in range(FOLDS)
    ]


def cross_validate(examples: list[Example], penalty: float) -> dict[str, float]:
    """Held-out hit@3 over all questions ("all"), and over each set's alone."""
    hits: dict[str, list[bool]] = {"all": []}
    for train, held in folds(examples):
        w = fit(train, penalty)
        for e in held:
            hit = hit_at_3([e], lambda e, w=w: e.features @ w) == 1.0
            hits["all"].append(hit)
            hits.setdefault(e.split, []).append(hit)
    return {name: float(np.mean(h)) if h else 0.0 for name, h in hits.items()}


def collect(home: Path) -> list[Example]:
    from bot.cli import _shared_embedder
    from config import get_settings, load_settings
    from knowledge.evaluate import load_questions, passage_matches
    from knowledge.service import PLAYBOOKS_DIR, open_knowledge_base
    from knowledge.text import normalize_for_index

    base = get_settings()
    settings = load_settings(coach_home=str(home), embedding_model=base.embedding_model)
    kb = open_knowledge_base(settings, composer=None, embedder=_shared_embedder(base))
    shared = next(p for p in (Path("../shared"), Path("../../shared")) if (p / "seeds").exists())
    kb.ingestor.ingest([shared / "seeds", PLAYBOOKS_DIR], prune=True)
    asked = (
        load_questions(QUESTIONS, "tune")
        + load_questions(HOLDOUT, "holdout")
        + load_questions(HOLDOUT2, "holdout2")
        + load_questions(HOLDOUT3, "holdout3")
        + load_questions(HOLDOUT4, "holdout4")
        + load_questions(HOLDOUT5, "holdout5")
    )
    questions = [q for q in asked if q.kind == "answerable"]
    vectors = kb.index.embedder.embed_queries([normalize_for_index(q.question) for q in questions])
    chunks = kb.index.chunks()
    examples = []
    for q, vector in zip(questions, vectors, strict=True):
        found = kb.retriever.candidates(q.question, query_vector=vector)
        labels = np.array([passage_matches(chunks[i].text, q.must_contain_any) for i in found.positions])
        rrf = np.array([found.rrf[i] for i in found.positions])
        examples.append(Example(q.topic or q.id, found.features, labels, rrf, q.split))
    return examples


def write_weights(weights: dict[str, float], path: Path = TUNING) -> None:
    """Replace (or add, after the fusion section) the ``ranker`` section, keeping the rest."""
    block = (
        "ranker:  # listwise logistic ranker, fitted on the tuning half and holdout … holdout5 by\n"
        "  # `python -m evalsets.fit_ranker`\n"
        + "".join(f"  {name}: {value:.4f}\n" for name, value in weights.items())
    )
    text = path.read_text(encoding="utf-8")
    existing = re.compile(r"^ranker:.*\n(?:[ #].*\n)*", re.M)
    if existing.search(text):
        text = existing.sub(block, text, count=1)
    else:
        fusion = re.compile(r"^fusion:.*\n(?:[ #].*\n)*", re.M).search(text)
        at = fusion.end() if fusion else len(text)
        text = text[:at] + block + text[at:]
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("var/eval"), help="kept index folder")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write tuning.yaml")
    parser.add_argument(
        "--drop", action="append", default=[], choices=RANKER_FEATURES, help="leave a signal out (ablation)"
    )
    parser.add_argument("--question-floor", type=float, default=None, help="instead of QUESTION_FLOOR")
    args = parser.parse_args()
    if args.question_floor is not None:
        from knowledge import retrieve

        retrieve.QUESTION_FLOOR = args.question_floor
        print(f"question floor {args.question_floor} (nothing is written)")
        args.dry_run = True
    examples = collect(args.home)
    if args.drop:
        gone = [RANKER_FEATURES.index(name) for name in args.drop]
        for e in examples:
            e.features[:, gone] = 0.0
        print(f"without {', '.join(args.drop)} (nothing is written)")
        args.dry_run = True
    answerable = sum(e.labels.any() for e in examples)
    print(f"{len(examples)} tuning and holdout questions, {answerable} with a labelled candidate")
    print(f"reciprocal-rank fusion hit@3 (in-sample): {hit_at_3(examples, lambda e: e.rrf):.3f}")
    cv = {p: cross_validate(examples, p) for p in PENALTIES}
    for penalty, scores in cv.items():
        per_set = ", ".join(f"{name} {scores.get(name, 0.0):.3f}" for name in SETS)
        print(f"ranker penalty {penalty:g}: cross-validated hit@3 {scores['all']:.3f} ({per_set})")
    best = max(PENALTIES, key=lambda p: (round(cv[p]["all"], 6), p))  # ties: the stronger penalty
    weights = dict(zip(RANKER_FEATURES, (round(float(w), 4) for w in fit(examples, best)), strict=True))
    print(
        f"chosen penalty {best:g}; in-sample hit@3 {hit_at_3(examples, lambda e: e.features @ np.array(list(weights.values()))):.3f}"
    )
    print(weights)
    if not args.dry_run:
        write_weights(weights)
        print(f"written: {TUNING}")


if __name__ == "__main__":
    main()
