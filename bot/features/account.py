"""/start, /help, /whoami, /cancel — who you are and what you can do."""

from __future__ import annotations

from bot.engine.core import Context
from bot.engine.messages import Reply
from prompts import text


async def start(ctx: Context) -> list[Reply]:
    return [Reply(text("welcome_back", name=ctx.user.name)), *await help_(ctx)]


async def help_(ctx: Context) -> list[Reply]:
    lines = [f"/{name} — {description}" for name, description in ctx.engine.menu_for(ctx.user.role)]
    return [Reply(text("help", commands="\n".join(lines)))]


async def whoami(ctx: Context) -> list[Reply]:
    team = ctx.user.team.name if ctx.user.team else text("no_team")
    return [Reply(text("whoami", name=ctx.user.name, role=text(f"role_{ctx.user.role}"), team=team))]


async def cancel(ctx: Context) -> list[Reply]:
    if ctx.state is None:
        return [Reply(text("nothing_to_cancel"))]
    await ctx.clear_state()
    return [Reply(text("cancelled"))]
