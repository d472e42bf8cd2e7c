"""The knowledge-gap loop for managers: /gaps lists the questions the coach could not answer (or
that got 👎), most frequent first, similar wordings grouped; /teach writes an answer card for one,
which is indexed at once, and the reps who asked are told that an answer now exists."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.core import Context, Engine
from bot.engine.messages import Button, Outgoing, Reply
from bot.forms import buttons
from bot.forms.buttons import button_data
from knowledge.taught_answers import index_taught_answer
from prompts import text
from store import knowledge, users
from store.knowledge import GapGroup

log = logging.getLogger(__name__)

FLOW = "teach"
PICK = "gteach"  # button "gteach:<gap id>" or "gteach:free", from /gaps and /teach
SHOWN = 10
SIMILAR = 0.5  # word overlap (Jaccard) from which two wordings count as one question
MAX_QUESTIONS = 20
TITLE_LIMIT, SCRIPT_LIMIT = 100, 1500


@dataclass
class GapTopic:
    """Gap groups with similar wordings, merged."""

    question: str  # the wording of its most frequent group
    count: int
    users: int
    last_asked: datetime
    gap_ids: list[int]
    questions: list[str]


def similarity(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two questions' search words (stopwords gone, synonyms folded)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def merge_similar(
    groups: list[GapGroup], tokens: Callable[[str], Iterable[str]], threshold: float = SIMILAR
) -> list[GapTopic]:
    """Merge groups whose wordings share most of their words into one topic."""
    topics: list[tuple[list[set[str]], GapTopic]] = []
    for group in groups:  # most frequent first: the first of a kind names the topic
        words = set(tokens(group.question)) or {group.normalized_question}
        for members, topic in topics:
            if max(similarity(words, m) for m in members) >= threshold:
                members.append(words)
                topic.count += group.count
                topic.users += group.users
                topic.last_asked = max(topic.last_asked, group.last_asked)
                topic.gap_ids.extend(group.gap_ids)
                topic.questions.append(group.question)
                break
        else:
            topic = GapTopic(
                group.question,
                group.count,
                group.users,
                group.last_asked,
                list(group.gap_ids),
                [group.question],
            )
            topics.append(([words], topic))
    return sorted((t for _, t in topics), key=lambda t: (-t.count, -t.last_asked.timestamp()))


async def open_topics(ctx: Context) -> list[GapTopic]:
    async with ctx.db.transaction() as session:
        groups = await knowledge.list_gaps(session, ctx.viewer, limit=200)
    return merge_similar(groups, ctx.engine.kb.tokenizer.tokens)


def topics_reply(topics: list[GapTopic], header: str, *, free_button: bool = False) -> Reply:
    lines = []
    for i, topic in enumerate(topics[:SHOWN], 1):
        more = text("gaps_variants", n=len(topic.questions) - 1) if len(topic.questions) > 1 else ""
        lines.append(
            text(
                "gaps_line",
                i=i,
                question=topic.question[:80],
                count=topic.count,
                users=topic.users,
                more=more,
            )
        )
    buttons = [
        Button(text("gaps_btn_teach", i=i), button_data(PICK, t.gap_ids[0]))
        for i, t in enumerate(topics[:SHOWN], 1)
    ]
    rows = [tuple(buttons[i : i + 5]) for i in range(0, len(buttons), 5)]
    if free_button:
        rows.append((Button(text("teach_btn_free"), button_data(PICK, "free")),))
    return Reply(header + "\n" + "\n".join(lines), buttons=tuple(rows))


async def gaps_command(ctx: Context) -> list[Reply]:
    topics = await open_topics(ctx)
    if not topics:
        return [Reply(text("gaps_none"))]
    return [topics_reply(topics, text("gaps_header", n=len(topics)))]


async def teach_command(ctx: Context) -> list[Reply]:
    topics = await open_topics(ctx)
    args = ctx.incoming.args
    if args.isdigit() and 1 <= int(args) <= min(len(topics), SHOWN):
        return await start_teaching(ctx, topics[int(args) - 1])
    if not topics:
        return await start_teaching(ctx, None)
    return [topics_reply(topics, text("teach_pick"), free_button=True)]


async def on_pick(ctx: Context) -> list[Reply]:
    (arg,) = buttons.parse(ctx.incoming.text, PICK, buttons.word)
    if arg == "free":
        return await start_teaching(ctx, None)
    gap_id = buttons.ident(arg)
    topic = next((t for t in await open_topics(ctx) if gap_id in t.gap_ids), None)
    if topic is None:
        return [Reply(text("teach_gap_gone"))]
    return await start_teaching(ctx, topic)


async def start_teaching(ctx: Context, topic: GapTopic | None) -> list[Reply]:
    questions = list(dict.fromkeys(q[:300] for q in topic.questions))[:MAX_QUESTIONS] if topic else []
    data: dict[str, Any] = {"question": topic.question[:300] if topic else "", "questions": questions}
    await ctx.save_state(FLOW, "title", data)
    if topic is None:
        return [
            Reply(
                text("teach_ask_title_free"),
                buttons=((Button(text("teach_btn_cancel"), button_data(FLOW, "no")),),),
            )
        ]
    buttons = (
        (
            Button(text("teach_btn_use_question"), button_data(FLOW, "useq")),
            Button(text("teach_btn_cancel"), button_data(FLOW, "no")),
        ),
    )
    return [Reply(text("teach_ask_title", question=data["question"]), buttons=buttons)]


def _tags(typed: str) -> list[str]:
    return [t.lstrip("#") for t in re.split(r"[\s,，、;；]+", typed) if t.strip("#")][:10]


def preview(data: dict[str, Any]) -> Reply:
    tags = "、".join(data.get("tags") or []) or "-"
    body = text("teach_preview", title=data["title"], script=data["script"], tags=tags)
    buttons = (
        (
            Button(text("teach_btn_save"), button_data(FLOW, "save")),
            Button(text("teach_btn_cancel"), button_data(FLOW, "no")),
        ),
    )
    return Reply(body, buttons=buttons)


async def teach_flow(ctx: Context) -> list[Reply]:
    assert ctx.state is not None
    step, data = ctx.state.step, dict(ctx.state.data)
    incoming = ctx.incoming
    action = ""
    if incoming.kind == "button":
        (action,) = buttons.parse(incoming.text, FLOW, buttons.one_of(("no", "useq", "skip", "save")))
    typed = incoming.text.strip() if incoming.kind == "text" else ""
    if action == "no":
        await ctx.clear_state()
        return [Reply(text("cancelled"), replace_pressed=True)]
    if step == "title":
        title = data["question"] if action == "useq" else typed
        if not title:
            return [Reply(text("teach_ask_title_again"))]
        data["title"] = title[:TITLE_LIMIT]
        await ctx.save_state(FLOW, "script", data)
        return [Reply(text("teach_ask_script", title=data["title"]))]
    if step == "script":
        if not typed:
            return [Reply(text("teach_ask_script", title=data["title"]))]
        if len(typed) > SCRIPT_LIMIT:
            return [Reply(text("teach_script_too_long", limit=SCRIPT_LIMIT))]
        data["script"] = typed
        await ctx.save_state(FLOW, "tags", data)
        return [
            Reply(
                text("teach_ask_tags"),
                buttons=((Button(text("teach_btn_skip"), button_data(FLOW, "skip")),),),
            )
        ]
    if step == "tags":
        data["tags"] = [] if action == "skip" else _tags(typed)
        await ctx.save_state(FLOW, "confirm", data)
        return [preview(data)]
    if step == "confirm" and action == "save":
        return await save_card(ctx, data)
    return [preview(data)]


async def save_card(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    team_id = None if ctx.viewer.is_admin else ctx.user.team_id
    async with ctx.db.transaction() as session:
        card = await knowledge.add_card(
            session,
            data["title"],
            data["script"],
            tags=data.get("tags") or [],
            created_by=ctx.user.id,
            team_id=team_id,
        )
        resolved = await knowledge.resolve_gaps(session, card, data.get("questions") or [])
    await asyncio.to_thread(
        index_taught_answer,
        ctx.engine.kb.ingestor,
        card.id,
        card.title,
        card.script,
        card.tags,
        data.get("questions") or [],
        team_id=card.team_id,
    )
    await ctx.clear_state()
    asked: dict[int, str] = {}
    for gap in resolved:
        if gap.user_id is not None and gap.user_id != ctx.user.id:
            asked.setdefault(gap.user_id, gap.question)
    async with ctx.db.transaction() as session:
        waiting = set(await knowledge.users_to_notify(session, card.id))
        for user_id, question in asked.items():
            person = await users.get_user(session, user_id)
            if user_id in waiting and person is not None and person.active:
                message = text(
                    "teach_notify",
                    question=question[:100],
                    manager=ctx.user.name,
                    title=card.title,
                    script=card.script,
                )
                ctx.notify.append(Outgoing(person.telegram_id, Reply(message)))
        await knowledge.mark_notified(session, card.id)
    return [Reply(text("teach_saved", id=card.id, gaps=len(resolved), people=len(ctx.notify)))]


def cards_sync_job():
    """A tick job that, once per process, indexes every card in the database in its team's scope:
    one missing from the index (taught by another process with its own index, or an index rebuilt
    from scratch) is added, one indexed in another scope is moved, an unchanged one costs a lookup."""
    done = False

    async def sync_cards(engine: Engine, now: datetime) -> list[Outgoing]:
        nonlocal done
        if done:
            return []
        done = True
        async with engine.db.transaction() as session:
            cards = await knowledge.list_cards(session, all_teams=True)
            questions = {
                c.id: [g.question for g in await knowledge.gaps_for_card(session, c.id)] for c in cards
            }
        for card in cards:
            if await asyncio.to_thread(
                index_taught_answer,
                engine.kb.ingestor,
                card.id,
                card.title,
                card.script,
                card.tags,
                questions[card.id],
                team_id=card.team_id,
            ):
                log.info("indexed card %s", card.id)
        return []

    return sync_cards
