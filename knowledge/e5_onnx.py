"""Export the built multilingual-e5-small folder to ONNX, for the torch-free encoder.

The graph is the sentence-transformers pipeline in one piece: BERT, mean pooling over the attention
mask and L2 normalisation (``input_ids``, ``attention_mask`` -> ``sentence_embedding``), with dynamic
batch and sequence axes.  It is exported with torch's TorchScript exporter (``dynamo=False``) and
saved with its weights in a separate file (``model.onnx.data``): onnxruntime maps that file instead
of copying it, so a session opens in ~0.4 s instead of ~2 s and only the touched pages of the
250k-row word-embedding table become resident.

The tokenizer is saved as transformers builds it from the folder, not copied from the folder's
``tokenizer.json``: transformers 5 rebuilds XLM-R's pre-tokenizer (whitespace split, then
Metaspace), which strips trailing spaces (``"query: "``) that the file's own pre-tokenizer keeps.

Only this export needs torch, transformers and onnx; knowledge/onnx_encoder.py runs the result on
onnxruntime + tokenizers.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from knowledge.e5_build import replace_folder

ONNX_BUILD_VERSION = "1"
ONNX_DIR = "onnx"  # inside the model folder
ONNX_MODEL_FILE = "model.onnx"
ONNX_DATA_FILE = "model.onnx.data"
ONNX_TOKENIZER_FILE = "tokenizer.json"
ONNX_MARKER_FILE = ".onnx_build_version"
ONNX_OPSET = 17
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "sentence_embedding"
MIN_EXPORT_COSINE = 0.9999  # the export is checked against torch on a padded batch before it is kept

_CHECK_TEXTS = ["query: 客户一上来就问多少钱", "passage: Ask about the budget first, then show the value."]


def onnx_folder(model_dir: Path) -> Path:
    return Path(model_dir) / ONNX_DIR


def onnx_ready(model_dir: Path) -> bool:
    """Whether a complete export of this build version sits in ``model_dir``."""
    folder = onnx_folder(model_dir)
    marker = folder / ONNX_MARKER_FILE
    return (
        marker.is_file()
        and marker.read_text().strip() == ONNX_BUILD_VERSION
        and all((folder / name).is_file() for name in (ONNX_MODEL_FILE, ONNX_DATA_FILE, ONNX_TOKENIZER_FILE))
    )


def _pooled_encoder(bert):
    import torch

    class PooledEncoder(torch.nn.Module):
        """BERT + mean pooling + L2 normalisation, as sentence-transformers' modules 0-2."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return PooledEncoder().eval()


def _export(model_dir: Path, target: Path) -> None:
    import onnx
    import onnxruntime
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    tokenizer.backend_tokenizer.save(str(target / ONNX_TOKENIZER_FILE))
    encoder = _pooled_encoder(AutoModel.from_pretrained(str(model_dir)).eval())
    batch = tokenizer(_CHECK_TEXTS, padding=True, return_tensors="pt")
    inputs = (batch["input_ids"], batch["attention_mask"])
    graph_file = target / "graph-with-weights.onnx"
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES} | {OUTPUT_NAME: {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shape-dependent Python branches BERT never takes
        torch.onnx.export(
            encoder,
            inputs,
            str(graph_file),
            dynamo=False,
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_axes=axes,
            opset_version=ONNX_OPSET,
        )
        expected = encoder(*inputs).numpy()
    proto = onnx.load(str(graph_file))
    onnx.save_model(
        proto,
        str(target / ONNX_MODEL_FILE),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=ONNX_DATA_FILE,
        size_threshold=1024,
    )
    del proto
    graph_file.unlink()

    session = onnxruntime.InferenceSession(str(target / ONNX_MODEL_FILE), providers=["CPUExecutionProvider"])
    feed = {name: tensor.numpy().astype(np.int64) for name, tensor in zip(INPUT_NAMES, inputs, strict=True)}
    got = session.run([OUTPUT_NAME], feed)[0]
    cosine = float((got * expected).sum(axis=1).min())
    if cosine < MIN_EXPORT_COSINE:
        raise RuntimeError(f"ONNX export disagrees with torch (cosine {cosine:.6f})")


def build_e5_onnx(model_dir: Path, *, force: bool = False) -> Path:
    """Export the sentence-transformers folder ``model_dir`` to ``model_dir/onnx`` (skipped if present)."""
    model_dir = Path(model_dir)
    target = onnx_folder(model_dir)
    if not force and onnx_ready(model_dir):
        return target

    def fill(folder: Path) -> None:
        _export(model_dir, folder)
        (folder / ONNX_MARKER_FILE).write_text(ONNX_BUILD_VERSION + "\n")
        for path in folder.iterdir():
            path.chmod(0o644)  # onnx writes its data file 0600; the image runs as another user

    return replace_folder(target, fill)
