"""Several bot processes, one knowledge base: a `chroma run` server and two independent knowledge
bases on it (each with its own chunk cache and BM25, as two processes would have). What one ingests
the other answers within seconds; what one deletes the other stops answering."""

from __future__ import annotations

import time

import pytest

from knowledge.scope import document_source
from tests.support.chroma_server import process_kb

# the `chroma_server` fixture: tests/support/chroma_server.py

pytestmark = pytest.mark.slow

TEAM = 5
QUESTION = "展会上怎么收集客户名片"
DOCUMENT = "## 展会名片收集\n展会上先递上自己的名片，再请对方扫码加微信，当晚把名片按意向分级整理。\n"
WITHIN_S = 10.0


def _wait_for(condition) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > WITHIN_S:
            return float("inf")
        time.sleep(0.2)
    return time.monotonic() - started


def test_a_document_ingested_by_one_process_is_answered_by_the_other(chroma_server, tmp_path, embedder):
    first = process_kb(tmp_path / "p1", chroma_server, embedder)
    second = process_kb(tmp_path / "p2", chroma_server, embedder)

    def second_answers() -> bool:
        answer = second.answerer.answer_sync(QUESTION, team_id=TEAM)
        return not answer.abstained and any(s.source == "展会.md" for s in answer.sources)

    assert not second_answers()  # its cache and BM25 are loaded, without the document
    path = tmp_path / "upload.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert first.ingestor.ingest_upload(path, "展会.md", TEAM).chunks_added == 1
    assert _wait_for(second_answers) < WITHIN_S
    assert second.index.documents([f"team:{TEAM}"])[0].name == "展会.md"

    assert first.index.remove_file(document_source(TEAM, "展会.md")) == 1

    # the dense leg reads Chroma live, the BM25 leg the cache the stamp drops: both must let go
    def second_forgot() -> bool:
        return not second_answers() and not any(c.source.endswith("展会.md") for c in second.index.chunks())

    assert _wait_for(second_forgot) < WITHIN_S
