"""Chinese and Arabic numerals to numbers: 二十三 → 23, 两百 → 200, 一点五 → 1.5, 12 → 12."""

from __future__ import annotations

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}

# Character class fragments for building regexes elsewhere.
CN_DIGIT_CHARS = "零〇一二两俩三四五六七八九"
CN_NUM_CHARS = CN_DIGIT_CHARS + "十百千"
# A number token: Arabic (optionally decimal) or Chinese, which must start with a digit or 十
# (so that 千万别… or 百分之… are never read as numbers).
NUM_PATTERN = rf"(?:\d+(?:\.\d+)?|[{CN_DIGIT_CHARS}十][{CN_NUM_CHARS}]*(?:点[{CN_DIGIT_CHARS}]+)?)"


def _section(text: str) -> int | None:
    """Value of a numeral below 10 000, e.g. 三千零五 → 3005, 十二 → 12."""
    total = 0
    pending: int | None = None
    for ch in text:
        if ch in DIGITS:
            # Two digits in a row without a unit (二三) is not a single number here.
            if pending is not None and ch not in "零〇" and pending != 0:
                return None
            pending = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            total += (1 if pending is None else pending) * unit
            pending = None
        else:
            return None
    if pending is not None:
        total += pending
    return total


def cn_to_int(text: str) -> int | None:
    """Integer value of a Chinese (or Arabic) numeral string; None if it is not one."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total = 0
    rest = text
    for unit_char in ("亿", "万"):
        if unit_char in rest:
            head, rest = rest.split(unit_char, 1)
            value = _section(head) if head else 1
            if value is None:
                return None
            total += value * BIG_UNITS[unit_char]
    if rest:
        value = _section(rest)
        if value is None:
            return None
        total += value
    return total


def to_number(text: str) -> float | None:
    """Arabic or Chinese number, decimals allowed (12.5, 一点五); None if unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if "点" in text:
        whole, frac = text.split("点", 1)
        whole_value = cn_to_int(whole) if whole else 0
        if whole_value is None or not frac or any(ch not in DIGITS for ch in frac):
            return None
        return float(f"{whole_value}.{''.join(str(DIGITS[ch]) for ch in frac)}")
    value = cn_to_int(text)
    return None if value is None else float(value)
