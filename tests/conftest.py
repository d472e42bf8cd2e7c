"""Shared fixtures: settings on a temporary COACH_HOME, the real embedding model (loaded once),
and a knowledge base over a small corpus written for the tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"
MODELS_DIR = Path(os.environ.get("COACH_MODELS_DIR", REPO / "var" / "models"))


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation data is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def embedder():
    from config import DEFAULT_EMBEDDING_MODEL
    from knowledge.embeddings import Embedder

    return Embedder(DEFAULT_EMBEDDING_MODEL, MODELS_DIR)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    from config import load_settings

    for name in (
        "DATABASE_URL",
        "CHROMA_URL",
        "LLM_BASE_URL",
        "LLM_API_KEY",
        "LLM_MODEL",
        "TELEGRAM_BOT_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    return load_settings(coach_home=tmp_path / "home", coach_models_dir=MODELS_DIR)


@pytest.fixture
def corpus(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", target)
    return target


@pytest.fixture
def kb(settings, embedder):
    from knowledge.service import open_knowledge_base

    return open_knowledge_base(settings, embedder=embedder, composer=None)


@pytest.fixture
def indexed_kb(kb, corpus):
    summary = kb.ingestor.ingest([corpus])
    assert not summary.errors, summary.errors
    return kb


pytest_plugins = ("tests.support.store_fixtures", "tests.support.chroma_server")


@pytest.fixture(scope="module")
def module_kb(tmp_path_factory, embedder):
    """A knowledge base over the test corpus, shared by the tests of one module (read-only use)."""
    from config import load_settings
    from knowledge.service import open_knowledge_base

    home = tmp_path_factory.mktemp("kb-home")
    kb = open_knowledge_base(load_settings(coach_home=home, coach_models_dir=MODELS_DIR), embedder=embedder)
    corpus = tmp_path_factory.mktemp("kb-corpus")
    shutil.copytree(FIXTURES / "corpus", corpus, dirs_exist_ok=True)
    kb.ingestor.ingest([corpus])
    return kb
