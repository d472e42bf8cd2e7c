"""One small client for any OpenAI-compatible chat-completions endpoint (llama.cpp, vLLM, OpenAI …).

Bounded: every request carries ``max_tokens``, temperature and a fixed seed; its timeout counts from the
moment it is sent — a slot (``llm_concurrency``) is taken first, and waiting for one is bounded on its
own (``llm_queue_wait_s``). A circuit breaker skips the server for a while after consecutive failures.
Observable: a failure is logged once, with its status code and a short reason — never a body or the key.
Callers catch :class:`LLMError` and fall back to the answer they would give without an LLM.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from config import Settings

log = logging.getLogger(__name__)

OutputMode = Literal["json_schema", "tools", "json"]
Message = dict[str, str]
_TOKEN = re.compile(r"[^A-Za-z0-9_./-]+")


class LLMError(Exception):
    """The LLM gave no usable reply. `reason` is short and safe to log (no body, no key)."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class LLMSkipped(LLMError):
    """No request was sent: the circuit is open, or no slot came free in time."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 20.0
    queue_wait_s: float = 10.0
    concurrency: int = 1
    answer_max_tokens: int = 220
    extract_max_tokens: int = 320
    seed: int = 7
    temperature: float = 0.0
    output_mode: OutputMode = "json_schema"
    breaker_failures: int = 3
    breaker_cooldown_s: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig:
        assert settings.llm_base_url and settings.llm_model
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=key,
            timeout_s=settings.llm_timeout_s,
            queue_wait_s=settings.llm_queue_wait_s,
            concurrency=settings.llm_concurrency,
            answer_max_tokens=settings.llm_answer_max_tokens,
            extract_max_tokens=settings.llm_extract_max_tokens,
            seed=settings.llm_seed,
            temperature=settings.llm_temperature,
            output_mode=settings.llm_output_mode,
            breaker_failures=settings.llm_breaker_failures,
            breaker_cooldown_s=settings.llm_breaker_cooldown_s,
        )


class CircuitBreaker:
    """After `failures` consecutive failures, refuse for `cooldown_s`; then let one trial through
    (half-open): its success closes the circuit, its failure opens it again. Each opening and each
    recovery is logged once."""

    def __init__(self, failures: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._streak = 0
        self._open_until: float | None = None
        self._trial_in_flight = False

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def allow(self) -> bool:
        if self._open_until is None:
            return True
        if self._clock() < self._open_until or self._trial_in_flight:
            return False
        self._trial_in_flight = True  # half-open: this caller is the trial
        return True

    def success(self) -> None:
        if self._open_until is not None:
            log.warning("LLM circuit closed: the server answers again")
        self._streak = 0
        self._open_until = None
        self._trial_in_flight = False

    def abandon(self) -> None:
        self._trial_in_flight = False

    def failure(self, reason: str) -> None:
        self._streak += 1
        was_trial, self._trial_in_flight = self._trial_in_flight, False
        if was_trial or (self._open_until is None and self._streak >= self.failures):
            self._open_until = self._clock() + self.cooldown_s
            log.warning(
                "LLM circuit open: skipping the LLM for %.0f s after %d consecutive failures (last: %s)",
                self.cooldown_s,
                self._streak,
                reason,
            )


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str | None
    tool_arguments: Any = None  # the first tool call's arguments (a JSON string or an object)
    completion_tokens: int | None = None
    elapsed_s: float = 0.0  # from sending to the reply


def _short(value: object) -> str:
    return _TOKEN.sub("", str(value))[:40]


def _error_reason(response: httpx.Response) -> str:
    reason = f"HTTP {response.status_code}"
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return reason
    kind = error.get("type") or error.get("code") if isinstance(error, dict) else None
    return f"{reason} ({_short(kind)})" if kind else reason


def _completion(response: httpx.Response, elapsed_s: float) -> Completion:
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    try:
        data = response.json()
    except ValueError:
        raise LLMError(f"HTTP {response.status_code} but the body is {_short(kind)}, not JSON", 200) from None
    choices = data.get("choices") if isinstance(data, dict) else None
    if not choices or not isinstance(choices[0], dict):
        raise LLMError("HTTP 200 but no choices in the reply", 200)
    message = choices[0].get("message") or {}
    calls = message.get("tool_calls") or []
    arguments = None
    if calls and isinstance(calls[0], dict):
        arguments = (calls[0].get("function") or {}).get("arguments")
    usage = data.get("usage") or {}
    return Completion(
        content=message.get("content") or "",
        finish_reason=choices[0].get("finish_reason"),
        tool_arguments=arguments,
        completion_tokens=usage.get("completion_tokens"),
        elapsed_s=elapsed_s,
    )


class ChatClient:
    def __init__(self, config: LLMConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.breaker = CircuitBreaker(config.breaker_failures, config.breaker_cooldown_s, clock)
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._slots:
            self._slots[loop] = asyncio.Semaphore(self.config.concurrency)
        return self._slots[loop]

    async def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int,
        purpose: str,
        timeout_s: float | None = None,
        **extra: Any,
    ) -> Completion:
        """One chat completion. Raises LLMError (already logged) when there is no usable reply."""
        if not self.breaker.allow():
            raise LLMSkipped("circuit open")
        trial = self.breaker.is_open  # let through while open: this request is the half-open trial
        slot = self._slot()
        try:
            try:
                async with asyncio.timeout(self.config.queue_wait_s):
                    await slot.acquire()
            except TimeoutError:
                log.warning("LLM %s skipped: no free slot within %.1f s", purpose, self.config.queue_wait_s)
                raise LLMSkipped("no free slot") from None
            try:
                timeout_s = timeout_s or self.config.timeout_s
                return await self._send(messages, max_tokens, purpose, timeout_s, extra)
            finally:
                slot.release()
        finally:
            if trial:
                self.breaker.abandon()  # a trial that ended without a verdict (skipped, cancelled)

    async def _send(
        self, messages: list[Message], max_tokens: int, purpose: str, timeout_s: float, extra: dict
    ) -> Completion:
        body = {
            "model": self.config.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": self.config.temperature,
            "seed": self.config.seed,
            **extra,
        }
        headers = {"Authorization": f"Bearer {self.config.api_key}"} if self.config.api_key else {}
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout_s):
                async with httpx.AsyncClient(timeout=timeout_s) as http:
                    response = await http.post(
                        f"{self.config.base_url}/chat/completions", json=body, headers=headers
                    )
            if response.status_code != 200:
                raise LLMError(_error_reason(response), response.status_code)
            completion = _completion(response, time.monotonic() - started)
        except LLMError as exc:
            self._failed(purpose, exc.reason)
            raise
        except (TimeoutError, httpx.TimeoutException):
            self._failed(purpose, f"no reply within {timeout_s:.1f} s")
            raise LLMError("timeout") from None
        except httpx.HTTPError as exc:
            reason = f"transport error ({type(exc).__name__})"
            self._failed(purpose, reason)
            raise LLMError(reason) from None
        self.breaker.success()
        return completion

    def _failed(self, purpose: str, reason: str) -> None:
        log.warning("LLM %s failed: %s", purpose, reason)
        self.breaker.failure(reason)


# ---------------------------------------------------------------- structured output


def parse_json_object(text: str) -> dict:
    """The first JSON object in a reply that may wrap it in prose or a code fence."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text or ""):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise LLMError("the reply holds no JSON object")


def structured_request(mode: OutputMode, name: str, schema: dict) -> dict:
    """The request fields that make a server return `schema` in the chosen output mode."""
    if mode == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}}
    if mode == "tools":
        return {
            "tools": [{"type": "function", "function": {"name": name, "parameters": schema}}],
            "tool_choice": {"type": "function", "function": {"name": name}},
        }
    return {}  # plain JSON: the prompt asks for it and the reply is parsed leniently


def structured_value(completion: Completion) -> dict:
    arguments = completion.tool_arguments
    if isinstance(arguments, dict):
        return arguments
    if isinstance(arguments, str) and arguments.strip():
        return parse_json_object(arguments)
    return parse_json_object(completion.content)


def client_for(settings: Settings) -> ChatClient:
    """The one client per configuration, so answers and visit extraction share its slots and breaker."""
    return _client(LLMConfig.from_settings(settings))


_CLIENTS: dict[LLMConfig, ChatClient] = {}


def _client(config: LLMConfig) -> ChatClient:
    if config not in _CLIENTS:
        _CLIENTS[config] = ChatClient(config)
    return _CLIENTS[config]
