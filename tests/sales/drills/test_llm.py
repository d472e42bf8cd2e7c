"""The LLM path: verdicts and the follow-up in character from a chat model, and the fall-back to
offline scoring when the model fails or answers nonsense."""

from __future__ import annotations

import hashlib
import json

import numpy as np

from bot.sales.drills.coach import DrillCoach
from bot.sales.drills.llm import LLMJudge
from knowledge.llm import ChatClient, Completion, LLMConfig
from knowledge.service import PLAYBOOKS_DIR
from tests.support.openai_stub import OpenAIStub


def fake_encoder(texts: list[str]) -> np.ndarray:
    """Deterministic unit vectors (no model): enough to drive the offline path."""
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
        vector = np.random.default_rng(seed).normal(size=16)
        rows.append(vector / np.linalg.norm(vector))
    return np.array(rows, dtype=np.float32)


class ScriptedClient:
    """Stands in for ChatClient: hands out the scripted replies in order, counting the calls."""

    def __init__(self, replies: list[str]) -> None:
        self.replies, self.i = replies, 0

    async def chat(self, messages, *, max_tokens, purpose, timeout_s=None) -> Completion:
        assert messages[-1]["role"] == "user" and max_tokens > 0
        self.i += 1
        return Completion(self.replies[self.i - 1], "stop")


def coach(replies: list[str]) -> DrillCoach:
    return DrillCoach(PLAYBOOKS_DIR, fake_encoder, LLMJudge(ScriptedClient(replies)))


def stub_client(stub: OpenAIStub) -> ChatClient:
    return ChatClient(LLMConfig(base_url=stub.base_url, model="m", timeout_s=5, breaker_failures=100))


def price(c: DrillCoach):
    drill = next(d for d in c.playbook_drills if d.key == "pb:price-asked-early")
    return drill, drill.turn(0), drill.turn(1)


async def test_the_llm_judges_each_check_and_speaks_the_follow_up():
    verdicts = {
        "checks": [
            {"passed": True, "note": "讲了范围"},
            {"passed": False, "note": "没问需求"},
            {"passed": True, "note": "承诺锁价"},
        ]
    }
    c = coach([f"好的：{json.dumps(verdicts, ensure_ascii=False)}", "“那你先给个大概数嘛，我好交差。”"])
    drill, turn, followup = price(c)
    score = await c.score(drill.title, turn, "要看您用多少人，签合同锁价。")
    assert score.judged_by == "llm"
    assert [r.passed for r in score.results] == [True, False, True]
    assert score.results[1].note == "没问需求"
    assert await c.customer_line(drill.title, turn, "要看人数", followup) == "那你先给个大概数嘛，我好交差。"


async def test_nonsense_from_the_llm_falls_back_to_offline_scoring_and_the_cards_line():
    c = coach(['{"checks": [{"passed": true}]}', ""])  # wrong number of verdicts; an empty line
    drill, turn, followup = price(c)
    score = await c.score(drill.title, turn, "要看您用多少人")
    assert score.judged_by == "offline" and score.total == 3
    assert await c.customer_line(drill.title, turn, "x", followup) == followup.customer


async def test_an_illegal_tactic_fails_without_asking_the_llm():
    model = ScriptedClient(['{"checks": [{"passed": true}, {"passed": true}, {"passed": true}]}'])
    c = DrillCoach(PLAYBOOKS_DIR, fake_encoder, LLMJudge(model))
    drill, turn, _ = price(c)
    score = await c.score(drill.title, turn, "签了我给您个人好处费，保证不会被查。")
    assert score.violation is not None and score.passed == 0 and score.judged_by == "offline"
    assert model.i == 0  # never called


async def test_an_openai_compatible_server_error_falls_back_offline():
    with OpenAIStub(status=500) as stub:
        c = DrillCoach(PLAYBOOKS_DIR, fake_encoder, LLMJudge(stub_client(stub)))
        drill, turn, _ = price(c)
        score = await c.score(drill.title, turn, "要看您用多少人")
    assert stub.requests and score.judged_by == "offline"


async def test_an_openai_compatible_server_judges_through_the_client():
    verdicts = {"checks": [{"passed": True, "note": "a"}, {"passed": True, "note": "b"}, {"passed": False}]}
    with OpenAIStub(reply=json.dumps(verdicts)) as stub:
        c = DrillCoach(PLAYBOOKS_DIR, fake_encoder, LLMJudge(stub_client(stub)))
        drill, turn, _ = price(c)
        score = await c.score(drill.title, turn, "要看您用多少人")
    assert score.judged_by == "llm" and score.passed == 2
    sent = stub.requests[0]["body"]["messages"][-1]["content"]
    assert "要看您用多少人" in sent and "先问需求再报价" in sent
