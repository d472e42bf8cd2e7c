"""A cold `coach ask` with the ONNX export present runs without torch, transformers,
sentence-transformers or scikit-learn (importing them cost ~15 s of a cold start)."""

import json
import os
import subprocess
import sys

import pytest

from knowledge.e5_build import E5_MODEL_NAME
from knowledge.e5_onnx import onnx_ready
from tests.conftest import MODELS_DIR, REPO

HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn")

# The `ask` command itself, then which of the heavy packages the process holds.
_ASK_THEN_LIST_MODULES = f"""
import json, sys
from bot.cli import ask
ask("客户一上来就问多少钱", as_json=True)
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def _run(home, *args, **env_vars):
    env = dict(os.environ, COACH_HOME=str(home), COACH_MODELS_DIR=str(MODELS_DIR))
    for name in ("DATABASE_URL", "EMBEDDING_RUNTIME", "EMBEDDING_INT8", "LLM_BASE_URL", "LLM_MODEL"):
        env.pop(name, None)
    env.update(env_vars)
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.slow
@pytest.mark.skipif(not onnx_ready(MODELS_DIR / E5_MODEL_NAME), reason="no ONNX export (coach model build)")
def test_cold_ask_imports_no_torch_stack(tmp_path, corpus):
    _run(tmp_path, "-m", "bot.cli", "ingest", str(corpus))  # also caches the exemplar vectors and fits
    *printed, modules = _run(tmp_path, "-c", _ASK_THEN_LIST_MODULES)
    answer = json.loads(printed[-1])
    assert answer["sources"][0]["source"] == "price-card.md"  # answered from the index, on ONNX vectors
    assert json.loads(modules) == []

    # The check's control: asked for, the torch runtime loads them (and reads the same index).
    *printed, modules = _run(tmp_path, "-c", _ASK_THEN_LIST_MODULES, EMBEDDING_RUNTIME="torch")
    assert json.loads(printed[-1])["sources"][0]["source"] == "price-card.md"
    assert {"torch", "sentence_transformers"} <= set(json.loads(modules))
