"""Logging visits through the engine (the main tier for features): the quick log read by an LLM (the
OpenAI-compatible stub behind a real client, injected through build_engine), its fields cross-checked and
the ones it added marked on the card, and the rules when the LLM fails."""

from __future__ import annotations

from bot.sales.visits.extract import VisitExtractor
from knowledge.llm import ChatClient, LLMConfig
from tests.support.engine_harness import button, engine_chat
from tests.support.openai_stub import OpenAIStub, Play

REP = 1001
EXAMPLE = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万"
FIELDS = {
    "customer": "华东机械有限公司",
    "contact_name": "刘建国",
    "contact_title": "采购经理",  # not in the report: the rules' value (none) stands
    "kind": "演示",
    "outcome": "need_followup",
    "next_step": "送测试报告",
    "next_date_text": "周五",
    "amount_text": "30万",  # not in the report either
}


async def test_quick_log_through_an_llm_and_back_to_the_rules_when_it_fails(settings, db, module_kb):
    with OpenAIStub(script=[Play(fields=FIELDS), Play.error(500)]) as stub:
        reader = VisitExtractor(ChatClient(LLMConfig(base_url=stub.base_url, model="m", timeout_s=5)))
        async with engine_chat(settings, db.url, module_kb, visit_reader=reader) as chat:
            await chat.add_user(REP, "小李", "rep", "华东")
            [card] = await chat.say(REP, "/log 今天给华东机械的刘建国做了演示，要看测试报告，周五送过去")
            assert "大模型解析" in card.text and "标 ✳ 的是大模型补充的" in card.text
            # marked: what the LLM added or changed (the rules read 华东机械 and no contact); the rules
            # read 演示 and 周五 themselves, so those agree and carry no mark
            assert "客户：华东机械有限公司（新建） ✳" in card.text and "联系人：刘建国（新建） ✳" in card.text
            assert "方式：演示\n" in card.text and "下一步日期：11月27日（周五）\n" in card.text
            assert "结果：需跟进 ✳" in card.text  # the rules read 要看测试报告 otherwise: marked
            assert "金额：30万" not in card.text and "采购经理" not in card.text

            [menu] = await chat.press(REP, button(card, "修改"))
            [question] = await chat.press(REP, button(menu, "修改方式"))
            [card] = await chat.press(REP, button(question, "电话"))
            assert "方式：电话\n" in card.text  # the rep's own answer: no mark
            assert "客户：华东机械有限公司（新建） ✳" in card.text

            await chat.press(REP, button(card, "取消"))
            [card] = await chat.say(REP, EXAMPLE)  # the server now fails: the rules take over
            assert (
                "规则解析" in card.text
                and "大模型" not in card.text
                and "客户：华东机械（新建）" in card.text
            )
