"""The route table: every command, flow, button prefix, plain-text handler and scheduled job of the
bot, on one page (as python-telegram-bot's conversationbot.py ``main()`` puts a whole conversation).

How the engine uses it (bot/engine/core.py): a pressed button goes to the handler of its data's
prefix (before the first ":"), or to the open flow whose name is that prefix; ``/name`` goes to
its command; other text continues the open flow, if any; otherwise it runs down the plain-text
chain, where the first handler that takes the text answers. A name registered twice raises.
"""

from __future__ import annotations

from bot.engine.routing import Routes
from bot.features import (
    account,
    ask,
    calendar,
    customers,
    gaps,
    kb_usage,
    pushes,
    reports,
    rules,
    visit_reminders,
)
from bot.features.documents import handlers as documents
from bot.features.documents import rendering as document_rendering
from bot.features.drills import handlers as drills
from bot.features.drills import rendering as drill_rendering
from bot.features.tasks import handlers as tasks
from bot.features.tasks import rendering as task_rendering
from bot.features.visit_log import drafts as visit_drafts
from bot.features.visit_log import handlers as visit_log
from bot.features.visit_log import rendering as visit_rendering
from bot.features.visit_log import saved as saved_visits


def build_routes() -> Routes:
    routes = Routes()

    # ---- commands: /help lists them in this order, for the roles that may use them
    routes.command("start", account.start, menu=False)
    routes.command("help", account.help_)
    routes.command("whoami", account.whoami)
    routes.command("cancel", account.cancel)
    routes.command("ask", ask.ask_command)
    routes.command("task", tasks.task_command, min_role="manager")
    routes.command("tasks", tasks.tasks_command)
    routes.command("schedule", pushes.schedule_command, min_role="manager")
    routes.command("report", reports.report_command, min_role="manager")
    routes.command("export", reports.export_command, min_role="manager")
    routes.command("gaps", gaps.gaps_command, min_role="manager")
    routes.command("teach", gaps.teach_command, min_role="manager")
    routes.command("docs", documents.docs_command, min_role="manager")
    routes.command("kb", kb_usage.kb_command, min_role="manager")
    routes.command("log", visit_log.log_command)
    routes.command("visits", customers.visits_command)
    routes.command("customer", customers.customer_command)
    routes.command("rules", rules.rules_command)
    routes.command("drill", drills.drill_command)
    routes.command("drilladd", drills.drilladd_command, min_role="manager")
    routes.command("drillpush", drills.drillpush_command, min_role="manager")

    # ---- flows: multi-step conversations kept in the database (their buttons carry the flow name)
    routes.flow(ask.FLOW, ask.ask_flow)
    routes.flow(task_rendering.FLOW, tasks.task_flow, min_role="manager")
    routes.flow(task_rendering.REASON_FLOW, tasks.reason_flow)
    routes.flow(gaps.FLOW, gaps.teach_flow, min_role="manager")
    routes.flow(drill_rendering.FLOW, drills.drill_flow)  # the rep's next text is the answer

    # ---- buttons outside any flow, by the prefix of their data
    routes.button(ask.VOTE, ask.on_vote)  # 👍/👎 under an answer
    routes.button(task_rendering.DONE, tasks.on_done)
    routes.button(task_rendering.NOT_DONE, tasks.on_not_done)
    routes.button(task_rendering.STOP, tasks.on_stop, min_role="manager")
    routes.button(gaps.PICK, gaps.on_pick, min_role="manager")
    routes.button(visit_rendering.GRADE_PREFIX, visit_log.on_grade)
    routes.button(visit_reminders.LOG_FOR_PREFIX, visit_log.log_for_customer)
    routes.button(customers.CUSTOMER_PREFIX, customers.on_customer_button)
    routes.button(visit_drafts.DRAFT_PREFIX, visit_log.on_draft_button)
    routes.button(
        saved_visits.VISIT_PREFIX, saved_visits.on_visit_button
    )  # /visits → a visit → 修改/作废  # vd:<draft id>:… on a visit card
    routes.button(drill_rendering.BUTTON, drills.on_button)  # 再来一次 / 换一题 / 结束 / 今日一练
    routes.button(document_rendering.DOCS, documents.on_docs_button, min_role="manager")  # /docs 删除

    # ---- a sent file: a manager's document or FAQ sheet joins the team's knowledge (reps are told why not)
    routes.document(documents.on_document)

    # ---- plain text (no command, no open flow), in this order. A visit report is recognised by
    # its shape (a customer, what happened) and would otherwise be taken for a question, while a
    # question never reads like a report: so the report reader looks first and the coach last.
    routes.text(
        visit_log.DRAFT_ANSWER,
        visit_log.draft_answer_text,
        why="a draft waiting at a question takes the answer",
    )
    routes.text(visit_log.QUICK_LOG, visit_log.quick_log_text, why="a visit report is logged, not answered")
    routes.text(ask.FLOW, ask.on_text, why="anything else is a question for the coach")

    # ---- scheduled jobs, run at every tick of the transport
    routes.tick(calendar.refresh_calendar)  # first: the pushes ask which days are working days
    routes.tick(pushes.morning_push)
    routes.tick(pushes.evening_summary)
    routes.tick(gaps.cards_sync_job())
    routes.tick(visit_reminders.remind_next_steps)
    return routes
