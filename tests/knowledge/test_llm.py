"""The chat client against the stub: bounded requests, safe logs, the circuit breaker, output modes."""

import asyncio
import contextlib
import json
import logging
import time

import pytest

from knowledge.llm import (
    ChatClient,
    CircuitBreaker,
    LLMConfig,
    LLMError,
    LLMSkipped,
    client_for,
    parse_json_object,
    structured_request,
    structured_value,
)
from tests.support.openai_stub import OpenAIStub, Play

HELLO = [{"role": "user", "content": "你好"}]


def client(stub: OpenAIStub, **overrides) -> ChatClient:
    values = {"base_url": stub.base_url, "model": "qwen-test", "api_key": "sk-secret-key", "timeout_s": 2.0}
    return ChatClient(LLMConfig(**(values | overrides)))


async def test_every_request_is_bounded_and_reproducible():
    with OpenAIStub(reply="好的") as stub:
        reply = await client(stub, seed=11).chat(HELLO, max_tokens=50, purpose="test")
    [request] = stub.requests
    body = request["body"]
    assert (body["max_tokens"], body["temperature"], body["seed"]) == (50, 0.0, 11)
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-secret-key"
    assert reply.content == "好的" and reply.finish_reason == "stop"


async def test_a_long_answer_is_cut_by_max_tokens_and_says_so():
    with OpenAIStub(script=[Play("很长的回答。" * 45)]) as stub:  # 270 tokens
        reply = await client(stub).chat(HELLO, max_tokens=120, purpose="test")
    assert len(reply.content) == 120 and reply.finish_reason == "length"


@pytest.mark.parametrize(
    ("play", "reason"),
    [
        (Play.error(401, "authentication_error"), "HTTP 401 (authentication_error)"),
        (Play.error(500), "HTTP 500 (server_error)"),
        (Play.html(), "HTTP 200 but the body is text/html, not JSON"),
        (Play(body="{}"), "HTTP 200 but no choices in the reply"),
    ],
)
async def test_failures_are_logged_with_status_and_reason_never_body_or_key(caplog, play, reason):
    caplog.set_level(logging.INFO, logger="knowledge.llm")
    with OpenAIStub(script=[play]) as stub, pytest.raises(LLMError) as raised:
        await client(stub).chat(HELLO, max_tokens=50, purpose="answer")
    assert raised.value.reason == reason
    assert f"LLM answer failed: {reason}" in caplog.text
    assert "sk-secret-key" not in caplog.text and "must not log" not in caplog.text
    assert "<html" not in caplog.text.lower()


async def test_the_timeout_counts_from_sending_not_from_queueing(caplog):
    """Four concurrent requests through one slot, each taking 0.6 s against a 1 s timeout: all of
    them succeed, although the last one waits ~1.8 s for its slot."""
    with OpenAIStub(script=[Play("好", delay_s=0.6)]) as stub:
        one = client(stub, timeout_s=1.0, concurrency=1, queue_wait_s=10)
        replies = await asyncio.gather(*(one.chat(HELLO, max_tokens=5, purpose="t") for _ in range(4)))
    assert [r.content for r in replies] == ["好"] * 4
    assert all(r.elapsed_s < 1.0 for r in replies)


async def test_waiting_for_a_slot_is_bounded_too():
    with OpenAIStub(script=[Play("好", delay_s=1.0)]) as stub:
        one = client(stub, timeout_s=3.0, concurrency=1, queue_wait_s=0.2)
        results = await asyncio.gather(
            *(one.chat(HELLO, max_tokens=5, purpose="t") for _ in range(2)), return_exceptions=True
        )
    assert sum(isinstance(r, LLMSkipped) for r in results) == 1
    assert len(stub.requests) == 1


async def test_a_hanging_server_times_out_and_then_the_circuit_stops_the_waiting(caplog):
    caplog.set_level(logging.WARNING, logger="knowledge.llm")
    with OpenAIStub(script=[Play.hang(30)]) as stub:
        hanging = client(stub, timeout_s=0.3, breaker_failures=2, breaker_cooldown_s=60)
        for _ in range(2):
            with pytest.raises(LLMError, match="timeout"):
                await hanging.chat(HELLO, max_tokens=5, purpose="answer")
        started = time.monotonic()
        for _ in range(5):
            with pytest.raises(LLMSkipped, match="circuit open"):
                await hanging.chat(HELLO, max_tokens=5, purpose="answer")
        skipped_in = time.monotonic() - started
    assert len(stub.requests) == 2  # nothing was sent while the circuit was open
    assert skipped_in < 0.3  # far less than one timeout for all five
    assert caplog.text.count("LLM circuit open") == 1
    assert "no reply within 0.3 s" in caplog.text


