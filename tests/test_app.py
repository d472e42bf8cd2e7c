"""`coach run` warms up before it polls (bot/app.py warm_up): after it, the first question loads
nothing, neither the embedding model nor the chunks nor the BM25 index."""

from __future__ import annotations

import bm25s
import onnxruntime
import pytest
from chromadb.api.models.Collection import Collection

import knowledge.embeddings
from bot.app import build_engine, warm_up
from bot.engine.messages import Incoming
from config import DEFAULT_EMBEDDING_MODEL
from knowledge.embeddings import Embedder
from knowledge.index import KnowledgeIndex
from knowledge.service import open_knowledge_base
from store import users
from store.db import Database
from tests.conftest import MODELS_DIR

REP = 6001
QUESTION = "客户一上来就问多少钱"

pytestmark = pytest.mark.slow  # loads the embedding model afresh


class Loaded(AssertionError):
    """Raised by any loader called after the warm-up."""


def _refuse(*args, **kwargs):
    raise Loaded("loaded after the warm-up")


_chroma_get = Collection.get


def _refuse_chunks(collection, *args, **kwargs):
    """Reading the chunks again is a load; reading the index's version stamp (a one-record
    collection checked before each answer, knowledge/index.py) is not."""
    if collection.name.endswith("-version"):
        return _chroma_get(collection, *args, **kwargs)
    raise Loaded("chunks read after the warm-up")


def _fresh_kb(settings):
    """The knowledge base as a new process opens it: nothing loaded yet."""
    return open_knowledge_base(settings, embedder=Embedder(DEFAULT_EMBEDDING_MODEL, MODELS_DIR))


async def test_after_the_warm_up_the_first_question_loads_nothing(
    settings, embedder, corpus, db, monkeypatch
):
    open_knowledge_base(settings, embedder=embedder).ingestor.ingest([corpus])
    warm = _fresh_kb(settings)
    warm_up(warm)
    cold = _fresh_kb(settings)

    monkeypatch.setattr(knowledge.embeddings, "resolve_embedding_model", _refuse)  # the model (torch)
    monkeypatch.setattr(onnxruntime, "InferenceSession", _refuse)  # … or its ONNX export
    monkeypatch.setattr(KnowledgeIndex, "_cached_chunks", _refuse)  # the chunks, from the cache …
    monkeypatch.setattr(Collection, "get", _refuse_chunks)  # … or read from Chroma
    monkeypatch.setattr(bm25s.BM25, "load", _refuse)  # the BM25 index, from its cache
    monkeypatch.setattr(bm25s.BM25, "index", _refuse)  # … or built afresh
    with pytest.raises(Loaded):  # without the warm-up, the first search loads them
        cold.retriever.search(QUESTION)

    engine = await build_engine(settings, kb=warm, db=Database(db.url))
    try:
        async with engine.db.transaction() as session:
            await users.add_user(session, REP, "小李", "rep", "华东")
        result = await engine.handle(Incoming(REP, "小李", "text", QUESTION))
    finally:
        await engine.db.dispose()
    [answer] = result.replies
    assert "先了解" in answer.text  # answered from the corpus, with nothing loaded on the way
