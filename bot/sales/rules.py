"""A team's playbook rules as validated data: the effective visit, star and grade criteria, the
ability to pay and the daily quota.

The default is the seeds' own rules (knowledge/rules/default.yaml); a team's override, stored in the
database (store.rules), holds only the keys it changes and is deep-merged onto the default. Every
reader (grading, the effective-visit check, the bot's texts, reports) takes a :class:`Rules`.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from store import rules as store_rules
from store.models import GRADES, INTERESTS, NEEDS, Interest, Need

__all__ = ["GRADES", "INTERESTS", "NEEDS", "Interest", "Need"]

log = logging.getLogger(__name__)
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "rules" / "default.yaml"
Grade = Literal["A", "B", "C", "D"]
ContactField = Literal["landline", "email", "mobile"]
CONTACT_FIELDS: tuple[ContactField, ...] = ("landline", "email", "mobile")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireItem(_Strict):
    id: str = Field(min_length=1, max_length=10)
    label: str = Field(min_length=1, max_length=40)


class Questionnaire(_Strict):
    name: str
    source: str = ""
    items: tuple[QuestionnaireItem, ...] = Field(min_length=1)

    def label(self, item_id: str) -> str:
        return next((i.label for i in self.items if i.id == item_id), item_id)


class EffectiveVisitRule(_Strict):
    source: str = ""
    questionnaire_items: tuple[str, ...] = ()
    contact_fields: tuple[ContactField, ...] = ()


class StarRule(_Strict):
    stars: int = Field(ge=1, le=5)
    min_amount_wan: float = Field(ge=0)
    below_amount_wan: float | None = None
    need: tuple[Need, ...] = Field(min_length=1)
    interest: tuple[Interest, ...] = Field(min_length=1)


class StarRules(_Strict):
    source: str = ""
    rules: tuple[StarRule, ...] = ()
    otherwise: int = Field(ge=1, le=5)


class GradeRule(_Strict):
    """A grade given when every stated condition holds (None: not a condition)."""

    grade: Grade
    source: str = ""
    kp: bool | None = None
    need: tuple[Need, ...] | None = None
    can_pay: bool | None = None


class Ranking(_Strict):
    source: str = ""
    top_n: int = Field(gt=0)
    inside: tuple[Grade, ...] = Field(min_length=1)
    outside: tuple[Grade, ...] = Field(min_length=1)


class GradeRules(_Strict):
    rules: tuple[GradeRule, ...] = ()
    ranking: Ranking | None = None
    undefined: str = ""


class AbilityToPay(_Strict):
    source: str = ""
    min_annual_output_wan: float | None = Field(default=None, gt=0)


class DailyQuota(_Strict):
    source: str = ""
    effective_visits: int | None = Field(default=None, gt=0, le=50)


class Rules(_Strict):
    questionnaire: Questionnaire
    effective_visit: EffectiveVisitRule
    stars: StarRules
    grades: GradeRules
    ability_to_pay: AbilityToPay
    daily_quota: DailyQuota

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        known = {i.id for i in self.questionnaire.items}
        if len(known) != len(self.questionnaire.items):
            raise ValueError("questionnaire item ids must be unique")
        unknown = [i for i in self.effective_visit.questionnaire_items if i not in known]
        if unknown:
            raise ValueError(f"effective_visit names items not in the questionnaire: {unknown}")
        for rule in self.stars.rules:
            if rule.below_amount_wan is not None and rule.below_amount_wan <= rule.min_amount_wan:
                raise ValueError(f"{rule.stars} stars: below_amount_wan must exceed min_amount_wan")
        return self


class RulesError(ValueError):
    """A rules file that does not parse or validate; the message says where."""


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` onto ``base``: mappings merge key by key, anything else (lists too) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=1)
def default_data() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise RulesError(f"{DEFAULT_FILE}: not a mapping")
    return data


def _validate(data: dict[str, Any]) -> Rules:
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise RulesError(problems) from exc


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """The seeds' rules; raises :class:`RulesError` when the shipped file is broken (checked at start)."""
    return _validate(default_data())


def rules_with(override: dict[str, Any] | None) -> Rules:
    """The default with a team's override applied (validated)."""
    if not override:
        return default_rules()
    return _validate(merge(default_data(), override))


def parse_override(text: str) -> dict[str, Any]:
    """A team's rules file (YAML, only the keys it changes), checked against the default."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError("the rules file must be a mapping (key: value)")
    unknown = sorted(set(data) - set(Rules.model_fields))
    if unknown:
        raise RulesError(f"unknown sections: {', '.join(unknown)}")
    rules_with(data)
    return data


def dump(rules: Rules) -> str:
    return yaml.safe_dump(rules.model_dump(mode="json"), allow_unicode=True, sort_keys=False)


async def team_rules(session: AsyncSession, team_id: int | None) -> Rules:
    """The rules a team works by: its stored override on the default. An override that no longer
    validates (the default changed under it) is reported and the default is used."""
    override = await store_rules.get_override(session, team_id)
    try:
        return rules_with(override)
    except RulesError as exc:
        log.error("team %s: stored rules are invalid (%s); using the default", team_id, exc)
        return default_rules()


async def set_team_rules(
    session: AsyncSession, team_id: int, override: dict[str, Any], *, updated_by: int | None = None
) -> Rules:
    """Validate and store a team's override; returns the rules the team now works by."""
    rules = rules_with(override)
    await store_rules.set_override(session, team_id, override, updated_by=updated_by)
    return rules


async def update_team_rules(
    session: AsyncSession, team_id: int, change: dict[str, Any], *, updated_by: int | None = None
) -> Rules:
    """Merge ``change`` into the team's stored override (e.g. a new quota from /rules)."""
    override = merge(await store_rules.get_override(session, team_id), change)
    return await set_team_rules(session, team_id, override, updated_by=updated_by)
