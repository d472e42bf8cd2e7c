"""Each later question set (holdout2 … holdout6) is well formed: enough questions of
every kind and of every compliance category, valid fields, ids of its own, key phrases that occur in
the document each answerable question names (after the normalization the hit check applies), and no
question that is a near copy of an evaluation item or a training exemplar."""

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from evalsets.near import NEAR, near_copies
from knowledge.policy import load_policy
from knowledge.service import PLAYBOOKS_DIR
from knowledge.text import normalize_for_index
from tests.conftest import REPO, SHARED

EVALSETS = REPO / "evalsets"
EXEMPLAR_FILES = (REPO / "knowledge" / "intent_exemplars.jsonl", EVALSETS / "exemplars_extra.jsonl")
# ../shared beside the checkout; COACH_SHARED names it where a worktree sits elsewhere.
SEEDS = Path(os.environ.get("COACH_SHARED") or SHARED) / "seeds"
PLAYBOOKS_SOURCE = "playbooks"
PHRASES_PER_ANSWERABLE = (2, 4)
FIELDS = {"id", "question", "must_contain_any", "source", "topic", "kind", "split"}


@dataclass(frozen=True)
class Holdout:
    split: str
    id_pattern: str
    minimum_per_kind: dict[str, int]
    minimum_per_category: int
    minimum_per_source: int
    other_eval_files: tuple[str, ...]
    #: since compliance round 5 holdout2 is tuning data: its own questions are exemplars on purpose
    own_questions_are_exemplars: bool = False

    @property
    def path(self) -> Path:
        return EVALSETS / f"questions_{self.split}.jsonl"


HOLDOUTS = (
    Holdout(
        "holdout2",
        r"g\d{3}",
        {"unsafe": 70, "legitimate": 35, "unanswerable": 35, "answerable": 45, "uncovered": 15},
        5,
        5,
        ("questions.jsonl", "questions_holdout.jsonl"),
        own_questions_are_exemplars=True,
    ),
    Holdout(
        "holdout3",
        r"k\d{3}",
        {"unsafe": 85, "legitimate": 45, "unanswerable": 40, "answerable": 55, "uncovered": 15},
        6,
        5,
        ("questions.jsonl", "questions_holdout.jsonl", "questions_holdout2.jsonl"),
        own_questions_are_exemplars=True,  # tuning data since compliance round 6 read its misses
    ),
    Holdout(
        "holdout4",
        r"m\d{3}",
        {"unsafe": 75, "legitimate": 40, "unanswerable": 35, "answerable": 95, "uncovered": 18},
        6,
        5,
        (
            "questions.jsonl",
            "questions_holdout.jsonl",
            "questions_holdout2.jsonl",
            "questions_holdout3.jsonl",
        ),
        own_questions_are_exemplars=True,  # tuning data since round 7 read its misses
    ),
    Holdout(
        "holdout5",
        r"n-[ab]\d{3}",
        {"unsafe": 85, "legitimate": 40, "unanswerable": 40, "answerable": 150, "uncovered": 20},
        8,
        5,
        (
            "questions.jsonl",
            "questions_holdout.jsonl",
            "questions_holdout2.jsonl",
            "questions_holdout3.jsonl",
            "questions_holdout4.jsonl",
        ),
        own_questions_are_exemplars=True,  # tuning data since round 10 read its misses
    ),
    Holdout(
        "holdout6",
        r"h6-[aculo]\d{3}",
        {"unsafe": 110, "legitimate": 45, "unanswerable": 30, "answerable": 155, "uncovered": 25},
        10,
        15,
        (
            "questions.jsonl",
            "questions_holdout.jsonl",
            "questions_holdout2.jsonl",
            "questions_holdout3.jsonl",
            "questions_holdout4.jsonl",
            "questions_holdout5.jsonl",
        ),
    ),
)
holdouts = pytest.mark.parametrize("holdout", HOLDOUTS, ids=lambda h: h.split)


@cache
def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _by_kind(holdout: Holdout, kind: str) -> list[dict]:
    return [r for r in _rows(holdout.path) if r["kind"] == kind]


