"""LLM-composed answers that are never worse than the extractive one.

The answerer asks the composer only when the retrieval signals would answer, so a composed answer
either passes the grounding checks here or is dropped (None) and the extractive answer is shown — an
LLM's NO_ANSWER never becomes an abstention (nor a knowledge gap). The checks:

- every sentence is attributed to the source it overlaps most (character bigrams, after the same
  normalization as the index), whether or not the model wrote ``[n]``; a citation the source does not
  support is replaced, a sentence no source supports is dropped;
- the answer is rejected when too little of it is supported (it strays from the sources) or when,
  once the source titles are taken out, almost nothing is left (it only restates a title);
- a rejected answer gets one repair request, within the same time budget; then the composer gives up.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.answer import ANSWER_CHARS, Source
from knowledge.chunk import sentences
from knowledge.llm import ChatClient, LLMError, Message
from knowledge.overlap import bigrams, content, support
from prompts import prompt

log = logging.getLogger(__name__)

NO_ANSWER = "NO_ANSWER"
MIN_REPAIR_S = 1.0  # don't start a repair request with less time than this left
_CITATION = re.compile(r"\s*\[(\d+)\]")
_CITATION_AFTER_END = re.compile(r"([。！？!?；;])\s*((?:\[\d+\]\s*)+)")
_END = "。！？!?；;…"
_TUNING_FILE = Path(__file__).with_name("grounding.yaml")


@dataclass(frozen=True)
class GroundingRule:
    """Thresholds chosen on the tuning half of `python -m bench.grounding` (see knowledge/grounding.yaml)."""

    min_sentence_support: float = 0.35  # share of a sentence's bigrams found in one source to attribute it
    min_supported_share: float = 0.3  # share of the answer's content (characters) that must be attributed
    min_new_chars: int = 10  # content characters left once the source titles are removed
    glue_chars: int = 4  # sentences shorter than this (记住：) need no source

    @classmethod
    def load(cls, path: Path = _TUNING_FILE) -> GroundingRule:
        return cls(**yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Verdict:
    text: str | None  # the grounded answer with its [n], or None when rejected
    reason: str  # why it was rejected, for the log


def _with_citation(sentence: str, n: int) -> str:
    body = _CITATION.sub("", sentence).rstrip()
    stripped = body.rstrip(_END)
    return f"{stripped} [{n}]{body[len(stripped) :]}"


def _trim(parts: list[str]) -> list[str]:
    kept: list[str] = []
    for part in parts:
        if kept and sum(map(len, kept)) + len(part) > ANSWER_CHARS + 40:
            break
        kept.append(part)
    return kept


def ground(reply: str, sources: list[Source], rule: GroundingRule, *, truncated: bool = False) -> Verdict:
    """Attribute each sentence of a composed reply to a source, or reject the reply."""
    reply = _CITATION_AFTER_END.sub(lambda m: m[2].strip() + m[1], reply.strip())
    parts = sentences(reply.replace("\n", ""))
    if truncated and parts and not parts[-1].rstrip().endswith(tuple(_END)):
        parts = parts[:-1]  # cut off by max_tokens: drop the unfinished sentence
    source_grams = [bigrams(content(f"{s.title}{s.text}")) for s in sources]
    kept: list[str] = []
    total = supported = 0
    for part in parts:
        text = content(part)
        if len(text) < rule.glue_chars:
            kept.append(_CITATION.sub("", part))
            continue
        total += len(text)
        grams = bigrams(text)
        scores = [support(grams, g) for g in source_grams]
        cited = [int(n) for n in _CITATION.findall(part) if 1 <= int(n) <= len(sources)]
        trusted = [n for n in cited if scores[n - 1] >= rule.min_sentence_support]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if trusted:
            n = max(trusted, key=lambda n: scores[n - 1])
        elif best is not None and scores[best] >= rule.min_sentence_support:
            n = best + 1
        else:
            continue  # no source says this: drop the sentence
        supported += len(text)
        kept.append(_with_citation(part, n))
    if not total:
        return Verdict(None, "empty answer")
    if supported / total < rule.min_supported_share:
        return Verdict(None, f"only {supported / total:.0%} of the answer matches the sources")
    left = content("".join(kept))
    for title in sorted({content(s.title) for s in sources}, key=len, reverse=True):
        if title:
            left = left.replace(title, "")
    if len(left) < rule.min_new_chars:
        return Verdict(None, "the answer only restates a source title")
    return Verdict("".join(_trim(kept)).strip(), "")


class LLMComposer:
    """The Composer of knowledge.answer: a grounded answer citing [n], or None (answer extractively)."""

    def __init__(self, client: ChatClient, rule: GroundingRule | None = None) -> None:
        self.client = client
        self.rule = rule or GroundingRule.load()

    def _messages(self, question: str, sources: list[Source]) -> list[Message]:
        context = "\n\n".join(f"[{i}] {s.title}\n{s.text}" for i, s in enumerate(sources, 1))
        return [
            {"role": "system", "content": prompt("answer_system")},
            {"role": "user", "content": prompt("answer_user").format(context=context, question=question)},
        ]

    async def compose(self, question: str, sources: list[Source]) -> str | None:
        config = self.client.config
        messages = self._messages(question, sources)
        reply = await self.client.chat(messages, max_tokens=config.answer_max_tokens, purpose="answer")
        verdict = self._check(reply.content, sources, reply.finish_reason)
        if verdict.text is not None or verdict.reason == NO_ANSWER:
            return verdict.text
        left = config.timeout_s - reply.elapsed_s  # one time budget, counted from sending
        if left < MIN_REPAIR_S:
            log.info("LLM answer rejected (%s); no time left to repair it", verdict.reason)
            return None
        log.info("LLM answer rejected (%s); asking once for a repair", verdict.reason)
        repair = [
            *messages,
            {"role": "assistant", "content": reply.content},
            {"role": "user", "content": prompt("answer_repair")},
        ]
        try:
            async with asyncio.timeout(left):  # waiting for a slot counts too: the user is waiting
                again = await self.client.chat(
                    repair, max_tokens=config.answer_max_tokens, purpose="answer repair", timeout_s=left
                )
        except (LLMError, TimeoutError):
            return None
        verdict = self._check(again.content, sources, again.finish_reason)
        if verdict.text is None and verdict.reason != NO_ANSWER:
            log.info("LLM repaired answer rejected too (%s)", verdict.reason)
        return verdict.text

    def _check(self, reply: str, sources: list[Source], finish_reason: str | None) -> Verdict:
        if NO_ANSWER in reply:
            # the retrieval signals do answer (the answerer asked), so this is not an abstention
            log.info("LLM said NO_ANSWER to a question retrieval answers; answering extractively")
            return Verdict(None, NO_ANSWER)
        return ground(reply, sources, self.rule, truncated=finish_reason == "length")
