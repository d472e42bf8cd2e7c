"""Team-scoped knowledge: a team's documents and cards answer that team only; both retrieval legs
are filtered before ranking; an index built before scopes counts as shared."""

from __future__ import annotations

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.scope import SHARED, document_source, team_scope, visible_scopes
from knowledge.taught_answers import index_taught_answer, taught_answer_source

TEAM_A, TEAM_B = 1, 2
QUESTION = "展会上怎么收集客户名片"
TEAM_B_DOC = (
    "## 展会名片收集\n展会上收集客户名片时，先递上自己的名片，再请对方扫码加微信；"
    "当晚把收集到的名片按意向分级整理。华南专属价格底线8折。\n"
)
SHARED_DOC = (
    "## 拜访准备\n拜访客户前先确认联系人的姓名和电话，带上公司介绍和成功案例。\n"
    "## 报价时机\n客户一上来就问价格时，先了解需求和预算，再给出区间报价。\n"
)


@pytest.fixture
def scoped_kb(kb, tmp_path):
    (tmp_path / "shared.md").write_text(SHARED_DOC, encoding="utf-8")
    (tmp_path / "b.md").write_text(TEAM_B_DOC, encoding="utf-8")
    assert not kb.ingestor.ingest([tmp_path / "shared.md"]).errors
    assert not kb.ingestor.ingest([tmp_path / "b.md"], team_id=TEAM_B).errors
    return kb


def _scopes(retrieval) -> set[str]:
    return {h.chunk.scope for h in retrieval.hits}


def test_scope_helpers():
    assert visible_scopes(None) == (SHARED,)
    assert visible_scopes(7) == (SHARED, "team:7") == (SHARED, team_scope(7))
    assert document_source(7, "报价.docx") == "team:7/报价.docx"
    assert document_source(None, "报价.docx") == "shared/报价.docx"


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_a_team_passage_never_reaches_another_team_or_a_shared_only_asker(scoped_kb, mode):
    retriever = scoped_kb.retriever
    own = retriever.search(QUESTION, k=3, mode=mode, team_id=TEAM_B)
    assert own.hits and own.hits[0].chunk.scope == team_scope(TEAM_B)  # it is the best match
    for asker in (TEAM_A, None):
        other = retriever.search(QUESTION, k=3, mode=mode, team_id=asker)
        assert team_scope(TEAM_B) not in _scopes(other)
        assert all("8折" not in h.chunk.text for h in other.hits)


def test_the_dense_leg_is_filtered_inside_chroma(scoped_kb):
    vector = scoped_kb.index.embedder.embed_query(QUESTION)
    everything = scoped_kb.index.dense_search(vector, 10)
    shared_only = scoped_kb.index.dense_search(vector, 10, visible_scopes(TEAM_A))
    b_ids = {c.chunk_id for c in scoped_kb.index.chunks() if c.scope == team_scope(TEAM_B)}
    assert b_ids & {cid for cid, _ in everything}
    assert not b_ids & {cid for cid, _ in shared_only}
    assert len(shared_only) == len(scoped_kb.index.chunks()) - len(b_ids)


def test_the_answerer_answers_a_team_from_its_own_documents_only(scoped_kb):
    own = scoped_kb.answerer.answer_sync(QUESTION, team_id=TEAM_B)
    assert not own.abstained and "名片" in own.answer
    for asker in (TEAM_A, None):
        other = scoped_kb.answerer.answer_sync(QUESTION, team_id=asker)
        assert "8折" not in other.answer and all("8折" not in s.text for s in other.sources)


