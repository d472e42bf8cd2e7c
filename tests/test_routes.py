"""The route table: every name once, and the plain-text chain in its documented order."""

from __future__ import annotations

import pytest

from bot.engine.routing import DuplicateRoute, Routes
from bot.routes import build_routes


async def _handler(ctx):
    return []


def test_the_table_builds_and_keeps_the_report_reader_before_the_coach():
    routes = build_routes()
    assert [link.name for link in routes.text_chain] == ["visit_report", "ask"]
    assert all(link.why for link in routes.text_chain)
    assert not set(routes.flows) & set(routes.buttons)  # a flow's name is its buttons' prefix


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (lambda r: r.command("log", _handler), lambda r: r.command("log", _handler)),
        (lambda r: r.flow("visit", _handler), lambda r: r.flow("visit", _handler)),
        (lambda r: r.button("grade", _handler), lambda r: r.button("grade", _handler)),
        (lambda r: r.flow("visit", _handler), lambda r: r.button("visit", _handler)),
        (lambda r: r.button("visit", _handler), lambda r: r.flow("visit", _handler)),
        (lambda r: r.text("ask", _handler, why="x"), lambda r: r.text("ask", _handler, why="y")),
        (lambda r: r.tick(_handler), lambda r: r.tick(_handler)),
    ],
)
def test_registering_a_name_twice_raises(first, second):
    routes = Routes()
    first(routes)
    with pytest.raises(DuplicateRoute):
        second(routes)


def test_a_command_and_a_flow_may_share_a_name():
    routes = Routes()
    routes.command("ask", _handler)
    routes.flow("ask", _handler)
    assert "ask" in routes.commands and "ask" in routes.flows
