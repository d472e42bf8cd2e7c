"""Knowledge gaps (questions the coach could not answer well), feedback, and playbook cards."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.access import Viewer, visible
from store.models import GAP_REASONS, Feedback, KnowledgeGap, PlaybookCard, User, utcnow

_LEADING = re.compile(r"^(请问|请教|问一下|问下|我想问)")
_TRAILING = re.compile(r"(呢|吗|呀|啊|吧|么)+$")


def normalize_question(text: str) -> str:
    """Key for grouping the same question asked differently: NFKC, case-folded, no spaces or
    punctuation, no 请问… / …吗 wrappers."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
    text = _TRAILING.sub("", _LEADING.sub("", text))
    return text[:500]


@dataclass(frozen=True)
class GapGroup:
    normalized_question: str
    question: str  # the latest wording
    count: int
    users: int
    last_asked: datetime
    gap_ids: tuple[int, ...]


async def record_gap(
    session: AsyncSession, user_id: int | None, team_id: int | None, question: str, reason: str
) -> KnowledgeGap:
    if reason not in GAP_REASONS:
        raise ValueError(f"unknown gap reason {reason!r}")
    gap = KnowledgeGap(
        user_id=user_id,
        team_id=team_id,
        question=question.strip(),
        normalized_question=normalize_question(question),
        reason=reason,
    )
    session.add(gap)
    await session.flush()
    return gap


async def list_gaps(
    session: AsyncSession, viewer: Viewer, *, include_resolved: bool = False, limit: int = 20
) -> list[GapGroup]:
    """Gaps the viewer may see, grouped by normalized question, most frequent first."""
    base = select(KnowledgeGap)
    if not include_resolved:
        base = base.where(KnowledgeGap.resolved_by_card_id.is_(None))
    base = visible(viewer, base, owner_col=KnowledgeGap.user_id, team_col=KnowledgeGap.team_id)
    gaps = base.subquery()
    last = func.max(gaps.c.created_at)
    grouped = (
        select(
            gaps.c.normalized_question,
            func.count().label("n"),
            func.count(gaps.c.user_id.distinct()).label("users"),
            last.label("last"),
        )
        .group_by(gaps.c.normalized_question)
        .order_by(func.count().desc(), last.desc(), gaps.c.normalized_question)
        .limit(limit)
    )
    rows = (await session.execute(grouped)).all()
    if not rows:
        return []
    keys = [r.normalized_question for r in rows]
    members = await session.execute(
        select(gaps.c.normalized_question, gaps.c.id, gaps.c.question)
        .where(gaps.c.normalized_question.in_(keys))
        .order_by(gaps.c.created_at, gaps.c.id)
    )
    ids: dict[str, list[int]] = {k: [] for k in keys}
    latest: dict[str, str] = {}
    for key, gap_id, question in members:
        ids[key].append(gap_id)
        latest[key] = question
    result = []
    for r in rows:
        result.append(
            GapGroup(
                normalized_question=r.normalized_question,
                question=latest[r.normalized_question],
                count=r.n,
                users=r.users,
                last_asked=r.last,
                gap_ids=tuple(ids[r.normalized_question]),
            )
        )
    return result


async def gap_visible(session: AsyncSession, viewer: Viewer, gap_id: int) -> bool:
    """Whether gap ``gap_id`` exists and the viewer may see it (answered or not)."""
    stmt = visible(
        viewer,
        select(KnowledgeGap.id).where(KnowledgeGap.id == gap_id),
        owner_col=KnowledgeGap.user_id,
        team_col=KnowledgeGap.team_id,
    )
    return await session.scalar(stmt) is not None


async def record_feedback(
    session: AsyncSession,
    user_id: int,
    question: str,
    answer: str,
    sources: Sequence[Any],
    vote: int,
) -> Feedback:
    """A 👍 (+1) or 👎 (-1). Recording the matching 'downvoted' gap is the caller's choice."""
    if vote not in (1, -1):
        raise ValueError("vote must be +1 or -1")
    feedback = Feedback(user_id=user_id, question=question, answer=answer, sources=list(sources), vote=vote)
    session.add(feedback)
    await session.flush()
    return feedback