def test_an_index_without_scope_metadata_is_shared(kb, tmp_path, monkeypatch, settings, embedder):
    from knowledge.index import open_chroma

    (tmp_path / "old.md").write_text(SHARED_DOC, encoding="utf-8")
    original = KnowledgeIndex._metadata
    monkeypatch.setattr(  # the index as the code before scopes wrote it
        KnowledgeIndex,
        "_metadata",
        staticmethod(lambda chunk, sha: {k: v for k, v in original(chunk, sha).items() if k != "scope"}),
    )
    kb.ingestor.ingest([tmp_path / "old.md"])
    monkeypatch.setattr(KnowledgeIndex, "_metadata", staticmethod(original))
    raw = kb.index._collection.get(include=["metadatas"])["metadatas"]
    assert raw and all("scope" not in m for m in raw)

    reopened = KnowledgeIndex(open_chroma(None, settings.chroma_path), embedder)
    assert {c.scope for c in reopened.chunks()} == {SHARED}
    (tmp_path / "b.md").write_text(TEAM_B_DOC, encoding="utf-8")
    kb.ingestor.ingest([tmp_path / "b.md"], team_id=TEAM_B)  # now the dense leg must filter
    reopened.refresh_if_stale(max_age_s=0)
    vector = embedder.embed_query("拜访客户前要准备什么")
    found = {cid for cid, _ in reopened.dense_search(vector, 10, visible_scopes(TEAM_A))}
    old_ids = {c.chunk_id for c in reopened.chunks() if c.source.endswith("old.md")}
    assert old_ids and old_ids <= found


def test_a_card_taught_in_one_team_is_not_answered_in_another(kb):
    huadong, huanan = TEAM_A, TEAM_B
    index_taught_answer(
        kb.ingestor,
        1,
        "展会上收集客户名片",
        "展会上先递名片再加微信，当晚分级整理。华东专属价格底线8折。",
        questions=[QUESTION],
        team_id=huadong,
    )
    assert "8折" in kb.answerer.answer_sync(QUESTION, team_id=huadong).answer
    leaked = kb.answerer.answer_sync(QUESTION, team_id=huanan)
    assert "8折" not in leaked.answer and all(s.source != "card:1" for s in leaked.sources)


def test_resyncing_a_card_fixes_the_scope_it_was_indexed_with(kb):
    """The reported leak: a card indexed before scopes (so shared) keeps its vectors but moves."""
    args = (kb.ingestor, 1, "展会上收集客户名片", "展会上先递名片再加微信。华东专属价格底线8折。")
    assert index_taught_answer(*args, questions=[QUESTION]) == 1  # indexed with no team
    embedded: list[int] = []
    original = kb.index.embedder.embed_passages
    kb.index.embedder.embed_passages = lambda texts, **kw: (
        embedded.append(len(texts)) or original(texts, **kw)
    )
    try:
        assert index_taught_answer(*args, questions=[QUESTION], team_id=TEAM_A) == 0
    finally:
        kb.index.embedder.embed_passages = original
    assert embedded == []
    assert {c.scope for c in kb.index.chunks() if c.source == taught_answer_source(1)} == {team_scope(TEAM_A)}
    assert "8折" not in kb.answerer.answer_sync(QUESTION, team_id=TEAM_B).answer


def test_refusal_cards_come_from_shared_knowledge_only(kb, tmp_path):
    """A team document named like a playbook card must not stand in for the shared card."""
    (tmp_path / "bid-compliance.md").write_text(
        "## 团队版\n华南专属：投标前先找主管确认。\n", encoding="utf-8"
    )
    kb.ingestor.ingest([tmp_path / "bid-compliance.md"], team_id=TEAM_B)
    assert kb.answerer._card("bid-compliance") is None


def test_documents_lists_the_visible_sources_with_chunk_counts(scoped_kb):
    docs_a = scoped_kb.index.documents(visible_scopes(TEAM_A))
    docs_b = scoped_kb.index.documents(visible_scopes(TEAM_B))
    assert [(d.name, d.scope, d.chunks) for d in docs_a] == [("shared.md", SHARED, 2)]
    assert {(d.name, d.scope) for d in docs_b} == {("shared.md", SHARED), ("b.md", team_scope(TEAM_B))}
    assert scoped_kb.index.documents([team_scope(TEAM_B)])[0].source.endswith("b.md")
