"""Reading a manager's one-line task."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sales.parsing.task_text import read_details, split_target

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("line", "target", "due", "recurrence", "quota"),
    [
        ("小李 明天上午给华东机械回电话", "小李", date(2026, 11, 24), None, None),
        ("全员 每人今天找到2个优质客户", "全员", MONDAY, None, 2),
        ("全组 每天拜访三家客户", "全组", None, "daily", 3),
        ("@小王：周五前提交方案", "小王", date(2026, 11, 27), None, None),
        ("小李 昨天的拜访记录补一下", "小李", None, None, None),
    ],
)
def test_a_one_line_task_is_read(line, target, due, recurrence, quota):
    who, rest = split_target(line)
    details = read_details(rest, MONDAY)
    assert (who, details.due, details.recurrence, details.quota_visits) == (target, due, recurrence, quota)
    assert details.title == rest
