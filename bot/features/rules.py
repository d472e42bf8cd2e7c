"""/rules: the team's playbook rules as the bot applies them; a manager changes the daily quota
and the effective-visit fields (`/rules 指标 3`, `/rules 问卷 1-5 2-2`, `/rules 联系方式 座机 邮箱`,
`/rules 恢复`)."""

from __future__ import annotations

from typing import Any

from bot.engine.core import Context
from bot.engine.messages import Reply
from bot.sales import rules as team_rules_domain
from bot.sales.rules import CONTACT_FIELDS, Rules, RulesError
from prompts import text
from store import users
from store.rules import clear_override, get_override

CHANGE_WORDS = ("quota", "items", "fields", "reset")


def _field_name(field: str) -> str:
    return text(f"rules_field_{field}")


def rules_text(team_name: str, rules: Rules, own: bool) -> str:
    q = rules.questionnaire
    ev = rules.effective_visit
    lines = [text("rules_header", team=team_name, whose=text("rules_own" if own else "rules_default"))]
    items = "、".join(q.label(i) for i in ev.questionnaire_items) or text("rules_nothing")
    fields = "和".join(_field_name(f) for f in ev.contact_fields) or text("rules_nothing")
    lines.append(text("rules_effective", items=items, fields=fields, source=ev.source or "-"))
    for r in rules.stars.rules:
        upper = text("rules_below", amount=f"{r.below_amount_wan:g}") if r.below_amount_wan else ""
        lines.append(
            text(
                "rules_star",
                stars=r.stars,
                amount=f"{r.min_amount_wan:g}",
                upper=upper,
                need="/".join(text(f"visit_need_{n}") for n in r.need),
                interest="/".join(text(f"visit_interest_{i}") for i in r.interest),
            )
        )
    lines.append(text("rules_star_otherwise", stars=rules.stars.otherwise, source=rules.stars.source or "-"))
    for g in rules.grades.rules:
        parts = []
        if g.kp is not None:
            parts.append(text("rules_grade_kp" if g.kp else "rules_grade_no_kp"))
        if g.need is not None:
            parts.append("/".join(text(f"visit_need_{n}") for n in g.need))
        if g.can_pay is not None:
            parts.append(text("rules_grade_can_pay" if g.can_pay else "rules_grade_cannot_pay"))
        lines.append(text("rules_grade", grade=g.grade, when="、".join(parts), source=g.source or "-"))
    if rules.grades.ranking is not None:
        rk = rules.grades.ranking
        lines.append(
            text(
                "rules_ranking",
                top=rk.top_n,
                inside="/".join(rk.inside),
                outside="/".join(rk.outside),
                source=rk.source or "-",
            )
        )
    if rules.grades.undefined:
        lines.append(text("rules_undefined", note=rules.grades.undefined))
    threshold = rules.ability_to_pay.min_annual_output_wan
    lines.append(text("rules_pay", amount=f"{threshold:g}") if threshold else text("rules_pay_open"))
    quota = rules.daily_quota.effective_visits
    lines.append(
        text("rules_quota", quota=quota, source=rules.daily_quota.source or "-")
        if quota
        else text("rules_no_quota")
    )
    return "\n".join(lines)


def parse_change(args: str, rules: Rules) -> dict[str, Any] | str:
    """The override change a manager typed, "reset", or raises RulesError with the reason."""
    words = args.split()
    head, rest = words[0], words[1:]
    if head == text("rules_word_reset"):
        return "reset"
    if head == text("rules_word_quota"):
        if len(rest) != 1 or not rest[0].isdigit() or not 1 <= int(rest[0]) <= 50:
            raise RulesError(text("rules_bad_quota"))
        return {"daily_quota": {"effective_visits": int(rest[0])}}
    if head == text("rules_word_items"):
        known = [i.id for i in rules.questionnaire.items]
        if not rest:
            raise RulesError(text("rules_bad_items", known="、".join(known)))
        if text("rules_word_none") in rest:
            return {"effective_visit": {"questionnaire_items": []}}
        unknown = [w for w in rest if w not in known]
        if unknown:
            raise RulesError(text("rules_bad_items", known="、".join(known)))
        return {"effective_visit": {"questionnaire_items": [i for i in known if i in rest]}}
    if head == text("rules_word_fields"):
        names = {_field_name(f): f for f in CONTACT_FIELDS}
        if not rest or any(w not in names and w != text("rules_word_none") for w in rest):
            raise RulesError(text("rules_bad_fields", known="、".join(names)))
        chosen = [f for f in CONTACT_FIELDS if _field_name(f) in rest]
        return {"effective_visit": {"contact_fields": chosen}}
    raise RulesError(text("rules_usage"))


async def rules_command(ctx: Context) -> list[Reply]:
    team_id = ctx.viewer.team_id
    if team_id is None:
        return [Reply(text("rules_no_team"))]
    args = ctx.incoming.args.strip()
    async with ctx.db.transaction() as session:
        team = await users.get_team(session, team_id)
        assert team is not None
        rules = await team_rules_domain.team_rules(session, team_id)
        note = ""
        if args:
            if ctx.viewer.role == "rep":
                return [Reply(text("rules_managers_only"))]
            try:
                change = parse_change(args, rules)
                if change == "reset":
                    await clear_override(session, team_id)
                    rules = team_rules_domain.default_rules()
                else:
                    assert isinstance(change, dict)
                    rules = await team_rules_domain.update_team_rules(
                        session, team_id, change, updated_by=ctx.viewer.user_id
                    )
            except RulesError as exc:
                return [Reply(str(exc))]
            note = text("rules_changed") + "\n\n"
        own = bool(await get_override(session, team_id))
    body = note + rules_text(team.name, rules, own)
    if ctx.viewer.role != "rep":
        body += "\n\n" + text("rules_usage")
    return [Reply(body)]
