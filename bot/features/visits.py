"""Visit logging in the chat: /log (guided form or quick log), /visits, /customer, reports typed
as plain messages, grading buttons and the morning reminders."""

from __future__ import annotations

from bot.engine.core import Context, Engine, Handler
from bot.engine.messages import Reply
from bot.features import customers, visit_log, visit_reminders
from bot.forms.machine import EDIT, SUMMARY
from bot.sales.visits.detect import could_be_visit_report, reads_like_visit_report
from prompts import text


def quick_log_or(previous: Handler | None) -> Handler:
    """A text handler that logs what reads like a visit report and hands anything else on."""

    async def on_text(ctx: Context) -> list[Reply]:
        message = ctx.incoming.text.strip()
        known = await visit_log.known_customers(ctx) if could_be_visit_report(message) else []
        if reads_like_visit_report(message, known):
            return await visit_log.quick_log(ctx, message, known)
        if previous is None:
            return [Reply(text("empty_input"))]
        return await previous(ctx)

    return on_text


def visit_flow(fallback: Handler | None) -> Handler:
    """The form's handler; text typed at the summary card is a new report or a question, not an
    answer, so it goes to the quick log or to the previous text handler (the card stays open)."""

    async def on_input(ctx: Context) -> list[Reply]:
        assert ctx.state is not None
        if ctx.incoming.kind == "text" and ctx.state.step in (SUMMARY, EDIT):
            message = ctx.incoming.text.strip()
            known = await visit_log.known_customers(ctx) if could_be_visit_report(message) else []
            if reads_like_visit_report(message, known):
                return await visit_log.quick_log(ctx, message, known)
            if fallback is not None and message:
                return [*await fallback(ctx), Reply(text("visit_still_open"))]
        return await visit_log.on_input(ctx)

    return on_input


def register(engine: Engine) -> None:
    engine.command("log", visit_log.log_command)
    engine.command("visits", customers.visits_command)
    engine.command("customer", customers.customer_command)
    engine.flow(visit_log.FLOW, visit_flow(engine.text_handler))
    engine.button(visit_log.GRADE_PREFIX, visit_log.on_grade)
    engine.button(visit_reminders.LOG_FOR_PREFIX, visit_log.log_for_customer)
    engine.button(customers.CUSTOMER_PREFIX, customers.on_customer_button)
    engine.text_handler = quick_log_or(engine.text_handler)
    engine.ticks.append(visit_reminders.remind_next_steps)
