"""From a question to a short, speakable answer with its sources — or an honest abstention,
or a refusal when the question asks for an illegal tactic."""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from knowledge.batching import QueryBatcher
from knowledge.chunk import sentences
from knowledge.llm import LLMError
from knowledge.policy import Policy
from knowledge.retrieve import HybridRetriever, Retrieval
from knowledge.text import normalize_for_index
from prompts import text

log = logging.getLogger(__name__)

ANSWER_CHARS = 200
_SCRIPT_SECTION = re.compile(r"##\s*话术\s*\n(?P<script>.*?)(?=\n##\s|\Z)", re.S)
_MARKDOWN_NOISE = re.compile(r"^#+\s*|^\s*[-*]\s+", re.M)


@dataclass(frozen=True)
class Source:
    text: str
    source: str
    title: str
    score: float


@dataclass(frozen=True)
class Answer:
    answer: str
    abstained: bool
    refused: bool
    sources: list[Source] = field(default_factory=list)
    policy: str | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("policy")
        return data


@dataclass(frozen=True)
class AbstainRule:
    """Abstain when every signal is weak: the dense leg's best cosine, how far the best BM25 score
    stands out, and the share of the question's rare words found in the best passage. Any one
    strong signal is enough to answer. Thresholds are calibrated with `coach eval retrieval`."""

    min_dense: float = 0.876
    min_bm25_z: float = 5.0
    min_coverage: float = 0.2

    def abstain(self, retrieval: Retrieval) -> bool:
        if not retrieval.hits:
            return True
        return (
            retrieval.best_dense < self.min_dense
            and retrieval.bm25_z < self.min_bm25_z
            and retrieval.coverage < self.min_coverage
        )


class Composer(Protocol):
    async def compose(self, question: str, sources: list[Source]) -> str | None:
        """A grounded answer citing [n], or None when it has none (the answer is then extractive:
        the composer is asked only when retrieval answers, so it never turns that into an abstention)."""


def source_label(path: str) -> str:
    return Path(path).name if not path.startswith("card:") else path


def extractive_answer(question_tokens: list[str], passage: str, idf) -> str:
    """The sentences of a passage that best match the question, in order, trimmed to ANSWER_CHARS."""
    if match := _SCRIPT_SECTION.search(passage):
        passage = match.group("script")
    passage = _MARKDOWN_NOISE.sub("", passage).strip()
    parts = sentences(passage.replace("\n", ""))
    if sum(map(len, parts)) <= ANSWER_CHARS:
        return "".join(parts)
    wanted = set(question_tokens)

    def score(sentence: str) -> float:
        norm = normalize_for_index(sentence)
        return sum(idf(t) for t in wanted if t in norm)

    best = max(range(len(parts)), key=lambda i: score(parts[i]))
    chosen = {best}
    left, right = best - 1, best + 1
    while True:  # grow around the best sentence while it fits
        size = sum(len(parts[i]) for i in chosen)
        options = [i for i in (right, left) if 0 <= i < len(parts) and size + len(parts[i]) <= ANSWER_CHARS]
        if not options:
            break
        pick = options[0]
        chosen.add(pick)
        left, right = min(chosen) - 1, max(chosen) + 1
    result = "".join(parts[i] for i in sorted(chosen))
    return result if len(result) <= ANSWER_CHARS + 40 else result[:ANSWER_CHARS] + "…"


class Answerer:
    def __init__(
        self,
        retriever: HybridRetriever,
        policy: Policy,
        rule: AbstainRule,
        composer: Composer | None = None,
        k: int = 3,
    ) -> None:
        self.retriever = retriever
        self.policy = policy
        self.rule = rule
        self.composer = composer
        self.k = k
        # CPU-bound work (encoding, BM25, the vector query) runs on one worker thread, off the
        # event loop; concurrent questions share one encoder pass (see knowledge.batching).
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrieval")
        self._batcher = QueryBatcher(retriever.index.embedder, self._executor)

    def _sources(self, retrieval: Retrieval) -> list[Source]:
        return [
            Source(
                text=h.chunk.text,
                source=source_label(h.chunk.source),
                title=h.chunk.title,
                score=round(h.score, 5),
            )
            for h in retrieval.hits
        ]

    def refusal(self, question: str) -> Answer | None:
        category = self.policy.violation(normalize_for_index(question))
        if category is None:
            return None
        return Answer(answer=category.message, abstained=False, refused=True, policy=category.id)

    def _early_answer(self, question: str) -> Answer | None:
        if not question.strip():
            return Answer(text("answer_empty_question"), abstained=True, refused=False)
        return self.refusal(question)

    def retrieve(
        self, question: str, query_vector: np.ndarray | None = None
    ) -> tuple[Retrieval, Answer | None]:
        """The retrieval, and the final answer when no composition is needed (refusal or abstention)."""
        if early := self._early_answer(question):
            return Retrieval([], [], 0.0, 0.0), early
        retrieval = self.retriever.search(question, k=self.k, query_vector=query_vector)
        if self.rule.abstain(retrieval):
            return retrieval, Answer(text("answer_abstain"), abstained=True, refused=False)
        return retrieval, None

    def extractive(self, question: str, retrieval: Retrieval) -> Answer:
        top = retrieval.hits[0].chunk
        script = extractive_answer(retrieval.query_tokens, top.text, self.retriever.index.idf)
        return Answer(f"{script} [1]", abstained=False, refused=False, sources=self._sources(retrieval))

    async def answer(self, question: str) -> Answer:
        if early := self._early_answer(question):
            return early
        vector = await self._batcher.embed(normalize_for_index(question))
        loop = asyncio.get_running_loop()
        retrieval, final = await loop.run_in_executor(self._executor, self.retrieve, question, vector)
        if final is not None:
            return final
        if self.composer is not None:
            sources = self._sources(retrieval)
            try:
                composed = await self.composer.compose(question, sources)
            except Exception as exc:  # the extractive answer stands; LLM errors are logged where they occur
                if not isinstance(exc, LLMError):
                    log.warning("LLM composition failed, answering extractively: %s", type(exc).__name__)
                composed = None
            if composed:
                return Answer(composed, abstained=False, refused=False, sources=sources)
        return self.extractive(question, retrieval)

    def answer_sync(self, question: str) -> Answer:
        return asyncio.run(self.answer(question))
