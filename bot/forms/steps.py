"""Flows as a table of steps, for conversations whose steps are not plain fields (/task picks a
person, then reads a line and offers its own buttons; /teach may start from a gap question).

A ``Steps`` table says, for each step, what typed text does there, and which buttons exist: each
``Action`` with the types of its arguments and the steps at which it may be pressed. The machine
does the rest, the same way for every flow: it reads the press (bot/forms/buttons), answers data
that does not fit the table (unknown, malformed, out of range, another step's button) with
这个按钮已失效, ends the flow on its cancel button, and keeps the step in the user's
ConversationState(flow=<table name>, step, data). A handler returns where the flow goes next:
``Goto`` a step, ``Stay`` where it is, or ``Finish``.

Buttons carry ``<flow>:<action>[:<arg>…]`` (made with ``Steps.button``).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.core import Context
from bot.engine.messages import Reply, StaleButton
from bot.forms.buttons import Arg, button_data, parse_action
from prompts import text

CANCEL = "no"


@dataclass(frozen=True)
class Goto:
    """Store the flow at ``step`` with ``data`` and send ``replies``."""

    step: str
    data: dict[str, Any]
    replies: list[Reply]


@dataclass(frozen=True)
class Stay:
    """Send ``replies``; the flow stays where it was, unchanged."""

    replies: list[Reply]


@dataclass(frozen=True)
class Finish:
    """End the flow (when it is open) and send ``replies``."""

    replies: list[Reply]


Outcome = Goto | Stay | Finish
Typed = Callable[[Context, dict[str, Any], str], Awaitable[Outcome]]


@dataclass(frozen=True)
class Action:
    """A button: ``run(ctx, data, *args)`` with the arguments read by ``args``, pressed only at
    ``steps``."""

    name: str
    steps: tuple[str, ...]
    run: Callable[..., Awaitable[Outcome]]
    args: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class Steps:
    name: str  # the flow, and the prefix of its buttons
    typed: Mapping[str, Typed]  # step -> what typed text does there
    actions: tuple[Action, ...]

    def button(self, action: str, *args: object) -> str:
        return button_data(self.name, action, *args)


async def begin(ctx: Context, steps: Steps, outcome: Outcome) -> list[Reply]:
    """Apply the outcome of a flow's first step (from a command or another flow's button)."""
    return await _apply(ctx, steps, outcome)


async def handle(ctx: Context, steps: Steps) -> list[Reply]:
    """The flow handler: ``routes.flow(steps.name, lambda ctx: handle(ctx, steps))``."""
    assert ctx.state is not None
    step, data = ctx.state.step, copy.deepcopy(ctx.state.data)
    incoming = ctx.incoming
    if incoming.kind != "button":
        typed = steps.typed.get(step)
        if typed is None:  # a step this version no longer has: start again
            await ctx.clear_state()
            return [Reply(text("button_expired"))]
        return await _apply(ctx, steps, await typed(ctx, data, incoming.text.strip()))
    shapes: dict[str, tuple[Arg, ...]] = {CANCEL: ()} | {a.name: a.args for a in steps.actions}
    name, args = parse_action(incoming.text, steps.name, shapes)
    if name == CANCEL:
        await ctx.clear_state()
        return [Reply(text("cancelled"), replace_pressed=True)]
    action = next(a for a in steps.actions if a.name == name)
    if step not in action.steps:  # a button of another step (an older message)
        raise StaleButton(incoming.text)
    return await _apply(ctx, steps, await action.run(ctx, data, *args))


async def _apply(ctx: Context, steps: Steps, outcome: Outcome) -> list[Reply]:
    if isinstance(outcome, Goto):
        await ctx.save_state(steps.name, outcome.step, outcome.data)
    elif isinstance(outcome, Finish) and ctx.state is not None and ctx.state.flow == steps.name:
        await ctx.clear_state()
    return outcome.replies
