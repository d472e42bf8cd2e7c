"""The visit outcome judged on its meaning and wording: classifiers trained on the hand-written
exemplars and the labelled reports, combined with the outcome words by their strength."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.parsing.outcome_meaning import NEVER, OVERRIDE_AT, OutcomeReader, combine
from bot.sales.parsing.visit_text import OutcomeCue, outcome_cue, parse_visit
from bot.sales.visits.extract import VisitExtractor
from store.models import OUTCOMES

pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def reader(embedder, tmp_path_factory) -> OutcomeReader:
    return OutcomeReader(embedder, tmp_path_factory.mktemp("cache"))


def test_the_classifier_gives_a_probability_to_every_outcome(reader) -> None:
    probabilities = reader.probabilities("客户说合同已经签好了，首款也到账了")
    assert set(probabilities) == set(OUTCOMES)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert max(probabilities, key=probabilities.__getitem__) == "deal_won"


def test_a_report_without_outcome_words_is_read_by_its_meaning(reader) -> None:
    report = "去了华东机械，等了一上午对方也没出来"
    cue = outcome_cue(report)
    assert cue == OutcomeCue("need_followup", "none")  # the words find nothing
    assert reader.read(report, cue) == "no_show"
    assert parse_visit(report, TODAY, outcome_reader=reader).outcome == "no_show"
    assert parse_visit(report, TODAY).outcome == "need_followup"


def test_the_words_decide_where_the_threshold_is_never_reached(embedder, tmp_path) -> None:
    cue = OutcomeCue("deal_lost", "strong")
    assert combine(cue, {"deal_lost": 0.2, "interested": 0.8}, NEVER) == "deal_lost"
    assert combine(cue, {"deal_lost": 0.2, "interested": 0.8}, 0.7) == "interested"
    words_only = OutcomeReader(embedder, tmp_path, override_at={})
    assert words_only.read("去了华东机械，等了一上午对方也没出来", OutcomeCue("need_followup", "none")) == (
        "need_followup"
    )
    assert OVERRIDE_AT["strong"] > OVERRIDE_AT["none"]  # strong words are overridden only by a surer reading


async def test_the_extractor_passes_its_reader_to_the_parser(reader) -> None:
    report = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示"
    draft = await VisitExtractor(outcome_reader=reader).extract(report, TODAY)
    assert draft.customer == "华东机械" and draft.outcome == "interested"
    assert parse_visit(report, TODAY).outcome == "interested"  # no reader: the words alone


def test_a_clause_that_only_sets_the_scene_never_decides(reader) -> None:
    from bot.sales.parsing.outcome_meaning import SETTING

    probabilities = reader.probabilities("去了青禾包装，厂长说下个月初给我们一个准话")
    assert SETTING not in probabilities and sum(probabilities.values()) == pytest.approx(1.0)
    assert max(probabilities, key=probabilities.__getitem__) == "need_followup"


def test_a_polite_refusal_after_praise_is_read_by_the_clause_after_the_turn(reader) -> None:
    report = "去了青禾包装，厂长说我们的东西确实好，不过他们刚跟老厂家续了五年，不会再换"
    cue = outcome_cue(report)
    assert cue.outcome != "interested"
    assert reader.read(report, cue) == "not_interested"


@pytest.mark.parametrize(
    ("report", "outcome"),
    [
        ("嘉和木业 敲定了 6.5w", "deal_won"),  # a terse win in no outcome word
        ("林经理让我把三家客户的案例打包发他，他周五开会要用", "interested"),  # an act of interest
        ("老板说他们集团统一采购，分公司自己不能买", "not_interested"),  # a refusal told as a rule
    ],
)
def test_reports_without_outcome_words_are_read_by_classifiers_trained_on_reports(
    reader, report, outcome
) -> None:
    cue = outcome_cue(report)
    assert cue.strength == "none"
    assert reader.read(report, cue) == outcome


def test_the_wording_classifier_joins_the_meaning(embedder, tmp_path) -> None:
    meaning_only = OutcomeReader(embedder, tmp_path, wording_weight=0.0)
    both = OutcomeReader(embedder, tmp_path)
    report = "嘉和木业 敲定了 6.5w"
    assert meaning_only.probabilities(report) != pytest.approx(both.probabilities(report))
    assert sum(both.probabilities(report).values()) == pytest.approx(1.0)
