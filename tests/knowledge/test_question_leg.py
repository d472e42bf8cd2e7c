"""The question leg: questions written for a passage (the question bank, a card's ``questions:``, an
FAQ sheet's question) are indexed as vectors pointing at their passage, so a rep's paraphrase finds
it; a passage without questions (a team's own document) is neither helped nor penalised."""

import json

import numpy as np
import pytest

from knowledge.ingest import IngestSummary
from knowledge.loaders import load
from knowledge.question_bank import QuestionBank, attach, read_bank
from knowledge.retrieve import QUESTION_DEPTH, RANKER_FEATURES
from knowledge.text import normalize_for_index


def _bank(tmp_path, rows):
    folder = tmp_path / "bank"
    folder.mkdir(parents=True)
    (folder / "part.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return read_bank(folder)


def test_a_row_attaches_to_the_chunk_holding_its_anchor_in_the_indexed_form(tmp_path):
    bank = _bank(tmp_path, [{"source": "a.txt", "anchor": "年採購額超過", "questions": ["大客户怎么算"]}])
    rows = bank.for_document("a.txt")
    asked, missing = attach(
        rows, [normalize_for_index(t) for t in ("别的内容", "A類客戶是年採購額超過五十萬")]
    )
    assert asked == [[], ["大客户怎么算"]] and missing == []
    asked, missing = attach(rows, ["完全无关"])
    assert asked == [[]] and missing == ["年采购额超过"]
    assert bank.for_document("b.txt") == ()


def test_the_bank_mark_changes_with_a_documents_rows_only(tmp_path):
    one = _bank(tmp_path / "1", [{"source": "a.txt", "anchor": "锚点一二三四五六", "questions": ["问一"]}])
    two = _bank(tmp_path / "2", [{"source": "a.txt", "anchor": "锚点一二三四五六", "questions": ["问二"]}])
    assert one.mark("a.txt") and one.mark("a.txt") != two.mark("a.txt")
    assert one.mark("other.txt") == ""


@pytest.fixture
def banked_kb(kb, corpus, tmp_path):
    """The test corpus with a bank row for the grading handbook's A-grade passage."""
    kb.ingestor.bank = _bank(
        tmp_path,
        [
            {
                "source": "grading-handbook.txt",
                "anchor": "A類客戶是年採購額超過五十萬",
                "questions": ["哪种单位值得我天天盯着跑", "啥样的客户算头部大户"],
            }
        ],
    )
    summary = kb.ingestor.ingest([corpus])
    assert not summary.errors and summary.bank_unattached == []
    return kb


def _holder(kb):
    return next(c for c in kb.index.chunks() if "年採購額超過五十萬" in c.text)


def test_bank_questions_are_vectors_pointing_at_their_passage(banked_kb):
    holder = _holder(banked_kb)
    vector = banked_kb.index.embedder.embed_query(normalize_for_index("哪种单位值得我天天盯着跑"))
    found = banked_kb.index.question_search(vector, QUESTION_DEPTH)
    assert found[0][0] == holder.chunk_id and found[0][1] > 0.95


def test_a_close_question_lifts_its_passage_and_others_get_no_penalty(banked_kb):
    holder = _holder(banked_kb)
    found = banked_kb.retriever.candidates("哪种单位值得我天天盯着跑呀")
    column = RANKER_FEATURES.index("question")
    lift = dict(zip(found.positions, found.features[:, column], strict=True))
    position = banked_kb.index.positions()[holder.chunk_id]
    assert lift[position] > 0 and found.question_lift == lift[position]
    # passages without questions of their own score exactly 0: no floor, no penalty
    plain = [i for i in found.positions if not banked_kb.index.chunks()[i].text.startswith("A類")]
    assert all(lift[i] >= 0 for i in plain)
    assert min(lift.values()) == 0.0


def test_card_and_faq_sheet_questions_join_the_leg(kb, corpus, tmp_path):
    sheet = corpus / "sheet.csv"
    sheet.write_text("问题,答案\n展会上怎么收集客户名片,准备扫码登记表和小礼品\n", encoding="utf-8")
    kb.ingestor.ingest([corpus])
    asked = kb.index.question_count()
    card_questions = len(load(corpus / "price-card.md").entries[0].questions)
    assert asked == card_questions + 1


def test_an_edited_bank_re_prepares_its_document_and_replaces_its_questions(banked_kb, corpus, tmp_path):
    before = banked_kb.index.question_count()
    banked_kb.ingestor.bank = QuestionBank({})
    summary = banked_kb.ingestor.ingest([corpus])
    assert summary.files_unchanged == summary.files - 1  # only the handbook's key changed
    assert banked_kb.index.question_count() == before - 2


def test_removing_a_file_removes_its_questions(banked_kb, corpus):
    (corpus / "grading-handbook.txt").unlink()
    before = banked_kb.index.question_count()
    banked_kb.ingestor.ingest([corpus], prune=True)
    assert banked_kb.index.question_count() == before - 2


def test_a_team_upload_named_like_a_seed_gets_no_bank_questions(kb, corpus, tmp_path):
    kb.ingestor.bank = _bank(
        tmp_path,
        [{"source": "grading-handbook.txt", "anchor": "A類客戶是年採購額超過五十萬", "questions": ["问"]}],
    )
    summary = kb.ingestor.ingest_upload(corpus / "grading-handbook.txt", "grading-handbook.txt", team_id=7)
    assert summary.bank_unattached == [] and kb.index.question_count() == 0


def test_unattached_anchors_are_reported(kb, corpus, tmp_path):
    kb.ingestor.bank = _bank(
        tmp_path, [{"source": "faq.txt", "anchor": "这句话文档里根本没有啊", "questions": ["问"]}]
    )
    summary = IngestSummary()
    kb.ingestor.ingest_document(load(corpus / "faq.txt"), "corpus/faq.txt", "shared", summary)
    assert summary.bank_unattached == ["faq.txt: 这句话文档里根本没有啊"]


def test_the_shipped_bank_attaches_to_the_seeds(kb):
    from tests.conftest import shared_path

    seeds = shared_path("seeds")
    summary = kb.ingestor.ingest([seeds])
    assert not summary.errors
    assert kb.index.question_count() > 600
    assert len(summary.bank_unattached) <= 5, summary.bank_unattached
    with_questions = {c.source for c in kb.index.chunks()}
    assert len(with_questions) == 5
    assert np.isfinite(kb.retriever.candidates("客户一直说没预算咋整").features).all()
