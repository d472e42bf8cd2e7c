from bot.engine.messages import Incoming
from bot.engine.normalize import normalize_incoming, normalize_typed, strip_invisible


def test_typed_text_becomes_simplified_half_width_with_chinese_punctuation_kept() -> None:
    assert normalize_typed("見了張總，下週三再去！預算２０萬") == "见了张总，下周三再去！预算20万"


def test_invisible_and_control_characters_are_dropped() -> None:
    forged = "王\u200b总\u202e\x00备注\ufeff\u2066x\ud800y\x07"
    assert strip_invisible(forged) == "王总备注xy"
    assert strip_invisible("第一行\n第二行\t尾") == "第一行\n第二行\t尾"


def test_incoming_keeps_what_was_typed_for_display() -> None:
    seen = normalize_incoming(Incoming(1, "小\u200d李", "text", "後天去華東機械\u200b"))
    assert seen.text == "后天去华东机械"
    assert seen.display_text == "後天去華東機械"
    assert seen.sender_name == "小李"


def test_button_data_is_cleaned_not_rewritten() -> None:
    seen = normalize_incoming(Incoming(1, "u", "button", "vote:\ud800後:\x00"))
    assert seen.text == "vote:後:"  # our own data: no script conversion
    assert seen.kind == "button"


def test_ascii_commands_pass_unchanged() -> None:
    assert (
        normalize_incoming(Incoming(1, "u", "text", "/schedule 08:30 18:00")).text == "/schedule 08:30 18:00"
    )


def test_as_typed_gives_back_the_original_of_text_and_arguments() -> None:
    typed = normalize_incoming(Incoming(1, "u", "text", "/log 見了張總，後天再去"))
    assert typed.args == "见了张总，后天再去"
    assert typed.as_typed(typed.args) == "見了張總，後天再去"
    plain = normalize_incoming(Incoming(1, "u", "text", " 見了張總 "))
    assert plain.as_typed("见了张总") == "見了張總"
    assert plain.as_typed("别的") == "别的"
