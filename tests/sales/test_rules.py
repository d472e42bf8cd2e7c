"""The rules file: the shipped default validates and says where the sources define nothing; a
team's override is merged key by key and checked, with a message naming the problem."""

from __future__ import annotations

import pytest

from bot.sales.rules import RulesError, default_rules, dump, merge, parse_override, rules_with


def test_the_default_is_the_seeds_rules():
    rules = default_rules()
    assert rules.effective_visit.questionnaire_items == ("1-5", "2-2", "2-3", "2-4", "2-5", "2-8", "2-9")
    assert rules.effective_visit.contact_fields == ("landline", "email")
    assert [r.stars for r in rules.stars.rules] == [5, 4, 3, 2] and rules.stars.otherwise == 1
    assert [g.grade for g in rules.grades.rules] == ["A"]  # B/C/D: not defined by any seed
    assert rules.grades.ranking is not None and rules.grades.ranking.top_n == 50
    assert rules.ability_to_pay.min_annual_output_wan is None
    assert rules.daily_quota.effective_visits == 2


def test_an_override_changes_only_its_keys():
    rules = rules_with({"daily_quota": {"effective_visits": 4}})
    assert rules.daily_quota.effective_visits == 4 and rules.daily_quota.source == "002 三"
    assert rules.effective_visit == default_rules().effective_visit
    assert merge({"a": {"b": 1, "c": [1]}}, {"a": {"c": [2]}}) == {"a": {"b": 1, "c": [2]}}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("daily_quota: {effective_visits: 0}", "daily_quota.effective_visits"),
        ("effective_visit: {questionnaire_items: ['9-9']}", "not in the questionnaire"),
        ("effective_visit: {contact_fields: [fax]}", "contact_fields"),
        ("stars: {rules: [{stars: 6, min_amount_wan: 1, need: [clear], interest: [strong]}]}", "stars"),
        ("colour: blue", "unknown sections: colour"),
        ("- a list", "mapping"),
        ("daily_quota: [", "not valid YAML"),
    ],
)
def test_a_bad_override_is_refused_with_the_reason(text, problem):
    with pytest.raises(RulesError, match=problem):
        parse_override(text)


def test_the_dump_reads_back_as_the_same_rules():
    assert rules_with(parse_override(dump(default_rules()))) == default_rules()
