"""The playbook's rules, encoded as data: is a visit effective (effective-visit-criteria.md), how
many stars (customer-stars-1-5.md) and which class A–D (customer-grades-abcd.md) a customer gets.

Signals come from the visit: its outcome says how clear the need and how strong the interest are,
the amount (or the customer's expected amount) is the deal size, and a contact whose buying role
is 决策者 is the key person (KP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Need = Literal["clear", "latent", "none"]
Interest = Literal["strong", "flat", "none"]

#: outcome -> (need, interest)
OUTCOME_SIGNALS: dict[str, tuple[Need, Interest]] = {
    "interested": ("clear", "strong"),
    "deal_won": ("clear", "strong"),
    "need_followup": ("latent", "flat"),
    "not_interested": ("none", "none"),
    "deal_lost": ("none", "none"),
    "no_show": ("none", "none"),
}


@dataclass(frozen=True)
class StarRule:
    stars: int
    min_amount_wan: float
    below_amount_wan: float | None  # exclusive upper bound, None: no bound
    needs: tuple[Need, ...]
    interests: tuple[Interest, ...]


#: customer-stars-1-5.md, checked in this order; a customer matching none gets 1 star.
STAR_RULES: tuple[StarRule, ...] = (
    StarRule(5, 20, None, ("clear",), ("strong",)),  # 20万以上，有需求，很感兴趣
    StarRule(4, 10, None, ("clear",), ("strong",)),  # 10万以上，有需求，很感兴趣
    StarRule(3, 10, None, ("clear", "latent"), ("flat", "strong")),  # 10万以上，潜在需求，反应平淡
    StarRule(2, 7, 10, ("clear",), ("strong",)),  # 7万到10万，有需求，感兴趣
)
DEFAULT_STARS = 1


@dataclass(frozen=True)
class GradeRule:
    grade: str
    needs: tuple[Need, ...]
    min_signals: int  # how many of {met the KP, budget known} are needed


#: customer-grades-abcd.md: an A customer has all three of a real KP, a need and the means to pay
#: (a known budget); B lacks one of the KP or the budget; C has a need but neither (phone follow-up);
#: D has no need at all. The playbook's industry top-50 ranking is not in our data.
GRADE_RULES: tuple[GradeRule, ...] = (
    GradeRule("A", ("clear",), 2),
    GradeRule("B", ("clear", "latent"), 1),
    GradeRule("C", ("clear", "latent"), 0),
)
DEFAULT_GRADE = "D"

#: effective-visit-criteria.md: the contact person and a landline or an email must be brought back.
REACH_FIELDS: tuple[str, ...] = ("landline", "email")


@dataclass(frozen=True)
class Signals:
    amount_wan: float | None
    need: Need
    interest: Interest
    met_decision_maker: bool


@dataclass(frozen=True)
class Suggestion:
    stars: int
    grade: str
    signals: Signals


def signals_of(outcome: str, amount_wan: float | None, buying_role: str | None) -> Signals:
    need, interest = OUTCOME_SIGNALS.get(outcome, ("none", "none"))
    return Signals(amount_wan, need, interest, buying_role == "决策者")


def suggest_stars(s: Signals) -> int:
    amount = s.amount_wan or 0.0
    for rule in STAR_RULES:
        in_range = amount >= rule.min_amount_wan and (
            rule.below_amount_wan is None or amount < rule.below_amount_wan
        )
        if in_range and s.need in rule.needs and s.interest in rule.interests:
            return rule.stars
    return DEFAULT_STARS


def suggest_grade(s: Signals) -> str:
    count = int(s.met_decision_maker) + int(s.amount_wan is not None and s.amount_wan > 0)
    for rule in GRADE_RULES:
        if s.need in rule.needs and count >= rule.min_signals:
            return rule.grade
    return DEFAULT_GRADE


def suggest(outcome: str, amount_wan: float | None, buying_role: str | None) -> Suggestion:
    s = signals_of(outcome, amount_wan, buying_role)
    return Suggestion(suggest_stars(s), suggest_grade(s), s)


@dataclass(frozen=True)
class Effectiveness:
    effective: bool
    missing: tuple[str, ...]  # "meeting", "contact", "reach"


def check_effective(outcome: str, contact_name: str | None, reach: dict[str, str | None]) -> Effectiveness:
    """A visit counts when someone was met, the contact is known and can be reached by landline
    or email."""
    missing: list[str] = []
    if outcome == "no_show":
        missing.append("meeting")
    if not contact_name:
        missing.append("contact")
    elif not any(reach.get(f) for f in REACH_FIELDS):
        missing.append("reach")
    return Effectiveness(not missing, tuple(missing))