async def record_answer(
    session: AsyncSession,
    user_id: int,
    question: str,
    answer: str,
    sources: Sequence[Any],
    *,
    team_id: int | None = None,
) -> Feedback:
    """An answer as given, before any vote: its id goes into the 👍/👎 buttons. ``team_id``: the
    asker's team, so that votes count per team."""
    feedback = Feedback(
        user_id=user_id, team_id=team_id, question=question, answer=answer, sources=list(sources), vote=None
    )
    session.add(feedback)
    await session.flush()
    return feedback


async def set_vote(session: AsyncSession, feedback_id: int, user_id: int, vote: int) -> Feedback | None:
    """Record (or change) a vote on an answer given to this user; None when it is not theirs."""
    if vote not in (1, -1):
        raise ValueError("vote must be +1 or -1")
    feedback = await session.get(Feedback, feedback_id)
    if feedback is None or feedback.user_id != user_id:
        return None
    feedback.vote = vote
    await session.flush()
    return feedback


async def add_card(
    session: AsyncSession,
    title: str,
    script: str,
    *,
    tags: Iterable[str] = (),
    created_by: int | None = None,
    team_id: int | None = None,
) -> PlaybookCard:
    card = PlaybookCard(
        title=title.strip(), script=script.strip(), tags=list(tags), created_by=created_by, team_id=team_id
    )
    session.add(card)
    await session.flush()
    return card


async def get_card(session: AsyncSession, card_id: int) -> PlaybookCard | None:
    return await session.get(PlaybookCard, card_id)


async def list_cards(
    session: AsyncSession, team_id: int | None = None, *, all_teams: bool = False
) -> list[PlaybookCard]:
    """Cards for everyone plus ``team_id``'s own (or every card with ``all_teams``)."""
    stmt = select(PlaybookCard).order_by(PlaybookCard.id)
    if not all_teams:
        stmt = stmt.where(or_(PlaybookCard.team_id.is_(None), PlaybookCard.team_id == team_id))
    return list(await session.scalars(stmt))


async def resolve_gaps(
    session: AsyncSession, card: PlaybookCard, questions: Iterable[str]
) -> list[KnowledgeGap]:
    """Mark the open gaps asking any of ``questions`` (normalized here) as answered by ``card``,
    within the card's reach (its team, or every team for a global card). Returns those gaps."""
    keys = sorted({normalize_question(q) for q in questions} - {""})
    if not keys:
        return []
    scope = [KnowledgeGap.resolved_by_card_id.is_(None), KnowledgeGap.normalized_question.in_(keys)]
    if card.team_id is not None:
        scope.append(KnowledgeGap.team_id == card.team_id)
    ids = list(await session.scalars(select(KnowledgeGap.id).where(*scope)))
    if ids:
        await session.execute(
            update(KnowledgeGap)
            .where(KnowledgeGap.id.in_(ids), KnowledgeGap.resolved_by_card_id.is_(None))
            .values(resolved_by_card_id=card.id)
        )
    return await gaps_for_card(session, card.id)


async def gaps_for_card(session: AsyncSession, card_id: int) -> list[KnowledgeGap]:
    return list(
        await session.scalars(
            select(KnowledgeGap)
            .where(KnowledgeGap.resolved_by_card_id == card_id)
            .order_by(KnowledgeGap.id)
            .execution_options(populate_existing=True)
        )
    )


async def users_to_notify(session: AsyncSession, card_id: int) -> list[int]:
    """Who asked a question this card now answers and has not been told yet, while still in the
    team they asked in (someone who moved to another team is not sent the old team's card)."""
    return sorted(
        await session.scalars(
            select(KnowledgeGap.user_id)
            .join(User, KnowledgeGap.user_id == User.id)
            .where(
                KnowledgeGap.resolved_by_card_id == card_id,
                KnowledgeGap.notified_at.is_(None),
                KnowledgeGap.team_id.is_not_distinct_from(User.team_id),
            )
            .distinct()
        )
    )


async def mark_notified(
    session: AsyncSession, card_id: int, user_ids: Iterable[int] | None = None, *, at: datetime | None = None
) -> int:
    stmt = update(KnowledgeGap).where(
        KnowledgeGap.resolved_by_card_id == card_id, KnowledgeGap.notified_at.is_(None)
    )
    if user_ids is not None:
        stmt = stmt.where(KnowledgeGap.user_id.in_(list(user_ids)))
    result = await session.execute(stmt.values(notified_at=at or utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
