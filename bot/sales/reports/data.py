"""The numbers of a team report for a period, collected once and shared by the chat commands
(/report, /export) and the command line (`coach report`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sales.drills.progress import PracticeRow, practice_rows
from bot.sales.localtime import day_bounds, md
from bot.sales.workcalendar import team_works_on, work_calendar
from prompts import text
from store import reports, tasks, users, visits
from store.access import Viewer
from store.models import DEFAULT_WORKWEEK, GRADES, MILESTONES

#: Accepted period words -> canonical period.
PERIODS = {
    "今天": "day",
    "今日": "day",
    "day": "day",
    "today": "day",
    "本周": "week",
    "这周": "week",
    "week": "week",
    "本月": "month",
    "这个月": "month",
    "month": "month",
}
NO_GRADE, NO_STARS = "-", "0"  # keys for customers without a grade / stars


def period_range(period: str, today: date) -> tuple[date, date]:
    """(first day, last day) of the period up to ``today``: today, this Monday–today, the 1st–today."""
    if period == "day":
        return today, today
    if period == "week":
        return today - timedelta(days=today.weekday()), today
    if period == "month":
        return today.replace(day=1), today
    raise ValueError(f"unknown period {period!r}")


@dataclass
class RepRow:
    user_id: int
    name: str
    visits: int = 0
    effective: int = 0
    tasks_done: int = 0
    tasks_total: int = 0

    @property
    def effective_rate(self) -> float:
        return self.effective / self.visits if self.visits else 0.0


@dataclass
class VisitRow:
    day: date
    rep: str
    customer: str
    kind: str
    outcome: str
    effective: bool
    notes: str
    next_step: str


@dataclass
class TeamReport:
    scope: str  # team name, or 全部团队
    period: str  # day | week | month
    start: date
    end: date
    reps: list[RepRow] = field(default_factory=list)
    new_by_grade: dict[str, int] = field(default_factory=dict)
    new_by_stars: dict[str, int] = field(default_factory=dict)
    milestones: dict[str, int] = field(default_factory=dict)
    visit_rows: list[VisitRow] = field(default_factory=list)
    working_days: int = 0  # in [start, end], by the team's workweek: a week with 国庆 shows fewer
    festivals: list[str] = field(default_factory=list)  # public holidays that fell on weekdays of the period
    practice: list[PracticeRow] = field(default_factory=list)

    @property
    def practice_attempts(self) -> int:
        return sum(r.attempts for r in self.practice)

    @property
    def practice_average(self) -> float:
        total = self.practice_attempts
        return sum(r.average * r.attempts for r in self.practice) / total if total else 0.0

    @property
    def period_label(self) -> str:
        return text(f"report_period_{self.period}")

    @property
    def dates_label(self) -> str:
        return md(self.start) if self.start == self.end else f"{md(self.start)}–{md(self.end)}"

    @property
    def total_visits(self) -> int:
        return sum(r.visits for r in self.reps)

    @property
    def total_effective(self) -> int:
        return sum(r.effective for r in self.reps)

    @property
    def new_customers(self) -> int:
        return sum(self.new_by_grade.values())

    @property
    def tasks_done(self) -> int:
        return sum(r.tasks_done for r in self.reps)

    @property
    def tasks_total(self) -> int:
        return sum(r.tasks_total for r in self.reps)


def working_days(workweek: str, start: date, end: date) -> tuple[int, list[str]]:
    """Working days in [start, end] for a team's workweek, and the festivals that took weekdays off."""
    calendar = work_calendar()
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    festivals = []
    for day in days:
        name = calendar.festival_on(day)
        if name and day.weekday() < 5 and not team_works_on(workweek, day) and name not in festivals:
            festivals.append(name)
    return sum(team_works_on(workweek, day) for day in days), festivals


