"""A typed visit report → the fields of a visit (a draft the rep confirms).

Without an LLM the rule-based parser (``bot.sales.parsing``) reads it, helped by the rep's customer list.
With one (``settings.llm_enabled``) the chat model fills :class:`VisitFields` (prompted by
``prompts/visit_extract_*.md``, in the server's output mode, see knowledge.llm), and every field is
cross-checked against the report before it is kept:

- names (customer, contact, title) must occur in the report — or, for the customer, be a known customer
  whose name occurs in it;
- the model gives the date and amount *expressions* it relied on; they must occur in the report and are
  resolved by the project's own parsers — its own dates and numbers are never taken as they come;
- the next step must mostly consist of the report's words.

A field that fails its check, or that the model left empty, keeps the rule value; the draft says which
fields the LLM added (``llm_fields``) so the card can mark them. On any error or timeout the rules answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from bot.sales.parsing.amounts import parse_amount_wan
from bot.sales.parsing.customers import company_core, match_customer, normalize_company
from bot.sales.parsing.dates import parse_date
from bot.sales.parsing.outcome_meaning import OutcomeReader
from bot.sales.parsing.visit_text import parse_visit
from config import Settings
from knowledge.llm import ChatClient, LLMError, Message, structured_request, structured_value
from knowledge.overlap import contained
from knowledge.text import normalize_width
from prompts import prompt
from store.models import VISIT_KINDS, Outcome

log = logging.getLogger(__name__)

Source = Literal["rules", "llm"]
MAX_KNOWN_IN_PROMPT = 200
WEEKDAYS = "一二三四五六日"
MIN_STEP_SUPPORT = 0.5  # share of the next step's bigrams that must come from the report
MIN_REPAIR_S = 1.0
SCHEMA_NAME = "VisitFields"


class VisitFields(BaseModel):
    """One visit report as structured fields."""

    customer: str | None = Field(None, description="客户公司名称，原文里怎么写就怎么写；没提到则为 null")
    contact_name: str | None = Field(
        None, description="见到的联系人称呼，照抄原文，如 刘总、张伟；没有则为 null"
    )
    contact_title: str | None = Field(
        None, description="联系人的部门或职务，照抄原文，如 采购部、技术总监；没有则为 null"
    )
    kind: Literal[VISIT_KINDS] = Field(  # type: ignore[valid-type]  # store.models' values, once
        "上门", description="这次拜访的方式（已经发生的，不是计划中的）"
    )
    outcome: Outcome = Field("need_followup", description="这次拜访的结果")
    next_step: str | None = Field(None, description="下一步要做的事，简短，尽量用原文的词；没有则为 null")
    next_date_text: str | None = Field(
        None, description="原文里说下一步日期的那几个字，照抄，如 下周二、12月5号；不要换算；没有则为 null"
    )
    amount_text: str | None = Field(
        None, description="原文里说金额或预算的那几个字，照抄，如 50万左右；不要换算；没有则为 null"
    )


@dataclass(frozen=True)
class VisitDraft:
    customer: str | None
    contact_name: str | None
    contact_title: str | None
    kind: str
    outcome: str
    next_step: str | None
    next_date: date | None
    amount_wan: float | None
    source: Source
    amount_currency: str | None = None  # the amount was written in another currency (amount_wan is None)
    amount_foreign_wan: float | None = None
    llm_fields: frozenset[str] = field(default_factory=frozenset)  # filled or changed by the LLM


def by_rules(
    report: str,
    today: date,
    known_customers: Sequence[str] = (),
    outcome_reader: OutcomeReader | None = None,
) -> VisitDraft:
    p = parse_visit(report, today, known_customers, outcome_reader)
    return VisitDraft(
        customer=p.customer,
        contact_name=p.contact_name,
        contact_title=p.contact_role,
        kind=p.kind,
        outcome=p.outcome,
        next_step=p.next_step,
        next_date=p.next_date,
        amount_wan=p.amount_wan,
        source="rules",
        amount_currency=p.amount_currency,
        amount_foreign_wan=p.amount_foreign_wan,
    )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value and value.lower() not in ("null", "none", "无") else None


def _occurs(part: str, report: str) -> bool:
    return normalize_width(part) in normalize_width(report)


def _names_in(report: str, name: str, forms: Sequence[str]) -> bool:
    return any(len(form) >= 2 and _occurs(form, report) for form in {name, *forms})


def checked_customer(name: str | None, report: str, known: Sequence[str]) -> str | None:
    """The model's customer if the report names it, else the known customer it means if the report
    names that one; otherwise None (the rule value stands)."""
    name = _clean(name)
    if not name:
        return None
    match = match_customer(name, known) if known else None
    if _names_in(report, name, [normalize_company(name)]):
        return match or name
    if match and _names_in(report, match, [normalize_company(match), company_core(match)]):
        return match
    return None


def checked_verbatim(value: str | None, report: str, min_chars: int = 1) -> str | None:
    value = _clean(value)
    return value if value and len(value) >= min_chars and _occurs(value, report) else None


def checked_step(step: str | None, report: str) -> str | None:
    step = _clean(step)
    return step if step and contained(step, report) >= MIN_STEP_SUPPORT else None


def checked_date(expression: str | None, report: str, today: date) -> date | None:
    expression = checked_verbatim(expression, report)
    found = parse_date(normalize_width(expression), today) if expression else None
    return found[0] if found else None


def checked_amount(expression: str | None, report: str) -> float | None:
    expression = checked_verbatim(expression, report)
    amount = parse_amount_wan(normalize_width(expression)) if expression else None
    return amount if amount and amount > 0 else None


def cross_check(
    got: VisitFields, report: str, today: date, known: Sequence[str], rules: VisitDraft
) -> VisitDraft:
    """The model's fields that pass their checks, the rule values elsewhere."""
    checked: dict[str, Any] = {
        "customer": checked_customer(got.customer, report, known),
        "contact_name": checked_verbatim(got.contact_name, report, min_chars=2),  # 刘总, not 刘
        "contact_title": checked_verbatim(got.contact_title, report, min_chars=2),
        "kind": got.kind,
        "outcome": got.outcome,
        "next_step": checked_step(got.next_step, report),
        "next_date": checked_date(got.next_date_text, report, today),
        "amount_wan": checked_amount(got.amount_text, report),
    }
    values: dict[str, Any] = {}
    added: set[str] = set()
    for name, value in checked.items():
        rule_value = getattr(rules, name)
        values[name] = rule_value if value is None else value
        if value is not None and value != rule_value:
            added.add(name)
    rejected = [
        n
        for n in ("customer", "contact_name", "contact_title", "next_step")
        if checked[n] is None and _clean(getattr(got, n))
    ]
    rejected += [
        n
        for n, expr in (("next_date", got.next_date_text), ("amount_wan", got.amount_text))
        if checked[n] is None and _clean(expr)
    ]
    if rejected:
        log.info("LLM visit fields not found in the report, rule values kept: %s", ", ".join(rejected))
    return VisitDraft(**values, source="llm", llm_fields=frozenset(added))


