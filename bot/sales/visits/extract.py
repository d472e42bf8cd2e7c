"""A typed visit report → the fields of a visit (a draft the rep confirms).

Without an LLM the rule-based parser (``bot.sales.parsing``) reads it, helped by the rep's customer list.
With one (``settings.llm_enabled``) the chat model fills :class:`VisitFields` through langchain's
structured output, prompted by ``prompts/visit_extract_*.md``; on any error or timeout the rules
answer instead, and the draft says which one did (``source``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, Field

from bot.sales.parsing.customers import match_customer
from bot.sales.parsing.dates import parse_date
from bot.sales.parsing.visit_text import parse_visit
from config import Settings
from prompts import prompt
from store.models import OUTCOMES, VISIT_KINDS, Outcome

log = logging.getLogger(__name__)

Source = Literal["rules", "llm"]
MAX_KNOWN_IN_PROMPT = 200
WEEKDAYS = "一二三四五六日"


class VisitFields(BaseModel):
    """One visit report as structured fields."""

    customer: str | None = Field(None, description="客户公司名称（按原文）；没提到则为 null")
    contact_name: str | None = Field(None, description="见到的联系人称呼，如 刘总、张伟；没有则为 null")
    contact_title: str | None = Field(
        None, description="联系人的部门或职务，如 采购部、技术总监；没有则为 null"
    )
    kind: Literal[VISIT_KINDS] = Field(  # type: ignore[valid-type]  # store.models' values, once
        "上门", description="这次拜访的方式（已经发生的，不是计划中的）"
    )
    outcome: Outcome = Field("need_followup", description="这次拜访的结果")
    next_step: str | None = Field(None, description="下一步要做的事，简短；没有则为 null")
    next_date: str | None = Field(None, description="下一步的日期，YYYY-MM-DD，按今天推算；没有则为 null")
    amount_wan: float | None = Field(None, description="金额或预算，单位万元；没有则为 null")


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


def by_rules(report: str, today: date, known_customers: Sequence[str] = ()) -> VisitDraft:
    p = parse_visit(report, today, known_customers)
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


def _resolve_date(value: str | None, today: date) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        found = parse_date(value, today)
        return found[0] if found else None


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value and value.lower() not in ("null", "none", "无") else None


class VisitExtractor:
    def __init__(self, model: BaseChatModel | None = None, timeout_s: float = 20.0) -> None:
        self._chain = None
        self._timeout_s = timeout_s
        if model is not None:
            template = ChatPromptTemplate.from_messages(
                [("system", prompt("visit_extract_system")), ("human", prompt("visit_extract_user"))]
            )
            self._chain = template | model.with_structured_output(VisitFields)

    @property
    def uses_llm(self) -> bool:
        return self._chain is not None

    async def extract(self, report: str, today: date, known_customers: Sequence[str] = ()) -> VisitDraft:
        if self._chain is not None:
            try:
                return await self._by_llm(report, today, known_customers)
            except Exception as exc:  # timeouts, endpoint errors, malformed output: the rules answer
                log.warning("LLM visit extraction failed, using the rules: %s", type(exc).__name__)
        return by_rules(report, today, known_customers)

    async def _by_llm(self, report: str, today: date, known_customers: Sequence[str]) -> VisitDraft:
        assert self._chain is not None
        values = {
            "today": today.isoformat(),
            "weekday": WEEKDAYS[today.weekday()],
            "customers": "、".join(known_customers[:MAX_KNOWN_IN_PROMPT]) or "（无）",
            "report": report,
        }
        got = await asyncio.wait_for(self._chain.ainvoke(values), timeout=self._timeout_s)
        if not isinstance(got, VisitFields):
            got = VisitFields.model_validate(got)
        customer = _clean(got.customer)
        if customer and known_customers:
            customer = match_customer(customer, known_customers) or customer
        amount = got.amount_wan  # as read: validation refuses a negative, zero or absurd one
        assert got.outcome in OUTCOMES and got.kind in VISIT_KINDS
        return VisitDraft(
            customer=customer,
            contact_name=_clean(got.contact_name),
            contact_title=_clean(got.contact_title),
            kind=got.kind,
            outcome=got.outcome,
            next_step=_clean(got.next_step),
            next_date=_resolve_date(got.next_date, today),
            amount_wan=amount,
            source="llm",
        )


def extractor_from_settings(settings: Settings) -> VisitExtractor:
    if not settings.llm_enabled:
        return VisitExtractor()
    from knowledge.llm import chat_model

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    assert settings.llm_base_url and settings.llm_model
    model = chat_model(settings.llm_base_url, key, settings.llm_model, settings.llm_timeout_s)
    return VisitExtractor(model, settings.llm_timeout_s)
