"""The dense encoder, loaded lazily, once per process, on one of two runtimes (EMBEDDING_RUNTIME):

- ``onnx`` (the default): the e5 export that `coach model build` writes next to the model, run by
  knowledge/onnx_encoder.py on onnxruntime + tokenizers.  Nothing on this path imports torch,
  transformers or sentence-transformers, which cost ~12 s of a cold `coach ask` here.
- ``torch``: the sentence-transformers copy, used when asked for, when no export exists (another
  model, or a model folder built without it), and for EMBEDDING_INT8 (below).

Both give the same vectors (cosine >= 0.9999, tests/knowledge/test_onnx_encoder.py), so an index
written by one is read by the other.

Speed, opt-in, torch runtime only (EMBEDDING_INT8=1 selects it): the transformer's linear layers can be switched to
dynamic int8 (``torch.ao.quantization.quantize_dynamic``, per-channel weights) right after loading,
except the feed-forward output projections (``layer.N.output.dense``): their input is the GELU
output, whose few huge outlier channels (up to ~65 vs a median of ~0.3) wreck a per-tensor int8
activation scale.  Quantizing every linear drops the cosine to the fp32 vectors to ~0.95; skipping
those 12 layers keeps it >= 0.99 (mean ~0.997) for ~1.3x the passage throughput on an AVX2 CPU.
Word embeddings, LayerNorms and attention stay fp32.  Vectors stay compatible with fp32 ones, so
the collection slug does not change.  It is off by default: on the dev questions it cost the fused
ranking hit@3 0.938 -> 0.812 (dense ranks of near-tied passages move), more than its speed is worth.

Queries are embedded on one thread (see ``Embedder.embed_query``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import warnings
from pathlib import Path

import numpy as np

from config import DEFAULT_EMBEDDING_RUNTIME, EmbeddingRuntime, Settings
from knowledge.e5_build import E5_MODEL_NAME, PASSAGE_PROMPT, QUERY_PROMPT, resolve_embedding_model
from knowledge.e5_onnx import onnx_ready
from knowledge.onnx_encoder import OnnxEncoder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

log = logging.getLogger(__name__)

# Linear layers left in fp32 by quantize_linear_int8(): BERT's feed-forward output projection
# (outlier-heavy GELU input) and the pooler, which sentence-transformers never uses.
_KEEP_FP32 = re.compile(r"(?:\.layer\.\d+\.output\.dense|\bpooler\.dense)$")


def quantize_linear_int8(model) -> int:
    """Switch ``model``'s linear layers to dynamic int8 in place (see the module docstring).

    Returns how many layers were quantized.
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    spec = {
        name: per_channel_dynamic_qconfig
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and not _KEEP_FP32.search(name)
    }
    if not spec:
        return 0
    with warnings.catch_warnings():
        # torch.ao.quantization announces its move to torchao; the eager API still works here.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)
    return len(spec)


def _passage_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class Embedder:
    query_threads = 1  # intra-op threads for embed_query() (see there)

    def __init__(
        self,
        model: str,
        models_dir: Path,
        batch_size: int = 32,
        quantize: bool = False,
        runtime: EmbeddingRuntime = DEFAULT_EMBEDDING_RUNTIME,
    ) -> None:
        """``quantize``: int8 linear layers (see module docstring); it implies the torch runtime."""
        self.model_name = model
        self._models_dir = models_dir
        self._batch_size = batch_size
        self.quantize = quantize
        self.requested_runtime = runtime
        self._model = None  # the sentence-transformers model (torch runtime)
        self._onnx: OnnxEncoder | None = None
        self._runtime: EmbeddingRuntime | None = None
        self._lock = threading.Lock()

    @property
    def slug(self) -> str:
        """A collection-name-safe id of the model, so vectors of different models never mix."""
        return re.sub(r"[^a-z0-9]+", "-", self.model_name.lower()).strip("-")[:40]

    @property
    def runtime(self) -> EmbeddingRuntime:
        """The runtime actually used: onnx when asked for and exported, else torch (fixed at first use)."""
        if self._runtime is None:
            onnx = self.requested_runtime == "onnx" and not self.quantize and self._onnx_dir() is not None
            self._runtime = "onnx" if onnx else "torch"
        return self._runtime

    def _onnx_dir(self) -> Path | None:
        if self.model_name != E5_MODEL_NAME:
            return None
        folder = Path(self._models_dir) / E5_MODEL_NAME
        return folder if onnx_ready(folder) else None

    def _onnx_encoder(self) -> OnnxEncoder:
        with self._lock:
            if self._onnx is None:
                self._onnx = OnnxEncoder(Path(self._models_dir) / E5_MODEL_NAME)
        return self._onnx

    def _load(self):
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(_passage_threads())
                path = resolve_embedding_model(self.model_name, self._models_dir)
                model = SentenceTransformer(path, device="cpu")
                if self.quantize:
                    try:
                        quantize_linear_int8(model)
                    except Exception as exc:  # no quantized engine on this CPU/torch: stay fp32
                        log.warning("int8 quantization of %s failed, using fp32: %s", self.model_name, exc)
                        self.quantize = False
                        model = SentenceTransformer(path, device="cpu")
                self._model = model
        return self._model

    def load(self) -> None:
        """Open the encoder now (the query session on the onnx runtime), not at the first vector."""
        if self.runtime == "onnx":
            self._onnx_encoder().session(self.query_threads)
        else:
            self._load()

    def load_in_background(self) -> threading.Thread:
        """Start ``load()`` on a thread: the tokenizer and the ONNX session (Rust and C++, which
        release the GIL) then open while the caller loads jieba and Chroma; the first vector waits
        for them."""
        thread = threading.Thread(target=self.load, name="load-embedder", daemon=True)
        thread.start()
        return thread

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        if self.runtime == "onnx":
            return self._onnx_encoder().encode(
                texts, prefix=PASSAGE_PROMPT, threads=_passage_threads(), batch_size=self._batch_size
            )
        model = self._load()
        return model.encode_document(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=show_progress
        ).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        # One short query is a string of tiny ops: on a busy 2-core box every OpenMP barrier can
        # wait for a descheduled worker, so 2 threads gave p50 ~55 ms / p95 ~500 ms vs ~26/~35 ms
        # on one thread (torch).  Batches of passages keep all threads.
        if self.runtime == "onnx":
            return self._onnx_encoder().encode([text], prefix=QUERY_PROMPT, threads=self.query_threads)[0]
        import torch

        model = self._load()
        threads = torch.get_num_threads()
        if threads > self.query_threads:
            torch.set_num_threads(self.query_threads)
        try:
            return model.encode_query([text], normalize_embeddings=True)[0].astype(np.float32)
        finally:
            if threads > self.query_threads:
                torch.set_num_threads(threads)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Several queries in one pass (see knowledge.batching); a single one takes the fast path."""
        if len(texts) == 1:
            return self.embed_query(texts[0])[None, :]
        if self.runtime == "onnx":
            return self._onnx_encoder().encode(
                texts, prefix=QUERY_PROMPT, threads=_passage_threads(), batch_size=self._batch_size
            )
        model = self._load()
        return model.encode_query(texts, batch_size=self._batch_size, normalize_embeddings=True).astype(
            np.float32
        )


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings describe (model, models folder, runtime, int8)."""
    return Embedder(
        settings.embedding_model,
        settings.models_dir,
        quantize=settings.embedding_int8,
        runtime=settings.embedding_runtime,
    )
