import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bot.sales.parsing import lexicon
from bot.sales.parsing.evaluate import SPLIT_NOTES, split_names
from bot.sales.parsing.visit_text import KIND_WORDS, classify_kind, parse_visit
from store.models import OUTCOMES, VISIT_KINDS
from store.wordlists import load_sections, load_words

EVALSET = Path(__file__).resolve().parents[3] / "evalsets" / "visit_reports.jsonl"


def test_every_outcome_section_is_a_store_outcome() -> None:
    sections = lexicon.sections("outcomes")
    named = {name.removesuffix("_weak") for name in sections} - {"absent", "met", "contact_left", "interest"}
    assert named == set(OUTCOMES)
    assert all(sections[name] for name in sections)


def test_kinds_are_the_store_kinds() -> None:
    assert {kind for kind, _ in KIND_WORDS} <= set(VISIT_KINDS)
    assert "宴请/活动" not in VISIT_KINDS
    assert classify_kind("和永兴建材老板吃饭") == "宴请"
    assert classify_kind("在展会上碰到了海星科技的李经理") == "活动"
    assert classify_kind("去华东机械聊了聊") == "上门"


def test_parser_values_are_store_values() -> None:
    p = parse_visit("昨天请华东机械王总吃饭，挺感兴趣", date(2025, 3, 12))
    assert p.kind in VISIT_KINDS and p.outcome in OUTCOMES


def test_wordlist_format(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# comment\n甲\n\n[one]\n乙  # trailing comment\n乙\n[two]\n丙\n甲\n", encoding="utf-8")
    assert load_sections(path) == {"": ("甲",), "one": ("乙",), "two": ("丙", "甲")}
    assert load_words(path) == ("甲", "乙", "丙")


def test_evalset_is_labelled_and_split_once() -> None:
    rows = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 200
    assert len({r["id"] for r in rows}) == len(rows) == len({r["text"] for r in rows})
    splits = Counter(r["split"] for r in rows)
    assert set(splits) == set(split_names(EVALSET)) >= set(SPLIT_NOTES)
    assert abs(splits["tune"] - splits["test"]) <= 1
    assert splits["tune"] + splits["test"] >= 200 and splits["holdout"] >= 80 and splits["holdout3"] >= 60
    assert splits["holdout4"] >= 90 and splits["holdout5"] >= 80 and splits["holdout6"] >= 100
    assert splits["holdout7"] >= 125
    assert all(r["expected"]["outcome"] in OUTCOMES for r in rows)


@pytest.mark.parametrize(
    ("split", "prefix"),
    [("holdout4", "h4-"), ("holdout5", "h5-"), ("holdout6", "h6-"), ("holdout7", "h7-"), ("holdout8", "h8-")],
)
def test_newer_holdout_rows_carry_their_own_day_and_category_and_spread_over_the_outcomes(
    split: str, prefix: str
) -> None:
    rows = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    held = [r for r in rows if r["split"] == split]
    assert held and all(r["id"].startswith(prefix) and r["category"] for r in held)
    days = [date.fromisoformat(r["today"]) for r in held]
    assert len({d.weekday() for d in days}) == 7
    outcomes = Counter(r["expected"]["outcome"] for r in held)
    assert set(outcomes) == set(OUTCOMES) and min(outcomes.values()) >= 10


@pytest.mark.parametrize(
    ("split", "prefix"),
    [
        ("holdout10", "h10-"),
        ("holdout11", "h11-"),
        ("holdout12", "h12-"),
        ("holdout13", "h13-"),
        ("holdout14", "h14-"),
    ],
)
def test_round_9_holdouts_are_written_on_working_days_over_every_outcome_and_category(
    split: str, prefix: str
) -> None:
    rows = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    held = [r for r in rows if r["split"] == split]
    assert len(held) >= 150 and all(r["id"].startswith(prefix) and r["category"] for r in held)
    assert {date.fromisoformat(r["today"]).weekday() for r in held} == set(range(5))
    outcomes = Counter(r["expected"]["outcome"] for r in held)
    assert set(outcomes) == set(OUTCOMES) and min(outcomes.values()) >= 20
    assert len({r["category"] for r in held}) >= 12


def test_the_outcome_exemplars_are_labelled_with_store_outcomes_and_not_taken_from_the_evalset() -> None:
    from bot.sales.parsing.outcome_meaning import SETTING, load_exemplars

    exemplars = load_exemplars()
    assert {e.label for e in exemplars} == {*OUTCOMES, SETTING}  # SETTING: clauses that set the scene
    rows = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines() if line]
    exemplar_texts = {_squeeze(e.text) for e in exemplars}
    for split in split_names(EVALSET):  # every split, the newest holdout included
        reports = {_squeeze(r["text"]) for r in rows if r["split"] == split}
        assert reports, split
        assert not exemplar_texts & reports, split
        assert not [t for t in exemplar_texts if any(t in report for report in reports)], split


def _squeeze(text: str) -> str:
    """The text without spaces and punctuation, so a copy that only changed a comma still matches."""
    return re.sub(r"[\s\W_]+", "", text)


def test_a_negated_interest_reads_as_a_refusal_and_is_never_interest() -> None:
    from bot.sales.parsing.visit_text import classify_outcome

    for report in ("对我们的系统不是很感兴趣", "对方没什么意向", "他们并不看好这个方向"):
        assert classify_outcome(report) == "not_interested", report
    assert classify_outcome("对我们的系统很感兴趣") == "interested"
