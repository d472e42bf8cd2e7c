"""Choose the outcome classifier and how it is combined with the outcome words, by grouped
cross-validation over the labelled visit reports (evalsets/training_reports.py).

    .venv/bin/python -m evalsets.tune_outcome

Each group (a split written at one time) is read by classifiers trained on the hand-written exemplars
(lexicon/outcome_exemplars.jsonl) and every other group's reports, as the bot reads a report: the
meaning classifier (LR over e5) on the report's focus and its most decided clause, the wording
classifier (LR over character n-gram tf-idf) on its focus; the two combined by a weighted sum of their
log-probabilities. For each strength of the outcome words (strong / weak / none, see
bot.sales.parsing.visit_text.OutcomeCue) a threshold: the classifier's reading replaces the words'
when its probability reaches it (0: always, NEVER: the words decide).

Everything (the regularizations, the wording weight, the thresholds) is chosen on the out-of-group
readings of every group together; ties go to the higher thresholds and the simpler model. Printed:
that figure, and the nested one (each group scored with the choice made on the other groups alone),
the honest estimate on a group nobody tuned for. Copy the choice into
bot/sales/parsing/outcome_meaning.py.
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from typing import Any

import numpy as np

from bot.sales.parsing.outcome_meaning import (
    NEVER,
    OVERRIDE_AT,
    REGULARIZATION,
    SETTING,
    WORDING_NGRAMS,
    WORDING_REGULARIZATION,
    WORDING_WEIGHT,
    fit_classifier,
    load_exemplars,
    read_probabilities,
)
from bot.sales.parsing.outcome_wording import fit_outcome_wording
from bot.sales.parsing.visit_text import outcome_clauses, outcome_cue, outcome_focus, outcome_text
from config import get_settings
from evalsets.training_reports import training_reports
from knowledge.embeddings import embedder_for
from knowledge.text import normalize_for_index

THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, NEVER)
REGULARIZATIONS = (0.05, 0.25, 1.0)
WORDING_REGULARIZATIONS = (3.0, 10.0, 30.0)
WORDING_WEIGHTS = (0.0, 0.5, 1.0, 2.0)
STRENGTHS = ("strong", "weak", "none")


def _vectors(texts: list[str]) -> np.ndarray:
    """The e5 query vectors of ``texts``, kept per text in the settings' cache folder: a rerun after
    reports were added embeds only the new texts."""
    settings = get_settings()
    embedder = embedder_for(settings)
    cached = settings.cache_dir / f"outcome-cv-vectors-{embedder.runtime}.npz"
    known: dict[str, np.ndarray] = {}
    if cached.exists():
        with np.load(cached, allow_pickle=False) as saved:
            known = dict(zip((str(t) for t in saved["texts"]), saved["vectors"], strict=True))
    missing = sorted({t for t in texts if t not in known})
    if missing:
        known.update(zip(missing, embedder.embed_queries(missing), strict=True))
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp.npz")
        order = sorted(known)
        np.savez(tmp, texts=np.array(order), vectors=np.stack([known[t] for t in order]))
        tmp.replace(cached)
    return np.stack([known[t] for t in texts])


def _out_of_group(
    rows: list[dict[str, Any]], regularizations: tuple[float, ...], wording_regularizations: tuple[float, ...]
) -> dict[tuple[str, Any], np.ndarray]:
    """Out-of-group probabilities per report, [reports, outcomes], for every meaning C and wording C."""
    exemplars = load_exemplars()
    ex_texts = [outcome_text(e.text) for e in exemplars]
    ex_labels = [str(e.label) for e in exemplars]
    texts = [outcome_text(r["text"]) for r in rows]
    labels = [r["expected"]["outcome"] for r in rows]
    focus = [outcome_focus(t) for t in texts]
    clauses = [outcome_clauses(t) for t in texts]
    pieces = [*ex_texts, *texts, *focus, *(c for cs in clauses for c in cs)]
    print(f"embedding {len(pieces)} texts (each kept in the cache folder) …", flush=True)
    flat = _vectors([normalize_for_index(p) for p in pieces])
    ex_vec, whole, focus_vec = flat[: len(ex_texts)], flat[len(ex_texts) : len(ex_texts) + len(texts)], None
    at = len(ex_texts) + len(texts)
    focus_vec = flat[at : at + len(texts)]
    at += len(texts)
    clause_vec = []
    for cs in clauses:
        clause_vec.append(flat[at : at + len(cs)])
        at += len(cs)
    groups = [r["group"] for r in rows]
    outcomes = sorted({*ex_labels, *labels} - {SETTING})
    out: dict[tuple[str, Any], np.ndarray] = {}
    for group in sorted(set(groups)):
        train = [i for i, g in enumerate(groups) if g != group]
        held = [i for i, g in enumerate(groups) if g == group]
        train_vec = np.vstack([ex_vec, whole[train]])
        train_labels = [*ex_labels, *(labels[i] for i in train)]
        train_texts = [normalize_for_index(t) for t in [*ex_texts, *(texts[i] for i in train)]]
        for c in regularizations:
            model = fit_classifier(train_vec, train_labels, c)
            matrix = out.setdefault(("meaning", c), np.zeros((len(rows), len(outcomes))))
            for i in held:
                p = read_probabilities(model, focus_vec[i], clause_vec[i])
                matrix[i] = [p.get(o, 0.0) for o in outcomes]
        for c in wording_regularizations:
            probe = fit_outcome_wording(train_texts, train_labels, WORDING_NGRAMS, c)
            matrix = out.setdefault(("wording", c), np.zeros((len(rows), len(outcomes))))
            for i in held:
                p = probe.proba(normalize_for_index(focus[i]))
                kept = np.array([p.get(o, 0.0) for o in outcomes])
                matrix[i] = kept / kept.sum()
        print(f"  {group}: {len(held)} reports read by classifiers trained without them", flush=True)
    out[("outcomes", None)] = np.array(outcomes)
    return out


def _combined(meaning: np.ndarray, wording: np.ndarray, weight: float) -> np.ndarray:
    z = np.log(np.clip(meaning, 1e-9, 1)) + weight * np.log(np.clip(wording, 1e-9, 1))
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def _thresholds(
    best_ok: np.ndarray, best_p: np.ndarray, cue_ok: np.ndarray, strength: np.ndarray, mask: np.ndarray
):
    """The best threshold per strength over the rows in ``mask`` (each strength's rows are separate),
    ties to the higher threshold; and the hits with them."""
    chosen, hits = {}, 0
    for s in STRENGTHS:
        rows = mask & (strength == s)
        scores = [
            (int(np.sum(np.where(best_p[rows] >= t, best_ok[rows], cue_ok[rows]))), t) for t in THRESHOLDS
        ]
        score, t = max(scores)
        chosen[s] = t
        hits += score
    return chosen, hits


def _apply(chosen, best_ok, best_p, cue_ok, strength, mask) -> int:
    threshold = np.array([chosen[s] for s in strength])
    return int(np.sum(np.where(best_p >= threshold, best_ok, cue_ok)[mask]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Grouped CV of the outcome classifier and its combination")
    parser.add_argument("--C", type=float, nargs="+", default=REGULARIZATIONS, help="meaning regularizations")
    parser.add_argument(
        "--wording-C", type=float, nargs="+", default=WORDING_REGULARIZATIONS, help="wording regularizations"
    )
    args = parser.parse_args(argv)
    regularizations, wording_regularizations = tuple(args.C), tuple(args.wording_C)
    rows = training_reports()
    groups = np.array([r["group"] for r in rows])
    gold = np.array([r["expected"]["outcome"] for r in rows])
    cues = [outcome_cue(outcome_text(r["text"])) for r in rows]
    cue_ok = np.array([c.outcome == g for c, g in zip(cues, gold, strict=True)])
    strength = np.array([c.strength for c in cues])
    print(f"{len(rows)} labelled reports in {len(set(groups))} groups; words alone {cue_ok.mean():.1%}")
    oog = _out_of_group(rows, regularizations, wording_regularizations)
    outcomes = oog[("outcomes", None)]
    configs = []
    for c, cw, w in itertools.product(regularizations, wording_regularizations, WORDING_WEIGHTS):
        if w == 0 and cw != wording_regularizations[0]:
            continue  # the wording classifier unused: one config for it
        p = _combined(oog[("meaning", c)], oog[("wording", cw)], w)
        best = outcomes[p.argmax(axis=1)]
        configs.append(((c, cw, w), best == gold, p.max(axis=1)))
    everyone = np.ones(len(rows), dtype=bool)
    print(f"{'C':>6}{'C wording':>11}{'weight':>8}{'classifier alone':>18}{'with the words':>16}")
    results = []
    for (c, cw, w), best_ok, best_p in configs:
        chosen, hits = _thresholds(best_ok, best_p, cue_ok, strength, everyone)
        results.append(((hits, -w, c), (c, cw, w), chosen))
        print(f"{c:6}{cw:11}{w:8}{best_ok.mean():18.1%}{hits / len(rows):16.1%}")
    (hits, _, _), (c, cw, w), chosen = max(results, key=lambda r: r[0])
    print(f"chosen: REGULARIZATION = {c}, WORDING_REGULARIZATION = {cw}, WORDING_WEIGHT = {w}")
    print(f"        OVERRIDE_AT = {chosen}")
    print(f"grouped CV (choice made on every group's out-of-group readings): {hits / len(rows):.1%}")
    # nested: each group scored with the config and thresholds chosen on the other groups alone
    by_group: dict[str, tuple[int, int]] = {}
    for group in sorted(set(groups)):
        others, mine = groups != group, groups == group
        scored = []
        for (c_, _, w_), best_ok, best_p in configs:
            chosen_, hits_ = _thresholds(best_ok, best_p, cue_ok, strength, others)
            scored.append(((hits_, -w_, c_), best_ok, best_p, chosen_))
        _, best_ok, best_p, chosen_ = max(scored, key=lambda s: s[0])
        by_group[group] = (_apply(chosen_, best_ok, best_p, cue_ok, strength, mine), int(mine.sum()))
    nested = sum(h for h, _ in by_group.values()) / len(rows)
    print(f"nested grouped CV (each group scored with the choice made without it): {nested:.1%}")
    for group, (h, n) in by_group.items():
        print(f"  {group:<14}{h / n:7.1%}  ({h}/{n})  words alone {cue_ok[groups == group].mean():.1%}")
    if ("meaning", REGULARIZATION) in oog and ("wording", WORDING_REGULARIZATION) in oog:
        current = _combined(
            oog[("meaning", REGULARIZATION)], oog[("wording", WORDING_REGULARIZATION)], WORDING_WEIGHT
        )
        current_ok = outcomes[current.argmax(axis=1)] == gold
        hits = _apply(OVERRIDE_AT, current_ok, current.max(axis=1), cue_ok, strength, everyone)
        print(f"the setting now in outcome_meaning.py: {hits / len(rows):.1%}")
    per_label: dict[str, list[bool]] = defaultdict(list)
    p = _combined(oog[("meaning", c)], oog[("wording", cw)], w)
    final_ok = np.where(
        p.max(axis=1) >= np.array([chosen[s] for s in strength]), outcomes[p.argmax(axis=1)] == gold, cue_ok
    )
    for g, ok in zip(gold, final_ok, strict=True):
        per_label[g].append(bool(ok))
    print(
        "  per outcome: "
        + ", ".join(f"{k} {np.mean(v):.0%} ({len(v)})" for k, v in sorted(per_label.items()))
    )


if __name__ == "__main__":
    main()
