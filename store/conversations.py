"""Conversation (form) state, one row per user, with optimistic concurrency."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store._sql import insert_ignore
from store.models import ConversationState, utcnow


class StaleState(Exception):
    """Someone else changed (or created/cleared) this user's state since it was loaded."""

    def __init__(self, user_id: int, expected_version: int | None) -> None:
        super().__init__(f"conversation state of user {user_id} is not at version {expected_version}")
        self.user_id = user_id
        self.expected_version = expected_version


async def load_state(session: AsyncSession, user_id: int) -> ConversationState | None:
    return await session.scalar(
        select(ConversationState)
        .where(ConversationState.user_id == user_id)
        .execution_options(populate_existing=True)
    )


async def save_state(
    session: AsyncSession,
    user_id: int,
    flow: str,
    step: str,
    data: dict[str, Any],
    expected_version: int | None,
) -> ConversationState:
    """Write the state if it is still at ``expected_version`` (None: there must be no state yet).

    Returns the saved state (its ``version`` is the one to pass next time); raises StaleState
    on a conflict.
    """
    now = utcnow()
    if expected_version is None:
        row = {"user_id": user_id, "flow": flow, "step": step, "data": data, "version": 1, "updated_at": now}
        if not await insert_ignore(session, ConversationState, row, conflict=("user_id",)):
            raise StaleState(user_id, expected_version)
    else:
        result = await session.execute(
            update(ConversationState)
            .where(ConversationState.user_id == user_id, ConversationState.version == expected_version)
            .values(flow=flow, step=step, data=data, version=expected_version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise StaleState(user_id, expected_version)
    state = await load_state(session, user_id)
    assert state is not None
    return state


async def clear_state(session: AsyncSession, user_id: int, expected_version: int | None = None) -> bool:
    """Delete the state (only if still at ``expected_version`` when one is given)."""
    stmt = delete(ConversationState).where(ConversationState.user_id == user_id)
    if expected_version is not None:
        stmt = stmt.where(ConversationState.version == expected_version)
    result = await session.execute(stmt.execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expire_states(session: AsyncSession, older_than: datetime) -> list[int]:
    """Delete states not touched since ``older_than``; returns whose (to tell them)."""
    result = await session.execute(
        delete(ConversationState)
        .where(ConversationState.updated_at < older_than)
        .returning(ConversationState.user_id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars())
