"""The morning of a visit's next date, its rep gets a reminder: an engine tick job reading the
database (so it survives restarts), each reminder claimed before it is sent (so two bot
processes send it once) and claimed again by a later tick when its send failed."""

from __future__ import annotations

import logging
from datetime import datetime, time

from bot.engine.core import Engine
from bot.engine.messages import Button, Outgoing, Reply
from bot.forms.buttons import button_data
from bot.forms.fields import show_date
from prompts import text
from store import users, visits
from store.models import Visit

log = logging.getLogger(__name__)

REMINDER_TIME = time(8, 30)  # local time (COACH_TIMEZONE)
CLAIM_KIND = "visit_reminder"
LOG_FOR_PREFIX = "logc"


def reminder_key(visit: Visit) -> str:
    """One reminder per visit and next date (a next date changed after saving is reminded again)."""
    assert visit.next_date is not None
    return f"{visit.id}:{visit.next_date.isoformat()}"


async def remind_next_steps(engine: Engine, now: datetime) -> list[Outgoing]:
    local = now.astimezone(engine.settings.timezone)
    if local.time() < REMINDER_TIME:
        return []
    async with engine.db.transaction() as session:
        due = await visits.due_reminders(session, local.date())
    outgoing: list[Outgoing] = []
    won = set(await engine.db.claim_each(CLAIM_KIND, [reminder_key(v) for v in due], engine.worker, at=now))
    for visit in due:
        key = reminder_key(visit)
        if key not in won:
            continue  # sent already, or another process has it
        async with engine.db.transaction() as session:
            await visits.mark_reminded(session, [visit.id], now)
            rep = await users.get_user(session, visit.rep_id)
        if rep is None or not rep.active:
            await engine.db.settle_each(CLAIM_KIND, [key])  # nobody to remind: done
            continue
        body = text(
            "reminder_text",
            customer=visit.customer.name,
            step=visit.next_step or text("visit_reminder_no_step"),
            contact=visit.contact.name if visit.contact else text("reminder_no_contact"),
            last=show_date(visit.visited_on.isoformat()),
        )
        button = Button(text("reminder_log_button"), button_data(LOG_FOR_PREFIX, visit.customer_id))
        outgoing.append(Outgoing(rep.telegram_id, Reply(body, buttons=((button,),)), claim=(CLAIM_KIND, key)))
    if outgoing:
        log.info("sending %d visit reminders", len(outgoing))
    return outgoing
