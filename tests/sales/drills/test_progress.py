"""Practice figures for the manager's report: per rep attempts, mean score, weakest topics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sales.drills.progress import practice_rows
from bot.sales.reports.data import collect_report, summary_text
from store import drills

pytest_plugins = ("tests.support.store_fixtures",)
pytestmark = pytest.mark.asyncio(loop_scope="session")

MONDAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


async def test_the_report_gains_practice_per_rep(db, world):
    async with db.transaction() as s:
        for key, title, passed in [
            ("pb:a", "价格异议：客户一上来就问多少钱", 1),
            ("pb:a", "价格异议：客户一上来就问多少钱", 2),
            ("pb:b", "谈判僵局：七个破局办法", 3),
        ]:
            await drills.record_attempt(
                s,
                world.rep_a1,
                drill_key=key,
                drill_title=title,
                turn=0,
                passed=passed,
                total=3,
                answer="x",
                at=AT,
            )
        await drills.record_attempt(
            s, world.rep_b1, drill_key="pb:a", drill_title="t", turn=0, passed=0, total=3, answer="x", at=AT
        )
        await drills.record_attempt(  # last week: outside the period
            s,
            world.rep_a2,
            drill_key="pb:a",
            drill_title="t",
            turn=0,
            passed=0,
            total=3,
            answer="x",
            at=AT - timedelta(days=7),
        )
    viewer = world.viewer(world.manager_a)
    async with db.transaction() as s:
        rows = await practice_rows(s, viewer, AT - timedelta(hours=3), AT + timedelta(days=1), {})
        report = await collect_report(s, viewer, "week", MONDAY, ZoneInfo("Asia/Shanghai"), "华东")
    [row] = rows
    assert row.user_id == world.rep_a1.id and row.attempts == 3
    assert row.average == pytest.approx((1 / 3 + 2 / 3 + 1) / 3)
    assert row.weakest == ["客户一上来就问多少钱"]  # 谈判僵局 was answered in full
    text = summary_text(report)
    assert "练习：3 次，平均得分 67%" in text
    assert "· 张三：3 次，平均 67%；薄弱：客户一上来就问多少钱" in text
    assert "钱五" not in text  # another team's rep
