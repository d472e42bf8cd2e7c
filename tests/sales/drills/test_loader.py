"""Drill data: the starter playbook's drill blocks, mappings from managers, the /drilladd form."""

from __future__ import annotations

import pytest

from bot.features.drills.rendering import drill_button_data
from bot.forms.buttons import MAX_BYTES
from bot.sales.drills.loader import DrillError, drill_from_mapping, drills_in, front_matter, model_script
from bot.sales.drills.model import MAX_CHECKS, MIN_CHECKS
from bot.sales.drills.template import parse_template
from knowledge.loaders import parse_entry
from knowledge.service import PLAYBOOKS_DIR

TEMPLATE = """标题：客户说今年预算用完了
标签：预算 异议
客户：今年的预算早就花完了，明年再说吧。
检查：先认同客户的处境｜预算定了确实不好动，我理解｜理解/认同
检查：问清下一轮预算的时间｜明年的预算一般几月份开始报｜几月/什么时候
追问：那你们能不能先免费给我们用着？
检查：不轻易答应免费｜免费用不了，但可以先做个小范围试点｜试点/先试
检查：约定下一步｜我先做个方案，下周给您过一遍｜方案 下周/时间
示范：“预算定了确实难动，我理解。”
“明年的预算一般几月开始报？”"""


def test_the_starter_playbook_has_drills_for_its_key_situations():
    drills = {d.key: d for d in drills_in(PLAYBOOKS_DIR)}
    assert len(drills) >= 20
    for stem in (
        "price-asked-early",
        "visit-refused-at-door",
        "referral-ask-3-to-5",
        "spin-questioning",
        "fabe-pitch",
        "negotiation-deadlock",
        "visit-pretext-survey",
        "objection-too-expensive",
    ):
        assert f"pb:{stem}" in drills
    for drill in drills.values():
        assert drill.openings and drill.script and drill.title
        for index in range(drill.turns):
            turn = drill.turn(index)
            assert turn.customer
            assert MIN_CHECKS <= len(turn.checks) <= MAX_CHECKS
            assert all(c.reference and c.terms for c in turn.checks)
        assert len(drill_button_data("again", drill.key).encode()) <= MAX_BYTES
        assert drill_button_data("again", drill.key).endswith(drill.key)  # not cut short


def test_the_drill_block_leaves_the_card_as_retrieval_reads_it():
    text = (PLAYBOOKS_DIR / "price-asked-early.md").read_text(encoding="utf-8")
    card = parse_entry(text)
    meta, body = front_matter(text)
    assert card is not None and card.title == meta["title"] and "drill" not in card.body
    assert model_script(body).startswith("“价格肯定给您讲清楚")
    assert "## 要点" not in model_script(body)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"checks": [{"check": "a"}, {"check": "b"}]}, "客户的话"),
        ({"customer": "您好", "checks": [{"check": "a"}]}, "2–5 个检查项"),
        ({"customer": "您好", "checks": "a"}, "检查项"),
        ({"customer": "您好", "checks": [{"check": ""}, {"check": "b"}]}, "标准"),
        ({"customer": "x" * 400, "checks": [{"check": "a"}, {"check": "b"}]}, "太长"),
        ("not a mapping", "格式不对"),
    ],
)
def test_unusable_drills_are_refused_with_a_chinese_reason(raw, problem):
    with pytest.raises(DrillError, match=problem):
        drill_from_mapping(raw, key="db:1", title="t")


def test_the_manager_form_reads_into_a_drill_with_a_follow_up():
    title, tags, data = parse_template(TEMPLATE)
    drill = drill_from_mapping(data, key="db:7", title=title, tags=tags)
    assert title == "客户说今年预算用完了" and tags == ["预算", "异议"]
    assert drill.turns == 2
    assert [c.criterion for c in drill.checks] == ["先认同客户的处境", "问清下一轮预算的时间"]
    assert drill.checks[0].terms == (("理解", "认同"),)
    assert drill.followups[0].customer == "那你们能不能先免费给我们用着？"
    assert drill.followups[0].checks[1].terms == (("方案",), ("下周", "时间"))
    assert drill.script.splitlines() == ["“预算定了确实难动，我理解。”", "“明年的预算一般几月开始报？”"]


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ("客户：您好\n检查：a\n检查：b", "标题"),
        ("标题：x\n胡说八道", "第 2 行"),
        ("标题：x\n客户：您好\n检查：a", "2–5 个检查项"),
        ("标题：x\n客户：您好\n检查：｜b", "缺少标准"),
    ],
)
def test_a_broken_form_names_its_problem(form, problem):
    with pytest.raises(DrillError, match=problem):
        title, tags, data = parse_template(form)
        drill_from_mapping(data, key="db:1", title=title, tags=tags)
