"""The dense encoder: a sentence-transformers model loaded lazily, once per process.

`import sentence_transformers` alone costs seconds, so nothing here imports it until the first
vector is needed.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np

from knowledge.e5_build import resolve_embedding_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder:
    def __init__(self, model: str, models_dir: Path, batch_size: int = 32) -> None:
        self.model_name = model
        self._models_dir = models_dir
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def slug(self) -> str:
        """A collection-name-safe id of the model, so vectors of different models never mix."""
        return re.sub(r"[^a-z0-9]+", "-", self.model_name.lower()).strip("-")[:40]

    def _load(self):
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
                path = resolve_embedding_model(self.model_name, self._models_dir)
                self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        return model.encode_document(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=show_progress
        ).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._load()
        return model.encode_query([text], normalize_embeddings=True)[0].astype(np.float32)
