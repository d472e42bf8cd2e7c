"""The team's playbook rules through the engine: the effective visit as 002 七 defines it (the card
names exactly what is missing), and /rules shown to everyone and changed by a manager."""

from __future__ import annotations

from store.models import Contact
from tests.support.engine_harness import button, engine_chat
from tests.support.store_fixtures import all_visits

REP, MANAGER = 1001, 1002


async def _log(chat, report: str):
    [card] = await chat.say(REP, report)
    assert "请核对" in card.text, card.text
    saved, grading = await chat.press(REP, button(card, "确认保存"))
    return card, saved, grading


async def test_a_landline_alone_is_not_an_effective_visit_and_the_card_names_what_is_missing(
    settings, db, module_kb
):
    async with engine_chat(settings, db.url, module_kb) as chat:
        await chat.add_user(REP, "小李", "rep", "华东")
        card, saved, _ = await _log(
            chat, "/log 今天去了华东机械，见了信息部刘工，座机021-62345678，问卷1-5、2-2问清了，需求明确"
        )
        assert "座机：021-62345678" in card.text and "问卷已问清：1-5、2-2" in card.text
        assert "还不算有效拜访" in saved.text
        assert "接口人的邮箱" in saved.text and "接口人的座机" not in saved.text
        for item in ("2-3", "2-4", "2-5", "2-8", "2-9"):
            assert f"问卷第{item}题" in saved.text
        assert "问卷第1-5题" not in saved.text
        [first] = await all_visits(chat.engine.db)
        assert not first.effective and first.clarified == ["1-5", "2-2"] and first.need == "clear"

        # the next visit brings the e-mail and clarifies every item: effective
        card, saved, _ = await _log(chat, "/log 华东机械 刘工 邮箱 liu@huadong.com 问卷都问清了")
        assert "有效拜访：" in saved.text and "⚠️" not in saved.text
        second = (await all_visits(chat.engine.db))[-1]
        assert second.effective and len(second.clarified) == 7
        async with chat.engine.db.transaction() as session:
            contact = await session.get(Contact, second.contact_id)
        assert (contact.landline, contact.email) == ("021-62345678", "liu@huadong.com")


async def test_rules_are_shown_and_a_manager_changes_the_quota_and_the_effective_visit_fields(
    settings, db, module_kb
):
    async with engine_chat(settings, db.url, module_kb) as chat:
        await chat.add_user(REP, "小李", "rep", "华东")
        await chat.add_user(MANAGER, "王经理", "manager", "华东")
        [shown] = await chat.say(REP, "/rules")
        assert (
            "按手册原文" in shown.text and "座机和邮箱" in shown.text and "每人每天2个有效拜访" in shown.text
        )
        assert "问卷第2-8题" in shown.text and "没有规定B、C、D" in shown.text
        [refused] = await chat.say(REP, "/rules 指标 5")
        assert "只有主管" in refused.text

        [changed] = await chat.say(MANAGER, "/rules 指标 3")
        assert (
            "已更新" in changed.text and "每人每天3个有效拜访" in changed.text and "团队自定" in changed.text
        )
        [bad] = await chat.say(MANAGER, "/rules 指标 很多")
        assert "1 到 50" in bad.text
        [bad] = await chat.say(MANAGER, "/rules 问卷 7-7")
        assert "题号" in bad.text and "2-9" in bad.text
        [bad] = await chat.say(MANAGER, "/rules 联系方式 传真")
        assert "座机" in bad.text
        [changed] = await chat.say(MANAGER, "/rules 联系方式 座机")
        assert "带回信息化接口人的座机。" in changed.text
        [changed] = await chat.say(MANAGER, "/rules 问卷 1-5 2-8")
        assert "问清问卷第1-5题、问卷第2-8题" in changed.text

        # the rep's next visit is judged by the team's rule: landline and the two items are enough
        _card, saved, _ = await _log(chat, "/log 宏远电气 见了信息部孙工 座机0571-86543210 问卷1-5 2-8都问了")
        assert "有效拜访：" in saved.text
        [seen] = await chat.say(REP, "/rules")
        assert "每人每天3个有效拜访" in seen.text  # every process reads the same stored rules

        [reset] = await chat.say(MANAGER, "/rules 恢复")
        assert "按手册原文" in reset.text and "每人每天2个有效拜访" in reset.text
