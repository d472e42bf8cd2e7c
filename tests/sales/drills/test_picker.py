"""Choosing the situation: by topic, or untried first, then the weakest."""

from __future__ import annotations

import random

from bot.sales.drills.loader import drills_in
from bot.sales.drills.picker import by_topic, next_drill, weakest
from bot.sales.drills.progress import short_label
from knowledge.service import PLAYBOOKS_DIR

DRILLS = drills_in(PLAYBOOKS_DIR)


def test_a_topic_matches_tags_first_then_titles():
    price = {d.key for d in by_topic(DRILLS, "价格", None)}
    assert "pb:price-asked-early" in price and "pb:objection-too-expensive" in price
    assert all("价格" in d.tags for d in by_topic(DRILLS, "价格", None))
    assert [d.key for d in by_topic(DRILLS, "ＳＰＩＮ", None)] == ["pb:spin-questioning"]  # width folded
    assert by_topic(DRILLS, "前台", None)[0].key == "pb:visit-refused-at-door"
    assert by_topic(DRILLS, "火星移民", None) == []
    assert by_topic(DRILLS, "   ", None) == []


def test_untried_situations_come_before_the_weakest():
    rng = random.Random(1)
    tried = {d.key: 1.0 for d in DRILLS[:-1]}
    assert next_drill(DRILLS, tried, rng=rng).key == DRILLS[-1].key
    everything = {d.key: 0.9 for d in DRILLS} | {DRILLS[3].key: 0.2}
    assert next_drill(DRILLS, everything, rng=rng).key == DRILLS[3].key
    assert next_drill(DRILLS, everything, exclude=DRILLS[3].key, rng=rng).key != DRILLS[3].key
    assert next_drill([], {}) is None


def test_weakest_lists_the_lowest_scores_below_full_marks():
    shares = {"a": 0.5, "b": 1.0, "c": 0.2, "d": 0.7}
    titles = {"a": "A", "b": "B", "c": "C", "d": "D"}
    assert weakest(shares, titles, n=2) == ["C", "A"]
    assert weakest({"b": 1.0}, titles) == []


def test_short_labels_keep_the_situation():
    assert short_label("价格异议：客户一上来就问多少钱") == "客户一上来就问多少钱"
    assert short_label("SPIN提问法：用四类问题把隐性需求变成明确需求") == "用四类问题把隐性需求变…"
    assert short_label("客户说预算用完了") == "客户说预算用完了"
