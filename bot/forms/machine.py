"""One small state machine that drives every form, one question at a time.

Where a form stands is kept in a ``Slot``: by default the user's ``ConversationState(flow=<form
name>, step, data)`` row (one form at a time); a feature may keep each form in a row of its own
(the visit drafts, bot/features/visit_log/drafts.py). Either way it is in the database, so a form
survives a restart and a second bot process. ``step`` is a field name, ``summary`` (the card with
确认保存 / 修改 / 取消) or ``edit`` (which field to change). ``data`` holds:

- ``values``: answers so far, JSON-ready;
- ``done``: fields answered or skipped (required ones are asked until answered);
- ``trail``: the fields answered in order, for 上一步;
- ``options``: the buttons offered by a lookup (pressing one sends its index);
- ``header``: optional text key shown above the summary (e.g. what a quick log understood);
- ``marked``: fields shown with a mark until the user answers them (e.g. what an LLM filled in).

Buttons carry ``<slot prefix>:<action>[:<field>[:<index>]]`` (the prefix is the form's name, or
e.g. ``vd:<draft id>``): set, skip, back, cancel, save, edit, summary. A button that names another
step than the current one is stale and re-asks the current question. Saving happens only on
确认保存, in one transaction that also closes the slot (so a second 确认保存 saves nothing).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.forms.buttons import button_data
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


class Slot(Protocol):
    """Where one form stands, and the prefix of its buttons' data."""

    @property
    def prefix(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...

    async def begin(self, ctx: Context, step: str, data: dict[str, Any]) -> None:
        """Called once when the form starts, before its first question is shown."""

    async def store(self, ctx: Context, step: str, data: dict[str, Any]) -> None: ...

    async def drop(self, ctx: Context) -> None:
        """取消: the form ends unsaved."""

    async def close(self, ctx: Context, session: AsyncSession) -> bool:
        """In the saving transaction: end the form; False if it had ended already."""


class ConversationSlot:
    """The form kept in the user's single ConversationState row."""

    def __init__(self, form: Form, ctx: Context) -> None:
        self.prefix = form.name
        self.step = ctx.state.step if ctx.state else ""
        self.data = ctx.state.data if ctx.state else {}

    async def begin(self, ctx: Context, step: str, data: dict[str, Any]) -> None:
        return None

    async def store(self, ctx: Context, step: str, data: dict[str, Any]) -> None:
        await ctx.save_state(self.prefix, step, data)

    async def drop(self, ctx: Context) -> None:
        await ctx.clear_state()

    async def close(self, ctx: Context, session: AsyncSession) -> bool:
        assert ctx.state is not None
        version = ctx.state.version
        if not await conversations.clear_state(session, ctx.user.id, expected_version=version):
            raise StaleState(ctx.user.id, version)
        ctx.state = None
        return True


def button(slot: Slot, *parts: object) -> str:
    return button_data(slot.prefix, *parts)


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


def summary_card(form: Form, slot: Slot, data: dict[str, Any]) -> Reply:
    values = data["values"]
    lines = [text(data.get("header") or f"{form.name}_summary_title")]
    for f in form.fields:
        if f.applies(values):
            mark = text("form_marked") if f.name in data.get("marked", ()) else ""
            lines.append(
                f"{text(f'{form.name}_label_{f.name}')}：{show_value(form.name, f, values.get(f.name))}{mark}"
            )
    buttons = (
        (
            Button(text("form_save"), button(slot, "save")),
            Button(text("form_edit"), button(slot, "edit")),
            Button(text("form_cancel"), button(slot, "cancel")),
        ),
    )
    return Reply("\n".join(lines), buttons=buttons)


def edit_menu(form: Form, slot: Slot, data: dict[str, Any]) -> Reply:
    values = data["values"]
    buttons = [
        Button(
            text("form_edit_field", label=text(f"{form.name}_label_{f.name}")), button(slot, "edit", f.name)
        )
        for f in form.fields
        if f.applies(values)
    ]
    rows = [*_rows(buttons, 2), (Button(text("form_back_to_summary"), button(slot, "summary")),)]
    return Reply(text("form_edit_which"), buttons=tuple(rows), replace_pressed=True)


async def question(
    ctx: Context, form: Form, slot: Slot, data: dict[str, Any], f: Field, note: str = ""
) -> Reply:
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
    picks: list[Button] = []
    if f.kind == "choice":
        picks = [
            Button(choice_label(form.name, f, c), button(slot, "set", f.name, i))
            for i, c in enumerate(f.choices)
        ]
    elif f.kind == "lookup":
        picks = [
            Button(label, button(slot, "set", f.name, i)) for i, (label, _) in enumerate(data["options"])
        ]
    rows = _rows(picks, 2 if f.kind == "lookup" else BUTTONS_PER_ROW)
    nav: list[Button] = []
    if f.optional:
        nav.append(Button(text("form_skip"), button(slot, "skip", f.name)))
    if data["trail"] or data.get("editing"):
        nav.append(Button(text("form_back"), button(slot, "back")))
    nav.append(Button(text("form_cancel"), button(slot, "cancel")))
    return Reply("\n".join(lines), buttons=(*rows, tuple(nav)))


# ---------------------------------------------------------------- moving between steps


async def go(
    ctx: Context, form: Form, slot: Slot, data: dict[str, Any], step: str, note: str = ""
) -> list[Reply]:
    """Show ``step`` and store the form there."""
    if step in (SUMMARY, EDIT) or not form.has(step):
        step = SUMMARY
        data["options"], data["editing"] = [], False
        reply = summary_card(form, slot, data)
        if note:
            reply = Reply(f"{note}\n\n{reply.text}", buttons=reply.buttons)
    else:
        reply = await question(ctx, form, slot, data, form.field(step), note)
    await slot.store(ctx, step, data)
    return [reply]


async def start(
    ctx: Context,
    form: Form,
    values: dict[str, Any] | None = None,
    done: tuple[str, ...] | list[str] = (),
    *,
    header: str | None = None,
    choose: tuple[str, Choose] | None = None,
    note: str = "",
    slot: Slot | None = None,
    marked: tuple[str, ...] | list[str] = (),
) -> list[Reply]:
    """Begin (or restart) the form with some values already known. ``choose`` opens on a lookup
    field with its options already found; ``note`` (a rendered text) is shown with the first step."""
    slot = slot or ConversationSlot(form, ctx)
    data = new_data(values, done)
    if header:
        data["header"] = header
    if marked:
        data["marked"] = sorted(marked)
    step = choose[0] if choose is not None else next_step(form, data)
    await slot.begin(ctx, step, copy.deepcopy(data))
    if choose is not None:
        data["choose"] = choose[1]
    return await go(ctx, form, slot, data, step, note)


async def accept(
    ctx: Context, form: Form, slot: Slot, data: dict[str, Any], f: Field, value: Any
) -> list[Reply]:
    values = data["values"]
    if values.get(f.name) not in (None, value):  # a changed answer: what depended on it is asked again
        for name in f.resets:
            values.pop(name, None)
            if name in data["done"]:
                data["done"].remove(name)
    values[f.name] = value
    if f.name in data.get("marked", ()):
        data["marked"].remove(f.name)  # the user's own answer now
    if f.name not in data["done"]:
        data["done"].append(f.name)
    if f.name in data["trail"]:
        data["trail"].remove(f.name)
    data["trail"].append(f.name)
    return await go(ctx, form, slot, data, next_step(form, data))


async def back(ctx: Context, form: Form, slot: Slot, data: dict[str, Any], step: str) -> list[Reply]:
    if data.get("editing") and step not in (SUMMARY, EDIT):
        return await go(ctx, form, slot, data, next_step(form, data))
    trail: list[str] = data["trail"]
    if step in trail:
        trail.remove(step)
    if not trail:
        return await go(ctx, form, slot, data, step)
    previous = trail.pop()
    if previous in data["done"]:
        data["done"].remove(previous)
    return await go(ctx, form, slot, data, previous)


async def save(ctx: Context, form: Form, slot: Slot, data: dict[str, Any]) -> list[Reply]:
    """Save and close the slot in one transaction (a second 确认保存 finds it closed)."""
    async with ctx.db.transaction() as session:
        if not await slot.close(ctx, session):
            return [Reply(text("button_expired"))]
        result = await form.save(ctx, session, applicable_values(form, data["values"]))
    return await form.saved(ctx, result)


# ---------------------------------------------------------------- input


async def handle(ctx: Context, form: Form, slot: Slot | None = None) -> list[Reply]:
    """The flow handler: ``engine.flow(form.name, lambda ctx: handle(ctx, form))``, or with a
    slot of the feature's own."""
    slot = slot or ConversationSlot(form, ctx)
    step, data = slot.step, copy.deepcopy(slot.data)
    data.setdefault("editing", False)
    incoming = ctx.incoming
    if incoming.kind == "button":
        head = slot.prefix + ":"
        parts = incoming.text[len(head) :].split(":") if incoming.text.startswith(head) else []
        return await _button(ctx, form, slot, data, step, parts)
    raw = incoming.text.strip()
    if step in (SUMMARY, EDIT) or not form.has(step):
        return await go(ctx, form, slot, data, SUMMARY, note=text("form_use_buttons"))
    f = form.field(step)
    if f.kind == "choice":
        labels = {choice_label(form.name, f, c): c for c in f.choices} | {c: c for c in f.choices}
        if raw in labels:
            return await accept(ctx, form, slot, data, f, labels[raw])
        return await go(ctx, form, slot, data, step, note=text("form_pick_a_button"))
    try:
        if f.kind == "lookup":
            assert f.lookup is not None
            found = await f.lookup(ctx, data["values"], raw)
            if isinstance(found, Picked):
                return await accept(ctx, form, slot, data, f, found.value)
            data["choose"] = found
            return await go(ctx, form, slot, data, step)
        value = parse_answer(f, raw, ctx.today)
    except Invalid as problem:
        return await go(ctx, form, slot, data, step, note="⚠️ " + problem.message())
    return await accept(ctx, form, slot, data, f, value)


async def _button(
    ctx: Context, form: Form, slot: Slot, data: dict[str, Any], step: str, parts: list[str]
) -> list[Reply]:
    action, args = (parts[0] if parts else ""), parts[1:]
    if action == "cancel":
        await slot.drop(ctx)
        return [Reply(text("form_cancelled"))]
    if action == "back":
        return await back(ctx, form, slot, data, step)
    if step in (SUMMARY, EDIT):
        if action == "save" and step == SUMMARY:
            return await save(ctx, form, slot, data)
        if action == "edit" and not args:
            await slot.store(ctx, EDIT, data)
            return [edit_menu(form, slot, data)]
        if action == "edit" and args and form.has(args[0]):
            data["editing"] = True
            return await go(ctx, form, slot, data, args[0])
        if action == "summary":
            return await go(ctx, form, slot, data, SUMMARY)
    elif args and args[0] == step and form.has(step):
        f = form.field(step)
        if action == "skip" and f.optional:
            return await accept(ctx, form, slot, data, f, None)
        if action == "set" and len(args) > 1 and args[1].isascii() and args[1].isdigit():
            index = int(args[1])
            if f.kind == "choice" and index < len(f.choices):
                return await accept(ctx, form, slot, data, f, f.choices[index])
            if f.kind == "lookup" and index < len(data.get("options", [])):
                return await accept(ctx, form, slot, data, f, data["options"][index][1])
    # a button of an earlier question: ask the current one again
    return await go(ctx, form, slot, data, step, note=text("form_stale_button"))
