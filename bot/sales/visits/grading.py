"""Applying a team's rules (bot.sales.rules) to a visit: is it effective, how many stars, which grade.

Need and interest are scored separately: the rep states them or the report says them; the outcome
only stands in for the interest ("感兴趣" / "没兴趣"). The ability to pay comes from the company's
annual output against the team's threshold, never from the deal amount. Where the rules leave a
value open (no threshold, a grade the sources do not define), the suggestion leaves it open too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.sales.rules import Grade, Interest, Need, Rules

#: what an outcome says about the interest, when the rep did not state it
OUTCOME_INTEREST: dict[str, Interest] = {
    "interested": "strong",
    "deal_won": "strong",
    "not_interested": "none",
}


@dataclass(frozen=True)
class Signals:
    amount_wan: float | None
    need: Need | None
    interest: Interest | None
    met_decision_maker: bool
    annual_output_wan: float | None
    can_pay: bool | None


@dataclass(frozen=True)
class Suggestion:
    stars: int | None  # None: need or interest unknown, the rep decides
    grade: Grade | None  # None: the rules do not decide, the rep picks among ``candidates``
    candidates: tuple[Grade, ...]
    signals: Signals


def can_pay(rules: Rules, annual_output_wan: float | None) -> bool | None:
    threshold = rules.ability_to_pay.min_annual_output_wan
    if threshold is None or annual_output_wan is None:
        return None
    return annual_output_wan >= threshold


def signals_of(
    rules: Rules,
    *,
    outcome: str,
    amount_wan: float | None,
    buying_role: str | None,
    need: Need | None = None,
    interest: Interest | None = None,
    annual_output_wan: float | None = None,
) -> Signals:
    return Signals(
        amount_wan=amount_wan,
        need=need,
        interest=interest or OUTCOME_INTEREST.get(outcome),
        met_decision_maker=buying_role == "决策者",
        annual_output_wan=annual_output_wan,
        can_pay=can_pay(rules, annual_output_wan),
    )


def suggest_stars(rules: Rules, s: Signals) -> int | None:
    if s.need is None or s.interest is None:
        return None
    amount = s.amount_wan or 0.0
    for rule in rules.stars.rules:
        in_range = amount >= rule.min_amount_wan and (
            rule.below_amount_wan is None or amount < rule.below_amount_wan
        )
        if in_range and s.need in rule.need and s.interest in rule.interest:
            return rule.stars
    return rules.stars.otherwise


def _holds(value: object, wanted: object) -> bool:
    if wanted is None:
        return True
    if isinstance(wanted, tuple):
        return value in wanted
    return value == wanted


def suggest_grade(
    rules: Rules, s: Signals, top_ranked: bool | None = None
) -> tuple[Grade | None, tuple[Grade, ...]]:
    """The grade the rules give, or None and the grades the rep may pick from."""
    candidates: tuple[Grade, ...] = ("A", "B", "C", "D")
    ranking = rules.grades.ranking
    if ranking is not None and top_ranked is not None:
        candidates = ranking.inside if top_ranked else ranking.outside
    for rule in rules.grades.rules:
        if rule.grade not in candidates:
            continue
        if (
            _holds(s.met_decision_maker, rule.kp)
            and _holds(s.need, rule.need)
            and _holds(s.can_pay, rule.can_pay)
        ):
            return rule.grade, candidates
    if len(candidates) == 1:
        return candidates[0], candidates
    return None, candidates


def suggest(rules: Rules, signals: Signals, top_ranked: bool | None = None) -> Suggestion:
    grade, candidates = suggest_grade(rules, signals, top_ranked)
    return Suggestion(suggest_stars(rules, signals), grade, candidates, signals)


@dataclass(frozen=True)
class Effectiveness:
    effective: bool
    met: bool  # someone was met
    has_contact: bool
    missing_items: tuple[str, ...]  # questionnaire item ids not clarified
    missing_fields: tuple[str, ...]  # contact fields not brought back: "landline", "email", "mobile"


def check_effective(
    rules: Rules,
    outcome: str,
    contact_name: str | None,
    reach: Mapping[str, str | None],
    clarified: Iterable[str],
) -> Effectiveness:
    """The team's effective-visit rule: someone met, every listed questionnaire item clarified and
    every listed contact field of the IT contact brought back (by default both landline and e-mail)."""
    rule = rules.effective_visit
    done = set(clarified)
    missing_items = tuple(i for i in rule.questionnaire_items if i not in done)
    missing_fields = tuple(f for f in rule.contact_fields if not (contact_name and reach.get(f)))
    met = outcome != "no_show"
    has_contact = bool(contact_name)
    effective = met and not missing_items and not missing_fields
    return Effectiveness(effective, met, has_contact, missing_items, missing_fields)
