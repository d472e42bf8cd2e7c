"""Against a real OpenAI-compatible server (llama.cpp, vLLM …): runs only when COACH_TEST_LLM_URL is set,
e.g. ``COACH_TEST_LLM_URL=http://127.0.0.1:8080/v1 COACH_TEST_LLM_MODEL=qwen2.5-1.5b-instruct``
(optional: COACH_TEST_LLM_KEY, COACH_TEST_LLM_MODE=json_schema|tools|json, COACH_TEST_LLM_TIMEOUT_S).
Whatever the model says, the product invariants must hold."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest

from bot.sales.parsing.amounts import find_amounts
from bot.sales.parsing.dates import find_dates
from bot.sales.visits.extract import VisitExtractor, by_rules
from knowledge.compose import LLMComposer
from knowledge.llm import ChatClient, LLMConfig

URL = os.environ.get("COACH_TEST_LLM_URL")
pytestmark = pytest.mark.skipif(
    not URL, reason="COACH_TEST_LLM_URL is not set: no LLM server to test against"
)
TIMEOUT_S = float(os.environ.get("COACH_TEST_LLM_TIMEOUT_S", "30"))
TODAY = date(2026, 12, 1)
QUESTIONS = ["客户一上来就问多少钱", "客户说要再考虑考虑怎么办", "新人第一次拜访带什么"]
REPORTS = [
    "今天去了宏达电子，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算50万左右",
    "下午去金辰物流见了王经理，聊得不错，下周一再约，报价30万",
]
KNOWN = ["华东机械股份有限公司", "恒泰建材"]


def client() -> ChatClient:
    return ChatClient(
        LLMConfig(
            base_url=URL or "",
            model=os.environ.get("COACH_TEST_LLM_MODEL", "default"),
            api_key=os.environ.get("COACH_TEST_LLM_KEY"),
            timeout_s=TIMEOUT_S,
            output_mode=os.environ.get("COACH_TEST_LLM_MODE", "json_schema"),  # type: ignore[arg-type]
        )
    )


async def test_answers_with_a_real_model_never_abstain_where_extraction_answers(module_kb):
    plain = module_kb.answerer.with_composer(None)
    with_llm = module_kb.answerer.with_composer(LLMComposer(client()))
    for question in QUESTIONS:
        started = time.monotonic()
        answer = await with_llm.answer(question)
        assert time.monotonic() - started < TIMEOUT_S + 5
        assert answer.abstained == (await plain.answer(question)).abstained
        assert "[" in answer.answer


async def test_extraction_with_a_real_model_keeps_only_what_the_text_says():
    extractor = VisitExtractor(client())
    for report in REPORTS:
        draft = await extractor.extract(report, TODAY, KNOWN)
        rules = by_rules(report, TODAY, KNOWN)
        assert draft.customer == rules.customer or (draft.customer or "")[:2] in report
        assert draft.contact_name in (rules.contact_name, None) or draft.contact_name in report
        assert draft.next_date == rules.next_date or draft.next_date in {
            m.date for m in find_dates(report, TODAY)
        }
        assert draft.amount_wan == rules.amount_wan or draft.amount_wan in {
            a.wan for a in find_amounts(report)
        }
