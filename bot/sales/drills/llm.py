"""With an LLM configured: it judges each check and speaks the customer's follow-up in
character. Every call may fail (timeout, bad JSON, wrong length); the caller then falls back to
the offline scorer and the card's own follow-up line."""

from __future__ import annotations

import json
import re

from bot.sales.drills.model import Turn
from bot.sales.drills.scoring import CheckResult, Score
from knowledge.llm import ChatClient, Message
from prompts import prompt

_JSON = re.compile(r"\{.*\}", re.S)
MAX_NOTE, MAX_LINE = 60, 120
JUDGE_MAX_TOKENS, LINE_MAX_TOKENS = 300, 80  # a verdict per check; one spoken line


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
    """Judges and follow-ups through the project's one LLM client (knowledge/llm.py): its timeout,
    token limit, seed, concurrency slots and circuit breaker apply here too."""

    def __init__(self, client: ChatClient, timeout_s: float | None = None) -> None:
        self._client = client
        self._timeout_s = timeout_s

    async def _ask(self, name: str, purpose: str, max_tokens: int, **values: str) -> str:
        messages: list[Message] = [
            {"role": "system", "content": prompt(f"{name}_system").format(**values)},
            {"role": "user", "content": prompt(f"{name}_user").format(**values)},
        ]
        completion = await self._client.chat(
            messages, max_tokens=max_tokens, purpose=purpose, timeout_s=self._timeout_s
        )
        return completion.content

    async def judge(self, title: str, turn: Turn, answer: str) -> Score:
        checks = "\n".join(
            f"{i}. {c.criterion}（参考说法：{c.reference}）" for i, c in enumerate(turn.checks, 1)
        )
        reply = await self._ask(
            "drill_judge",
            "drill judge",
            JUDGE_MAX_TOKENS,
            title=title,
            customer=turn.customer,
            checks=checks,
            answer=answer,
        )
        return Score(parse_verdicts(reply, turn), judged_by="llm")

    async def follow_up(self, title: str, turn: Turn, answer: str, followup: Turn) -> str:
        reply = await self._ask(
            "drill_customer",
            "drill follow-up",
            LINE_MAX_TOKENS,
            title=title,
            customer=turn.customer,
            answer=answer,
            followup=followup.customer,
        )
        line = reply.strip().strip("“”\"'「」")
        if not line or len(line) > MAX_LINE:
            raise JudgeError("empty or overlong customer line")
        return line
