"""The ONNX export gives the sentence-transformers vectors (so one index serves both runtimes)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.e5_build import E5_MODEL_NAME
from knowledge.e5_onnx import ONNX_MARKER_FILE, build_e5_onnx, onnx_folder, onnx_ready
from knowledge.embeddings import Embedder
from tests.conftest import MODELS_DIR

MIN_COSINE = 0.9999
# Written for this test: short and long, Chinese, English and mixed, odd whitespace, one over the
# 512-token limit (truncated alike), one empty.
TEXTS = [
    "客户一上来就问多少钱",
    "报价之前先弄清楚客户的预算、决策流程和采购时间表。",
    "How do I get a referral from a customer who just signed?",
    "  第一次拜访：  带上案例，\n\n少讲功能、多问问题。  ",
    "SPIN 提问法：Situation 背景、Problem 难点、Implication 暗示、Need-payoff 需求效益",
    "FABE：特征 Feature，优势 Advantage，利益 Benefit，证据 Evidence。",
    "采购经理说竞品便宜 20%，我们能不能用三年质保换掉降价？",
    "好",
    "",
    "客户分级：A 类本季度可成交，B 类半年内，C 类只保持联系。" * 40,
    "The weather in Hangzhou tomorrow: light rain, 12-16°C.",
    "Ещё один язык: клиент спрашивает о цене.",
]

needs_export = pytest.mark.skipif(
    not onnx_ready(MODELS_DIR / E5_MODEL_NAME), reason="no ONNX export here (coach model build)"
)


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder(E5_MODEL_NAME, MODELS_DIR, runtime="torch")


@pytest.fixture(scope="module")
def onnx_embedder() -> Embedder:
    return Embedder(E5_MODEL_NAME, MODELS_DIR, batch_size=5, runtime="onnx")  # several padded batches


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    assert a.shape == b.shape and a.dtype == b.dtype == np.float32
    return (a * b).sum(axis=1)


def test_runtime_falls_back_to_torch_without_an_export(tmp_path) -> None:
    assert Embedder(E5_MODEL_NAME, tmp_path, runtime="onnx").runtime == "torch"  # nothing exported
    assert Embedder("all-MiniLM-L6-v2", MODELS_DIR, runtime="onnx").runtime == "torch"  # another model
    folder = tmp_path / E5_MODEL_NAME
    onnx_folder(folder).mkdir(parents=True)
    (onnx_folder(folder) / ONNX_MARKER_FILE).write_text("1\n")  # a marker alone is no export
    assert not onnx_ready(folder)


@pytest.mark.slow
@needs_export
def test_the_built_export_is_used_by_default_but_not_for_int8() -> None:
    assert Embedder(E5_MODEL_NAME, MODELS_DIR).runtime == "onnx"
    assert Embedder(E5_MODEL_NAME, MODELS_DIR, runtime="torch").runtime == "torch"
    assert Embedder(E5_MODEL_NAME, MODELS_DIR, quantize=True).runtime == "torch"  # int8 is torch's
    data = onnx_folder(MODELS_DIR / E5_MODEL_NAME) / "model.onnx.data"
    before = data.stat().st_mtime_ns
    build_e5_onnx(MODELS_DIR / E5_MODEL_NAME)  # present: not exported again
    assert data.stat().st_mtime_ns == before


@pytest.mark.slow
@needs_export
def test_passages_match_sentence_transformers(torch_embedder: Embedder, onnx_embedder: Embedder) -> None:
    expected = torch_embedder.embed_passages(TEXTS)
    got = onnx_embedder.embed_passages(TEXTS)
    assert onnx_embedder.runtime == "onnx" and torch_embedder.runtime == "torch"
    assert _cosines(got, expected).min() >= MIN_COSINE
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
@needs_export
def test_queries_match_sentence_transformers(torch_embedder: Embedder, onnx_embedder: Embedder) -> None:
    expected = torch_embedder.embed_queries(TEXTS)
    assert _cosines(onnx_embedder.embed_queries(TEXTS), expected).min() >= MIN_COSINE  # batched
    one_by_one = np.stack([onnx_embedder.embed_query(text) for text in TEXTS])  # the one-thread path
    assert _cosines(one_by_one, expected).min() >= MIN_COSINE
    # the prefixes matter: a query vector is not its passage vector
    assert _cosines(one_by_one[:3], onnx_embedder.embed_passages(TEXTS[:3])).max() < 0.99