class VisitExtractor:
    def __init__(self, client: ChatClient | None = None, outcome_reader: OutcomeReader | None = None) -> None:
        """``outcome_reader``: the rules judge the outcome on the report's meaning too (see
        bot.sales.parsing.outcome_meaning); without one, on its words."""
        self.client = client
        self.outcome_reader = outcome_reader

    @property
    def uses_llm(self) -> bool:
        return self.client is not None

    async def extract(self, report: str, today: date, known_customers: Sequence[str] = ()) -> VisitDraft:
        if self.outcome_reader is None:
            rules = by_rules(report, today, known_customers)
        else:  # one embedding: off the event loop
            rules = await asyncio.to_thread(by_rules, report, today, known_customers, self.outcome_reader)
        if self.client is None:
            return rules
        try:
            got = await self._ask(report, today, known_customers)
        except LLMError:
            return rules  # logged by the client or below
        except Exception as exc:  # a bug must not cost the rep the report
            log.warning("LLM visit extraction failed, using the rules: %s", type(exc).__name__)
            return rules
        return cross_check(got, report, today, known_customers, rules)

    def _messages(self, report: str, today: date, known: Sequence[str]) -> list[Message]:
        assert self.client is not None
        system = prompt("visit_extract_system")
        schema = VisitFields.model_json_schema()
        if self.client.config.output_mode == "json":
            system += "\n\n" + prompt("json_only").replace("{schema}", json.dumps(schema, ensure_ascii=False))
        user = prompt("visit_extract_user").format(
            today=today.isoformat(),
            weekday=WEEKDAYS[today.weekday()],
            customers="、".join(known[:MAX_KNOWN_IN_PROMPT]) or "（无）",
            report=report,
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    async def _ask(self, report: str, today: date, known: Sequence[str]) -> VisitFields:
        """The model's fields: parsed leniently, with one repair request when they don't parse."""
        assert self.client is not None
        config = self.client.config
        messages = self._messages(report, today, known)
        extra = structured_request(config.output_mode, SCHEMA_NAME, VisitFields.model_json_schema())
        reply = await self.client.chat(
            messages, max_tokens=config.extract_max_tokens, purpose="visit extraction", **extra
        )
        try:
            return _fields(reply)
        except LLMError as exc:
            left = config.timeout_s - reply.elapsed_s
            if left < MIN_REPAIR_S:
                log.info("LLM visit fields unusable (%s); no time left to repair", exc.reason)
                raise
            log.info("LLM visit fields unusable (%s); asking once for a repair", exc.reason)
        repair = [
            *messages,
            {"role": "assistant", "content": reply.content or json.dumps(reply.tool_arguments or "")},
            {"role": "user", "content": prompt("json_repair")},
        ]
        try:
            async with asyncio.timeout(left):
                again = await self.client.chat(
                    repair,
                    max_tokens=config.extract_max_tokens,
                    purpose="visit repair",
                    timeout_s=left,
                    **extra,
                )
        except TimeoutError:
            raise LLMError("repair timed out") from None
        try:
            return _fields(again)
        except LLMError as exc:
            log.info("LLM repaired visit fields unusable too (%s); using the rules", exc.reason)
            raise


def _fields(reply) -> VisitFields:
    try:
        return VisitFields.model_validate(structured_value(reply))
    except ValidationError as exc:
        where = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
        raise LLMError(f"fields out of range: {where or 'shape'}") from None


def extractor_from_settings(
    settings: Settings, outcome_reader: OutcomeReader | None = None
) -> VisitExtractor:
    if not settings.llm_enabled:
        return VisitExtractor(outcome_reader=outcome_reader)
    from knowledge.llm import client_for

    return VisitExtractor(client_for(settings), outcome_reader)
