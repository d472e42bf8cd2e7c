"""Forms as data (fields, validators, choices) driven by one small state machine (``machine``)."""

from bot.forms.fields import Choose, Field, Invalid, Picked
from bot.forms.machine import SUMMARY, Form

__all__ = ["SUMMARY", "Choose", "Field", "Form", "Invalid", "Picked"]
