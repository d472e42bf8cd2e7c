"""The LLM path under each behaviour seen from a real server, played by the test stub.

    .venv/bin/python -m bench.llm_faults [--timeout 2] [--rounds 3]

For each behaviour: answers to the answerable questions of the test corpus (abstentions compared with
the extractive mode, worst latency against the timeout) and visit extraction of a few reports (fields
that contradict the text, worst latency). Then a hanging server with the circuit breaker: how long the
answers after the breaker opened took. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "客户一上来就问多少钱",
    "客户说要再考虑考虑怎么办",
    "新人第一次拜访带什么",
    "C类客户多久联系一次",
]
TODAY = date(2026, 11, 23)
REPORTS = [
    "今天去了宏达电子，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算50万左右",
    "下午去金辰物流见了王经理，聊得不错，下周三再约，报价30万",
]
KNOWN = ["华东机械股份有限公司", "恒泰建材"]
LIE = {
    "customer": "华东机械股份有限公司",
    "contact_name": "张三",
    "contact_title": "销售经理",
    "kind": "上门",
    "outcome": "interested",
    "next_step": "签合同",
    "next_date_text": "12月3日（周二）",
    "amount_text": "300000000万",
}


def behaviours():
    from tests.support.openai_stub import Play

    return {
        "uncited": Play("价格一定给您一个清楚的数，我先了解一下咱们的情况。先问需求再报价。"),
        "no_answer": Play("NO_ANSWER"),
        "270_tokens": Play("先问需求再报价，避免一个数字把天聊死。" * 15),
        "title_only": Play("客户一见面就问价格 [1]"),
        "lying_fields": Play(fields=LIE),
        "markdown_table": Play("| 字段 | 值 |\n|---|---|\n| 客户 | 宏达电子 |"),
        "html_200": Play.html(),
        "http_401": Play.error(401, "authentication_error"),
        "http_500": Play.error(500),
        "hang": Play.hang(60),
    }


def contradictions(draft, report: str) -> list[str]:
    from bot.sales.parsing.amounts import find_amounts
    from bot.sales.parsing.dates import find_dates
    from bot.sales.visits.extract import by_rules

    rules = by_rules(report, TODAY, KNOWN)
    bad = [
        name
        for name in ("customer", "contact_name", "contact_title")
        if getattr(draft, name) not in (getattr(rules, name), None) and getattr(draft, name)[:2] not in report
    ]
    if draft.next_date not in (rules.next_date, *(m.date for m in find_dates(report, TODAY))):
        bad.append("next_date")
    if draft.amount_wan not in (rules.amount_wan, *(a.wan for a in find_amounts(report))):
        bad.append("amount_wan")
    return bad


async def run(timeout_s: float, rounds: int) -> dict:
    from bot.sales.visits.extract import VisitExtractor
    from config import load_settings
    from knowledge.compose import LLMComposer
    from knowledge.llm import ChatClient, LLMConfig
    from knowledge.service import open_knowledge_base
    from tests.support.openai_stub import OpenAIStub, Play

    home = Path(tempfile.mkdtemp(prefix="coach-llm-bench-"))
    shutil.copytree(REPO / "tests" / "fixtures" / "corpus", home / "corpus")
    settings = load_settings(coach_home=home, coach_models_dir=REPO / "var" / "models")
    kb = open_knowledge_base(settings, composer=None)
    kb.ingestor.ingest([home / "corpus"])
    plain = kb.answerer.with_composer(None)
    baseline = {q: (await plain.answer(q)).abstained for q in QUESTIONS}
    report: dict = {"timeout_s": timeout_s, "behaviours": {}}
    for name, play in behaviours().items():
        with OpenAIStub(script=[play]) as stub:
            config = LLMConfig(base_url=stub.base_url, model="m", timeout_s=timeout_s, breaker_failures=10**6)
            client = ChatClient(config)
            answerer = kb.answerer.with_composer(LLMComposer(client))
            extractor = VisitExtractor(client)
            answer_s, extract_s, flipped, bad = [], [], 0, []
            for _ in range(rounds):
                for q in QUESTIONS:
                    started = time.monotonic()
                    answer = await answerer.answer(q)
                    answer_s.append(time.monotonic() - started)
                    flipped += answer.abstained != baseline[q]
                for text in REPORTS:
                    started = time.monotonic()
                    draft = await extractor.extract(text, TODAY, KNOWN)
                    extract_s.append(time.monotonic() - started)
                    bad += contradictions(draft, text)
        report["behaviours"][name] = {
            "answers": len(answer_s),
            "abstained_unlike_extractive": flipped,
            "answer_max_s": round(max(answer_s), 3),
            "extract_max_s": round(max(extract_s), 3),
            "contradicting_fields": len(bad),
            "requests": len(stub.requests),
        }
    with OpenAIStub(script=[Play.hang(60)]) as stub:
        client = ChatClient(
            LLMConfig(base_url=stub.base_url, model="m", timeout_s=timeout_s, breaker_failures=3)
        )
        answerer = kb.answerer.with_composer(LLMComposer(client))
        for q in QUESTIONS[:3]:
            await answerer.answer(q)
        started = time.monotonic()
        for q in QUESTIONS * rounds:
            await answerer.answer(q)
        report["breaker"] = {
            "answers_after_opening": len(QUESTIONS) * rounds,
            "their_total_s": round(time.monotonic() - started, 3),
            "requests_sent_in_all": len(stub.requests),
        }
    shutil.rmtree(home, ignore_errors=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(run(args.timeout, args.rounds)), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
