"""Money amounts in 万元 from colloquial Chinese: 20来万 → 20, 45w → 45, 8000元 → 0.8, 1个亿 → 10000."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.sales.parsing.numerals import CN_DIGIT_CHARS, NUM_PATTERN, to_number


@dataclass(frozen=True)
class AmountMatch:
    wan: float
    text: str
    start: int
    end: int


# Words right before an amount that make it very likely money (preferred when several amounts appear).
MONEY_CUES: tuple[str, ...] = (
    "预算",
    "报价",
    "报了",
    "报个",
    "合同",
    "金额",
    "总价",
    "价格",
    "成交",
    "签了",
    "单子",
    "这单",
    "项目",
    "费用",
    "投入",
    "大概",
    "估计",
    "大约",
    "差不多",
    "约",
)

# 万 followed by one of these is a count, not money (5万台, 2万平米, 3万人).
_COUNT_AFTER_WAN = "台件个套人平方米吨只条张次户名家股份字公里"

_APPROX = r"(?:来|多|余|几|出头)?"
_NOT_NUM_BEFORE = rf"(?<![\d.{CN_DIGIT_CHARS}十百千几])"

# Chinese ranges like 二三十万 / 两三万 → midpoint.
_CN_RANGE = re.compile(
    rf"(?P<a>[一二两三四五六七八九])(?P<b>[二三四五六七八九])(?P<unit>十|百|千)?{_APPROX}\s*(?P<big>万|亿)(?![{_COUNT_AFTER_WAN}])"
)
_RANGE = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<a>{NUM_PATTERN})\s*(?:万\s*)?[-~～到至]\s*(?P<b>{NUM_PATTERN})\s*(?P<mult>百|千)?\s*(?P<big>[万wW]|个?亿)(?![{_COUNT_AFTER_WAN}a-zA-Z])"
)
_WAN = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>{NUM_PATTERN})\s*{_APPROX}\s*(?P<mult>百|千)?\s*{_APPROX}\s*个?\s*{_APPROX}\s*(?P<big>万|亿|[wW](?![a-zA-Z]))(?![{_COUNT_AFTER_WAN}])"
)
_K = re.compile(r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*[kK](?![a-zA-Z0-9])")
_YUAN = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>{NUM_PATTERN})\s*{_APPROX}\s*(?P<mult>千|百)?\s*(?P<unit>元|块钱|块)(?![{_COUNT_AFTER_WAN}])"
)
_QIAN = re.compile(_NOT_NUM_BEFORE + r"(?P<n>\d+(?:\.\d+)?)\s*千(?![万亿米克瓦分])")


def _scale(big: str) -> float:
    return 10_000.0 if "亿" in big else 1.0


def _mult(mult: str | None) -> float:
    return {"百": 100.0, "千": 1000.0}.get(mult or "", 1.0)


def find_amounts(text: str) -> list[AmountMatch]:
    """All money amounts in text (in 万元), left to right, non-overlapping."""
    found: list[AmountMatch] = []

    def add(m: re.Match[str], value: float | None) -> None:
        if value is None or value <= 0:
            return
        if any(m.start() < f.end and f.start < m.end() for f in found):
            return
        found.append(AmountMatch(round(value, 4), m[0], m.start(), m.end()))

    for m in _CN_RANGE.finditer(text):
        a, b = to_number(m["a"]), to_number(m["b"])
        if a is None or b is None or b <= a:
            continue
        unit = {"十": 10.0, "百": 100.0, "千": 1000.0}.get(m["unit"] or "", 1.0)
        add(m, (a + b) / 2 * unit * _scale(m["big"]))
    for m in _RANGE.finditer(text):
        a, b = to_number(m["a"]), to_number(m["b"])
        if a is None or b is None or b <= a:
            continue
        add(m, (a + b) / 2 * _mult(m["mult"]) * _scale(m["big"]))
    for m in _WAN.finditer(text):
        n = to_number(m["n"])
        if n is None:
            continue
        add(m, n * _mult(m["mult"]) * _scale(m["big"]))
    for m in _K.finditer(text):
        n = to_number(m["n"])
        add(m, None if n is None else n / 10)
    for m in _YUAN.finditer(text):
        n = to_number(m["n"])
        add(m, None if n is None else n * _mult(m["mult"]) / 10_000)
    for m in _QIAN.finditer(text):
        if re.match(r"\s*(?:多|来)?\s*(?:个|人|台|件|套|平|米|公里|字|次)", text[m.end() :]):
            continue
        n = to_number(m["n"])
        add(m, None if n is None else n * 1000 / 10_000)
    found.sort(key=lambda f: f.start)
    return found


def _has_cue(text: str, start: int) -> bool:
    window = text[max(0, start - 6) : start]
    return any(cue in window for cue in MONEY_CUES)


def parse_amount_wan(text: str) -> float | None:
    """The deal amount in 万元: the first amount right after a money cue (预算/报价/合同…), else the first."""
    found = find_amounts(text)
    if not found:
        return None
    for amount in found:
        if _has_cue(text, amount.start):
            return amount.wan
    return found[0].wan
