"""The report as one PNG: visits per rep (effective and other), new customers by grade and stars,
deals by milestone, tasks per rep. matplotlib's object API (no pyplot), so it is thread-safe."""

from __future__ import annotations

from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.sales.reports.data import NO_GRADE, NO_STARS, TeamReport
from bot.sales.reports.fonts import chinese_font_family
from prompts import text

GREEN, GREY, BLUE, ORANGE = "#2e9d5b", "#c9ced6", "#3b73b9", "#e08a2c"


def _empty(ax: Axes) -> None:
    ax.text(
        0.5, 0.5, text("chart_no_data"), ha="center", va="center", color="#888888", transform=ax.transAxes
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _stacked(ax: Axes, names: list[str], lower: list[int], upper: list[int], labels: tuple[str, str]) -> None:
    """Per-person bars: `lower` in green, `upper` in grey on top, with a legend."""
    ax.bar(names, lower, color=GREEN, label=labels[0])
    ax.bar(names, upper, bottom=lower, color=GREY, label=labels[1])
    ax.legend(loc="upper right", fontsize=9)
    ax.tick_params(axis="x", labelrotation=30 if len(names) > 5 else 0)


def _visits(ax: Axes, report: TeamReport) -> None:
    ax.set_title(text("chart_visits_title"))
    reps = report.reps
    if not reps:
        return _empty(ax)
    names = [r.name for r in reps]
    effective = [r.effective for r in reps]
    other = [r.visits - r.effective for r in reps]
    _stacked(ax, names, effective, other, (text("chart_effective"), text("chart_not_effective")))
    for i, r in enumerate(reps):
        if r.visits:
            ax.annotate(f"{r.effective_rate:.0%}", (i, r.visits), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel(text("chart_times"))
    ax.set_ylim(0, max([r.visits for r in reps] + [1]) * 1.2)


def _new_customers(ax: Axes, report: TeamReport) -> None:
    ax.set_title(text("chart_new_title", n=report.new_customers))
    if not report.new_customers:
        return _empty(ax)
    grade_labels = [
        text("chart_grade", grade=g) if g != NO_GRADE else text("chart_no_grade") for g in report.new_by_grade
    ]
    star_labels = [
        text("chart_stars", n=s) if s != NO_STARS else text("chart_no_stars") for s in report.new_by_stars
    ]
    labels = [*grade_labels, "", *star_labels]
    values = [*report.new_by_grade.values(), 0, *report.new_by_stars.values()]
    colors = [BLUE] * len(grade_labels) + [BLUE] + [ORANGE] * len(star_labels)
    ax.bar(range(len(labels)), values, color=colors)
    ax.set_xticks(range(len(labels)), labels, fontsize=8, rotation=45)
    ax.set_ylabel(text("chart_customers"))


def _milestones(ax: Axes, report: TeamReport) -> None:
    ax.set_title(text("chart_milestones_title"))
    if not any(report.milestones.values()):
        return _empty(ax)
    names = list(report.milestones)[::-1]
    values = [report.milestones[m] for m in names]
    ax.barh(names, values, color=BLUE)
    for y, v in enumerate(values):
        if v:
            ax.annotate(str(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_xlabel(text("chart_customers"))


def _tasks(ax: Axes, report: TeamReport) -> None:
    ax.set_title(text("chart_tasks_title", done=report.tasks_done, total=report.tasks_total))
    reps = [r for r in report.reps if r.tasks_total]
    if not reps:
        return _empty(ax)
    names = [r.name for r in reps]
    done = [r.tasks_done for r in reps]
    rest = [r.tasks_total - r.tasks_done for r in reps]
    _stacked(ax, names, done, rest, (text("chart_tasks_done"), text("chart_tasks_open")))


def _practice(ax: Axes, report: TeamReport) -> None:
    """Mean score per rep (bars, 0–100%), with the attempts written above each bar."""
    ax.set_title(text("chart_practice_title"))
    rows = report.practice
    if not rows:
        return _empty(ax)
    names = [r.name for r in rows]
    ax.bar(names, [r.average * 100 for r in rows], color=ORANGE)
    for i, row in enumerate(rows):
        ax.annotate(
            text("chart_practice_attempts", n=row.attempts, average=f"{row.average:.0%}"),
            (i, row.average * 100),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_ylim(0, 115)
    ax.set_ylabel("%")
    ax.tick_params(axis="x", labelrotation=30 if len(names) > 8 else 0)


def render_report_png(report: TeamReport, *, dpi: int = 110) -> bytes:
    family = chinese_font_family()
    rc = {"axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family, "DejaVu Sans"]
    import matplotlib

    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(12, 11), dpi=dpi)
        FigureCanvasAgg(figure)
        figure.suptitle(
            text("chart_title", scope=report.scope, period=report.period_label, dates=report.dates_label),
            fontsize=15,
        )
        grid = figure.add_gridspec(3, 2, height_ratios=(1, 1, 0.8))
        a, b = figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1])
        c, d = figure.add_subplot(grid[1, 0]), figure.add_subplot(grid[1, 1])
        _practice(figure.add_subplot(grid[2, :]), report)
        _visits(a, report)
        _new_customers(b, report)
        _milestones(c, report)
        _tasks(d, report)
        for axis in (a.yaxis, b.yaxis, d.yaxis, c.xaxis):
            if len(axis.get_ticklocs()):  # not on the empty "no data" panels
                axis.set_major_locator(MaxNLocator(integer=True))
        figure.tight_layout(rect=(0, 0, 1, 0.95))
        out = BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
