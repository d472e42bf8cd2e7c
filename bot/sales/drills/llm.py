"""With an LLM configured: it judges each check and speaks the customer's follow-up in
character. Every call may fail (timeout, bad JSON, wrong length); the caller then falls back to
the offline scorer and the card's own follow-up line."""

from __future__ import annotations

import asyncio
import json
import re

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from bot.sales.drills.model import Turn
from bot.sales.drills.scoring import CheckResult, Score
from prompts import prompt

_JSON = re.compile(r"\{.*\}", re.S)
MAX_NOTE, MAX_LINE = 60, 120


class JudgeError(ValueError):
    pass


def parse_verdicts(reply: str, turn: Turn) -> tuple[CheckResult, ...]:
    found = _JSON.search(reply)
    if found is None:
        raise JudgeError("no JSON object in the reply")
    raw = json.loads(found.group(0)).get("checks")
    if not isinstance(raw, list) or len(raw) != len(turn.checks):
        raise JudgeError("wrong number of verdicts")
    results = []
    for check, item in zip(turn.checks, raw, strict=True):
        if not isinstance(item, dict) or not isinstance(item.get("passed"), bool):
            raise JudgeError("a verdict without a boolean 'passed'")
        results.append(CheckResult(check, item["passed"], str(item.get("note") or "").strip()[:MAX_NOTE]))
    return tuple(results)


class LLMJudge:
    def __init__(self, model: BaseChatModel, timeout_s: float) -> None:
        parser = StrOutputParser()
        self._judge = (
            ChatPromptTemplate.from_messages(
                [("system", prompt("drill_judge_system")), ("human", prompt("drill_judge_user"))]
            )
            | model
            | parser
        )
        self._customer = (
            ChatPromptTemplate.from_messages(
                [("system", prompt("drill_customer_system")), ("human", prompt("drill_customer_user"))]
            )
            | model
            | parser
        )
        self._timeout_s = timeout_s

    async def judge(self, title: str, turn: Turn, answer: str) -> Score:
        checks = "\n".join(
            f"{i}. {c.criterion}（参考说法：{c.reference}）" for i, c in enumerate(turn.checks, 1)
        )
        reply = await asyncio.wait_for(
            self._judge.ainvoke(
                {"title": title, "customer": turn.customer, "checks": checks, "answer": answer}
            ),
            timeout=self._timeout_s,
        )
        return Score(parse_verdicts(reply, turn), judged_by="llm")

    async def follow_up(self, title: str, turn: Turn, answer: str, followup: Turn) -> str:
        reply = await asyncio.wait_for(
            self._customer.ainvoke(
                {"title": title, "customer": turn.customer, "answer": answer, "followup": followup.customer}
            ),
            timeout=self._timeout_s,
        )
        line = reply.strip().strip("“”\"'「」")
        if not line or len(line) > MAX_LINE:
            raise JudgeError("empty or overlong customer line")
        return line
