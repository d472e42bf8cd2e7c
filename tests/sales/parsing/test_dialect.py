"""Dialect words are read as standard Mandarin once, before the report is parsed (lexicon/dialect.txt)."""

from __future__ import annotations

from datetime import date

from bot.sales.parsing.dialect import read_standard
from bot.sales.parsing.visit_text import parse_visit

TODAY = date(2026, 12, 1)


def test_cantonese_wu_and_northeastern_words_read_as_standard_mandarin() -> None:
    assert read_standard("佢哋冇预算，唔想搞").text == "他们没预算，不想搞"
    assert read_standard("阿拉老板欢喜额").text.startswith("我们老板喜欢")
    assert read_standard("再唠唠价钿").text == "再聊聊价钱"


def test_words_kept_as_typed_are_not_mapped_inside() -> None:
    assert read_standard("听了一场讲座").text == "听了一场讲座"  # no 说座
    assert read_standard("他讲可以").text == "他说可以"


def test_every_read_character_points_back_to_what_was_typed() -> None:
    typed = "冇得钱的嘉禾"
    reading = read_standard(typed)
    assert reading.text == "没有钱的嘉禾"
    start = reading.text.index("嘉禾")
    assert typed[slice(*reading.typed_span(start, start + 2))] == "嘉禾"
    assert reading.typed_span(0, 2) == (0, 2)


def test_a_cantonese_refusal_is_read_as_one_by_the_words_alone() -> None:
    visit = parse_visit("今日去咗鸿运五金，李生话佢哋冇需求，唔使再嚟", TODAY)
    assert visit.outcome == "not_interested"
    assert visit.customer == "鸿运五金"


def test_a_wu_report_of_liking_is_interest_and_names_stay_as_typed() -> None:
    visit = parse_visit("今朝去了欢喜食品，张老板讲伊拉老欢喜额", TODAY)
    assert visit.outcome == "interested"
    assert visit.customer == "欢喜食品"  # read as 喜欢食品, given back as typed


def test_a_wu_possessive_after_a_place_reads_as_de_and_a_measure_word_stays() -> None:
    assert read_standard("上午跑了静安个恒远灯具").text == "上午跑了静安的恒远灯具"
    assert read_standard("静安有个客户，一个人来的").text == "静安有个客户，一个人来的"


def test_a_xiang_perfective_after_a_verb_reads_as_le() -> None:
    assert read_standard("昨天见哒周老板").text == "昨天见了周老板"


def test_the_customer_after_a_wu_possessive_is_the_name_alone() -> None:
    got = parse_visit("今朝去了普陀个福瑞包装，陆经理讲再看看", TODAY, customer_tagger=None)
    assert got.customer == "福瑞包装"
