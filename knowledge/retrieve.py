"""Hybrid retrieval: BM25 over jieba tokens and dense vectors in Chroma, fused by a small learned
ranker over both legs' signals (or, without one, by weighted reciprocal rank). Passages the
compliance policy flags are never returned, nor passages outside the asker's scopes
(knowledge.scope): both legs are filtered before ranking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from knowledge.index import KnowledgeIndex, StoredChunk
from knowledge.scope import visible_scopes
from knowledge.text import normalize_for_index
from knowledge.tokenize import Tokenizer

Mode = Literal["hybrid", "bm25", "dense"]
RRF_K = 60


@dataclass(frozen=True)
class FusionWeights:
    bm25: float = 1.0
    dense: float = 1.0
    neighbour_radius: int = 1
    #: one source per section: a lower-ranked chunk of a section already shown, too far from it to
    #: be merged in, is left out rather than shown as a second source of the same section
    distinct_sections: bool = False


#: The signals the ranker weighs for each candidate passage (see `HybridRetriever.candidates`).
RANKER_FEATURES = ("bm25_rrf", "dense_rrf", "bm25_relative", "dense_gap", "title", "coverage", "question")
#: question vectors the question leg reads per ask; the last one's similarity is the baseline a
#: passage's best question must beat to count (see `HybridRetriever.candidates`)
QUESTION_DEPTH = 30
#: the lowest baseline: where a corpus holds few questions (a team's small library), the last of
#: them may be far from the rep's question, and every other one would look close. The median
#: similarity of the 30th-closest bank question over tuning questions on the seed corpus (0.894);
#: questions on another subject score 0.85-0.89 with e5-small, rewordings of one question 0.92+.
QUESTION_FLOOR = 0.89


@dataclass(frozen=True)
class Ranker:
    """A linear score over RANKER_FEATURES, fitted listwise on the tuning half
    (evalsets/fit_ranker.py writes the weights into tuning.yaml's ``ranker`` section)."""

    weights: dict[str, float]

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(RANKER_FEATURES)
        if unknown:
            raise ValueError(f"unknown ranker features: {sorted(unknown)}")

    def scores(self, features: np.ndarray) -> np.ndarray:
        w = np.array([self.weights.get(name, 0.0) for name in RANKER_FEATURES])
        return features @ w


@dataclass(frozen=True)
class Candidates:
    """The passages either leg found for one question (chunk positions), with their signals."""

    positions: list[int]
    features: np.ndarray  # len(positions) x len(RANKER_FEATURES)
    rrf: dict[int, float]
    bm25_rank: dict[int, int]
    dense_rank: dict[int, int]
    dense_similarity: dict[int, float]
    tokens: list[str]
    bm25_z: float
    bm25_best: float
    question_lift: float = 0.0  # the best passage question's lift over the baseline (0: none)


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
    bm25_share: float = 0.0  # the best BM25 score over the idf mass of the query's distinct tokens
    title_match: float = (
        0.0  # how closely the question restates the best passage's title (an FAQ row's question)
    )
    question_lift: float = 0.0  # how far the closest passage question stands above the rest


class HybridRetriever:
    def __init__(
        self,
        index: KnowledgeIndex,
        tokenizer: Tokenizer,
        weights: FusionWeights,
        depth: int = 50,
        ranker: Ranker | None = None,
    ) -> None:
        self.index = index
        self.tokenizer = tokenizer
        self.weights = weights
        self.depth = depth
        self.ranker = ranker
        self._title_tokens: dict[str, frozenset[str]] = {}

    def search(
        self,
        question: str,
        k: int = 5,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
        diverse: bool = True,
        *,
        team_id: int | None = None,
    ) -> Retrieval:
        """Top ``k`` passages of the shared knowledge and ``team_id``'s; with ``diverse``, near
        neighbours of a passage already chosen (same document and section, within
        ``weights.neighbour_radius`` chunks) are skipped: they say the same thing, and the next
        section is worth more to the rep."""
        found = self.candidates(question, mode, query_vector, team_id=team_id)
        chunks = self.index.chunks()
        if mode == "hybrid" and self.ranker is not None and found.positions:
            learned = self.ranker.scores(found.features)
            fused = dict(zip(found.positions, learned.tolist(), strict=True))
        else:
            fused = found.rrf
        ranked = sorted(found.positions, key=lambda i: -fused[i])
        if diverse and self.weights.neighbour_radius:
            groups = _collapse_neighbours(
                ranked, chunks, k, self.weights.neighbour_radius, self.weights.distinct_sections
            )
        else:
            groups = [[i] for i in ranked[:k]]
        hits = [
            Hit(
                _merged(chunks, group),
                fused[group[0]],
                found.bm25_rank.get(group[0]),
                found.dense_rank.get(group[0]),
                found.dense_similarity.get(group[0]),
            )
            for group in groups
        ]
        tokens = found.tokens
        coverage = self._coverage(tokens, hits[0].chunk) if hits else 0.0
        idf_mass = sum(self.index.idf(t) for t in set(tokens))
        return Retrieval(
            hits,
            tokens,
            coverage,
            max(found.dense_similarity.values(), default=0.0),
            found.bm25_z,
            found.bm25_best / idf_mass if idf_mass else 0.0,
            self._title_match(tokens, hits[0].chunk) if hits else 0.0,
            found.question_lift,
        )

    def candidates(
        self,
        question: str,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
        *,
        team_id: int | None = None,
    ) -> Candidates:
        """Every unflagged passage in the top ``depth`` of either leg, or holding one of the
        ``QUESTION_DEPTH`` questions closest to the rep's, with the signals the ranker weighs. A
        passage one leg did not rank gets that leg's floor: rank signal 0, and for the dense gap
        the similarity of the leg's last passage (an upper bound of its own).

        The question signal is a bonus, never a penalty: how far the passage's closest question
        stands above the last of the questions read, or QUESTION_FLOOR where that is lower (10 ×
        cosine difference, 0 below it). A
        passage with no questions (a team's own document) scores 0, as does one whose questions
        are no closer than the rest, so documents without questions compete on the other signals
        alone."""
        scopes = visible_scopes(team_id)
        chunks = self.index.chunks()
        normalized = normalize_for_index(question)
        tokens = self.tokenizer.query_tokens(normalized)
        rrf: dict[int, float] = {}
        bm25_z = bm25_best = 0.0
        bm25_rank: dict[int, int] = {}
        dense_rank: dict[int, int] = {}
        dense_sim: dict[int, float] = {}
        lift: dict[int, float] = {}
        scores = np.zeros(len(chunks))

        if mode in ("hybrid", "bm25") and tokens:
            visible = self.index.scope_mask(scopes)
            scores = np.where(visible, self.index.bm25_scores(tokens), 0.0)
            shown = scores[visible]  # the asker's corpus: IDF stays global, the stand-out does not
            if len(shown) > 1 and shown.std() > 0:
                bm25_z = float((shown.max() - shown.mean()) / shown.std())
            bm25_best = float(shown.max()) if len(shown) else 0.0
            order = np.argsort(-scores)[: self.depth]
            for rank, i in enumerate(int(i) for i in order if scores[i] > 0):
                bm25_rank[i] = rank
                rrf[i] = rrf.get(i, 0.0) + self.weights.bm25 / (RRF_K + rank)
        if mode in ("hybrid", "dense") and chunks:
            position = self.index.positions()
            vector = query_vector if query_vector is not None else self.index.embedder.embed_query(normalized)
            found = self.index.dense_search(vector, self.depth, scopes)
            for rank, (chunk_id, similarity) in enumerate(c for c in found if c[0] in position):
                i = position[chunk_id]
                dense_rank[i], dense_sim[i] = rank, similarity
                rrf[i] = rrf.get(i, 0.0) + self.weights.dense / (RRF_K + rank)
            asked = self.index.question_search(vector, QUESTION_DEPTH, scopes)
            if asked:
                baseline = max(asked[-1][1], QUESTION_FLOOR)
                for chunk_id, similarity in asked:
                    i = position.get(chunk_id)
                    if i is not None and i not in lift:  # best first: the first is its closest
                        lift[i] = max(0.0, 10 * (similarity - baseline))
                        rrf.setdefault(i, 0.0)

        positions = [i for i in rrf if not chunks[i].flagged]
        best_dense = max(dense_sim.values(), default=0.0)
        floor_dense = min(dense_sim.values(), default=0.0)
        idf = {t: self.index.idf(t) for t in set(tokens)}
        idf_mass = sum(idf.values())
        features = np.array(
            [
                [
                    RRF_K / (RRF_K + bm25_rank[i]) if i in bm25_rank else 0.0,
                    RRF_K / (RRF_K + dense_rank[i]) if i in dense_rank else 0.0,
                    float(scores[i]) / bm25_best if bm25_best > 0 else 0.0,
                    10 * (dense_sim.get(i, floor_dense) - best_dense),
                    self._title_match(tokens, chunks[i]),
                    _covered(idf, chunks[i].tokens) / idf_mass if idf_mass else 0.0,
                    lift.get(i, 0.0),
                ]
                for i in positions
            ],
            dtype=np.float64,
        ).reshape(len(positions), len(RANKER_FEATURES))
        return Candidates(
            positions,
            features,
            rrf,
            bm25_rank,
            dense_rank,
            dense_sim,
            tokens,
            bm25_z,
            bm25_best,
            max((lift[i] for i in positions if i in lift), default=0.0),
        )

    def _title_match(self, tokens: list[str], chunk: StoredChunk) -> float:
        """Idf-weighted F1 of the question's and the title's words: 1.0 when the rep asks the very
        question an FAQ row or a card is titled with, low for a long section heading or a partial
        overlap. The abstention rule answers such a question whatever the domain classifier thinks
        of its topic (a product's delivery time is off-topic for the playbooks, not for a team's
        own FAQ sheet)."""
        asked = set(tokens)
        title = self._tokens_of_title(chunk.title)
        common = asked & title
        if not common:
            return 0.0
        weight = self.index.idf
        shared = sum(weight(t) for t in common)
        precision = shared / sum(weight(t) for t in title)
        recall = shared / sum(weight(t) for t in asked)
        return 2 * precision * recall / (precision + recall)

    def _tokens_of_title(self, title: str) -> frozenset[str]:
        known = self._title_tokens.get(title)
        if known is None:
            known = frozenset(self.tokenizer.tokens(normalize_for_index(title))) if title else frozenset()
            self._title_tokens[title] = known
        return known

    def _coverage(self, tokens: list[str], chunk: StoredChunk) -> float:
        distinct = set(tokens)
        if not distinct:
            return 0.0
        present = set(chunk.tokens)
        weights = {t: self.index.idf(t) for t in distinct}
        return sum(w for t, w in weights.items() if t in present) / sum(weights.values())


def _covered(idf: dict[str, float], tokens: tuple[str, ...]) -> float:
    """The idf mass of the question's tokens (``idf``'s keys) that occur in ``tokens``."""
    present = set(tokens)
    return sum(w for t, w in idf.items() if t in present)


def _collapse_neighbours(
    ranked: list[int], chunks: list[StoredChunk], k: int, radius: int, distinct_sections: bool = False
) -> list[list[int]]:
    """Group each chosen chunk with the lower-ranked chunks next to it in its section (within
    ``radius`` positions, or the whole section when ``radius`` is negative): one source each.
    With ``distinct_sections``, a chunk of a section already chosen that is too far to merge is
    skipped, so the sources come from as many sections as there are sources."""
    groups: list[list[int]] = []
    for i in ranked:
        c = chunks[i]
        same_section = [
            g for g in groups if any(chunks[j].source == c.source and chunks[j].title == c.title for j in g)
        ]
        home = next(
            (
                g
                for g in same_section
                if any(radius < 0 or abs(chunks[j].position - c.position) <= radius for j in g)
            ),
            None,
        )
        if home is not None:
            home.append(i)
        elif same_section and distinct_sections:
            continue
        elif len(groups) < k:
            groups.append([i])
    return groups


def _merged(chunks: list[StoredChunk], group: list[int]) -> StoredChunk:
    """One passage from neighbouring chunks, in document order, the repeated overlap sentence once."""
    if len(group) == 1:
        return chunks[group[0]]
    ordered = sorted((chunks[i] for i in group), key=lambda c: c.position)
    text = ordered[0].text
    for chunk in ordered[1:]:
        overlap = next(
            (n for n in range(min(len(text), len(chunk.text)), 0, -1) if text.endswith(chunk.text[:n])), 0
        )
        text += ("\n" if overlap == 0 else "") + chunk.text[overlap:]
    best = chunks[group[0]]
    return StoredChunk(
        chunk_id=best.chunk_id,
        text=text,
        title=best.title,
        source=best.source,
        position=ordered[0].position,
        tokens=tuple(t for c in ordered for t in c.tokens),
        flagged=best.flagged,
        scope=best.scope,
    )
