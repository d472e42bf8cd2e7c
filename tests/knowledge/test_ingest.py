import json
import zlib

import docx

from knowledge.loaders import load, parse_entry


def _titles(kb):
    return {c.title for c in kb.index.chunks()}


def test_ingest_cleans_dedupes_and_records_structure(indexed_kb, corpus):
    chunks = indexed_kb.index.chunks()
    texts = "\n".join(c.text for c in chunks)
    assert "2025/3/1" not in texts and "(jí)" not in texts  # footers and pinyin gone
    assert "溫馨提示" not in texts and "範本" not in texts  # download-site trailer gone
    assert texts.count("A類客戶是年採購額超過五十萬") == 1  # the repeated pages indexed once
    faq = [c for c in chunks if c.source.endswith("faq.txt")]
    assert [c.title for c in faq] == [
        "第一次拜訪要帶什麼資料?",
        "客戶說要再考慮考慮怎麼辦?",
        "一天應該拜訪幾家客戶?",
    ]
    assert "客户一见面就问价格" in _titles(indexed_kb)  # a card is one chunk titled by its card title


def test_reingesting_unchanged_files_changes_nothing(indexed_kb, corpus):
    before = {c.chunk_id for c in indexed_kb.index.chunks()}
    summary = indexed_kb.ingestor.ingest([corpus])
    assert summary.files == summary.files_unchanged == 3
    assert summary.chunks_added == summary.chunks_replaced == 0
    assert {c.chunk_id for c in indexed_kb.index.chunks()} == before


def test_a_changed_file_replaces_its_chunks_and_reuses_unchanged_vectors(indexed_kb, corpus):
    faq = corpus / "faq.txt"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("至少兩家有效拜訪", "至少三家有效拜訪"), encoding="utf-8"
    )
    embedded: list[int] = []
    original = indexed_kb.index.embedder.embed_passages
    indexed_kb.index.embedder.embed_passages = lambda texts, **kw: (
        embedded.append(len(texts)) or original(texts, **kw)
    )
    try:
        summary = indexed_kb.ingestor.ingest([corpus])
    finally:
        indexed_kb.index.embedder.embed_passages = original
    assert summary.files_unchanged == 2
    assert (summary.chunks_added, summary.chunks_replaced, summary.chunks_unchanged) == (1, 1, 2)
    assert embedded == [1]  # only the edited item was embedded again
    texts = [c.text for c in indexed_kb.index.chunks()]
    assert any("至少三家" in t for t in texts) and not any("至少兩家" in t for t in texts)


def test_prune_removes_deleted_files(indexed_kb, corpus):
    (corpus / "faq.txt").unlink()
    summary = indexed_kb.ingestor.ingest([corpus], prune=True)
    assert summary.files_pruned == 1 and summary.chunks_pruned == 3
    assert not any(c.source.endswith("faq.txt") for c in indexed_kb.index.chunks())


def test_index_persists_across_reopening(indexed_kb, settings, embedder):
    from knowledge.service import open_knowledge_base

    reopened = open_knowledge_base(settings, embedder=embedder, composer=None)
    assert reopened.index.count() == indexed_kb.index.count() > 0


def test_duplicate_chunks_inside_a_file_are_dropped(kb, tmp_path):
    paragraph = "拜訪前先確認聯繫人的姓名和座機號碼，確認後再出發。"
    (tmp_path / "dup.md").write_text(f"## 第一節\n{paragraph}\n## 第一節\n{paragraph}\n", encoding="utf-8")
    summary = kb.ingestor.ingest([tmp_path / "dup.md"])
    assert summary.chunks_added == 1 and summary.duplicates_dropped == 1


def test_docx_headings_become_titles(kb, tmp_path):
    document = docx.Document()
    document.add_heading("電話預約", level=2)
    document.add_paragraph("打電話前準備好三句話：你是誰、為什麼找他、能帶來什麼好處。")
    document.save(tmp_path / "call.docx")
    kb.ingestor.ingest([tmp_path / "call.docx"])
    [chunk] = kb.index.chunks()
    assert chunk.title == "電話預約" and chunk.text.startswith("打電話前準備好三句話")


def _minimal_pdf(text: str) -> bytes:
    stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_is_loaded(tmp_path):
    path = tmp_path / "brochure.pdf"
    path.write_bytes(_minimal_pdf("ERP rollout takes six weeks"))
    assert "ERP rollout takes six weeks" in load(path).text


