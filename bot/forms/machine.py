"""One small state machine that drives every form, one question at a time.

The state is a ``ConversationState(flow=<form name>, step, data)`` row, so a form survives a
restart and a second bot process. ``step`` is a field name, ``summary`` (the card with
确认保存 / 修改 / 取消) or ``edit`` (which field to change). ``data`` holds:

- ``values``: answers so far, JSON-ready;
- ``done``: fields answered or skipped (required ones are asked until answered);
- ``trail``: the fields answered in order, for 上一步;
- ``options``: the buttons offered by a lookup (pressing one sends its index);
- ``header``: optional text key shown above the summary (e.g. what a quick log understood).

Buttons carry ``<form>:<action>[:<field>[:<index>]]``: set, skip, back, cancel, save, edit, summary.
A button that names another step than the current one is stale and re-asks the current question.
Saving happens only on 确认保存, in one transaction that also ends the conversation.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.forms.buttons import button_data, press_of
from bot.forms.fields import Choose, Field, Invalid, Picked, choice_label, parse_answer, show_value
from prompts import text
from store import conversations
from store.conversations import StaleState

SUMMARY = "summary"
EDIT = "edit"
BUTTONS_PER_ROW = 3


@dataclass(frozen=True)
class Form:
    """A form as data. ``save`` runs inside the saving transaction and returns whatever ``saved``
    needs to build the replies once it is committed."""

    name: str
    fields: tuple[Field, ...]
    save: Callable[[Context, AsyncSession, dict[str, Any]], Awaitable[Any]]
    saved: Callable[[Context, Any], Awaitable[list[Reply]]]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    def button(self, *parts: object) -> str:
        return button_data(self.name, *parts)


def _rows(buttons: list[Button], per_row: int = BUTTONS_PER_ROW) -> list[tuple[Button, ...]]:
    return [tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def next_step(form: Form, data: dict[str, Any]) -> str:
    values, done = data["values"], set(data["done"])
    for f in form.fields:
        if f.ask and f.name not in done and f.applies(values):
            return f.name
    return SUMMARY


def applicable_values(form: Form, values: dict[str, Any]) -> dict[str, Any]:
    """The values to save: those of fields that apply, None for the ones left empty."""
    return {f.name: values.get(f.name) for f in form.fields if f.applies(values)}


def new_data(values: dict[str, Any] | None = None, done: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
    return {"values": dict(values or {}), "done": list(done), "trail": [], "options": []}


# ---------------------------------------------------------------- rendering


def summary_card(form: Form, data: dict[str, Any]) -> Reply:
    values = data["values"]
    lines = [text(data.get("header") or f"{form.name}_summary_title")]
    for f in form.fields:
        if f.applies(values):
            lines.append(
                f"{text(f'{form.name}_label_{f.name}')}：{show_value(form.name, f, values.get(f.name))}"
            )
    buttons = (
        (
            Button(text("form_save"), form.button("save")),
            Button(text("form_edit"), form.button("edit")),
            Button(text("form_cancel"), form.button("cancel")),
        ),
    )
    return Reply("\n".join(lines), buttons=buttons)


def edit_menu(form: Form, data: dict[str, Any]) -> Reply:
    values = data["values"]
    buttons = [
        Button(
            text("form_edit_field", label=text(f"{form.name}_label_{f.name}")), form.button("edit", f.name)
        )
        for f in form.fields
        if f.applies(values)
    ]
    rows = [*_rows(buttons, 2), (Button(text("form_back_to_summary"), form.button("summary")),)]
    return Reply(text("form_edit_which"), buttons=tuple(rows), replace_pressed=True)


async def question(ctx: Context, form: Form, data: dict[str, Any], f: Field, note: str = "") -> Reply:
    """The question for field ``f`` with its buttons; fills ``data['options']`` for lookups."""
    values = data["values"]
    lines = [note] if note else []
    choose: Choose | None = data.pop("choose", None)
    if choose is not None:
        lines.append(text(choose.prompt, **choose.values))
        data["options"] = [[label, value] for label, value in choose.options]
    else:
        lines.append(text(f"{form.name}_ask_{f.name}"))
        if f.kind == "lookup" and f.suggest is not None:
            data["options"] = [[label, value] for label, value in await f.suggest(ctx, values)]
        else:
            data["options"] = []
    if values.get(f.name) not in (None, ""):
        lines.append(text("form_current_value", value=show_value(form.name, f, values[f.name])))
    buttons: list[Button] = []
    if f.kind == "choice":
        buttons = [
            Button(choice_label(form.name, f, c), form.button("set", f.name, i))
            for i, c in enumerate(f.choices)
        ]
    elif f.kind == "lookup":
        buttons = [
            Button(label, form.button("set", f.name, i)) for i, (label, _) in enumerate(data["options"])
        ]
    rows = _rows(buttons, 2 if f.kind == "lookup" else BUTTONS_PER_ROW)
    nav: list[Button] = []
    if f.optional:
        nav.append(Button(text("form_skip"), form.button("skip", f.name)))
    if data["trail"] or data.get("editing"):
        nav.append(Button(text("form_back"), form.button("back")))
    nav.append(Button(text("form_cancel"), form.button("cancel")))
    return Reply("\n".join(lines), buttons=(*rows, tuple(nav)))


# ---------------------------------------------------------------- moving between steps


async def go(ctx: Context, form: Form, data: dict[str, Any], step: str, note: str = "") -> list[Reply]:
    """Show ``step`` and store the conversation there."""
    if step == SUMMARY:
        data["options"], data["editing"] = [], False
        reply = summary_card(form, data)
        if note:
            reply = Reply(f"{note}\n\n{reply.text}", buttons=reply.buttons)
    else:
        reply = await question(ctx, form, data, form.field(step), note)
    await ctx.save_state(form.name, step, data)
    return [reply]


async def start(
    ctx: Context,
    form: Form,
    values: dict[str, Any] | None = None,
    done: tuple[str, ...] | list[str] = (),
    *,
    header: str | None = None,
    choose: tuple[str, Choose] | None = None,
) -> list[Reply]:
    """Begin (or restart) the form with some values already known. ``choose`` opens on a lookup
    field with its options already found."""
    data = new_data(values, done)
    if header:
        data["header"] = header
    if choose is not None:
        field_name, options = choose
        data["choose"] = options
        return await go(ctx, form, data, field_name)
    return await go(ctx, form, data, next_step(form, data))


async def accept(ctx: Context, form: Form, data: dict[str, Any], f: Field, value: Any) -> list[Reply]:
    values = data["values"]
    if values.get(f.name) not in (None, value):  # a changed answer: what depended on it is asked again
        for name in f.resets:
            values.pop(name, None)
            if name in data["done"]:
                data["done"].remove(name)
    values[f.name] = value
    if f.name not in data["done"]:
        data["done"].append(f.name)
    if f.name in data["trail"]:
        data["trail"].remove(f.name)
    data["trail"].append(f.name)
    return await go(ctx, form, data, next_step(form, data))


async def back(ctx: Context, form: Form, data: dict[str, Any], step: str) -> list[Reply]:
    if data.get("editing") and step not in (SUMMARY, EDIT):
        return await go(ctx, form, data, next_step(form, data))
    trail: list[str] = data["trail"]
    if step in trail:
        trail.remove(step)
    if not trail:
        return await go(ctx, form, data, step)
    previous = trail.pop()
    if previous in data["done"]:
        data["done"].remove(previous)
    return await go(ctx, form, data, previous)


async def save(ctx: Context, form: Form, data: dict[str, Any]) -> list[Reply]:
    """Save and end the conversation in one transaction (a second 确认保存 finds no form)."""
    assert ctx.state is not None
    version = ctx.state.version
    async with ctx.db.transaction() as session:
        if not await conversations.clear_state(session, ctx.user.id, expected_version=version):
            raise StaleState(ctx.user.id, version)
        result = await form.save(ctx, session, applicable_values(form, data["values"]))
    ctx.state = None
    return await form.saved(ctx, result)


# ---------------------------------------------------------------- input


async def handle(ctx: Context, form: Form) -> list[Reply]:
    """The flow handler: ``engine.flow(form.name, lambda ctx: handle(ctx, form))``."""
    assert ctx.state is not None
    step, data = ctx.state.step, copy.deepcopy(ctx.state.data)
    data.setdefault("editing", False)
    incoming = ctx.incoming
    if (press := press_of(incoming)) is not None:
        return await _button(ctx, form, data, step, [press.action, *press.args] if press.rest else [])
    raw = incoming.text.strip()
    if step in (SUMMARY, EDIT) or not form.has(step):
        return await go(ctx, form, data, SUMMARY, note=text("form_use_buttons"))
    f = form.field(step)
    if f.kind == "choice":
        labels = {choice_label(form.name, f, c): c for c in f.choices} | {c: c for c in f.choices}
        if raw in labels:
            return await accept(ctx, form, data, f, labels[raw])
        return await go(ctx, form, data, step, note=text("form_pick_a_button"))
    try:
        if f.kind == "lookup":
            assert f.lookup is not None
            found = await f.lookup(ctx, data["values"], raw)
            if isinstance(found, Picked):
                return await accept(ctx, form, data, f, found.value)
            data["choose"] = found
            return await go(ctx, form, data, step)
        value = parse_answer(f, raw, ctx.today)
    except Invalid as problem:
        return await go(ctx, form, data, step, note="⚠️ " + problem.message())
    return await accept(ctx, form, data, f, value)


async def _button(ctx: Context, form: Form, data: dict[str, Any], step: str, parts: list[str]) -> list[Reply]:
    action, args = (parts[0] if parts else ""), parts[1:]
    if action == "cancel":
        await ctx.clear_state()
        return [Reply(text("form_cancelled"))]
    if action == "back":
        return await back(ctx, form, data, step)
    if step in (SUMMARY, EDIT):
        if action == "save" and step == SUMMARY:
            return await save(ctx, form, data)
        if action == "edit" and not args:
            await ctx.save_state(form.name, EDIT, data)
            return [edit_menu(form, data)]
        if action == "edit" and args and form.has(args[0]):
            data["editing"] = True
            return await go(ctx, form, data, args[0])
        if action == "summary":
            return await go(ctx, form, data, SUMMARY)
    elif args and args[0] == step:
        f = form.field(step)
        if action == "skip" and f.optional:
            return await accept(ctx, form, data, f, None)
        if action == "set" and len(args) > 1 and args[1].isdigit():
            index = int(args[1])
            if f.kind == "choice" and index < len(f.choices):
                return await accept(ctx, form, data, f, f.choices[index])
            if f.kind == "lookup" and index < len(data.get("options", [])):
                return await accept(ctx, form, data, f, data["options"][index][1])
    # a button of an earlier question: ask the current one again
    return await go(ctx, form, data, step, note=text("form_stale_button"))
