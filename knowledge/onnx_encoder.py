"""The e5 encoder on onnxruntime + tokenizers: the same vectors as sentence-transformers without
importing torch (``import sentence_transformers`` alone costs ~12 s on a cold start here).

The graph (knowledge/e5_onnx.py) already pools and normalises; this module tokenizes like the
sentence-transformers copy (its prompt prepended, truncation at 512 tokens, padding to the longest
text of a batch) and batches texts of similar length together.  Sessions are opened lazily, one
per thread count, so queries run on one thread and passage batches on several (see
``Embedder.embed_query``); both map the same weights file.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from knowledge.e5_build import MAX_SEQ_LENGTH
from knowledge.e5_onnx import INPUT_NAMES, ONNX_MODEL_FILE, ONNX_TOKENIZER_FILE, OUTPUT_NAME, onnx_folder


class OnnxEncoder:
    def __init__(self, model_dir: Path) -> None:
        self.folder = onnx_folder(model_dir)
        self._tokenizer = None
        self._sessions: dict[int, object] = {}
        self._lock = threading.Lock()

    def _tokenizer_ready(self):
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.folder / ONNX_TOKENIZER_FILE))
            tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
            tokenizer.enable_padding(pad_id=tokenizer.token_to_id("<pad>"), pad_token="<pad>")
            self._tokenizer = tokenizer
        return self._tokenizer

    def session(self, threads: int):
        """The inference session running on ``threads`` intra-op threads (opened on first use)."""
        with self._lock:
            if threads not in self._sessions:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3  # warnings about unused initializers are noise here
                self._sessions[threads] = onnxruntime.InferenceSession(
                    str(self.folder / ONNX_MODEL_FILE), options, providers=["CPUExecutionProvider"]
                )
                self._tokenizer_ready()
        return self._sessions[threads]

    def encode(self, texts: list[str], *, prefix: str, threads: int, batch_size: int = 32) -> np.ndarray:
        """L2-normalised float32 vectors of ``prefix + text``, in the order of ``texts``."""
        session = self.session(threads)
        tokenizer = self._tokenizer_ready()
        prompted = [prefix + text for text in texts]
        # Longest first, as sentence-transformers does: texts of one batch pad to similar lengths.
        order = sorted(range(len(prompted)), key=lambda i: -len(prompted[i]))
        out = np.empty((len(prompted), 0), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            encodings = tokenizer.encode_batch([prompted[i] for i in rows])
            feed = {
                INPUT_NAMES[0]: np.array([e.ids for e in encodings], dtype=np.int64),
                INPUT_NAMES[1]: np.array([e.attention_mask for e in encodings], dtype=np.int64),
            }
            vectors = session.run([OUTPUT_NAME], feed)[0]
            if out.shape[1] == 0:
                out = np.empty((len(prompted), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        return out