def test_gb18030_text_files_are_decoded(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("客户分级要按采购额来定。".encode("gb18030"))
    assert load(path).text == "客户分级要按采购额来定。"


def test_card_front_matter_is_parsed():
    card = parse_entry(
        "---\ntitle: 标题\ntags: [价格]\nwhen: 客户问价\nquestions:\n  - 多少钱\n---\n## 话术\n先问需求。"
    )
    assert card.title == "标题" and card.tags == ("价格",) and card.questions == ("多少钱",)
    assert card.body == "## 话术\n先问需求。"


def test_cli_ingest_prints_a_json_summary(settings, corpus, monkeypatch):
    from typer.testing import CliRunner

    from bot import cli
    from config import get_settings

    monkeypatch.setenv("COACH_HOME", str(settings.coach_home))
    monkeypatch.setenv("COACH_MODELS_DIR", str(settings.models_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--json"])
        again = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout), json.loads(again.stdout)
    assert first["files"] == 3 and first["chunks_added"] == 6
    assert second["files_unchanged"] == 3 and second["chunks_added"] == 0


def _embedded_texts(kb, run):
    texts: list[str] = []
    original = kb.index.embedder.embed_passages
    kb.index.embedder.embed_passages = lambda batch, **kw: texts.extend(batch) or original(batch, **kw)
    try:
        return run(), texts
    finally:
        kb.index.embedder.embed_passages = original


def test_the_encoder_reads_a_passage_without_its_section_title(kb, tmp_path):
    (tmp_path / "milestones.txt").write_text(
        "里程碑五:技术突破\n四、工作制度\n每周一例会，复盘上周拜访的客户，确定本周要推进的项目。\n",
        encoding="utf-8",
    )
    (tmp_path / "card.md").write_text(
        "---\ntitle: 客户嫌贵怎么办\ntags: [价格]\n---\n先算总账，再谈单价。\n", encoding="utf-8"
    )
    _, embedded = _embedded_texts(kb, lambda: kb.ingestor.ingest([tmp_path]))
    by_text = {c.text: c for c in kb.index.chunks()}
    milestone = next(c for t, c in by_text.items() if "每周一例会" in t)
    assert milestone.title == "里程碑五:技术突破 · 四、工作制度"
    assert {"里程碑", "工作", "制度"} <= set(milestone.tokens)  # BM25 still finds it by its title
    passage = next(t for t in embedded if "每周一例会" in t)
    assert "里程碑" not in passage and "工作制度" not in passage
    card = next(t for t in embedded if "先算总账" in t)
    assert "客户嫌贵" in card  # a card's title is part of its searchable metadata, and embedded


def test_a_file_prepared_the_old_way_is_prepared_again_without_re_embedding(indexed_kb, corpus, monkeypatch):
    import knowledge.ingest as ingest

    before = {c.chunk_id for c in indexed_kb.index.chunks()}
    monkeypatch.setattr(ingest, "PREPARATION", "a-newer-preparation")
    summary, embedded = _embedded_texts(indexed_kb, lambda: indexed_kb.ingestor.ingest([corpus]))
    assert summary.files == 3 and summary.files_unchanged == 0
    assert summary.chunks_added == 0 and embedded == []  # same chunks: vectors kept
    assert {c.chunk_id for c in indexed_kb.index.chunks()} == before
    assert indexed_kb.ingestor.ingest([corpus]).files_unchanged == 3  # recorded under the new mark


def test_a_moved_corpus_folder_is_found_already_indexed(indexed_kb, corpus, tmp_path):
    import shutil

    moved = tmp_path / "elsewhere" / corpus.name
    shutil.copytree(corpus, moved)
    shutil.rmtree(corpus)
    before = indexed_kb.index.count()
    summary = indexed_kb.ingestor.ingest([moved], prune=True)
    assert summary.files == summary.files_unchanged == 3 and summary.files_pruned == 0
    assert indexed_kb.index.count() == before
    assert {c.source.split("/")[0] for c in indexed_kb.index.chunks()} == {corpus.name}


def test_an_index_keyed_by_absolute_paths_is_pruned_to_the_new_keys(kb, corpus):
    from knowledge.ingest import IngestSummary
    from knowledge.loaders import load

    old = IngestSummary()
    kb.ingestor.ingest_document(load(corpus / "faq.txt"), str((corpus / "faq.txt").resolve()), "shared", old)
    summary = kb.ingestor.ingest([corpus], prune=True)
    assert summary.files_pruned == 1
    assert {c.source for c in kb.index.chunks()} == {f"corpus/{p.name}" for p in corpus.iterdir()}
