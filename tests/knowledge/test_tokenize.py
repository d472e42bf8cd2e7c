"""Matching is done in one script and in the documents' words: traditional passages are indexed
and embedded in simplified form, a rep's colloquial words fold onto the documents' (synonyms.txt),
and a changed word list reaches the tokens of documents already indexed."""

from knowledge.ingest import Ingestor
from knowledge.text import normalize_for_index, to_simplified
from knowledge.tokenize import Synonyms, Tokenizer, default_tokenizer


def _tokens(text: str) -> set[str]:
    return set(default_tokenizer().query_tokens(normalize_for_index(text)))


def test_a_traditional_passage_is_indexed_and_embedded_in_simplified_script(indexed_kb, corpus):
    from knowledge.loaders import load

    document = load(corpus / "faq.txt")
    chunks, _ = indexed_kb.ingestor.prepare(document, str(corpus / "faq.txt"))
    traditional = [c for c in chunks if "拜訪" in c.text]
    assert traditional  # the fixture's FAQ is written in traditional script
    for chunk in traditional:
        assert chunk.passage_text == to_simplified(chunk.passage_text)  # what the encoder reads
        assert chunk.index_text == to_simplified(chunk.index_text)
        assert "拜访" in chunk.tokens and "拜訪" not in chunk.tokens


def test_the_dense_leg_sees_one_question_whatever_its_script(indexed_kb):
    simplified = indexed_kb.retriever.search("客户说要再考虑考虑怎么办", k=1, mode="dense").hits
    traditional = indexed_kb.retriever.search("客戶說要再考慮考慮怎麼辦", k=1, mode="dense").hits
    assert simplified[0].chunk.chunk_id == traditional[0].chunk.chunk_id
    assert simplified[0].dense_similarity == traditional[0].dense_similarity


def test_colloquial_words_fold_onto_the_documents_words():
    assert _tokens("动不动就拉我们老大去见客户") & _tokens("不轻易让上级出面")
    assert _tokens("是不是都得处成铁哥们") & _tokens("建立个人感情")
    assert _tokens("先核对一下名单") & _tokens("电话前先验证客户信息")
    assert "上级" not in _tokens("老板说了算")  # the customer's boss stays a decision maker


def test_a_changed_word_list_prepares_indexed_files_again_without_re_embedding(indexed_kb, corpus, tmp_path):
    words = tmp_path / "synonyms.txt"
    words.write_text("犹豫期 再考虑 考虑考虑\n", encoding="utf-8")  # a canonical term no list had
    old = indexed_kb.ingestor.tokenizer
    old_chunks = indexed_kb.index.chunks()
    new = Tokenizer(Synonyms.from_file(words), frozenset())
    assert new.fingerprint != old.fingerprint
    embedded: list[int] = []
    original = indexed_kb.index.embedder.embed_passages
    indexed_kb.index.embedder.embed_passages = lambda texts, **kw: (
        embedded.append(len(texts)) or original(texts, **kw)
    )
    try:
        ingestor = Ingestor(indexed_kb.index, new, indexed_kb.ingestor.policy)
        summary = ingestor.ingest([corpus])
    finally:
        indexed_kb.index.embedder.embed_passages = original
    assert summary.files_unchanged == 0 and summary.chunks_added == 0 and embedded == []
    assert not any("犹豫期" in c.tokens for c in old_chunks)
    assert any("犹豫期" in c.tokens for c in indexed_kb.index.chunks())  # the new list's tokens
    assert ingestor.ingest([corpus]).files_unchanged == summary.files
