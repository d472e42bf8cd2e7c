"""A cold start reads the chunks and the BM25 index from the cache folder, not from Chroma and
not rebuilt; any write to the index moves their key."""

from __future__ import annotations

from pathlib import Path

import bm25s
import pytest
from chromadb.api.models.Collection import Collection

from knowledge.service import open_knowledge_base

QUESTION = "客户一上来就问多少钱"
_chroma_get = Collection.get


def _refuse(*args, **kwargs):
    raise AssertionError("rebuilt or re-read on a cold start")


def _stamp_only(collection, *args, **kwargs):
    if collection.name.endswith("-version"):  # the one-record version stamp is read at every open
        return _chroma_get(collection, *args, **kwargs)
    raise AssertionError("chunks read from Chroma on a cold start")


def _ranking(kb):
    return [hit.chunk.chunk_id for hit in kb.retriever.search(QUESTION).hits]


@pytest.mark.slow
def test_cold_start_loads_chunks_and_bm25_from_the_cache(settings, embedder, corpus, monkeypatch):
    warm = open_knowledge_base(settings, embedder=embedder)
    warm.ingestor.ingest([corpus])
    expected = _ranking(warm)
    df = {t: warm.index.document_frequency(t) for t in ("报价", "客户", "预算")}
    count = len(warm.index.chunks())
    assert list(settings.cache_dir.glob("chunks-*.json")) and list(settings.cache_dir.glob("bm25-*"))

    with monkeypatch.context() as patch:
        patch.setattr(Collection, "get", _stamp_only)
        patch.setattr(bm25s.BM25, "index", _refuse)
        cold = open_knowledge_base(settings, embedder=embedder)
        assert _ranking(cold) == expected
        assert {t: cold.index.document_frequency(t) for t in df} == df
        assert len(cold.index.chunks()) == count

    (corpus / "price-card.md").unlink()  # a write: the next start reads the new content
    warm.ingestor.ingest([corpus], prune=True)
    after = open_knowledge_base(settings, embedder=embedder)
    sources = {Path(c.source).name for c in after.index.chunks()}
    assert len(after.index.chunks()) < count and "price-card.md" not in sources
    assert len(list(settings.cache_dir.glob("chunks-*.json"))) == 1  # the stale copy is gone
