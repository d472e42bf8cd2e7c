"""The conversation engine: who is asking (access is decided here, once), which flow or command
the input belongs to, and what to reply. Knows sales, knows nothing of any messenger."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.engine.messages import Channel, FileFetcher, Incoming, Outgoing, Reply, Result, StaleButton
from bot.engine.normalize import normalize_incoming
from bot.engine.routing import Routes
from bot.sales.localtime import local_today
from config import Settings
from knowledge.service import KnowledgeBase
from prompts import text
from store import claims, conversations, users
from store.access import Viewer
from store.conversations import StaleState
from store.db import Database
from store.models import ROLES, ConversationState, User, utcnow

if TYPE_CHECKING:
    from bot.sales.drills.coach import DrillCoach
    from bot.sales.visits.extract import VisitExtractor

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 2000
STATE_TTL = timedelta(days=1)


@dataclass
class Context:
    """Everything a handler needs for one input from one registered user."""

    engine: Engine
    user: User
    incoming: Incoming
    state: ConversationState | None
    notify: list[Outgoing] = field(default_factory=list)
    channel: Channel | None = None  # the chat being answered, for progress shown before the reply

    @property
    def viewer(self) -> Viewer:
        return Viewer.of(self.user)

    @property
    def db(self) -> Database:
        return self.engine.db

    @property
    def now(self) -> datetime:
        return self.engine.clock()

    @property
    def today(self) -> date:
        """Today in the team's time zone (COACH_TIMEZONE): what 今天/明天 typed by a rep mean."""
        return local_today(self.now, self.engine.settings.timezone)

    async def save_state(self, flow: str, step: str, data: dict[str, Any]) -> None:
        async with self.db.transaction() as session:
            self.state = await conversations.save_state(
                session, self.user.id, flow, step, data, self.state.version if self.state else None
            )

    async def clear_state(self) -> None:
        if self.state is not None:
            async with self.db.transaction() as session:
                await conversations.clear_state(session, self.user.id)
            self.state = None


def role_allows(role: str, min_role: str) -> bool:
    return ROLES.index(role) >= ROLES.index(min_role)  # type: ignore[arg-type]


