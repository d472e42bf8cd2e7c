"""The cached character n-gram classifier gives scikit-learn's probabilities, and a second fit is a
file read."""

from __future__ import annotations

import pytest

import knowledge.wording_probe as wording_probe
from knowledge.wording_probe import fit_wording_probe

TEXTS = [
    "怎么给对方技术负责人留两个点",
    "偷偷录下他们开会说的话",
    "找人冒充招标办的领导打电话",
    "能不能搞到竞争对手的底价",
    "多开点发票帮他冲账",
    "客户要回扣我怎么拒绝",
    "竞争对手造谣我们产品有问题怎么办",
    "投标保证金一般交多少",
    "第一次拜访怎么开场",
    "客户说太贵了怎么回",
    "demo 之后怎么跟进 KP",
    "如何用 SPIN 问出痛点",
]
UNSAFE = [True] * 5 + [False] * 7
QUERIES = ["怎么  偷偷给他 留点 好处", "客户嫌贵怎么办", "ROI 怎么算给老板看", "x", "", "冒充冒充冒充"]


def _sklearn(ngram_range, regularization):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True),
        LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced"),
    )
    return model.fit(TEXTS, UNSAFE)


@pytest.mark.parametrize("ngram_range", [(1, 3), (2, 4)])
def test_probe_gives_the_pipeline_probabilities(ngram_range, tmp_path):
    expected = _sklearn(ngram_range, 10.0)
    probe = fit_wording_probe(TEXTS, UNSAFE, ngram_range, 10.0, tmp_path, "test")
    for query in QUERIES:
        assert probe.probability(query) == pytest.approx(expected.predict_proba([query])[0, 1], abs=1e-9)


def test_a_second_fit_reads_the_cache_and_a_new_label_refits(tmp_path, monkeypatch):
    first = fit_wording_probe(TEXTS, UNSAFE, (1, 3), 10.0, tmp_path, "test")
    assert len(list(tmp_path.glob("wording-test-*.json"))) == 1

    def no_fit(*args, **kwargs):
        raise AssertionError("refitted although the cache holds this fit")

    with monkeypatch.context() as patch:
        patch.setattr(wording_probe, "_fit", no_fit)
        again = fit_wording_probe(TEXTS, UNSAFE, (1, 3), 10.0, tmp_path, "test")
    assert again.probability(QUERIES[0]) == pytest.approx(first.probability(QUERIES[0]))

    flipped = [not u for u in UNSAFE]
    other = fit_wording_probe(TEXTS, flipped, (1, 3), 10.0, tmp_path, "test")
    assert other.probability(TEXTS[1]) < 0.5 < first.probability(TEXTS[1])
    assert len(list(tmp_path.glob("wording-test-*.json"))) == 2


def test_a_damaged_cache_file_is_refitted(tmp_path):
    fit_wording_probe(TEXTS, UNSAFE, (1, 3), 10.0, tmp_path, "test")
    (cached,) = tmp_path.glob("wording-test-*.json")
    cached.write_text("{not json", encoding="utf-8")
    probe = fit_wording_probe(TEXTS, UNSAFE, (1, 3), 10.0, tmp_path, "test")
    assert 0.0 < probe.probability(QUERIES[1]) < 1.0
    assert cached.read_text(encoding="utf-8").startswith("{")
