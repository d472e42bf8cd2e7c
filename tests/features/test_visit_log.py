"""Logging visits through the engine (the main tier for features): the quick log read by an LLM
(a fake chat model injected through build_engine) and by the rules when the LLM fails."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.sales.visits.extract import VisitExtractor
from tests.support.engine_harness import button, engine_chat

REP = 1001
EXAMPLE = "今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万"


class ToolCallingFake(GenericFakeChatModel):
    """A fake chat model that "calls" the structured-output tool with canned arguments."""

    def bind_tools(self, tools, **kwargs):
        return self


def fake_llm(*replies: AIMessage) -> ToolCallingFake:
    return ToolCallingFake(messages=iter(replies))


async def test_quick_log_through_an_llm_and_back_to_the_rules_when_it_fails(settings, db, module_kb):
    arguments = {
        "customer": "华东机械有限公司",
        "contact_name": "刘建国",
        "contact_title": "采购经理",
        "kind": "演示",
        "outcome": "need_followup",
        "next_step": "送测试报告",
        "next_date": "2026-11-27",
        "amount_wan": 30,
    }
    call = AIMessage(content="", tool_calls=[{"name": "VisitFields", "args": arguments, "id": "call-1"}])
    reader = VisitExtractor(fake_llm(call, AIMessage(content="not a tool call")))
    async with engine_chat(settings, db.url, module_kb, visit_reader=reader) as chat:
        await chat.add_user(REP, "小李", "rep", "华东")
        [card] = await chat.say(REP, "/log 今天给华东机械的刘建国做了演示，要看测试报告")
        assert "大模型解析" in card.text
        assert "客户：华东机械有限公司（新建）" in card.text and "联系人：刘建国（新建）" in card.text
        assert (
            "方式：演示" in card.text
            and "下一步日期：11月27日（周五）" in card.text
            and "金额：30万" in card.text
        )
        await chat.press(REP, button(card, "取消"))
        [card] = await chat.say(REP, EXAMPLE)  # the fake now answers without the tool: rules take over
        assert "规则解析" in card.text and "大模型" not in card.text and "客户：华东机械（新建）" in card.text