class Engine:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        kb: KnowledgeBase,
        routes: Routes,
        visit_reader: VisitExtractor,
        *,
        clock: Callable[[], datetime] = utcnow,
        drill_coach: DrillCoach | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.kb = kb
        self.routes = routes  # the table is bot/routes.py
        self.visit_reader = visit_reader  # typed visit reports → drafts (rules, or an LLM)
        self.clock = clock
        self._drill_coach = drill_coach
        self._user_locks: dict[int, asyncio.Lock] = {}
        # how sent files are downloaded: set by the transport that receives them (None: files
        # cannot be fetched, e.g. in the terminal)
        self.files: FileFetcher | None = None
        # who claims scheduled messages (store/claims.py): this process, and this engine in it
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    @property
    def drill_coach(self) -> DrillCoach:
        """Practice drills: scorer, LLM judge, the playbook's drills (built on first use)."""
        if self._drill_coach is None:
            from bot.sales.drills.coach import coach_from_settings

            self._drill_coach = coach_from_settings(self.settings, self.kb)
        return self._drill_coach

    async def role_of(self, sender_id: int) -> str | None:
        """The role of a messenger user, None for a stranger (the transport sets menus by it)."""
        async with self.db.transaction() as session:
            user = await users.get_user_by_telegram_id(session, sender_id)
        return user.role if user else None

    async def leaders(self) -> list[tuple[int, str]]:
        """(messenger user id, role) of every manager and admin: the people with a larger menu."""
        async with self.db.transaction() as session:
            return [(u.telegram_id, u.role) for u in await users.list_users(session) if u.role != "rep"]

    def menu_for(self, role: str) -> list[tuple[str, str]]:
        """(command, description) pairs for the "/" menu of a role."""
        return [
            (c.name, text(f"cmd_{c.name}"))
            for c in self.routes.commands.values()
            if c.menu and role_allows(role, c.min_role)
        ]

    # ---- handling ---------------------------------------------------------------------------
    async def handle(self, incoming: Incoming, channel: Channel | None = None) -> Result:
        """``channel``: the chat, for handlers that show progress before their reply (optional)."""
        incoming = normalize_incoming(incoming)
        lock = self._user_locks.setdefault(incoming.sender_id, asyncio.Lock())
        async with lock:  # one user's inputs are handled in order; other users run concurrently
            try:
                return await self._handle(incoming, channel)
            except Exception:
                log.exception("failed to handle input from %s", incoming.sender_id)
                return Result([Reply(text("error_generic"))])

    async def _handle(self, incoming: Incoming, channel: Channel | None) -> Result:
        async with self.db.transaction() as session:
            user = await users.get_user_by_telegram_id(session, incoming.sender_id)
            state = await conversations.load_state(session, user.id) if user else None
        if user is None:
            return Result(await self._stranger(incoming))
        if state is not None and state.updated_at < self.clock() - STATE_TTL:
            async with self.db.transaction() as session:
                await conversations.clear_state(session, user.id)
            return Result([Reply(text("flow_expired"))])
        ctx = Context(self, user, incoming, state, channel=channel)
        for attempt in range(3):
            try:
                replies = await self._route(ctx)
                return Result(replies, ctx.notify)
            except StaleState:  # another process moved this conversation on: reload and retry
                async with self.db.transaction() as session:
                    ctx.state = await conversations.load_state(session, user.id)
                log.info("stale conversation state for user %s, retry %d", user.id, attempt + 1)
        return Result([Reply(text("error_busy"))])

    async def _stranger(self, incoming: Incoming) -> list[Reply]:
        if incoming.command == "start" and incoming.args:
            async with self.db.transaction() as session:
                outcome = await users.redeem_invite(
                    session, incoming.args, incoming.sender_id, incoming.sender_name
                )
            if isinstance(outcome, User):
                return [
                    Reply(text("welcome_registered", name=outcome.name, role=text(f"role_{outcome.role}")))
                ]
            return [Reply(text(f"invite_{outcome}"))]
        return [Reply(text("not_registered"))]

    async def _route(self, ctx: Context) -> list[Reply]:
        incoming = ctx.incoming
        if incoming.kind == "unsupported" or (incoming.kind == "document" and self.routes.documents is None):
            return [Reply(text("unsupported_input", what=incoming.unsupported or "这类消息"))]
        if incoming.kind == "document":
            return await self.routes.documents(ctx)  # type: ignore[misc]
        if len(incoming.text) > MAX_INPUT_CHARS:
            return [Reply(text("input_too_long", limit=MAX_INPUT_CHARS))]
        if incoming.kind == "button":
            try:
                return await self._button(ctx)
            except StaleButton:
                log.info("stale or forged button data from user %s", ctx.user.id)
                return [Reply(text("button_expired"))]
        if name := incoming.command:
            command = self.routes.commands.get(name)
            if command is None:
                return [Reply(text("unknown_command", command=name[:30]))]
            if not role_allows(ctx.user.role, command.min_role):
                return [Reply(text("not_allowed"))]
            return await command.handler(ctx)
        if ctx.state is not None and ctx.state.flow in self.routes.flows:
            return await self._continue_flow(ctx)
        if not incoming.text.strip():
            return [Reply(text("empty_input"))]
        return (await self.plain_text(ctx))[1]

    async def _button(self, ctx: Context) -> list[Reply]:
        prefix = ctx.incoming.button_prefix
        if route := self.routes.buttons.get(prefix):
            if not role_allows(ctx.user.role, route.min_role):
                return [Reply(text("not_allowed"))]
            return await route.handler(ctx)
        if ctx.state is not None and prefix == ctx.state.flow and prefix in self.routes.flows:
            return await self._continue_flow(ctx)
        return [Reply(text("button_expired"))]

    async def plain_text(self, ctx: Context, *, after: str | None = None) -> tuple[str, list[Reply]]:
        """Plain text down the chain of bot/routes.py: the first link that takes it answers (only
        the links after the one named ``after``, when given). Returns the link's name with its
        replies."""
        chain = self.routes.text_chain
        if after is not None:
            chain = chain[[link.name for link in chain].index(after) + 1 :]
        for link in chain:
            replies = await link.handler(ctx)
            if replies is not None:
                return link.name, replies
        return "", [Reply(text("empty_input"))]

    async def _continue_flow(self, ctx: Context) -> list[Reply]:
        assert ctx.state is not None
        flow = self.routes.flows[ctx.state.flow]
        if not role_allows(ctx.user.role, flow.min_role):  # the role changed since the flow began
            await ctx.clear_state()
            return [Reply(text("not_allowed"))]
        return await flow.on_input(ctx)

    # ---- scheduled work ---------------------------------------------------------------------
    async def delivered(self, outgoing: list[Outgoing], failed: list[Outgoing]) -> None:
        """The transport's report on scheduled messages: each claimed push is settled as sent, or
        as failed so that a later tick claims and sends it again."""
        failed_ids = {id(item) for item in failed}
        settled = [item for item in outgoing if item.claim is not None]
        if not settled:
            return
        async with self.db.transaction() as session:
            for item in settled:
                assert item.claim is not None
                kind, key = item.claim
                await claims.settle(session, kind, key, sent=id(item) not in failed_ids)
        if failed:
            log.warning(
                "%d scheduled messages failed to send; they are retried at the next ticks", len(failed)
            )

    async def tick(self) -> list[Outgoing]:
        """Run every scheduled job once for the current time; the transport delivers the results."""
        now = self.clock()
        outgoing: list[Outgoing] = []
        for job in self.routes.ticks:
            try:
                outgoing.extend(await job(self, now))
            except Exception:
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))
        return outgoing
