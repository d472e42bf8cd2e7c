"""Each visit card is a draft of its own (a ``visit_drafts`` row): the form machine's slot for it,
and the buttons ``vd:<draft id>:<action>…`` that act on exactly that card."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.core import STATE_TTL, Context
from prompts import text
from store import drafts
from store.models import VisitDraft

DRAFT_PREFIX = "vd"
DRAFT_TTL: timedelta = STATE_TTL  # a half-filled draft untouched this long is dropped (and said so)


class DraftSlot:
    """The form machine's slot kept in one draft row; ``begin`` creates the row."""

    def __init__(self, user_id: int, draft: VisitDraft | None = None, *, visit_id: int | None = None) -> None:
        self.user_id = user_id
        self.draft = draft
        self.visit_id = draft.visit_id if draft is not None else visit_id

    @property
    def prefix(self) -> str:
        assert self.draft is not None
        return f"{DRAFT_PREFIX}:{self.draft.id}"

    @property
    def step(self) -> str:
        return self.draft.step if self.draft is not None else ""

    @property
    def data(self) -> dict[str, Any]:
        return copy.deepcopy(self.draft.data) if self.draft is not None else {}

    async def begin(self, ctx: Context, step: str, data: dict[str, Any]) -> None:
        async with ctx.db.transaction() as session:
            self.draft = await drafts.create_draft(
                session, self.user_id, step, data, self.visit_id, team_id=ctx.user.team_id
            )

    async def store(self, ctx: Context, step: str, data: dict[str, Any]) -> None:
        assert self.draft is not None
        async with ctx.db.transaction() as session:
            self.draft = await drafts.update_draft(session, self.draft, step, data)

    async def drop(self, ctx: Context) -> None:
        assert self.draft is not None
        async with ctx.db.transaction() as session:
            await drafts.close_draft(session, self.draft, "discarded")

    async def close(self, ctx: Context, session: AsyncSession) -> bool:
        assert self.draft is not None
        return await drafts.close_draft(session, self.draft, "saved")


def draft_name(draft: VisitDraft) -> str:
    """What a rep calls this draft: its customer, or that it has none yet."""
    customer = (draft.data.get("values") or {}).get("customer") or {}
    return str(customer.get("name") or text("visit_draft_no_customer"))


async def my_open_drafts(ctx: Context) -> list[VisitDraft]:
    async with ctx.db.transaction() as session:
        return await drafts.open_drafts(session, ctx.user.id, team_id=ctx.user.team_id)


async def my_draft(ctx: Context, draft_id: int) -> VisitDraft | None:
    async with ctx.db.transaction() as session:
        return await drafts.get_open_draft(session, ctx.user.id, draft_id, team_id=ctx.user.team_id)


async def discard(ctx: Context, draft: VisitDraft) -> bool:
    async with ctx.db.transaction() as session:
        return await drafts.close_draft(session, draft, "discarded")
