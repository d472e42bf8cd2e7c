"""/kb as one PNG: answers per source (cards and documents), and 👍/👎 per taught card.
matplotlib's object API (no pyplot), so it is thread-safe; the Chinese font of the reports."""

from __future__ import annotations

from io import BytesIO

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.sales.knowledge_usage.data import PERIOD_DAYS, KnowledgeUsage, UsageRow
from bot.sales.reports.chart import BLUE, GREEN, GREY, ORANGE
from bot.sales.reports.fonts import chinese_font_family
from prompts import text

LABEL_CHARS = 18


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _empty(ax: Axes) -> None:
    ax.text(
        0.5, 0.5, text("chart_no_data"), ha="center", va="center", color="#888888", transform=ax.transAxes
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _top(ax: Axes, rows: list[UsageRow]) -> None:
    ax.set_title(text("kb_chart_top_title"))
    if not rows:
        return _empty(ax)
    rows = rows[::-1]  # the most used on top
    colors = [ORANGE if r.use.kind == "card" else BLUE for r in rows]
    ax.barh([_short(r.label) for r in rows], [r.use.answers for r in rows], color=colors)
    ax.set_xlabel(text("kb_chart_answers"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _votes(ax: Axes, rows: list[UsageRow]) -> None:
    ax.set_title(text("kb_chart_votes_title"))
    rows = [r for r in rows if r.use.up or r.use.down]
    if not rows:
        return _empty(ax)
    names = [_short(r.label) for r in rows]
    ax.barh(names, [r.use.up for r in rows], color=GREEN, label=text("kb_chart_up"))
    ax.barh(names, [-r.use.down for r in rows], color=GREY, label=text("kb_chart_down"))
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.legend(loc="lower right", fontsize=9)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def render_usage_png(report: KnowledgeUsage, *, dpi: int = 110) -> bytes:
    family = chinese_font_family()
    rc: dict[str, object] = {"axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family, "DejaVu Sans"]
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(11, 6), dpi=dpi)
        FigureCanvasAgg(figure)
        figure.suptitle(text("kb_chart_title", team=report.team, days=PERIOD_DAYS), fontsize=14)
        _top(figure.add_subplot(1, 2, 1), report.top)
        _votes(figure.add_subplot(1, 2, 2), report.cards)
        figure.tight_layout(rect=(0, 0, 1, 0.93))
        out = BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
