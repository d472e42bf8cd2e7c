"""Button data: written by button_data, read by press_of; forged data never raises."""

from __future__ import annotations

import pytest

from bot.engine.messages import Incoming
from bot.forms.buttons import Press, button_data, press_of


def press(data: str) -> Press:
    found = press_of(Incoming(1, "u", "button", data))
    assert found is not None
    return found


def test_written_data_reads_back():
    data = button_data("grade", "ok", 12, 4, "A")
    assert data == "grade:ok:12:4:A"
    assert press(data) == Press("grade", "ok", ("12", "4", "A"))
    assert press(data).rest == "ok:12:4:A"
    assert Incoming(1, "u", "button", data).button_prefix == "grade"


def test_data_over_telegrams_64_bytes_is_refused_when_written():
    with pytest.raises(AssertionError):
        button_data("task", "to", "客" * 30)


@pytest.mark.parametrize("data", ["", ":", "td", "td:", "td:abc", "td:1.5", "vote:--1", "x:" + "9" * 3])
def test_forged_numbers_read_as_none_or_a_number(data):
    found = press(data)
    value = found.number()
    assert value is None or str(value) == found.action.lstrip("+")
    assert found.arg(5) == ""


def test_numbers_with_a_sign():
    assert press("vote:7:-1").number("-1") == -1
    assert press("vote:7:1").number() == 7


def test_typed_text_is_no_press():
    assert press_of(Incoming(1, "u", "text", "td:1")) is None
    assert Incoming(1, "u", "text", "td:1").button_prefix == ""
