"""The parser learners' training reports (evalsets/visit_reports_train.jsonl) are well formed: the
fields and conventions of evalsets/visit_reports.jsonl, ids of their own, valid outcomes spread
over every outcome, and the labelled customer and contact written in the text. Their customers are
none of the evaluation set's, so training on them leaks no evaluation name into the tagger."""

import datetime as dt
import json
import re
from collections import Counter

import pytest

from store.models import OUTCOMES
from tests.conftest import REPO

TRAIN = REPO / "evalsets" / "visit_reports_train.jsonl"
EVALSET = REPO / "evalsets" / "visit_reports.jsonl"
FIELDS = {"id", "split", "category", "today", "text", "expected"}
EXPECTED = {"customer", "contact_name", "outcome", "next_date", "amount_wan"}
CURRENCIES = {"USD", "HKD", "EUR"}
MINIMUM_ROWS = 260
MINIMUM_PER_OUTCOME = 35


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


ROWS = _rows(TRAIN)


def test_enough_reports_of_every_outcome():
    counts = Counter(r["expected"]["outcome"] for r in ROWS)
    assert len(ROWS) >= MINIMUM_ROWS
    assert {o: counts[o] for o in OUTCOMES if counts[o] < MINIMUM_PER_OUTCOME} == {}


def test_ids_are_unique_and_numbered():
    ids = [r["id"] for r in ROWS]
    assert len(set(ids)) == len(ids)
    assert [i for i in ids if not re.fullmatch(r"tr-\d{3}", i)] == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_fields_and_values(row):
    assert set(row) == FIELDS
    assert row["split"] == "train"
    assert row["category"] and row["text"].strip()
    expected = row["expected"]
    assert EXPECTED <= set(expected) <= EXPECTED | {"amount_currency"}
    assert expected["outcome"] in OUTCOMES
    today = dt.date.fromisoformat(row["today"])
    if expected["next_date"] is not None:
        assert dt.date.fromisoformat(expected["next_date"]) > today
    amount = expected["amount_wan"]
    assert amount is None or (isinstance(amount, int | float) and amount > 0)
    if "amount_currency" in expected:  # a foreign amount is not converted into 万 yuan
        assert expected["amount_currency"] in CURRENCIES and amount is None


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_labelled_customer_and_contact_occur_in_the_text(row):
    expected = row["expected"]
    assert expected["customer"] and expected["customer"] in row["text"]
    if expected["contact_name"] is not None:
        assert expected["contact_name"] in row["text"]


def test_no_customer_or_text_of_the_evaluation_set():
    evaluation = _rows(EVALSET)
    eval_customers = {r["expected"]["customer"] for r in evaluation}
    eval_texts = {r["text"] for r in evaluation}
    assert [r["id"] for r in ROWS if r["expected"]["customer"] in eval_customers] == []
    assert [r["id"] for r in ROWS if r["text"] in eval_texts] == []
    assert len({r["text"] for r in ROWS}) == len(ROWS)
