"""今日一练: the line and button the morning push carries when the person's team has it on."""

from __future__ import annotations

from typing import Any

from bot.engine.core import Engine
from bot.engine.messages import Button
from bot.features.drills.rendering import start_button
from bot.sales.drills.picker import next_drill
from prompts import text
from store import drills as drill_store
from store.models import User


async def daily_drill(engine: Engine, session: Any, person: User) -> tuple[str, Button] | None:
    """(line, button) of today's drill for a rep whose team turned 今日一练 on, else None."""
    if person.role != "rep" or not await drill_store.daily_drill_enabled(session, person.team_id):
        return None
    rows = await drill_store.definitions_for(session, person.team_id)
    drills = engine.drill_coach.catalogue(rows)
    shares = {
        k: h.share for k, h in (await drill_store.history(session, person.id, team_id=person.team_id)).items()
    }
    drill = next_drill(drills, shares)
    if drill is None:
        return None
    return text("push_daily_drill", title=drill.title), start_button(drill.key)
