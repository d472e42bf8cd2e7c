"""The intent classifier trains on exemplars that are not evaluation questions: the hand-written
exemplars match no eval item of any split (tuning, test, holdout, holdout3, the shared dev set), and
the generated exemplar file holds no test, holdout, holdout3 or dev question (tuning-half questions are in it on
purpose). "Nearly equal" is measured on the normalized text, so a changed particle, a swapped
synonym or traditional script does not hide a copy."""

import json
from pathlib import Path

from evalsets.near import near_copies as _near_copies
from knowledge.intent import load_exemplars
from knowledge.text import normalize_for_index

REPO = Path(__file__).resolve().parents[2]
EXTRA = REPO / "evalsets" / "exemplars_extra.jsonl"
QUESTIONS = REPO / "evalsets" / "questions.jsonl"
HOLDOUT = REPO / "evalsets" / "questions_holdout.jsonl"
HOLDOUT2 = REPO / "evalsets" / "questions_holdout2.jsonl"
HOLDOUT3 = REPO / "evalsets" / "questions_holdout3.jsonl"
DEV = REPO.parent / "shared" / "eval" / "questions.dev.jsonl"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _eval_questions(splits: set[str]) -> list[str]:
    rows = _rows(QUESTIONS) + _rows(HOLDOUT) + _rows(HOLDOUT2) + _rows(HOLDOUT3)
    found = [r["question"] for r in rows if r["split"] in splits]
    if "dev" in splits and DEV.exists():
        found += [r["question"] for r in _rows(DEV)]
    return [normalize_for_index(q) for q in found]


def test_near_copy_detection_catches_a_reworded_question():
    reworded = normalize_for_index("周末去哪里玩比较好")
    assert _near_copies([reworded], [normalize_for_index("周末去哪玩比较好")])
    assert not _near_copies([reworded], [normalize_for_index("投标保证金什么时候交")])


def test_hand_written_exemplars_are_no_eval_question_of_any_split():
    extra = [normalize_for_index(r["text"]) for r in _rows(EXTRA)]
    assert _near_copies(extra, _eval_questions({"tune", "test", "holdout", "holdout2", "holdout3", "dev"})) == []


def test_the_classifier_never_trains_on_test_holdout_or_dev_questions():
    trained = [normalize_for_index(e.text) for e in load_exemplars()]
    assert _near_copies(trained, _eval_questions({"test", "holdout", "holdout2", "holdout3", "dev"})) == []


def test_the_holdout_set_is_its_own_split_with_every_kind_and_category():
    from knowledge.policy import load_policy

    rows = _rows(HOLDOUT)
    assert {r["split"] for r in rows} == {"holdout"}
    kinds = {r["kind"] for r in rows}
    assert kinds == {"answerable", "unsafe", "legitimate", "unanswerable", "uncovered"}
    assert {r["category"] for r in rows if r["kind"] == "unsafe"} == {c.id for c in load_policy().categories}
    assert all(r["must_contain_any"] for r in rows if r["kind"] == "answerable")


def test_ids_are_unique_across_the_eval_files():
    ids = [r["id"] for r in _rows(QUESTIONS) + _rows(HOLDOUT) + _rows(HOLDOUT3)]
    assert len(ids) == len(set(ids))


def test_a_generated_exemplar_that_rewords_a_holdout3_question_is_left_out():
    from evalsets.make_exemplars import held_out_questions, unseen

    held_out = held_out_questions()
    assert {r["question"] for r in _rows(HOLDOUT3)} <= set(held_out)
    question = _rows(HOLDOUT3)[0]["question"]
    reworded = {"text": question + "呢", "label": "sales"}
    kept = {"text": "拜访前怎么用三句话说清我们能帮客户省多少钱", "label": "sales"}
    assert unseen([reworded, kept], held_out) == [kept]
