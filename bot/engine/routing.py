"""The route table's machinery: commands, flows, buttons, sent documents, the plain-text chain and
tick jobs, each name registered once (a second registration of a name is a bug and raises at start-up)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.engine.messages import Outgoing, Reply

if TYPE_CHECKING:
    from bot.engine.core import Context, Engine

Handler = Callable[["Context"], Awaitable[list[Reply]]]
# A link of the plain-text chain: replies when the text is its business, None to pass it on.
TextHandler = Callable[["Context"], Awaitable[list[Reply] | None]]
TickJob = Callable[["Engine", datetime], Awaitable[list[Outgoing]]]


class DuplicateRoute(ValueError):
    """A command, flow or button prefix registered twice."""


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    min_role: str = "rep"
    menu: bool = True  # listed in the "/" menu and /help for the roles that may use it


@dataclass(frozen=True)
class Flow:
    """A multi-step conversation whose position is stored in the database (ConversationState).
    Its name is also the prefix of its buttons' data."""

    name: str
    on_input: Handler  # called with ctx.state set to this flow's state
    min_role: str = "rep"


@dataclass(frozen=True)
class ButtonRoute:
    prefix: str  # button data before the first ":"
    handler: Handler
    min_role: str = "rep"


@dataclass(frozen=True)
class TextLink:
    name: str
    handler: TextHandler
    why: str  # why it stands where it stands in the chain


@dataclass
class Routes:
    commands: dict[str, Command] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    buttons: dict[str, ButtonRoute] = field(default_factory=dict)
    text_chain: list[TextLink] = field(default_factory=list)
    ticks: list[TickJob] = field(default_factory=list)
    documents: Handler | None = None  # a sent file (Incoming.attachment); every role reaches it

    def document(self, handler: Handler) -> None:
        """The handler of sent files. It decides who may send one, so that a rep hears why not."""
        if self.documents is not None:
            raise DuplicateRoute("a documents handler registered twice")
        self.documents = handler

    def command(self, name: str, handler: Handler, min_role: str = "rep", *, menu: bool = True) -> None:
        if name in self.commands:
            raise DuplicateRoute(f"command /{name} registered twice")
        self.commands[name] = Command(name, handler, min_role, menu)

    def flow(self, name: str, on_input: Handler, min_role: str = "rep") -> None:
        if name in self.flows or name in self.buttons:
            raise DuplicateRoute(f"flow {name!r} registered twice (or also as a button prefix)")
        self.flows[name] = Flow(name, on_input, min_role)

    def button(self, prefix: str, handler: Handler, min_role: str = "rep") -> None:
        if ":" in prefix or prefix in self.buttons or prefix in self.flows:
            raise DuplicateRoute(f"button prefix {prefix!r} registered twice (or also as a flow)")
        self.buttons[prefix] = ButtonRoute(prefix, handler, min_role)

    def text(self, name: str, handler: TextHandler, *, why: str) -> None:
        if any(link.name == name for link in self.text_chain):
            raise DuplicateRoute(f"text handler {name!r} registered twice")
        self.text_chain.append(TextLink(name, handler, why))

    def tick(self, job: TickJob) -> None:
        if job in self.ticks:
            raise DuplicateRoute(f"tick job {getattr(job, '__name__', job)!r} registered twice")
        self.ticks.append(job)
