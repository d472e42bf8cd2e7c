"""Practice figures per rep for a period (the manager's report): attempts, mean score, and the
situations with the lowest mean score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from store import drills as drill_store
from store.access import Viewer

WEAKEST_SHOWN = 2
LABEL_CHARS = 12


def short_label(title: str) -> str:
    """A drill title short enough for a report line: the situation after the colon, trimmed."""
    head, _, tail = title.partition("：")
    label = (tail or head).strip('“”" ')
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


@dataclass
class PracticeRow:
    user_id: int
    name: str
    attempts: int = 0
    average: float = 0.0  # mean share of checks passed
    weakest: list[str] = field(default_factory=list)


async def practice_rows(
    session: Any, viewer: Viewer, start: datetime, end: datetime, names: Mapping[int, str]
) -> list[PracticeRow]:
    """One row per person who practised in ``[start, end)``, most attempts first."""
    by_user: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    titles: dict[str, str] = {}
    for attempt in await drill_store.attempts_between(session, viewer, start, end):
        by_user[attempt.user_id][attempt.drill_key].append(attempt.checks_passed / attempt.checks_total)
        titles[attempt.drill_key] = attempt.drill_title
    rows = []
    for user_id, per_drill in by_user.items():
        shares = [s for values in per_drill.values() for s in values]
        means = sorted((sum(v) / len(v), key) for key, v in per_drill.items())
        weakest = [short_label(titles[key]) for mean, key in means if mean < 1.0][:WEAKEST_SHOWN]
        rows.append(
            PracticeRow(
                user_id, names.get(user_id, f"#{user_id}"), len(shares), sum(shares) / len(shares), weakest
            )
        )
    return sorted(rows, key=lambda r: (-r.attempts, r.name))
