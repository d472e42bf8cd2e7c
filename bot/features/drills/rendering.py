"""How a drill looks in the chat: the customer's line, the per-check verdicts, the score line,
the model script and the three buttons."""

from __future__ import annotations

from bot.engine.messages import Button, Reply
from bot.forms.buttons import MAX_BYTES, Press, button_data
from bot.sales.drills.model import Drill
from bot.sales.drills.scoring import Score
from prompts import text

FLOW = "drill"  # the open drill: the rep's next text is the answer
BUTTON = "drl"  # drl:again:<key>, drl:next:<key>, drl:start:<key>, drl:end


def drill_button_data(action: str, key: str = "") -> str:
    """``drl:<action>[:<drill key>]``; a key too long for Telegram's 64 bytes is left off (the
    press then reads as expired rather than failing)."""
    if key and len(f"{BUTTON}:{action}:{key}".encode()) <= MAX_BYTES:
        return button_data(BUTTON, action, key)
    return button_data(BUTTON, action)


def drill_key_of(press: Press) -> str:
    """The drill key a press carries (keys contain ":" themselves: ``pb:<stem>``)."""
    return ":".join(press.args)


def start_reply(drill: Drill, line: str) -> Reply:
    return Reply(text("drill_start", title=drill.title, line=line))


def followup_reply(line: str, turn: int, turns: int) -> Reply:
    return Reply(text("drill_followup", line=line, turn=turn + 1, turns=turns))


def score_text(drill: Drill, score: Score) -> str:
    lines = []
    if score.violation is not None:
        lines.append(text("drill_compliance", message=score.violation.message))
    for result in score.results:
        check = result.check
        if result.passed:
            line = text("drill_check_passed", criterion=check.criterion)
        else:
            line = text("drill_check_failed", criterion=check.criterion, reference=check.reference)
        if result.note:
            line += text("drill_check_note", note=result.note)
        lines.append(line)
    lines.append(text("drill_score", passed=score.passed, total=score.total))
    if drill.script:
        lines.append("")
        lines.append(text("drill_script", script=drill.script))
    return "\n".join(lines)


def score_reply(drill: Drill, score: Score) -> Reply:
    buttons = (
        (
            Button(text("drill_btn_again"), drill_button_data("again", drill.key)),
            Button(text("drill_btn_next"), drill_button_data("next", drill.key)),
            Button(text("drill_btn_end"), drill_button_data("end")),
        ),
    )
    return Reply(score_text(drill, score), buttons=buttons)


def start_button(key: str) -> Button:
    return Button(text("drill_btn_start"), drill_button_data("start", key))
