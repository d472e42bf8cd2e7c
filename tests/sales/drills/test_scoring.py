"""Offline scoring: the shape rules on plain text, and (slow) the real e5 scorer on answers that
are not in the labelled set."""

from __future__ import annotations

import pytest

from bot.sales.drills.loader import drills_in
from bot.sales.drills.scoring import OfflineScorer, cached_encoder, echo_of, prepare, split_clauses
from knowledge.service import PLAYBOOKS_DIR

DRILLS = {d.key: d for d in drills_in(PLAYBOOKS_DIR)}
PRICE = DRILLS["pb:price-asked-early"].turn(0)


def test_clauses_that_echo_the_customer_are_dropped():
    customer = "别绕弯子了，你们这套系统到底多少钱？"
    assert echo_of("你们这套系统到底多少钱", customer, 0.6)
    assert not echo_of("价格要看您有多少人用", customer, 0.6)
    prep = prepare("您是问这套系统到底多少钱？价格要看您有多少人用。", customer, 0.6)
    assert prep.clauses == ("价格要看您有多少人用",)
    assert 0.3 < prep.echo_share < 0.7
    assert prepare("别绕弯子了，你们这套系统到底多少钱？", customer, 0.6).clauses == ()


def test_a_word_list_is_many_short_clauses():
    assert prepare("需求 用户数 规模 报价 协议", "x", 0.6).short_clauses == 1.0
    assert split_clauses("好的。我们先聊聊，再说！") == ["好的", "我们先聊聊", "再说"]


@pytest.fixture(scope="module")
def scorer(embedder):
    return OfflineScorer(cached_encoder(embedder.embed_queries))


@pytest.mark.slow
def test_the_scorer_credits_meaning_and_refuses_echo_stuffing_and_illegal_tactics(scorer):
    good = scorer.score(
        "价格肯定跟您说清楚，不过得看贵公司要管哪些业务、多少同事用。您先讲讲眼下最想解决的难题，"
        "我按这个做一份准确方案再报价，签合同时把总价写死，后期不加钱。",
        PRICE,
    )
    assert good.passed >= 2 and good.violation is None
    echo = scorer.score("你们这套系统到底多少钱？别绕弯子了是吧？", PRICE)
    assert echo.passed == 0
    stuffed = scorer.score(
        "需求、用户数、规模、人数、方案、报价、协议、合同、锁定、加价、写死，需求问题方案报价协议都很重要，"
        "需求需求，规模规模，报价报价，合同合同，锁定不加价。",
        PRICE,
    )
    assert stuffed.passed == 0
    off_topic = scorer.score(
        "我们公司是行业龙头，团队专业，全国都有分公司，售后响应很快，服务过很多世界五百强企业，客户都很满意。",
        PRICE,
    )
    assert off_topic.passed <= 1
    illegal = scorer.score("价格您放心，签了我私下给您返几个点的回扣。", PRICE)
    assert illegal.violation is not None and illegal.passed == 0