async def collect_report(
    session: Any, viewer: Viewer, period: str, today: date, tz: ZoneInfo, scope: str
) -> TeamReport:
    """What ``viewer`` may see (a manager: their team; an admin: everyone) for the period."""
    start, end = period_range(period, today)
    report = TeamReport(scope=scope, period=period, start=start, end=end)
    team = await users.get_team(session, viewer.team_id) if viewer.team_id is not None else None
    report.working_days, report.festivals = working_days(
        team.workweek if team else DEFAULT_WORKWEEK, start, end
    )
    if viewer.is_admin:
        people = await users.list_users(session)
    elif viewer.team_id is not None:
        people = await users.users_of_team(session, viewer.team_id)
    else:
        people = []
    names = {p.id: p.name for p in people}
    rows = {p.id: RepRow(p.id, p.name) for p in people if p.role == "rep"}

    def row_for(user_id: int) -> RepRow:
        if user_id not in rows:
            rows[user_id] = RepRow(user_id, names.get(user_id, f"#{user_id}"))
        return rows[user_id]

    logged = await visits.visits_between(session, viewer, start, end)
    for rep_id in {v.rep_id for v in logged} - names.keys():  # someone who has left the team since
        former = await users.get_user(session, rep_id)
        names[rep_id] = former.name if former else f"#{rep_id}"
    for visit in logged:
        row = row_for(visit.rep_id)
        row.visits += 1
        row.effective += bool(visit.effective)
        report.visit_rows.append(
            VisitRow(
                day=visit.visited_on,
                rep=row.name,
                customer=visit.customer.name,
                kind=visit.kind,
                outcome=visit.outcome,
                effective=bool(visit.effective),
                notes=visit.notes or "",
                next_step=visit.next_step or "",
            )
        )
    for status in await tasks.statuses_between(session, viewer, start, end):
        if status.user_id in rows or status.user.role == "rep":
            row = row_for(status.user_id)
            row.tasks_total += 1
            row.tasks_done += status.status == "done"
    first, after = day_bounds(start, end, tz)
    grades = dict.fromkeys([*GRADES, NO_GRADE], 0)
    stars = dict.fromkeys([*(str(n) for n in range(1, 6)), NO_STARS], 0)
    for customer in await reports.new_customers(session, viewer, first, after):
        grades[customer.grade or NO_GRADE] += 1
        stars[str(customer.stars) if customer.stars else NO_STARS] += 1
    report.new_by_grade, report.new_by_stars = grades, stars
    counts = await reports.milestone_counts(session, viewer)
    report.milestones = {m: counts.get(m, 0) for m in MILESTONES}
    report.reps = sorted(rows.values(), key=lambda r: (-r.visits, r.name))
    report.practice = await practice_rows(session, viewer, first, after, names)
    return report


async def scope_name(session: Any, viewer: Viewer) -> str:
    if viewer.is_admin or viewer.team_id is None:
        return text("report_all_teams")
    team = await users.get_team(session, viewer.team_id)
    return team.name if team else text("report_all_teams")


def summary_text(report: TeamReport) -> str:
    """A few lines for the chat caption (under Telegram's 1024 characters)."""
    rate = report.total_effective / report.total_visits if report.total_visits else 0.0
    lines = [
        text("report_title", scope=report.scope, period=report.period_label, dates=report.dates_label),
        text(
            "report_working_days",
            n=report.working_days,
            holidays=text("report_working_days_holidays", names="、".join(report.festivals))
            if report.festivals
            else "",
        ),
        text(
            "report_visits", visits=report.total_visits, effective=report.total_effective, rate=f"{rate:.0%}"
        ),
    ]
    graded = [f"{g} {n}" for g, n in report.new_by_grade.items() if n and g in GRADES]
    lines.append(text("report_new", n=report.new_customers, grades="，".join(graded) or "-"))
    lines.append(text("report_tasks", done=report.tasks_done, total=report.tasks_total))
    pipeline = [f"{m} {n}" for m, n in report.milestones.items() if n]
    if pipeline:
        lines.append(text("report_pipeline", items="，".join(pipeline)))
    top = [r for r in report.reps if r.visits][:3]
    if top:
        lines.append(text("report_top", items="，".join(f"{r.name} {r.visits}" for r in top)))
    idle = [r.name for r in report.reps if not r.visits]
    if idle:
        lines.append(text("report_idle", names="、".join(idle[:10])))
    lines.extend(practice_lines(report))
    return "\n".join(lines)[:1000]


def practice_lines(report: TeamReport) -> list[str]:
    """练习: the team's attempts and mean score, then one line per rep with their weakest topics."""
    if not report.practice:
        return [text("report_practice_none")]
    lines = [
        text("report_practice", attempts=report.practice_attempts, average=f"{report.practice_average:.0%}")
    ]
    for row in report.practice[:8]:
        lines.append(
            text(
                "report_practice_rep",
                name=row.name,
                attempts=row.attempts,
                average=f"{row.average:.0%}",
                weakest="、".join(row.weakest) or "-",
            )
        )
    return lines
