"""The drills' working parts in one place: the playbook's drills plus those managers added, the
offline scorer over the knowledge base's e5 encoder, and the LLM judge when one is configured."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from bot.sales.drills.llm import LLMJudge
from bot.sales.drills.loader import DB_PREFIX, DrillError, drill_from_mapping, drills_in
from bot.sales.drills.model import Drill, Turn
from bot.sales.drills.scoring import Encoder, OfflineScorer, Score, cached_encoder
from config import Settings
from knowledge.service import PLAYBOOKS_DIR, KnowledgeBase
from store.models import DrillDefinition

log = logging.getLogger(__name__)


def drill_from_definition(row: DrillDefinition) -> Drill | None:
    try:
        return drill_from_mapping(
            row.data, key=f"{DB_PREFIX}{row.id}", title=row.title, tags=row.tags or (), team_id=row.team_id
        )
    except DrillError as exc:  # stored before a rule changed: skip it, keep the others
        log.warning("drill definition %s is unusable: %s", row.id, exc)
        return None


class DrillCoach:
    def __init__(self, playbooks: Path, encode_many, judge: LLMJudge | None = None) -> None:
        self._playbooks = playbooks
        self.encode: Encoder = cached_encoder(encode_many)
        self.judge = judge

    @cached_property
    def playbook_drills(self) -> list[Drill]:
        return drills_in(self._playbooks)

    @cached_property
    def offline(self) -> OfflineScorer:
        return OfflineScorer(self.encode)

    def catalogue(self, definitions: Iterable[DrillDefinition]) -> list[Drill]:
        extra = [d for d in map(drill_from_definition, definitions) if d is not None]
        return [*self.playbook_drills, *extra]

    async def score(self, title: str, turn: Turn, answer: str) -> Score:
        """The LLM's verdicts when configured and working, else the offline scorer's. An answer
        proposing an illegal tactic fails every check whoever judges."""
        offline = self.offline
        if offline.violation(answer) is not None:
            return offline.score(answer, turn)
        if self.judge is not None:
            try:
                return await self.judge.judge(title, turn, answer)
            except Exception as exc:
                log.warning("LLM drill judge failed, scoring offline: %s", exc)
        return await asyncio.to_thread(offline.score, answer, turn)

    async def customer_line(self, title: str, turn: Turn, answer: str, followup: Turn) -> str:
        """The follow-up objection in the customer's voice (LLM), or the card's own line."""
        if self.judge is not None:
            try:
                return await self.judge.follow_up(title, turn, answer, followup)
            except Exception as exc:
                log.warning("LLM follow-up failed, using the card's line: %s", exc)
        return followup.customer


def coach_from_settings(settings: Settings, kb: KnowledgeBase) -> DrillCoach:
    """The coach over the knowledge base's encoder, with the LLM judge when an LLM is configured."""
    judge = None
    if settings.llm_enabled:
        from knowledge.llm import client_for

        judge = LLMJudge(client_for(settings))
    return DrillCoach(PLAYBOOKS_DIR, kb.index.embedder.embed_queries, judge)
