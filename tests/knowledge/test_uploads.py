"""Documents and FAQ sheets sent by a person: keyed by scope and name, replaced when changed,
nothing embedded when unchanged, progress and policy flags reported, bad sheets named by row."""

from __future__ import annotations

import openpyxl
import pytest

from knowledge.faq_sheet import RowProblem
from knowledge.loaders import EmptyDocument, FaqSheetError, UnreadableDocument, UnsupportedDocument
from knowledge.scope import team_scope, visible_scopes

TEAM = 3


@pytest.fixture
def count_embeds(kb):
    embedded: list[int] = []
    original = kb.index.embedder.embed_passages
    kb.index.embedder.embed_passages = lambda texts, **kw: (
        embedded.append(len(texts)) or original(texts, **kw)
    )
    yield embedded
    kb.index.embedder.embed_passages = original


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _sources(kb):
    return {c.source for c in kb.index.chunks()}


def test_a_changed_file_sent_under_the_same_name_replaces_the_old_one(kb, tmp_path):
    first = _write(
        tmp_path / "upload-1", "## 报价\n报价前先问清预算和采购周期。\n## 回访\n三天内回访一次。\n"
    )
    summary = kb.ingestor.ingest_upload(first, "报价.md", TEAM)
    assert summary.chunks_added == 2 and kb.index.stored_file("team:3/报价.md")[1] == team_scope(TEAM)
    second = _write(
        tmp_path / "upload-2", "## 报价\n报价前先问清预算和采购周期。\n## 回访\n一周内回访两次。\n"
    )
    summary = kb.ingestor.ingest_upload(second, "报价.md", TEAM)
    assert (summary.chunks_added, summary.chunks_replaced, summary.chunks_unchanged) == (1, 1, 1)
    texts = " ".join(c.text for c in kb.index.chunks())
    assert "一周内回访两次" in texts and "三天内回访一次" not in texts
    assert _sources(kb) == {"team:3/报价.md"}
    kb.ingestor.ingest_upload(second, "报价.md", None)  # the same name for everyone is another document
    assert _sources(kb) == {"team:3/报价.md", "shared/报价.md"}


def test_an_unchanged_upload_embeds_nothing(kb, tmp_path, count_embeds):
    path = _write(tmp_path / "doc.txt", "第一次拜访要带公司介绍和案例。\n")
    kb.ingestor.ingest_upload(path, "拜访.txt", TEAM)
    assert sum(count_embeds) == 1
    calls: list[tuple[int, int]] = []
    summary = kb.ingestor.ingest_upload(path, "拜访.txt", TEAM, progress=lambda d, t: calls.append((d, t)))
    assert summary.files_unchanged == 1 and summary.chunks_added == 0
    assert sum(count_embeds) == 1 and calls == [(0, 0)]


