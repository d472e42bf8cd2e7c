"""`coach eval retrieval`: ranking quality (hit@1, hit@3, MRR) for the BM25 leg, the dense leg and the
final pipeline, and the decisions (refusal, abstention, false refusal), on one or more question sets
over the same index, each reported on its own.

Question kinds: answerable (with must_contain_any key phrases), unanswerable (off-topic: must be
abstained), uncovered (a sales question the documents do not answer: must be abstained, and so
become a gap), unsafe (must be refused), legitimate (sensitive words, must not be refused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.answer import Answerer
from knowledge.retrieve import Mode
from knowledge.text import normalize_for_index

RANK_DEPTH = 10
# (label, retrieval mode, neighbour collapsing) of each ranking reported
RANKINGS: tuple[tuple[str, Mode, bool], ...] = (
    ("bm25", "bm25", False),
    ("dense", "dense", False),
    ("fused", "hybrid", False),
    ("final", "hybrid", True),
)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    must_contain_any: tuple[str, ...]
    kind: str  # answerable | unanswerable | uncovered | unsafe | legitimate
    split: str = ""
    category: str = ""
    topic: str = ""


@dataclass
class RankScores:
    mode: str
    answerable: int = 0
    hit1: int = 0
    hit3: int = 0
    reciprocal_ranks: float = 0.0
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        n = max(1, self.answerable)
        return {
            "mode": self.mode,
            "hit@1": round(self.hit1 / n, 3),
            "hit@3": round(self.hit3 / n, 3),
            "mrr": round(self.reciprocal_ranks / n, 3),
            "misses@3": self.misses,
        }


def load_questions(path: Path, split: str | None = None) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            question = Question(
                raw["id"],
                raw["question"],
                tuple(raw.get("must_contain_any") or ()),
                raw["kind"],
                raw.get("split", ""),
                raw.get("category", ""),
                raw.get("topic") or "",
            )
            if split is None or question.split == split:
                questions.append(question)
    return questions


def passage_matches(passage: str, phrases: tuple[str, ...]) -> bool:
    normalized = normalize_for_index(passage)
    return any(normalize_for_index(p) in normalized for p in phrases)


def score_ranking(
    answerer: Answerer,
    questions: list[Question],
    label: str,
    mode: Mode,
    diverse: bool,
    vectors: dict[str, np.ndarray] | None = None,
) -> RankScores:
    scores = RankScores(label)
    for q in questions:
        if q.kind != "answerable":
            continue
        scores.answerable += 1
        vector = (vectors or {}).get(q.id)
        hits = answerer.retriever.search(
            q.question, k=RANK_DEPTH, mode=mode, diverse=diverse, query_vector=vector
        ).hits
        rank = next(
            (i for i, h in enumerate(hits) if passage_matches(h.chunk.text, q.must_contain_any)), None
        )
        if rank is not None:
            scores.hit1 += rank == 0
            scores.hit3 += rank < 3
            scores.reciprocal_ranks += 1 / (rank + 1)
        if rank is None or rank >= 3:
            scores.misses.append(q.id)
    return scores


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def evaluate(answerer: Answerer, questions: list[Question], decisions: bool = True) -> dict:
    """Rankings of the answerable questions and, with ``decisions``, refusal and abstention rates."""
    embedder = answerer.retriever.index.embedder
    asked = [q for q in questions if q.kind == "answerable"]
    encoded = embedder.embed_queries([normalize_for_index(q.question) for q in asked]) if asked else []
    vectors = {q.id: v for q, v in zip(asked, encoded, strict=True)}  # one encoder pass per question
    rankings = [score_ranking(answerer, questions, *r, vectors=vectors).as_dict() for r in RANKINGS]
    if not decisions:
        counts = {"answerable": sum(q.kind == "answerable" for q in questions)}
        return {
            "questions": counts["answerable"],
            "counts": counts,
            "retrieval": rankings,
            "rates": {},
            "decisions": {},
        }
    counts: dict[str, int] = {}
    decisions: dict[str, list[str]] = {
        "unsafe_not_refused": [],
        "unsafe_wrong_category": [],
        "unsafe_cautioned": [],
        "offtopic_answered": [],
        "uncovered_answered": [],
        "answerable_abstained": [],
        "answerable_refused": [],
        "legitimate_refused": [],
        "legitimate_abstained": [],
        "legitimate_cautioned": [],
        "answerable_cautioned": [],
    }
    features = []
    for q in questions:
        counts[q.kind] = counts.get(q.kind, 0) + 1
        intent, vector = answerer.assess(q.question)
        retrieval, final = answerer.retrieve(q.question, vector)
        abstained = bool(final and final.abstained)
        refused = bool(final and final.refused)
        cautioned = bool(final and final.cautioned)
        features.append(
            {
                "id": q.id,
                "kind": q.kind,
                "unsafe": round(intent.unsafe_probability, 4),
                "pattern": intent.pattern_hit,
                "domain": round(intent.domain_probability, 4),
                "coverage": round(retrieval.coverage, 3),
                "dense": round(retrieval.best_dense, 4),
                "bm25_z": round(retrieval.bm25_z, 2),
                "refused": refused,
                "abstained": abstained,
                "cautioned": cautioned,
            }
        )
        if q.kind == "unsafe":
            if not refused:
                decisions["unsafe_not_refused"].append(q.id)
            if cautioned:
                decisions["unsafe_cautioned"].append(q.id)
            if (refused or cautioned) and q.category and final.policy != q.category:
                decisions["unsafe_wrong_category"].append(f"{q.id}:{final.policy}")
        elif q.kind == "unanswerable" and not abstained:
            decisions["offtopic_answered"].append(q.id)
        elif q.kind == "uncovered" and not abstained:
            decisions["uncovered_answered"].append(q.id)
        elif q.kind == "answerable":
            if refused:
                decisions["answerable_refused"].append(q.id)
            elif abstained:
                decisions["answerable_abstained"].append(q.id)
            elif cautioned:
                decisions["answerable_cautioned"].append(q.id)
        elif q.kind == "legitimate":
            if refused:
                decisions["legitimate_refused"].append(q.id)
            elif abstained:
                decisions["legitimate_abstained"].append(q.id)
            elif cautioned:
                decisions["legitimate_cautioned"].append(q.id)
    n = counts.get
    rates = {
        # a caution (compliance note and alternative, no passages) is neither a refusal nor an
        # answer: it is counted on its own
        "unsafe_refused": _rate(n("unsafe", 0) - len(decisions["unsafe_not_refused"]), n("unsafe", 0)),
        "unsafe_refused_or_cautioned": _rate(
            n("unsafe", 0) - len(decisions["unsafe_not_refused"]) + len(decisions["unsafe_cautioned"]),
            n("unsafe", 0),
        ),
        "offtopic_abstained": _rate(
            n("unanswerable", 0) - len(decisions["offtopic_answered"]), n("unanswerable", 0)
        ),
        "uncovered_abstained": _rate(
            n("uncovered", 0) - len(decisions["uncovered_answered"]), n("uncovered", 0)
        ),
        "answerable_abstained": _rate(
            len(decisions["answerable_abstained"]) + len(decisions["answerable_refused"]), n("answerable", 0)
        ),
        "legitimate_refused": _rate(len(decisions["legitimate_refused"]), n("legitimate", 0)),
        "legitimate_abstained": _rate(len(decisions["legitimate_abstained"]), n("legitimate", 0)),
        "legitimate_cautioned": _rate(len(decisions["legitimate_cautioned"]), n("legitimate", 0)),
        "answerable_cautioned": _rate(len(decisions["answerable_cautioned"]), n("answerable", 0)),
    }
    return {
        "questions": len(questions),
        "counts": counts,
        "retrieval": rankings,
        "rates": rates,
        "decisions": decisions,
        "features": features,
    }
