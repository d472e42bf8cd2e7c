"""The intent classifier trains on exemplars that are not evaluation questions: the hand-written
exemplars match no eval item of any split (tuning, test, every holdout set, the shared dev set), and
the generated exemplar file holds no test or dev question and none of a later holdout set
(evalsets/questions_holdout6.jsonl …, written blind). Tuning-half questions and the first five holdout
sets' (their misses were studied, so they became tuning data) are in it on purpose. "Nearly equal" is measured on the normalized text, so a changed particle, a swapped
synonym or traditional script does not hide a copy."""

import json
from pathlib import Path

from evalsets.near import near_copies as _near_copies
from knowledge.intent import load_exemplars
from knowledge.text import normalize_for_index

REPO = Path(__file__).resolve().parents[2]
EXTRA = REPO / "evalsets" / "exemplars_extra.jsonl"
FACTS = REPO / "evalsets" / "exemplars_facts.jsonl"
QUESTIONS = REPO / "evalsets" / "questions.jsonl"
HOLDOUT = REPO / "evalsets" / "questions_holdout.jsonl"
HOLDOUT2 = REPO / "evalsets" / "questions_holdout2.jsonl"
HOLDOUT3 = REPO / "evalsets" / "questions_holdout3.jsonl"
HOLDOUT4 = REPO / "evalsets" / "questions_holdout4.jsonl"
HOLDOUT5 = REPO / "evalsets" / "questions_holdout5.jsonl"
TUNING_HOLDOUTS = (HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5)
LATER_HOLDOUTS = sorted(
    p for p in (REPO / "evalsets").glob("questions_holdout?*.jsonl") if p not in TUNING_HOLDOUTS
)
DEV = REPO.parent / "shared" / "eval" / "questions.dev.jsonl"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _eval_questions(splits: set[str]) -> list[str]:
    rows = [r for p in (QUESTIONS, *TUNING_HOLDOUTS) for r in _rows(p)]
    found = [r["question"] for r in rows if r["split"] in splits]
    if "later" in splits:  # every row of a later holdout file, whatever its split says
        found += [r["question"] for p in LATER_HOLDOUTS for r in _rows(p)]
    if "dev" in splits and DEV.exists():
        found += [r["question"] for r in _rows(DEV)]
    return [normalize_for_index(q) for q in found]


def test_near_copy_detection_catches_a_reworded_question():
    reworded = normalize_for_index("周末去哪里玩比较好")
    assert _near_copies([reworded], [normalize_for_index("周末去哪玩比较好")])
    assert not _near_copies([reworded], [normalize_for_index("投标保证金什么时候交")])


def test_hand_written_exemplars_are_no_eval_question_of_any_split():
    extra = [normalize_for_index(r["text"]) for r in _rows(EXTRA) + _rows(FACTS)]
    assert (
        _near_copies(
            extra,
            _eval_questions(
                {"tune", "test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "later", "dev"}
            ),
        )
        == []
    )


def test_the_classifier_never_trains_on_test_dev_or_later_holdout_questions():
    trained = [normalize_for_index(e.text) for e in load_exemplars()]
    assert _near_copies(trained, _eval_questions({"test", "later", "dev"})) == []


def test_the_first_five_holdout_sets_are_tuning_data_and_a_later_one_is_held_out(tmp_path, monkeypatch):
    from evalsets import make_exemplars

    trained = {normalize_for_index(e.text) for e in load_exemplars()}
    for path in TUNING_HOLDOUTS:
        assert {normalize_for_index(r["question"]) for r in _rows(path)} <= trained
    later = tmp_path / "questions_holdout6.jsonl"
    later.write_text('{"id": "x1", "question": "写在后面的盲测问题", "kind": "unsafe"}\n', encoding="utf-8")
    tuning = tuple(tmp_path / p.name for p in TUNING_HOLDOUTS)
    for path in tuning:
        path.write_text("", encoding="utf-8")
    monkeypatch.setattr(make_exemplars, "HERE", tmp_path)
    monkeypatch.setattr(make_exemplars, "TUNING_HOLDOUTS", tuning)
    assert make_exemplars.later_holdouts() == [later]
    assert "写在后面的盲测问题" in make_exemplars.held_out_questions()


def test_the_holdout_set_is_its_own_split_with_every_kind_and_category():
    from knowledge.policy import load_policy

    rows = _rows(HOLDOUT)
    assert {r["split"] for r in rows} == {"holdout"}
    kinds = {r["kind"] for r in rows}
    assert kinds == {"answerable", "unsafe", "legitimate", "unanswerable", "uncovered"}
    assert {r["category"] for r in rows if r["kind"] == "unsafe"} == {c.id for c in load_policy().categories}
    assert all(r["must_contain_any"] for r in rows if r["kind"] == "answerable")


def test_ids_are_unique_across_the_eval_files():
    ids = [r["id"] for p in (QUESTIONS, HOLDOUT, HOLDOUT2, *LATER_HOLDOUTS) for r in _rows(p)]
    assert len(ids) == len(set(ids))


def test_a_generated_exemplar_that_rewords_a_later_holdout_question_is_left_out(tmp_path, monkeypatch):
    from evalsets import make_exemplars
    from evalsets.make_exemplars import unseen

    later_file = tmp_path / "questions_holdout4.jsonl"  # written blind: in the tree or not, it is held out
    later_file.write_text(
        '{"id": "x2", "question": "盲测集里一道问投标流程的题", "kind": "answerable"}\n', "utf-8"
    )
    monkeypatch.setattr(make_exemplars, "later_holdouts", lambda: [*LATER_HOLDOUTS, later_file])
    held_out = make_exemplars.held_out_questions()
    later = [r["question"] for p in make_exemplars.later_holdouts() for r in _rows(p)]
    assert later and set(later) <= set(held_out)
    reworded = {"text": later[-1] + "呢", "label": "sales"}
    kept = {"text": "拜访前怎么用三句话说清我们能帮客户省多少钱", "label": "sales"}
    assert unseen([reworded, kept], held_out) == [kept]
