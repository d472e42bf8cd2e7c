"""What the rep reads after saving a visit: the saved visit with its effective-visit check and
reminder, the playbook tip, and the grading suggestion with its buttons."""

from __future__ import annotations

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.features.visit_reminders import REMINDER_TIME
from bot.forms.buttons import button_data
from bot.forms.fields import show_amount, show_date
from bot.sales.visits.logbook import SavedVisit
from bot.sales.visits.playbook_tip import PlaybookTip, choose_card, find_card
from prompts import text

GRADE_PREFIX = "grade"


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def saved_text(saved: SavedVisit, tip: PlaybookTip | None) -> str:
    lines = [
        text(
            "visit_saved",
            customer=saved.customer_name,
            day=show_date(saved.visited_on.isoformat()),
            kind=saved.kind,
            outcome=text(f"visit_outcome_{saved.outcome}"),
        )
    ]
    if saved.effectiveness.effective:
        lines.append(text("visit_effective_yes"))
    else:
        missing = "、".join(text(f"visit_effective_missing_{m}") for m in saved.effectiveness.missing)
        lines.append(text("visit_effective_no", missing=missing))
    if saved.next_date is not None:
        lines.append(
            text(
                "visit_reminder_set",
                day=show_date(saved.next_date.isoformat()),
                time=REMINDER_TIME.strftime("%H:%M"),
                step=saved.next_step or text("visit_reminder_no_step"),
            )
        )
    if tip is not None:
        lines.append(text("visit_card", title=tip.title, lines="\n".join(tip.lines)))
    return "\n\n".join(lines)


def grading_reply(saved: SavedVisit) -> Reply:
    s = saved.suggestion
    signals = s.signals
    reasons = [
        text("grading_amount", amount=show_amount(signals.amount_wan))
        if signals.amount_wan
        else text("grading_amount_unknown"),
        text(f"grading_need_{signals.need}"),
        text(f"grading_interest_{signals.interest}"),
        text("grading_kp_yes" if signals.met_decision_maker else "grading_kp_no"),
    ]
    body = text(
        "grading_suggestion",
        customer=saved.customer_name,
        stars_bar=stars_text(s.stars),
        stars=s.stars,
        grade=s.grade,
        reasons="、".join(reasons),
    )
    if (saved.current_stars, saved.current_grade) == (s.stars, s.grade):
        return Reply(body + "\n" + text("grading_same"))
    if not saved.may_grade:
        return Reply(body + "\n" + text("grading_not_owner"))
    if saved.current_stars or saved.current_grade:
        current = text(
            "grading_current",
            stars=saved.current_stars or "—",
            grade=saved.current_grade or "—",
        )
        body += "\n" + current
    cid = saved.customer_id
    buttons = (
        (Button(text("grading_accept"), button_data(GRADE_PREFIX, "ok", cid, s.stars, s.grade)),),
        (
            Button(text("grading_change_stars"), button_data(GRADE_PREFIX, "stars", cid)),
            Button(text("grading_change_grade"), button_data(GRADE_PREFIX, "class", cid)),
        ),
    )
    return Reply(body, buttons=buttons)


async def saved_replies(ctx: Context, saved: SavedVisit) -> list[Reply]:
    tip = find_card(ctx.engine.kb, choose_card(saved.report, saved.milestone))
    return [Reply(saved_text(saved, tip)), grading_reply(saved)]
