"""Knowledge usage: which sources (taught cards and documents) were shown under the answers a
team's members got, and the 👍/👎 those answers received."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import SOURCE_KINDS, AnswerSource, Feedback


@dataclass(frozen=True)
class SourceUse:
    source: str  # the label shown under the answer (a document's name, or card:<id>)
    kind: str  # one of SOURCE_KINDS
    answers: int  # answers it was shown under
    up: int  # 👍 on those answers
    down: int  # 👎 on those answers
    last_used: datetime


async def record_sources(
    session: AsyncSession, feedback: Feedback, sources: Sequence[tuple[str, str]]
) -> None:
    """The (label, kind) of each source shown under ``feedback``'s answer, first shown first; the
    feedback's team is theirs."""
    seen: set[str] = set()
    for rank, (label, kind) in enumerate(sources, 1):
        if kind not in SOURCE_KINDS:
            raise ValueError(f"unknown source kind {kind!r}")
        if label in seen:
            continue
        seen.add(label)
        session.add(
            AnswerSource(
                feedback_id=feedback.id,
                team_id=feedback.team_id,
                source=label[:300],
                kind=kind,
                rank=rank,
                created_at=feedback.created_at,
            )
        )
    await session.flush()


async def source_usage(session: AsyncSession, team_id: int | None, since: datetime) -> list[SourceUse]:
    """Every source shown to ``team_id``'s members (None: people with no team) since ``since``,
    most answers first."""
    team = AnswerSource.team_id.is_(None) if team_id is None else AnswerSource.team_id == team_id
    answers = func.count(AnswerSource.feedback_id.distinct())
    stmt = (
        select(
            AnswerSource.source,
            AnswerSource.kind,
            answers.label("answers"),
            func.sum(case((Feedback.vote == 1, 1), else_=0)).label("up"),
            func.sum(case((Feedback.vote == -1, 1), else_=0)).label("down"),
            func.max(AnswerSource.created_at).label("last_used"),
        )
        .join(Feedback, Feedback.id == AnswerSource.feedback_id)
        .where(team, AnswerSource.created_at >= since)
        .group_by(AnswerSource.source, AnswerSource.kind)
        .order_by(answers.desc(), AnswerSource.source)
    )
    return [
        SourceUse(r.source, r.kind, int(r.answers), int(r.up or 0), int(r.down or 0), r.last_used)
        for r in await session.execute(stmt)
    ]


async def answers_since(session: AsyncSession, team_id: int | None, since: datetime) -> int:
    """Answers with at least one source recorded, given to ``team_id``'s members since ``since``."""
    team = AnswerSource.team_id.is_(None) if team_id is None else AnswerSource.team_id == team_id
    stmt = select(func.count(AnswerSource.feedback_id.distinct())).where(
        team, AnswerSource.created_at >= since
    )
    return int(await session.scalar(stmt) or 0)
