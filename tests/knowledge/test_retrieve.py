import pytest

from knowledge.tokenize import default_tokenizer


def test_bm25_leg_finds_a_passage_by_its_words(indexed_kb):
    hits = indexed_kb.retriever.search("新人第一次拜访要带什么资料", k=3, mode="bm25").hits
    assert hits and hits[0].chunk.title == "第一次拜訪要帶什麼資料?"
    assert hits[0].bm25_rank == 0 and hits[0].dense_rank is None


def test_dense_leg_finds_a_paraphrase_without_shared_words(indexed_kb):
    hits = indexed_kb.retriever.search("对方老是推说回去想想，我该怎么应对", k=3, mode="dense").hits
    assert hits[0].chunk.title == "客戶說要再考慮考慮怎麼辦?"
    assert hits[0].dense_similarity is not None and hits[0].bm25_rank is None


def test_hybrid_fuses_both_legs(indexed_kb):
    retrieval = indexed_kb.retriever.search("客户一上来就问多少钱", k=3)
    top = retrieval.hits[0]
    assert top.chunk.title == "客户一见面就问价格"
    assert top.bm25_rank is not None and top.dense_rank is not None
    assert top.score > max(h.score for h in retrieval.hits[1:])


def test_traditional_and_simplified_meet(indexed_kb):
    simplified = indexed_kb.retriever.search("A类客户的标准是什么", k=1, mode="bm25").hits
    traditional = indexed_kb.retriever.search("A類客戶的標準是什麼", k=1, mode="bm25").hits
    assert simplified[0].chunk.chunk_id == traditional[0].chunk.chunk_id
    assert "A類客戶" in simplified[0].chunk.text


def test_synonyms_fold_colloquial_words_onto_playbook_terms():
    tokenizer = default_tokenizer()
    assert "价格" in tokenizer.tokens("这个多少钱")
    assert "价格" in tokenizer.tokens("你们太贵了")
    assert set(tokenizer.tokens("我没人脉")) & {"人脉"}


def test_flagged_passages_are_never_returned(kb, tmp_path):
    (tmp_path / "bad.md").write_text(
        "## 投标技巧\n开标前可以和另外两家商量好一起投标，轮流中标，报价提前对好。\n"
        "## 投标准备\n投标前把资质文件和同行业案例整理齐全，按时递交标书。",
        encoding="utf-8",
    )
    kb.ingestor.ingest([tmp_path])
    flagged = [c for c in kb.index.chunks() if c.flagged]
    assert [c.flagged for c in flagged] == ["bid_rigging"]
    for mode in ("bm25", "dense", "hybrid"):
        hits = kb.retriever.search("投标怎么准备，怎么跟别家商量报价", k=5, mode=mode).hits
        assert hits and all(not h.chunk.flagged for h in hits)


def test_hybrid_sources_come_from_distinct_sections(indexed_kb):
    for question in ("客户一上来就问多少钱", "怎么判断是不是A类客户", "第一次拜访要准备什么"):
        hits = indexed_kb.retriever.search(question, k=3).hits
        sections = [(h.chunk.source, h.chunk.title) for h in hits]
        assert len(hits) == 3 and len(set(sections)) == 3, sections


def test_the_learned_ranker_orders_the_candidates_by_its_weights(indexed_kb):
    from knowledge.retrieve import RANKER_FEATURES, HybridRetriever, Ranker

    question = "客户一上来就问多少钱"
    found = indexed_kb.retriever.candidates(question)
    assert found.features.shape == (len(found.positions), len(RANKER_FEATURES))
    by_title = HybridRetriever(
        indexed_kb.index, indexed_kb.tokenizer, indexed_kb.retriever.weights, ranker=Ranker({"title": 1.0})
    )
    top = by_title.search(question, k=1, diverse=False).hits[0]
    column = RANKER_FEATURES.index("title")
    assert top.score == max(found.features[:, column])
    with pytest.raises(ValueError, match="unknown ranker features"):
        Ranker({"clicks": 1.0})


def test_question_filler_words_leave_the_bm25_query_but_not_the_documents():
    tokenizer = default_tokenizer()
    question = tokenizer.query_tokens("外省的好客户要不要去跟")
    assert "外省" in question and "客户" in question
    assert not {"不要", "要不要", "好"} & set(question)
    # the same words stay in a passage's tokens: only the question's frame is dropped
    assert "不要" in tokenizer.tokens("不要急于报价")
    assert "不要" not in tokenizer.query_tokens("不要急于报价")


def test_the_retriever_searches_with_the_question_tokens_minus_filler(indexed_kb):
    retrieval = indexed_kb.retriever.search("客户一上来就问多少钱，我该怎么回，要不要先报", k=3)
    assert "价格" in retrieval.query_tokens
    assert not {"不要", "怎么回"} & set(retrieval.query_tokens)
    assert retrieval.hits[0].chunk.title == "客户一见面就问价格"
