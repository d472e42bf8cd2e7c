"""A knowledge base per database backend for the document tests: uploads are keyed by team id,
and the SQLite and PostgreSQL runs of a module hand out the same ids, so they must not share one."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import FIXTURES, MODELS_DIR


@pytest.fixture(scope="module")
def docs_kb(db_url, tmp_path_factory, embedder):
    from config import load_settings
    from knowledge.service import open_knowledge_base

    home = tmp_path_factory.mktemp("docs-kb-home")
    kb = open_knowledge_base(load_settings(coach_home=home, coach_models_dir=MODELS_DIR), embedder=embedder)
    corpus = tmp_path_factory.mktemp("docs-kb-corpus")
    shutil.copytree(FIXTURES / "corpus", corpus, dirs_exist_ok=True)
    kb.ingestor.ingest([corpus])
    return kb
