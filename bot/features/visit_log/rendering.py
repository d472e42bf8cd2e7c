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
        lines.append(text("visit_effective_no", missing="；".join(missing_parts(saved))))
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


def missing_parts(saved: SavedVisit) -> list[str]:
    """Exactly what the team's effective-visit rule still lacks, item by item."""
    e = saved.effectiveness
    parts: list[str] = []
    if not e.met:
        parts.append(text("visit_effective_missing_meeting"))
    if e.missing_items:
        parts.append("、".join(saved.rules.questionnaire.label(i) for i in e.missing_items))
    if e.missing_fields and not e.has_contact:
        parts.append(text("visit_effective_missing_contact"))
    parts.extend(text(f"visit_effective_missing_{f}") for f in e.missing_fields)
    return parts


def _reasons(saved: SavedVisit) -> list[str]:
    signals = saved.suggestion.signals
    return [
        text("grading_amount", amount=show_amount(signals.amount_wan))
        if signals.amount_wan
        else text("grading_amount_unknown"),
        text(f"grading_need_{signals.need or 'unknown'}"),
        text(f"grading_interest_{signals.interest or 'unknown'}"),
        text("grading_kp_yes" if signals.met_decision_maker else "grading_kp_no"),
        text("grading_output", amount=show_amount(signals.annual_output_wan))
        if signals.annual_output_wan
        else text("grading_output_unknown"),
    ]


def _open_notes(saved: SavedVisit) -> list[str]:
    """Where the rules leave stars or grade open, say why and ask the rep; never guess."""
    s = saved.suggestion
    notes: list[str] = []
    if s.stars is None:
        notes.append(text("grading_stars_ask"))
    if s.grade is None:
        pay_open = s.signals.can_pay is None and any(r.can_pay is not None for r in saved.rules.grades.rules)
        why = text("grading_grade_pay_unknown") if pay_open else saved.rules.grades.undefined
        notes.append(text("grading_grade_ask", why=why, candidates="/".join(s.candidates)))
    return notes


def grading_reply(saved: SavedVisit) -> Reply:
    s = saved.suggestion
    body = text(
        "grading_suggestion",
        customer=saved.customer_name,
        stars=text("grading_stars", stars_bar=stars_text(s.stars), stars=s.stars)
        if s.stars
        else text("grading_stars_open"),
        grade=text("grading_grade", grade=s.grade) if s.grade else text("grading_grade_open"),
        reasons="、".join(_reasons(saved)),
    )
    body = "\n".join([body, *_open_notes(saved)])
    decided = s.stars is not None and s.grade is not None
    if decided and (saved.current_stars, saved.current_grade) == (s.stars, s.grade):
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
    accept: tuple[Button, ...] = ()
    if decided:
        accept = (Button(text("grading_accept"), button_data(GRADE_PREFIX, "ok", cid, s.stars, s.grade)),)
    change = (
        Button(text("grading_change_stars"), button_data(GRADE_PREFIX, "stars", cid)),
        Button(text("grading_change_grade"), button_data(GRADE_PREFIX, "class", cid)),
    )
    return Reply(body, buttons=(accept, change) if accept else (change,))


async def saved_replies(ctx: Context, saved: SavedVisit) -> list[Reply]:
    tip = find_card(ctx.engine.kb, choose_card(saved.report, saved.milestone))
    return [Reply(saved_text(saved, tip)), grading_reply(saved)]
