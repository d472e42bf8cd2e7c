"""The outcome wording classifier (character n-gram tf-idf + multinomial LR) scores as scikit-learn does,
and its fit is cached."""

from __future__ import annotations

import numpy as np
import pytest

from bot.sales.parsing.outcome_meaning import combine_readings
from bot.sales.parsing.outcome_wording import fit_outcome_wording

TEXTS = [
    "合同盖章了",
    "首付款到账",
    "订单落地了",
    "采购单发过来了",
    "门卫不让进",
    "办公室没人",
    "人在外地出差",
    "电话打不通白等",
    "说用不上",
    "明确拒绝了",
    "不考虑换供应商",
    "没需要",
]
LABELS = ["deal_won"] * 4 + ["no_show"] * 4 + ["not_interested"] * 4


def test_the_probe_matches_scikit_learn_and_reads_back_from_the_cache(tmp_path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    probe = fit_outcome_wording(TEXTS, LABELS, (1, 2), 5.0, tmp_path)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(C=5.0, max_iter=5000, class_weight="balanced").fit(
        vectorizer.fit_transform(TEXTS), LABELS
    )
    for text in ("对方盖章了", "老板不在办公室", "他们没需要", "完全无关的句子 xyz"):
        expected = dict(
            zip(model.classes_, model.predict_proba(vectorizer.transform([text]))[0], strict=True)
        )
        got = probe.proba(text)
        assert got == pytest.approx(expected, abs=1e-6)
    cached = fit_outcome_wording(TEXTS, LABELS, (1, 2), 5.0, tmp_path)
    assert cached.proba("对方盖章了") == pytest.approx(probe.proba("对方盖章了"))
    assert len(list(tmp_path.glob("outcome-wording-*.npz"))) == 1


def test_two_readings_combine_by_their_weighted_log_probabilities() -> None:
    meaning = {"deal_won": 0.6, "no_show": 0.4}
    wording = {"deal_won": 0.1, "no_show": 0.9, "setting": 0.0}
    assert combine_readings(meaning, None, 1.0) == meaning
    assert combine_readings(meaning, wording, 0.0) == meaning
    both = combine_readings(meaning, wording, 1.0)
    assert set(both) == set(meaning) and sum(both.values()) == pytest.approx(1.0)
    assert both["no_show"] == pytest.approx(0.36 / (0.36 + 0.06))
    assert np.argmax([both["deal_won"], both["no_show"]]) == 1
