"""What the rep sees: simplified script (or the original), no pinyin, no mojibake, whole sentences,
and three sources that are not neighbours of one section."""

from knowledge.answer import clean_sentences, display_excerpt, extractive_answer
from knowledge.index import StoredChunk
from knowledge.retrieve import _collapse_neighbours, _merged
from knowledge.text import display_form, has_mojibake, strip_pinyin


def test_display_converts_to_simplified_unless_the_original_script_is_asked_for():
    assert display_form("簽合同前客戶壓價(yā)") == "签合同前客户压价"
    assert display_form("簽合同前客戶壓價(yā)", "original") == "簽合同前客戶壓價"


def test_garbled_runs_before_a_pinyin_annotation_are_removed():
    assert strip_pinyin("引導客戶關注那些我們?cè)诩夹g(shù)方面有優勢") == "引導客戶關注那些我們方面有優勢"
    assert strip_pinyin("適當(dāng)?shù)臅r(shí)間") == "適當間"
    assert has_mojibake("適當娜酥v適當") and has_mojibake("有效的向Ψ绞?,又不")
    assert not has_mojibake("A级客户要见KP，报价？") and not has_mojibake("如何处理?答:先问需求。")


def test_shown_text_is_whole_sentences_without_garbled_ones():
    passage = "，的作用。我们先分析决策链。黑白脸可以有效的向Ψ绞?,又不导致冲突。最后约定下次时间。然后再"
    assert clean_sentences(passage) == ["我们先分析决策链。", "最后约定下次时间。"]
    assert display_excerpt("、SPIN話術的使用步驟。先問現狀。") == "先问现状。"
    assert extractive_answer(["决策"], passage, lambda t: 1.0).startswith("我们先分析决策链。")


def _chunk(position: int, title: str = "谈判", source: str = "a.txt", text: str | None = None) -> StoredChunk:
    return StoredChunk(f"id{position}{title}", text or f"第{position}段。", title, source, position, (), "")


def test_neighbouring_chunks_of_one_section_become_one_source():
    chunks = [_chunk(0), _chunk(1), _chunk(2), _chunk(3, "报价"), _chunk(0, "谈判", "b.txt")]
    groups = _collapse_neighbours([1, 0, 2, 3, 4], chunks, k=3, radius=1)
    assert groups == [[1, 0, 2], [3], [4]]
    assert [chunks[g[0]].source for g in groups] == ["a.txt", "a.txt", "b.txt"]


def test_merged_neighbours_read_in_document_order_with_the_overlap_once():
    chunks = [_chunk(0, text="先问需求。再报价。"), _chunk(1, text="再报价。最后签约。")]
    merged = _merged(chunks, [1, 0])
    assert merged.text == "先问需求。再报价。最后签约。" and merged.chunk_id == chunks[1].chunk_id


def test_distinct_sections_give_one_source_per_section():
    chunks = [_chunk(0), _chunk(1), _chunk(5), _chunk(3, "报价"), _chunk(0, "谈判", "b.txt")]
    # chunk 5 is of the section already shown (谈判 in a.txt) but too far from it to be merged
    assert _collapse_neighbours([0, 2, 1, 3, 4], chunks, k=3, radius=1) == [[0, 1], [2], [3]]
    groups = _collapse_neighbours([0, 2, 1, 3, 4], chunks, k=3, radius=1, distinct_sections=True)
    assert groups == [[0, 1], [3], [4]]
    sections = [(chunks[g[0]].source, chunks[g[0]].title) for g in groups]
    assert len(set(sections)) == len(sections)


def test_a_lost_full_stop_and_the_garbled_sentence_after_it_are_not_shown():
    passage = "決不能為技術交流而技術交流?!秾O子兵法》說:是故百戰百勝;先問現狀。"
    shown = display_excerpt(passage)
    assert shown == "决不能为技术交流而技术交流?先问现状。"
    assert (
        display_excerpt("真的吗？！先问现状。") == "真的吗？！先问现状。"
    )  # full-width "？！" is punctuation