def test_progress_counts_the_chunks_embedded(kb, tmp_path):
    sections = "".join(
        f"## 第{i}节\n第{i}条经验：拜访第{i}家客户前先查清它的采购周期和预算。\n" for i in range(40)
    )
    calls: list[tuple[int, int]] = []
    summary = kb.ingestor.ingest_upload(
        _write(tmp_path / "many.md", sections), "many.md", TEAM, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (0, summary.chunks_added) and calls[-1] == (summary.chunks_added, summary.chunks_added)
    assert len(calls) > 2 and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_flagged_passages_are_listed_with_their_category(kb, tmp_path):
    path = _write(
        tmp_path / "x.md", "## 公关\n签单前私下给采购塞红包，再返几个点给经办人。\n## 拜访\n先预约再上门。\n"
    )
    summary = kb.ingestor.ingest_upload(path, "x.md", TEAM)
    assert summary.chunks_flagged == 1
    [flag] = summary.flagged_passages
    assert flag.category == "bribery" and "红包" in flag.excerpt and len(flag.excerpt) <= 60
    assert summary.as_dict()["flagged_passages"] == [{"category": "bribery", "excerpt": flag.excerpt}]


def test_uploads_refuse_unsupported_empty_and_damaged_files(kb, tmp_path):
    with pytest.raises(UnsupportedDocument):
        kb.ingestor.ingest_upload(_write(tmp_path / "a.exe", "MZ"), "a.exe", TEAM)
    with pytest.raises(EmptyDocument):
        kb.ingestor.ingest_upload(_write(tmp_path / "e.txt", " \n\n"), "空.txt", TEAM)
    with pytest.raises(UnreadableDocument):
        kb.ingestor.ingest_upload(_write(tmp_path / "d.docx", "not a zip"), "坏.docx", TEAM)
    assert kb.index.count() == 0


def _workbook(path, sheets: dict[str, list[tuple]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


FAQ_ROWS = [
    ("问题", "答案", "标签", "适用场景"),
    ("客户嫌贵怎么办", "先问预算，再讲清价值和服务承诺。", "价格，异议", "报价"),
    (None, None, None, None),
    ("怎么约见决策人", None, None, None),
    (None, "只有答案没有问题", None, None),
    ("第一次拜访带什么", "带公司介绍、案例和报价区间。", None, None),
]


def test_an_xlsx_faq_sheet_becomes_one_card_per_row_and_names_bad_rows(kb, tmp_path, count_embeds):
    path = _workbook(tmp_path / "faq.xlsx", {"常见问题": FAQ_ROWS, "说明": [("本表由市场部维护",)]})
    summary = kb.ingestor.ingest_upload(path, "华东FAQ.xlsx", TEAM)
    assert summary.chunks_added == 2
    assert summary.row_problems == [
        RowProblem("常见问题", 3, "empty_row"),
        RowProblem("常见问题", 4, "missing_answer"),
        RowProblem("常见问题", 5, "missing_question"),
        RowProblem("说明", 0, "bad_header"),
    ]
    cards = {c.title: c for c in kb.index.chunks()}
    assert set(cards) == {"客户嫌贵怎么办", "第一次拜访带什么"}
    assert cards["客户嫌贵怎么办"].text == "先问预算，再讲清价值和服务承诺。"
    searched = set(kb.tokenizer.tokens("价格 异议 报价"))  # tags and scene are searched
    assert searched and searched <= set(cards["客户嫌贵怎么办"].tokens)
    answer = kb.answerer.answer_sync("客户觉得我们太贵了怎么回", team_id=TEAM)
    assert "先问预算" in answer.answer

    embedded = sum(count_embeds)
    again = kb.ingestor.ingest_upload(path, "华东FAQ.xlsx", TEAM)  # idempotent
    assert again.files_unchanged == 1 and kb.index.count() == 2 and sum(count_embeds) == embedded
    rows = [*FAQ_ROWS, ("客户说再考虑考虑", "约好下次沟通的时间和要确认的事。", None, None)]
    path = _workbook(tmp_path / "faq.xlsx", {"常见问题": rows})
    changed = kb.ingestor.ingest_upload(path, "华东FAQ.xlsx", TEAM)
    assert (changed.chunks_added, changed.chunks_unchanged) == (1, 2) and sum(count_embeds) == embedded + 1


def test_a_csv_faq_sheet_with_traditional_headers(kb, tmp_path):
    path = _write(
        tmp_path / "faq.csv",
        "問題,答案,標籤\n客戶嫌貴怎麼辦,先問預算再講價值,價格\n,,\n一天拜訪幾家,至少兩家,\n",
    )
    summary = kb.ingestor.ingest_upload(path, "faq.csv", TEAM)
    assert summary.chunks_added == 2 and summary.row_problems == [RowProblem("faq", 3, "empty_row")]
    again = kb.ingestor.ingest_upload(path, "faq.csv", TEAM)
    assert again.files_unchanged == 1 and kb.index.count() == 2


def test_a_sheet_without_the_question_and_answer_header_is_refused(kb, tmp_path):
    with pytest.raises(FaqSheetError) as raised:
        kb.ingestor.ingest_upload(_write(tmp_path / "p.csv", "客户,金额\n宏远电气,30万\n"), "客户.csv", TEAM)
    assert raised.value.problems == [RowProblem("p", 0, "bad_header")]
    book = _workbook(tmp_path / "plain.xlsx", {"Sheet1": [("客户", "金额"), ("宏远电气", "30万")]})
    with pytest.raises(FaqSheetError) as raised:
        kb.ingestor.ingest_upload(book, "客户.xlsx", TEAM)
    assert raised.value.problems == [RowProblem("Sheet1", 0, "bad_header")]
    assert kb.index.count() == 0


def test_coach_style_path_ingest_for_a_team(kb, tmp_path):
    _write(tmp_path / "t.md", "## 团队打法\n华东先做样板客户。\n")
    kb.ingestor.ingest([tmp_path / "t.md"], team_id=TEAM)
    assert [d.scope for d in kb.index.documents(visible_scopes(TEAM))] == [team_scope(TEAM)]
    assert kb.index.documents(visible_scopes(None)) == []
    kb.ingestor.ingest([tmp_path / "t.md"])  # the same file for everyone: moved, not re-embedded
    assert [d.scope for d in kb.index.documents(visible_scopes(None))] == ["shared"]
