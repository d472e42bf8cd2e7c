"""Micro-batching of query embeddings: questions that arrive together (many reps at once) are
encoded in one forward pass on one worker thread instead of one pass each on the event loop."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from knowledge.embeddings import Embedder

MAX_BATCH = 32
GATHER_SECONDS = 0.003


class QueryBatcher:
    def __init__(self, embedder: Embedder, executor: ThreadPoolExecutor) -> None:
        self._embedder = embedder
        self._executor = executor
        self._pending: list[tuple[str, asyncio.Future[np.ndarray]]] = []
        self._flusher: asyncio.Task | None = None

    async def embed(self, text: str) -> np.ndarray:
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        self._pending.append((text, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(GATHER_SECONDS)
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                vectors = await loop.run_in_executor(
                    self._executor, self._embedder.embed_queries, [text for text, _ in batch]
                )
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                if not future.done():
                    future.set_result(vector)
