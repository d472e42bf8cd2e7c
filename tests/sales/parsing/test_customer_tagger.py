"""The CRF customer tagger (bot/sales/parsing/customer_tagger.py) on wording in no eval file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.sales.parsing import customer_tagger
from bot.sales.parsing.customer_tagger import (
    CustomerTagger,
    load_tagger,
    load_training_rows,
    train,
    training_key,
)
from bot.sales.parsing.visit_text import parse_visit

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def tagger(tmp_path_factory: pytest.TempPathFactory) -> CustomerTagger:
    return load_tagger(tmp_path_factory.mktemp("tagger"))


def test_a_name_after_filler_is_found_without_the_filler(tagger: CustomerTagger) -> None:
    found = tagger.best("嗯那个松鹤堂药业的老板就是说再等等看")
    assert found is not None and found.name == "松鹤堂药业"


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("嗯那个百丽的老板说再等等", "百丽"),  # filler, no suffix
        ("跟远帆的人吃了个饭，对方说名单定了", "远帆"),  # no suffix, no brand: the tagger reads the context
        ("海鸥手表选了友商的方案，这单黄了", "海鸥手表"),
    ],
)
def test_names_the_rules_miss_are_found(tagger: CustomerTagger, report: str, customer: str) -> None:
    assert parse_visit(report, TODAY, customer_tagger=None).customer is None
    assert parse_visit(report, TODAY, customer_tagger=tagger).customer == customer


@pytest.mark.parametrize(
    ("report", "customer"),
    [
        ("去知味观谈完了，采购经理说下周出结果", "知味观"),  # the verb after a suffix-less name
        ("去鹿角巷聊完了，店长说再等等", "鹿角巷"),
    ],
)
def test_the_verb_after_a_suffixless_name_is_no_part_of_it(
    tagger: CustomerTagger, report: str, customer: str
) -> None:
    assert parse_visit(report, TODAY, customer_tagger=None).customer == customer
    assert parse_visit(report, TODAY, customer_tagger=tagger).customer == customer


def test_a_rival_named_as_the_winner_is_not_taken(tagger: CustomerTagger) -> None:
    report = "跟进了半年的青松电气，最后人家定了蓝海环保那家"
    assert all(span.name != "蓝海环保" for span in tagger.spans(report))
    assert parse_visit(report, TODAY, customer_tagger=tagger).customer == "青松电气"
    assert all(span.name != "蓝海环保" for span in tagger.spans("集团最后定了蓝海环保那家"))


def test_known_customers_keep_precedence(tagger: CustomerTagger) -> None:
    report = "和美团的人吃了个饭，对方说名单定了"
    known = ("北京美团科技有限公司",)
    assert parse_visit(report, TODAY, known, customer_tagger=tagger).customer == known[0]


def test_the_cached_model_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = load_training_rows()[:40]
    first = load_tagger(tmp_path, rows)
    assert first.model_path.exists() and first.model_path.parent == tmp_path

    def no_training(*args: object) -> None:
        raise AssertionError("trained again although the model was cached")

    monkeypatch.setattr(customer_tagger, "train", no_training)
    second = load_tagger(tmp_path, rows)
    assert second.model_path == first.model_path
    assert list(tmp_path.glob("*.crfsuite")) == [first.model_path]


def test_other_training_data_is_another_model() -> None:
    rows = load_training_rows()[:40]
    assert training_key(rows) != training_key(rows[:-1])


def test_training_is_deterministic(tmp_path: Path) -> None:
    rows = load_training_rows()[:60]
    train(rows, tmp_path / "a.crfsuite")
    train(rows, tmp_path / "b.crfsuite")
    assert (tmp_path / "a.crfsuite").read_bytes() == (tmp_path / "b.crfsuite").read_bytes()


def test_latin_word_boundaries_and_dialect_particles_are_features() -> None:
    rows = customer_tagger.features("见了Nova Gear")
    assert "lw:b:cap" in rows[2] and "lw:e" in rows[5] and "lw:b:cap" in rows[7]
    wu = customer_tagger.features("去了杨浦个鑫达")
    assert "prt" in wu[4] and "prt:prev" in wu[5]