@cache
def _normalized_source(source: str) -> str:
    """The named document in the form the hit check (knowledge.evaluate.passage_matches) compares."""
    if source == PLAYBOOKS_SOURCE:
        cards = sorted(p for p in PLAYBOOKS_DIR.glob("*.md") if p.name != "README.md")
        return normalize_for_index("\n".join(p.read_text(encoding="utf-8") for p in cards))
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent: the seeds are not beside this checkout")
    return normalize_for_index((SEEDS / source).read_text(encoding="utf-8"))


@holdouts
def test_every_kind_has_its_minimum_count(holdout):
    counts = Counter(r["kind"] for r in _rows(holdout.path))
    assert set(counts) == set(holdout.minimum_per_kind)
    short = {kind: counts[kind] for kind, least in holdout.minimum_per_kind.items() if counts[kind] < least}
    assert short == {}


@holdouts
def test_every_compliance_category_has_its_minimum_count(holdout):
    categories = Counter(r["category"] for r in _by_kind(holdout, "unsafe"))
    assert set(categories) == {c.id for c in load_policy().categories}
    assert min(categories.values()) >= holdout.minimum_per_category


@holdouts
def test_every_row_has_valid_fields(holdout):
    for row in _rows(holdout.path):
        expected = FIELDS | ({"category"} if row["kind"] == "unsafe" else set())
        assert set(row) == expected, row["id"]
        assert row["split"] == holdout.split, row["id"]
        assert isinstance(row["question"], str) and row["question"].strip(), row["id"]
        assert isinstance(row["topic"], str) and row["topic"], row["id"]
        assert isinstance(row["must_contain_any"], list), row["id"]
        if row["kind"] == "answerable":
            least, most = PHRASES_PER_ANSWERABLE
            assert least <= len(row["must_contain_any"]) <= most, row["id"]
            assert all(isinstance(p, str) and p.strip() for p in row["must_contain_any"]), row["id"]
            assert isinstance(row["source"], str) and row["source"], row["id"]
        else:
            assert row["must_contain_any"] == [] and row["source"] is None, row["id"]


@holdouts
def test_ids_are_unique_and_no_other_eval_file_uses_them(holdout):
    ids = [r["id"] for r in _rows(holdout.path)]
    assert all(re.fullmatch(holdout.id_pattern, i) for i in ids)
    assert len(ids) == len(set(ids))
    others = {r["id"] for name in holdout.other_eval_files for r in _rows(EVALSETS / name)}
    assert others.isdisjoint(ids)


@holdouts
def test_questions_are_not_repeated_within_the_set(holdout):
    normalized = [normalize_for_index(r["question"]) for r in _rows(holdout.path)]
    assert len(normalized) == len(set(normalized))


@pytest.mark.parametrize(
    ("holdout", "row"),
    [(h, r) for h in HOLDOUTS for r in _by_kind(h, "answerable")],
    ids=lambda v: v.split if isinstance(v, Holdout) else v["id"],
)
def test_each_key_phrase_occurs_in_the_named_source(holdout, row):
    text = _normalized_source(row["source"])
    missing = [p for p in row["must_contain_any"] if normalize_for_index(p) not in text]
    assert missing == []


@holdouts
def test_answerable_questions_spread_over_every_seed_and_the_playbook(holdout):
    sources = Counter(r["source"] for r in _by_kind(holdout, "answerable"))
    if SEEDS.is_dir():
        assert {p.name for p in SEEDS.glob("*.txt")} | {PLAYBOOKS_SOURCE} == set(sources)
    assert min(sources.values()) >= holdout.minimum_per_source


@holdouts
def test_no_question_nearly_equals_an_eval_item_or_a_training_exemplar(holdout):
    others = {r["question"] for name in holdout.other_eval_files for r in _rows(EVALSETS / name)}
    others |= {r["text"] for path in EXEMPLAR_FILES for r in _rows(path)}
    own = {normalize_for_index(r["question"]) for r in _rows(holdout.path)}
    others_normalized = {normalize_for_index(t) for t in others}
    if holdout.own_questions_are_exemplars:
        others_normalized -= own
    candidates_all = sorted(others_normalized)
    copies = []
    for row in _rows(holdout.path):
        question = normalize_for_index(row["question"])
        # Only texts of a length that can reach the ratio are compared (the bound real_quick_ratio uses).
        candidates = [
            t for t in candidates_all if 2 * min(len(t), len(question)) >= NEAR * (len(t) + len(question))
        ]
        copies += near_copies([question], candidates)
    assert copies == []
