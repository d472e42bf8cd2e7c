"""Hybrid retrieval: BM25 over jieba tokens and dense vectors in Chroma, fused by weighted
reciprocal rank. Passages the compliance policy flags are never returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from knowledge.index import KnowledgeIndex, StoredChunk
from knowledge.text import normalize_for_index
from knowledge.tokenize import Tokenizer

Mode = Literal["hybrid", "bm25", "dense"]
RRF_K = 60


@dataclass(frozen=True)
class FusionWeights:
    bm25: float = 1.0
    dense: float = 1.0


@dataclass(frozen=True)
class Hit:
    chunk: StoredChunk
    score: float
    bm25_rank: int | None
    dense_rank: int | None
    dense_similarity: float | None


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    query_tokens: list[str]
    coverage: float  # idf-weighted share of the query's tokens found in the best passage
    best_dense: float  # cosine of the best dense match (0 when the dense leg is off)
    bm25_z: float = 0.0  # how far the best BM25 score stands out from the corpus, in standard deviations


class HybridRetriever:
    def __init__(
        self, index: KnowledgeIndex, tokenizer: Tokenizer, weights: FusionWeights, depth: int = 50
    ) -> None:
        self.index = index
        self.tokenizer = tokenizer
        self.weights = weights
        self.depth = depth

    def search(
        self, question: str, k: int = 5, mode: Mode = "hybrid", query_vector: np.ndarray | None = None
    ) -> Retrieval:
        chunks = self.index.chunks()
        normalized = normalize_for_index(question)
        tokens = self.tokenizer.tokens(normalized)
        fused: dict[int, float] = {}
        bm25_z = 0.0
        bm25_rank: dict[int, int] = {}
        dense_rank: dict[int, int] = {}
        dense_sim: dict[int, float] = {}

        if mode in ("hybrid", "bm25") and tokens:
            scores = self.index.bm25_scores(tokens)
            if len(scores) > 1 and scores.std() > 0:
                bm25_z = float((scores.max() - scores.mean()) / scores.std())
            order = np.argsort(-scores)[: self.depth]
            for rank, i in enumerate(int(i) for i in order if scores[i] > 0):
                bm25_rank[i] = rank
                fused[i] = fused.get(i, 0.0) + self.weights.bm25 / (RRF_K + rank)
        if mode in ("hybrid", "dense") and chunks:
            position = {c.chunk_id: i for i, c in enumerate(chunks)}
            vector = query_vector if query_vector is not None else self.index.embedder.embed_query(normalized)
            for rank, (chunk_id, similarity) in enumerate(self.index.dense_search(vector, self.depth)):
                i = position[chunk_id]
                dense_rank[i], dense_sim[i] = rank, similarity
                fused[i] = fused.get(i, 0.0) + self.weights.dense / (RRF_K + rank)

        ranked = sorted((i for i in fused if not chunks[i].flagged), key=lambda i: -fused[i])[:k]
        hits = [
            Hit(chunks[i], fused[i], bm25_rank.get(i), dense_rank.get(i), dense_sim.get(i)) for i in ranked
        ]
        coverage = self._coverage(tokens, hits[0].chunk) if hits else 0.0
        return Retrieval(hits, tokens, coverage, max(dense_sim.values(), default=0.0), bm25_z)

    def _coverage(self, tokens: list[str], chunk: StoredChunk) -> float:
        distinct = set(tokens)
        if not distinct:
            return 0.0
        present = set(chunk.tokens)
        weights = {t: self.index.idf(t) for t in distinct}
        return sum(w for t, w in weights.items() if t in present) / sum(weights.values())
