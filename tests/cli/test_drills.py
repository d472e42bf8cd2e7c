"""`coach drills import`: a team document's drill is checked, then stored for its team."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from bot.cli import app
from config import get_settings
from store import drills
from store.db import open_database

CARD = """---
drill:
  customer: 你们的交付周期太长了，我们等不了。
  checks:
    - check: 问清客户的上线时间
      ref: 您最晚什么时候要用上
    - check: 提出分阶段交付
      ref: 先上最急的模块，其余分期交付
title: 交付周期异议
tags: [交付, 异议]
---
## 话术
“您最晚什么时候要用上？我们可以先上最急的那块。”
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "LLM_BASE_URL", "LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_card_with_a_drill_block_is_imported_for_a_team(home, tmp_path):
    card = tmp_path / "delivery.md"
    card.write_text(CARD, encoding="utf-8")
    result = CliRunner().invoke(app, ["drills", "import", str(card), "--team", "华东"])
    assert result.exit_code == 0, result.output
    assert "交付周期异议" in result.output

    async def stored():
        db = await open_database(get_settings().database)
        try:
            async with db.transaction() as session:
                return await drills.definitions_for(session, None, all_teams=True)
        finally:
            await db.dispose()

    [row] = asyncio.run(stored())
    assert row.title == "交付周期异议" and row.team_id is not None
    assert row.data["script"].startswith("“您最晚什么时候要用上")

    broken = tmp_path / "broken.yaml"
    broken.write_text("title: x\ndrill:\n  customer: 您好\n  checks: [{check: a}]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["drills", "import", str(broken)])
    assert result.exit_code == 1 and "2–5 个检查项" in result.output