def test_the_breaker_half_opens_after_the_cooldown_and_closes_on_success(caplog):
    now = [0.0]
    breaker = CircuitBreaker(failures=2, cooldown_s=10, clock=lambda: now[0])
    breaker.failure("HTTP 500")
    assert breaker.allow()  # one failure is not a streak
    breaker.failure("HTTP 500")
    assert not breaker.allow()
    now[0] = 10.5
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.failure("HTTP 500")  # the trial failed: open again
    assert not breaker.allow()
    now[0] = 21
    assert breaker.allow()
    breaker.success()
    assert breaker.allow() and not breaker.is_open
    assert caplog.text.count("LLM circuit open") == 2 and "LLM circuit closed" in caplog.text


async def test_a_success_resets_the_failure_streak():
    with OpenAIStub(script=[Play.error(500), Play("好"), Play.error(500), Play("好")]) as stub:
        c = client(stub, breaker_failures=2)
        for _ in range(4):
            with contextlib.suppress(LLMError):
                await c.chat(HELLO, max_tokens=5, purpose="t")
        assert not c.breaker.is_open


async def test_an_unreachable_server_is_a_transport_error():
    c = ChatClient(LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=1))
    with pytest.raises(LLMError, match="transport error"):
        await c.chat(HELLO, max_tokens=5, purpose="t")


def test_output_modes_ask_for_the_schema_in_three_ways():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert (
        structured_request("json_schema", "F", schema)["response_format"]["json_schema"]["schema"] == schema
    )
    tools = structured_request("tools", "F", schema)
    assert tools["tools"][0]["function"]["parameters"] == schema
    assert tools["tool_choice"]["function"]["name"] == "F"
    assert structured_request("json", "F", schema) == {}


@pytest.mark.parametrize(
    "reply",
    [
        '{"a": "宏达"}',
        '```json\n{"a": "宏达"}\n```',
        '好的，结果如下：{"a": "宏达"} 希望有帮助',
        'x {bad} {"a": "宏达"}',
    ],
)
def test_lenient_json_parsing(reply):
    assert parse_json_object(reply) == {"a": "宏达"}


def test_a_markdown_table_is_not_json():
    with pytest.raises(LLMError, match="no JSON object"):
        parse_json_object("| 字段 | 值 |\n|---|---|\n| 客户 | 宏达电子 |")


async def test_tool_call_arguments_are_read():
    with OpenAIStub(script=[Play(fields={"a": "宏达"})]) as stub:
        c = client(stub, output_mode="tools")
        extra = structured_request("tools", "F", {"type": "object"})
        reply = await c.chat(HELLO, max_tokens=50, purpose="t", **extra)
    assert structured_value(reply) == {"a": "宏达"}
    assert json.loads(json.dumps(stub.requests[0]["body"]["tool_choice"]))["function"]["name"] == "F"


def test_answers_and_extraction_share_one_client_per_configuration(settings):
    configured = settings.model_copy(update={"llm_base_url": "http://127.0.0.1:1/v1", "llm_model": "m"})
    assert client_for(configured) is client_for(configured.model_copy())


async def test_a_trial_that_is_cancelled_does_not_keep_the_circuit_open():
    now = [0.0]
    with OpenAIStub(script=[Play.error(500), Play.hang(30), Play("好")]) as stub:
        c = ChatClient(
            LLMConfig(
                base_url=stub.base_url, model="m", timeout_s=5, breaker_failures=1, breaker_cooldown_s=10
            ),
            clock=lambda: now[0],
        )
        with pytest.raises(LLMError):
            await c.chat(HELLO, max_tokens=5, purpose="t")
        now[0] = 11
        trial = asyncio.ensure_future(c.chat(HELLO, max_tokens=5, purpose="t"))
        await asyncio.sleep(0.3)
        trial.cancel()  # the user went away during the half-open trial
        with pytest.raises(asyncio.CancelledError):
            await trial
        reply = await c.chat(HELLO, max_tokens=5, purpose="t")  # another trial is let through
    assert reply.content == "好" and not c.breaker.is_open
