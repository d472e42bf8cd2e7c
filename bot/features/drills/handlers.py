"""/drill, the drill flow and its buttons, /drilladd and /drillpush for managers."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

from bot.engine.core import Context
from bot.engine.messages import Reply
from bot.features.drills.rendering import FLOW, drill_key_of, followup_reply, score_reply, start_reply
from bot.forms.buttons import press_of
from bot.sales.drills.loader import DB_PREFIX, DrillError, drill_from_mapping
from bot.sales.drills.model import Drill, Turn
from bot.sales.drills.picker import by_topic, next_drill, weakest
from bot.sales.drills.template import parse_template
from bot.sales.localtime import day_bounds
from prompts import text
from store import drills as drill_store
from store import knowledge

STATS_WORDS = {"统计", "进度", "成绩", "stats"}
ON_WORDS, OFF_WORDS = {"开", "开启", "打开", "on"}, {"关", "关闭", "off"}


async def catalogue(ctx: Context) -> list[Drill]:
    """The playbook's drills plus the ones added for this person's team (or every team)."""
    async with ctx.db.transaction() as session:
        rows = await drill_store.definitions_for(session, ctx.user.team_id, all_teams=ctx.viewer.is_admin)
    return ctx.engine.drill_coach.catalogue(rows)


async def shares_of(ctx: Context) -> dict[str, float]:
    async with ctx.db.transaction() as session:
        return {
            k: h.share
            for k, h in (await drill_store.history(session, ctx.user.id, team_id=ctx.user.team_id)).items()
        }


async def start(ctx: Context, drill: Drill) -> list[Reply]:
    opening = random.randrange(len(drill.openings))
    line = drill.turn(0, opening).customer
    await ctx.save_state(FLOW, "answer", {"key": drill.key, "turn": 0, "line": line})
    return [start_reply(drill, line)]


async def drill_command(ctx: Context) -> list[Reply]:
    args = ctx.incoming.args.strip()
    if args.lower() in STATS_WORDS:
        return [await stats_reply(ctx)]
    drills = await catalogue(ctx)
    if not drills:
        return [Reply(text("drill_none"))]
    shares = await shares_of(ctx)
    if args:
        found = await asyncio.to_thread(by_topic, drills, args[:100], ctx.engine.drill_coach.encode)
        if not found:
            return [Reply(text("drill_topic_not_found", topic=args[:30]))]
        drills = found
    drill = next_drill(drills, shares)
    assert drill is not None
    return await start(ctx, drill)


async def drill_flow(ctx: Context) -> list[Reply]:
    assert ctx.state is not None
    data: dict[str, Any] = dict(ctx.state.data)
    if ctx.incoming.kind == "button":  # the drill's own buttons carry drl:…; nothing else is ours
        return [Reply(text("button_expired"))]
    answer = ctx.incoming.text.strip() if ctx.incoming.kind == "text" else ""
    if not answer:
        return [Reply(text("drill_answer_empty"))]
    drill = next((d for d in await catalogue(ctx) if d.key == data.get("key")), None)
    index = data.get("turn")
    if drill is None or not isinstance(index, int) or not 0 <= index < drill.turns:
        await ctx.clear_state()
        return [Reply(text("drill_gone"))]
    coach = ctx.engine.drill_coach
    turn = Turn(str(data.get("line") or drill.turn(index).customer), drill.turn(index).checks)
    score = await coach.score(drill.title, turn, answer)
    async with ctx.db.transaction() as session:
        await drill_store.record_attempt(
            session,
            ctx.user,
            drill_key=drill.key,
            drill_title=drill.title,
            turn=index,
            passed=score.passed,
            total=score.total,
            answer=answer,
            judged_by=score.judged_by,
            at=ctx.now,
        )
    replies = [score_reply(drill, score)]
    if index + 1 < drill.turns and score.violation is None:
        followup = drill.turn(index + 1)
        line = await coach.customer_line(drill.title, turn, answer, followup)
        await ctx.save_state(FLOW, "answer", {"key": drill.key, "turn": index + 1, "line": line})
        replies.append(followup_reply(line, index + 1, drill.turns))
    else:
        await ctx.clear_state()
    return replies


async def on_button(ctx: Context) -> list[Reply]:
    press = press_of(ctx.incoming)
    action, key = (press.action, drill_key_of(press)) if press else ("", "")
    if action == "end":
        if ctx.state is not None and ctx.state.flow == FLOW:
            await ctx.clear_state()
        return [Reply(text("drill_ended")), await stats_reply(ctx)]
    if action not in ("again", "next", "start"):
        return [Reply(text("button_expired"))]
    drills = await catalogue(ctx)
    if not drills:
        return [Reply(text("drill_none"))]
    if action == "next":
        drill = next_drill(drills, await shares_of(ctx), exclude=key)
    else:
        drill = next((d for d in drills if d.key == key), None)
    if drill is None:  # a key outside this person's catalogue (another team's drill, or forged)
        return [Reply(text("button_expired"))]
    return await start(ctx, drill)


async def stats_reply(ctx: Context) -> Reply:
    tz = ctx.engine.settings.timezone
    today = ctx.today
    first, after = day_bounds(today - timedelta(days=today.weekday()), today, tz)
    async with ctx.db.transaction() as session:
        week = await drill_store.own_attempts_between(
            session, ctx.user.id, first, after, team_id=ctx.user.team_id
        )
        past = await drill_store.history(session, ctx.user.id, team_id=ctx.user.team_id)
    if not week:
        lines = [text("drill_stats_none")]
    else:
        average = sum(a.checks_passed / a.checks_total for a in week) / len(week)
        lines = [text("drill_stats", attempts=len(week), average=f"{average:.0%}")]
    topics = weakest({k: h.share for k, h in past.items()}, {k: h.drill_title for k, h in past.items()})
    if topics:
        lines.append(text("drill_stats_weakest", topics="、".join(topics)))
    untried = [d for d in await catalogue(ctx) if d.key not in past]
    if untried:
        lines.append(text("drill_stats_untried", n=len(untried)))
    return Reply("\n".join(lines))


# ---------------------------------------------------------------- managers


async def drilladd_command(ctx: Context) -> list[Reply]:
    body = ctx.incoming.args  # the form: everything after /drilladd, lines kept
    if not body:
        return [Reply(text("drilladd_help"))]
    team_id = None if ctx.viewer.is_admin else ctx.user.team_id
    try:
        title, tags, data = parse_template(body)
        async with ctx.db.transaction() as session:
            card = next(
                (c for c in await knowledge.list_cards(session, team_id=team_id) if c.title == title), None
            )
        if card is not None and not data.get("script"):
            data["script"] = card.script  # a drill for a taught card shows that card's script
        drill = drill_from_mapping(data, key=f"{DB_PREFIX}new", title=title, tags=tags)
    except DrillError as exc:
        return [Reply(text("drilladd_bad", problem=str(exc)))]
    async with ctx.db.transaction() as session:
        row = await drill_store.add_definition(
            session,
            title=title,
            data=data,
            tags=tags or (card.tags if card is not None else []),
            team_id=team_id,
            created_by=ctx.user.id,
            card_id=card.id if card is not None else None,
        )
    checks = len(drill.checks) + sum(len(f.checks) for f in drill.followups)
    return [Reply(text("drilladd_saved", id=row.id, title=title, checks=checks, turns=drill.turns))]


async def drillpush_command(ctx: Context) -> list[Reply]:
    if ctx.user.team_id is None:
        return [Reply(text("drill_no_team"))]
    word = ctx.incoming.args.strip().lower()
    async with ctx.db.transaction() as session:
        if word in ON_WORDS or word in OFF_WORDS:
            await drill_store.set_daily_drill(session, ctx.user.team_id, word in ON_WORDS)
        elif word:
            return [Reply(text("drillpush_usage"))]
        enabled = await drill_store.daily_drill_enabled(session, ctx.user.team_id)
    team = ctx.user.team.name if ctx.user.team else ""
    return [
        Reply(text("drillpush_state", team=team, state=text("drillpush_on" if enabled else "drillpush_off")))
    ]
