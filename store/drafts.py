"""Visit drafts: one row per unconfirmed report card, with optimistic concurrency.

A draft is closed (saved or discarded) by one conditional UPDATE, so of two processes pressing
确认保存 on the same card exactly one wins. A draft belongs to the team it was started in: a person
who changes team does not see it any more (``team_id``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.access import in_team
from store.conversations import StaleState
from store.models import VisitDraft, utcnow


async def create_draft(
    session: AsyncSession,
    user_id: int,
    step: str,
    data: dict[str, Any],
    visit_id: int | None = None,
    *,
    team_id: int | None,
) -> VisitDraft:
    draft = VisitDraft(
        user_id=user_id, team_id=team_id, visit_id=visit_id, step=step, data=data, status="open", version=1
    )
    session.add(draft)
    await session.flush()
    return draft


async def get_open_draft(
    session: AsyncSession, user_id: int, draft_id: int, *, team_id: int | None
) -> VisitDraft | None:
    """The user's own open draft ``draft_id`` started in ``team_id`` (None for another user's or
    team's, a closed or unknown one)."""
    return await session.scalar(
        select(VisitDraft)
        .where(
            VisitDraft.id == draft_id,
            VisitDraft.user_id == user_id,
            in_team(VisitDraft.team_id, team_id),
            VisitDraft.status == "open",
        )
        .execution_options(populate_existing=True)
    )


async def open_drafts(session: AsyncSession, user_id: int, *, team_id: int | None) -> list[VisitDraft]:
    """The user's open drafts in ``team_id``, the most recently touched first."""
    stmt = (
        select(VisitDraft)
        .where(
            VisitDraft.user_id == user_id, in_team(VisitDraft.team_id, team_id), VisitDraft.status == "open"
        )
        .order_by(VisitDraft.updated_at.desc(), VisitDraft.id.desc())
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(stmt))


async def update_draft(
    session: AsyncSession, draft: VisitDraft, step: str, data: dict[str, Any]
) -> VisitDraft:
    """Write the draft if it is still open at the version it was loaded at; StaleState if not."""
    version = draft.version
    result = await session.execute(
        update(VisitDraft)
        .where(VisitDraft.id == draft.id, VisitDraft.status == "open", VisitDraft.version == version)
        .values(step=step, data=data, version=version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise StaleState(draft.user_id, version)
    fresh = await get_open_draft(session, draft.user_id, draft.id, team_id=draft.team_id)
    assert fresh is not None
    return fresh


async def close_draft(session: AsyncSession, draft: VisitDraft, status: str) -> bool:
    """Mark the open draft saved or discarded. False if it was closed already (by another press or
    process); StaleState if it is open but was changed since it was loaded."""
    result = await session.execute(
        update(VisitDraft)
        .where(VisitDraft.id == draft.id, VisitDraft.status == "open", VisitDraft.version == draft.version)
        .values(status=status, version=draft.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    if await get_open_draft(session, draft.user_id, draft.id, team_id=draft.team_id) is not None:
        raise StaleState(draft.user_id, draft.version)
    return False
