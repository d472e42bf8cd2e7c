"""A customer's contact details: Chinese mobile and landline numbers."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
# Area codes: 010 and 02X have three digits, every other one four (0571, 0755…).
_LANDLINE = re.compile(r"^(0[12]\d|0[3-9]\d{2})(\d{7,8})(?:(?:转|ext|#)(\d{1,6}))?$")
_PHONE_NOISE = re.compile(r"[\s\-－—()（）]")


def normalize_phone(raw: str) -> tuple[str, str] | None:
    """("mobile" | "landline", number) for a Chinese mobile or landline number, else None."""
    compact = _PHONE_NOISE.sub("", raw.strip()).replace("＋", "+").casefold()
    if m := _MOBILE.match(compact):
        return "mobile", m[1]
    if m := _LANDLINE.match(compact):
        number = f"{m[1]}-{m[2]}"
        return "landline", number + (f"转{m[3]}" if m[3] else "")
    return None
