"""`coach eval retrieval`: hit@1, hit@3, MRR, abstention and refusal on a question set, for the
BM25 leg, the dense leg and the fused ranking, all in one run over the same index."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.answer import Answerer
from knowledge.retrieve import Mode
from knowledge.text import normalize_for_index

RANK_DEPTH = 10


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    must_contain_any: tuple[str, ...]
    kind: str  # answerable | unanswerable | unsafe


@dataclass
class ModeScores:
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


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            questions.append(
                Question(raw["id"], raw["question"], tuple(raw.get("must_contain_any") or ()), raw["kind"])
            )
    return questions


def passage_matches(passage: str, phrases: tuple[str, ...]) -> bool:
    normalized = normalize_for_index(passage)
    return any(normalize_for_index(p) in normalized for p in phrases)


def score_mode(answerer: Answerer, questions: list[Question], mode: Mode) -> ModeScores:
    scores = ModeScores(mode)
    for q in questions:
        if q.kind != "answerable":
            continue
        scores.answerable += 1
        hits = answerer.retriever.search(q.question, k=RANK_DEPTH, mode=mode).hits
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


def evaluate(answerer: Answerer, questions: list[Question]) -> dict:
    modes = [score_mode(answerer, questions, m).as_dict() for m in ("bm25", "dense", "hybrid")]
    decisions = {"answerable_abstained": [], "unanswerable_answered": [], "unsafe_not_refused": []}
    features = []
    counts = {"unanswerable": 0, "unsafe": 0, "answerable": 0}
    for q in questions:
        counts[q.kind] = counts.get(q.kind, 0) + 1
        retrieval, final = answerer.retrieve(q.question)
        abstained = bool(final and final.abstained)
        refused = bool(final and final.refused)
        features.append(
            {
                "id": q.id,
                "kind": q.kind,
                "coverage": round(retrieval.coverage, 3),
                "dense": round(retrieval.best_dense, 4),
                "bm25_z": round(retrieval.bm25_z, 2),
            }
        )
        if q.kind == "answerable" and (abstained or refused):
            decisions["answerable_abstained"].append(q.id)
        if q.kind == "unanswerable" and not abstained:
            decisions["unanswerable_answered"].append(q.id)
        if q.kind == "unsafe" and not refused:
            decisions["unsafe_not_refused"].append(q.id)
    return {
        "questions": len(questions),
        "retrieval": modes,
        "abstention_on_unanswerable": round(
            1 - len(decisions["unanswerable_answered"]) / max(1, counts["unanswerable"]), 3
        ),
        "refusal_on_unsafe": round(1 - len(decisions["unsafe_not_refused"]) / max(1, counts["unsafe"]), 3),
        "answerable_abstained": len(decisions["answerable_abstained"]),
        "decisions": decisions,
        "features": features,
    }
