"""The ranker's fitting script: the listwise fit learns which signal marks the right passage, and
its weights land in tuning.yaml where the service reads them."""

import re
import shutil
from pathlib import Path

import numpy as np

from evalsets.fit_ranker import Example, cross_validate, fit, hit_at_3, write_weights
from knowledge.retrieve import RANKER_FEATURES
from knowledge.service import load_tuning

TUNING = Path(__file__).resolve().parents[2] / "knowledge" / "tuning.yaml"


def _examples(n: int = 40, seed: int = 3) -> list[Example]:
    """Candidates where signal 0 is higher for the right passage and signal 1 is noise that
    happens to be largest for one wrong passage."""
    rng = np.random.default_rng(seed)
    examples = []
    for q in range(n):
        features = rng.normal(size=(12, 2))
        labels = np.zeros(12, dtype=bool)
        labels[q % 12] = True
        features[labels, 0] += 2.5
        features[(q + 1) % 12, 1] += 4.0
        split = ("holdout", "holdout2", "tune", "tune")[q % 4]
        examples.append(Example(f"topic{q % 8}", features, labels, rrf=features[:, 1], split=split))
    return examples


def test_the_listwise_fit_prefers_the_informative_signal():
    examples = _examples()
    w = fit(examples, penalty=0.01)
    assert w[0] > 0 > w[1]  # the right passage's signal up, the decoy's down
    assert hit_at_3(examples, lambda e: e.features @ w) > hit_at_3(examples, lambda e: e.rrf)
    scores = cross_validate(examples, 0.01)
    assert set(scores) == {"all", "tune", "holdout", "holdout2"}  # each set's folds on their own
    assert min(scores.values()) >= 0.9


def test_weights_are_written_after_the_fusion_section_and_read_back(tmp_path):
    path = tmp_path / "tuning.yaml"
    shutil.copy(TUNING, path)
    without = re.sub(r"^ranker:.*\n(?:[ #].*\n)*", "", path.read_text(encoding="utf-8"), flags=re.M)
    assert "ranker:" not in without
    path.write_text(without, encoding="utf-8")
    weights = dict.fromkeys(RANKER_FEATURES, 0.0) | {"title": 2.0}
    write_weights(weights, path)
    write_weights(weights | {"coverage": -1.0}, path)  # a second fit replaces, never repeats
    written = path.read_text(encoding="utf-8")
    assert written.count("ranker:") == 1
    assert written.index("fusion:") < written.index("ranker:") < written.index("intent:")
    ranker = load_tuning(path).ranker
    assert ranker is not None and ranker.weights["title"] == 2.0 and ranker.weights["coverage"] == -1.0
    assert load_tuning(path).abstain == load_tuning(TUNING).abstain  # the rest is kept
