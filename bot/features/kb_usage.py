"""/kb for managers: which cards and documents answered the team's questions lately, 👍/👎 per
card, the team's documents nobody's answer drew on; a short text and a chart."""

from __future__ import annotations

import asyncio

from bot.engine.core import Context
from bot.engine.messages import Reply
from bot.sales.knowledge_usage.chart import render_usage_png
from bot.sales.knowledge_usage.data import collect_usage, summary_text, team_document_names
from prompts import text
from store import users


async def kb_command(ctx: Context) -> list[Reply]:
    team_id = ctx.user.team_id
    if ctx.user.role == "manager" and team_id is None:
        return [Reply(text("doc_no_team"))]
    names = await asyncio.to_thread(team_document_names, ctx.engine.kb.index, team_id)
    async with ctx.db.transaction() as session:
        team = await users.get_team(session, team_id) if team_id is not None else None
        name = team.name if team else text("kb_shared_scope")
        report = await collect_usage(session, team_id, name, names, ctx.now)
    png = await asyncio.to_thread(render_usage_png, report)
    return [Reply(summary_text(report)), Reply(text("kb_chart_caption", team=report.team), photo=png)]
