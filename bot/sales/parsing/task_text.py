"""Read a manager's one-line task: who it is for, and from its text the due date, whether it repeats
daily, and a daily visit quota ("每人今天找到2个优质客户", "每天拜访3家客户")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.sales.parsing.dates import find_dates
from bot.sales.parsing.numerals import CN_NUM_CHARS, cn_to_int

#: The first word of `/task 全员 …` that means "everyone I manage".
EVERYONE_WORDS = frozenset({"全员", "所有人", "大家", "全体", "全部", "每个人", "全员工"})
#: … and "my team" (for an admin: their own team).
TEAM_WORDS = frozenset({"全组", "本组", "团队", "全队", "本团队", "全组人员", "组内"})

_DAILY = re.compile(r"每天|每日|天天|每个工作日")
# The sign is read too (每天拜访-3家 is -3, which validation refuses, never a quota of 3).
_QUOTA = re.compile(
    rf"(?P<sn>[-−－]|负)?\s*(?P<n>\d{{1,4}}|[{CN_NUM_CHARS}]{{1,3}})\s*(?:个|家|位|次)[^，。,;；\d]{{0,6}}?(?:客户|拜访)"
    rf"|拜访\s*(?P<sm>[-−－]|负)?\s*(?P<m>\d{{1,4}}|[{CN_NUM_CHARS}]{{1,3}})\s*(?:个|家|位|次)"
)


@dataclass(frozen=True)
class TaskDetails:
    title: str
    due: date | None
    recurrence: str | None  # None or "daily"
    quota_visits: int | None  # as written, sign included: bot.sales.validation.check_task judges it


def split_target(args: str) -> tuple[str, str]:
    """('小李', '明天上午给华东机械回电话') from '小李 明天上午给华东机械回电话' (also '@小李：…')."""
    parts = re.split(r"[\s:：,，]+", args.strip(), maxsplit=1)
    target = parts[0].lstrip("@")
    return target, parts[1].strip() if len(parts) > 1 else ""


def read_details(title: str, today: date) -> TaskDetails:
    title = title.strip()
    daily = bool(_DAILY.search(title))
    due = None
    for found in find_dates(title, today):
        if not found.relative_past and not found.coarse and found.date >= today:
            due = found.date
            break
    quota = None
    if match := _QUOTA.search(title):
        raw = match["n"] or match["m"]
        value = int(raw) if raw.isdigit() else cn_to_int(raw)
        negative = bool(match["sn"] or match["sm"])
        quota = None if value is None else (-value if negative else value)
    return TaskDetails(
        title=title, due=None if daily else due, recurrence="daily" if daily else None, quota_visits=quota
    )
