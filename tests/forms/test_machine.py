"""The form machine on its own: validation, navigation (back, edit, stale buttons), resets, choices."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

import prompts
from bot.engine.messages import Incoming, Reply
from bot.forms import Choose, Field, Form, Invalid, Picked, machine
from bot.forms.fields import normalize_phone, parse_answer, show_value
from bot.sales.localtime import local_today
from config import load_settings

TODAY = date(2026, 11, 23)  # a Monday


async def lookup_city(ctx: Any, values: dict[str, Any], raw: str) -> Picked | Choose:
    if raw == "上海":
        return Picked({"id": 1, "name": "上海"})
    if len(raw) < 2:
        raise Invalid("form_invalid_empty")
    return Choose(
        "form_pick_a_button", [("苏州", {"id": 2, "name": "苏州"}), (raw, {"id": None, "name": raw})]
    )


FIELDS = (
    Field("city", "lookup", lookup=lookup_city, resets=("district",)),
    Field("district", optional=True),
    Field("size", "choice", choices=("small", "big")),
    Field("phone", "phone", optional=True, when=lambda v: v.get("size") == "big"),
    Field("day", "date", future_only=True),
    Field("amount", "amount", optional=True),
    Field("note", ask=False),
)
saved: list[dict[str, Any]] = []


async def _save(ctx: Any, session: Any, values: dict[str, Any]) -> dict[str, Any]:
    saved.append(values)
    return values


async def _saved(ctx: Any, values: dict[str, Any]) -> list[Reply]:
    return [Reply("saved")]


FORM = Form("t", FIELDS, _save, _saved)


@dataclass
class FakeCtx:
    """The slice of engine.Context the machine uses, with the state kept in memory."""

    state: Any = None
    incoming: Incoming = field(default_factory=lambda: Incoming(1, "u", "text", ""))
    now: datetime = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    engine: Any = field(default_factory=lambda: SimpleNamespace(settings=load_settings()))

    @property
    def today(self) -> date:
        return local_today(self.now, self.engine.settings.timezone)

    async def save_state(self, flow: str, step: str, data: dict[str, Any]) -> None:
        self.state = SimpleNamespace(flow=flow, step=step, data=copy.deepcopy(data), version=1)

    async def clear_state(self) -> None:
        self.state = None


async def send(ctx: FakeCtx, value: str, kind: str = "text") -> Reply:
    ctx.incoming = Incoming(1, "u", kind, value)  # type: ignore[arg-type]
    [reply] = await machine.handle(ctx, FORM)  # type: ignore[arg-type]
    return reply


def buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for row in reply.buttons for b in row}


TEST_TEXTS = {
    **{f"t_ask_{f.name}": f"{f.name}?" for f in FIELDS},
    **{f"t_label_{f.name}": f.name for f in FIELDS},
    "t_label_city": "城市",
    "t_summary_title": "核对：",
}


@pytest.fixture(autouse=True)
def test_form_texts(monkeypatch):
    real = prompts._texts()
    monkeypatch.setattr(prompts, "_texts", lambda: {**real, **TEST_TEXTS})


@pytest.fixture
async def ctx() -> FakeCtx:
    ctx = FakeCtx()
    await machine.start(ctx, FORM, {"note": "n"})  # type: ignore[arg-type]
    return ctx


async def test_a_form_walks_its_fields_in_order_and_ends_on_a_summary(ctx):
    assert ctx.state.step == "city"
    await send(ctx, "上海")
    assert ctx.state.step == "district"
    reply = await send(ctx, "t:skip:district", "button")
    assert (
        ctx.state.step == "size" and {"small", "big"} <= set(buttons(reply)) and "跳过" not in buttons(reply)
    )
    await send(ctx, "t:set:size:0", "button")
    assert ctx.state.step == "day"  # phone applies only to big ones
    await send(ctx, "下周二")
    reply = await send(ctx, "20万")
    assert ctx.state.step == machine.SUMMARY
    assert "12月1日（周二）" in reply.text and "20万" in reply.text and "上海" in reply.text
    assert list(buttons(reply)) == ["✅ 确认保存", "✏️ 修改", "✖️ 取消"]
    assert ctx.state.data["values"] == {
        "note": "n",
        "city": {"id": 1, "name": "上海"},
        "district": None,
        "size": "small",
        "day": "2026-12-01",
        "amount": 20.0,
    }


async def test_invalid_answers_are_explained_and_asked_again(ctx):
    await send(ctx, "上海")
    await send(ctx, "t:skip:district", "button")
    reply = await send(ctx, "medium")  # neither a button nor a choice label
    assert "请点下面的按钮" in reply.text and ctx.state.step == "size"
    await send(ctx, "big")  # a choice may also be typed
    reply = await send(ctx, "12345")
    assert "不像电话号码" in reply.text and ctx.state.step == "phone"
    await send(ctx, "138 1234 5678")
    reply = await send(ctx, "不知道")
    assert "没看懂这个日期" in reply.text
    reply = await send(ctx, "2026-11-20")
    assert "已经过去了" in reply.text and ctx.state.step == "day"
    await send(ctx, "明天")
    reply = await send(ctx, "很多")
    assert "金额要是数字" in reply.text
    await send(ctx, "-5")
    assert ctx.state.step == "amount"
    await send(ctx, "1,200")
    assert ctx.state.step == machine.SUMMARY
    assert ctx.state.data["values"]["phone"] == "13812345678"
    assert ctx.state.data["values"]["amount"] == 1200.0


async def test_back_goes_one_step_and_forgets_that_answer(ctx):
    await send(ctx, "上海")
    await send(ctx, "朝阳")
    reply = await send(ctx, "t:back", "button")
    assert ctx.state.step == "district" and "当前：朝阳" in reply.text
    reply = await send(ctx, "t:back", "button")
    assert ctx.state.step == "city" and "上一步" not in "".join(buttons(reply))
    await send(ctx, "上海")
    assert ctx.state.step == "district"


async def test_lookup_offers_options_and_a_changed_answer_resets_what_depends_on_it(ctx):
    reply = await send(ctx, "苏")
    assert "不能为空" in reply.text  # Invalid from the lookup itself
    reply = await send(ctx, "苏洲")
    assert ctx.state.step == "city" and list(buttons(reply))[:2] == ["苏州", "苏洲"]
    await send(ctx, "t:set:city:0", "button")
    await send(ctx, "工业园")
    await send(ctx, "t:set:size:0", "button")
    await send(ctx, "明天")
    card = await send(ctx, "t:skip:amount", "button")
    assert "苏州" in card.text and "工业园" in card.text
    menu = await send(ctx, "t:edit", "button")
    assert menu.replace_pressed and "修改城市" in buttons(menu)
    await send(ctx, "t:edit:city", "button")
    await send(ctx, "上海")
    assert ctx.state.step == "district"  # the district belonged to the old city: asked again
    reply = await send(ctx, "浦东")
    assert ctx.state.step == machine.SUMMARY and "浦东" in reply.text


async def test_editing_from_the_summary_returns_to_it(ctx):
    for answer in ("上海", "朝阳"):
        await send(ctx, answer)
    await send(ctx, "t:set:size:0", "button")
    await send(ctx, "明天")
    await send(ctx, "5")
    await send(ctx, "t:edit:note", "button")  # a field that is never asked can still be edited
    assert ctx.state.step == "note"
    reply = await send(ctx, "t:back", "button")  # back while editing: the summary again
    assert ctx.state.step == machine.SUMMARY
    await send(ctx, "t:edit:amount", "button")
    reply = await send(ctx, "8")
    assert ctx.state.step == machine.SUMMARY and "8万" in reply.text


async def test_stale_buttons_and_text_at_the_summary_re_ask(ctx):
    await send(ctx, "上海")
    reply = await send(ctx, "t:set:size:1", "button")  # a button of a question not asked yet
    assert "之前问题" in reply.text and ctx.state.step == "district"
    await send(ctx, "t:skip:district", "button")
    await send(ctx, "t:set:size:0", "button")
    await send(ctx, "明天")
    await send(ctx, "t:skip:amount", "button")
    reply = await send(ctx, "随便打几个字")
    assert "请点下面的按钮" in reply.text and ctx.state.step == machine.SUMMARY
    reply = await send(ctx, "t:set:size:0", "button")
    assert "之前问题" in reply.text


async def test_cancel_ends_the_form(ctx):
    await send(ctx, "上海")
    reply = await send(ctx, "t:cancel", "button")
    assert "已取消" in reply.text and ctx.state is None


async def test_start_can_open_on_a_lookup_with_options(ctx):
    choose = Choose("form_pick_a_button", [("苏州", {"id": 2, "name": "苏州"})])
    [reply] = await machine.start(ctx, FORM, {"note": "n"}, ["district"], choose=("city", choose))  # type: ignore[arg-type]
    assert ctx.state.step == "city" and "苏州" in buttons(reply)
    assert "choose" not in ctx.state.data  # only JSON goes into the state
    await send(ctx, "t:set:city:0", "button")
    assert ctx.state.step == "size"


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("date", "下周二", "2026-12-01"),
        ("date", "12月3日", "2026-12-03"),
        ("amount", "20来万", 20.0),
        ("amount", "15.5", 15.5),
        ("amount", "200000元", 20.0),
        ("phone", "021-62345678", "021-62345678"),
        ("phone", "+86 138-1234-5678", "13812345678"),
        ("email", "liu@huadong.com", "liu@huadong.com"),
        ("text", "  去做演示 ", "去做演示"),
    ],
)
def test_answers_are_parsed(kind, raw, value):
    assert parse_answer(Field("x", kind), raw, TODAY) == value


@pytest.mark.parametrize(
    ("kind", "raw", "key"),
    [
        ("date", "改天", "form_invalid_date"),
        ("amount", "不少", "form_invalid_amount"),
        ("amount", "0", "form_invalid_amount"),
        ("phone", "1234567", "form_invalid_phone"),
        ("phone", "23812345678", "form_invalid_phone"),
        ("email", "liu@", "form_invalid_email"),
        ("text", "   ", "form_invalid_empty"),
    ],
)
def test_bad_answers_name_their_problem(kind, raw, key):
    with pytest.raises(Invalid) as caught:
        parse_answer(Field("x", kind), raw, TODAY)
    assert caught.value.key == key and caught.value.message()


def test_phone_kinds_and_values_shown():
    assert normalize_phone("0571 8765 4321") == ("landline", "0571-87654321")
    assert normalize_phone("13812345678") == ("mobile", "13812345678")
    assert show_value("visit", Field("outcome", "choice"), "deal_won") == "成交"
    assert show_value("visit", Field("kind", "choice"), "上门") == "上门"
    assert show_value("t", Field("c", "lookup"), {"id": None, "name": "华东"}) == "华东（新建）"
    assert show_value("t", Field("a", "amount"), None) == "—"


def test_button_data_fits_telegram():
    for f in FIELDS:
        for i in range(10):
            assert len(FORM.button("set", f.name, i).encode()) <= 64
