"""Money amounts in 万元 from colloquial Chinese: 20来万 → 20, 45w → 45, 8000元 → 0.8, 1个亿 → 10000.

Amounts are read as written, sign and currency included (预算-5万 → -5, 1e9万 → 1e9, 20万美元 → 20 USD):
whether a value is plausible is bot.sales.validation's call, not the reader's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.sales.parsing import lexicon
from bot.sales.parsing.numerals import CN_DIGIT_CHARS, NUM_PATTERN, to_number


@dataclass(frozen=True)
class AmountMatch:
    wan: float  # in 万 of `currency`
    text: str
    start: int  # positions in the text as find_amounts read it (see normalize_amount_text)
    end: int
    currency: str | None = None  # None: 人民币; else an ISO code (USD, HKD…)
    delta: bool = False  # 低了十来万: a difference, not an amount


#: {ISO code: words}; CNY's words mean 人民币 and leave `currency` None.
CURRENCIES = lexicon.sections("currencies")
_SYMBOLS = {"HK$": "HKD", "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "￥": "CNY", "¥": "CNY"}
_FOREIGN_WORDS = sorted(
    ((word, code) for code, words in CURRENCIES.items() if code != "CNY" for word in words),
    key=lambda item: -len(item[0]),
)
_FINANCIAL_DIGITS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟萬億貳參陸", "一二三四五六七八九十百千万亿二三六")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SCIENTIFIC = re.compile(r"(?<![\dA-Za-z.])(?P<m>\d+(?:\.\d+)?)[eE](?P<e>[+-]?\d{1,3})(?![\dA-Za-z])")
# ¥150000 / $5000 with no unit after: 元 (or dollars…) by the symbol.
_SYMBOL_AMOUNT = re.compile(r"(?P<sym>HK\$|US\$|[$€£￥¥])\s*(?P<n>\d+(?:\.\d+)?)(?![\d.]|\s*[万wWkK千百亿])")
_SIGN_BEFORE = re.compile(r"(?:[-−－]|负)\s*$")
_DELTA_BEFORE = re.compile(r"(?:低了|高了|便宜了|贵了|差了|少了|多了|降了|涨了|让了|砍了|差)\s*$")


# Words right before an amount that make it very likely money (preferred when several amounts appear).
MONEY_CUES = lexicon.words("money_cues")

# 万 followed by one of these is a count, not money (5万台, 2万平米, 3万人).
_COUNT_AFTER_WAN = "台件个套人平方米吨只条张次户名家股份字公里"

_APPROX = r"(?:来|多|余|几|出头)?"
_NOT_NUM_BEFORE = rf"(?<![\d.{CN_DIGIT_CHARS}十百千几])"

# Chinese ranges like 二三十万 / 两三万 / 十五六万 (tens before the pair) → midpoint.
_CN_RANGE = re.compile(
    rf"(?P<tens>(?<![一二两三四五六七八九十])十|[一二两三四五六七八九]十)?(?P<a>[一二两三四五六七八九])(?P<b>[二三四五六七八九])(?P<unit>十|百|千)?{_APPROX}\s*(?P<big>万|亿)(?![{_COUNT_AFTER_WAN}])"
)
_RANGE = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<a>{NUM_PATTERN})\s*(?:万\s*)?[-~～到至]\s*(?P<b>{NUM_PATTERN})\s*(?P<mult>百|千)?\s*(?P<big>[万wW]|个?亿)(?![{_COUNT_AFTER_WAN}a-zA-Z])"
)
_WAN = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>{NUM_PATTERN})\s*{_APPROX}\s*(?P<mult>百|千)?\s*{_APPROX}\s*个?\s*{_APPROX}\s*(?P<big>万|亿|[wW](?![a-zA-Z]))(?![{_COUNT_AFTER_WAN}])"
)
# 12万5 / 十二万八 / 二十二万五千: the digit after 万 is thousands (12.5万, 12.8万, 22.5万).
_WAN_TAIL = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>{NUM_PATTERN})\s*万\s*(?P<t>[一二三四五六七八九1-9])千?"
    + rf"(?![\d{CN_DIGIT_CHARS}十百.]|\s*[万亿个人台件套平米吨{_COUNT_AFTER_WAN}])"
)
_K = re.compile(r"(?<![\dA-Za-z.])(?P<n>\d+(?:\.\d+)?)\s*[kK](?![a-zA-Z0-9])")
_YUAN = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>{NUM_PATTERN})\s*{_APPROX}\s*(?P<mult>千|百)?\s*(?P<unit>元|块钱|块)(?![{_COUNT_AFTER_WAN}])"
)
_FOREIGN = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>{NUM_PATTERN})\s*(?P<mult>百|千)?\s*(?P<cur>{'|'.join(re.escape(w) for w, _ in _FOREIGN_WORDS)})"
)
_QIAN = re.compile(_NOT_NUM_BEFORE + r"(?P<n>\d+(?:\.\d+)?)\s*千(?![万亿米克瓦分])")
# 预算两千左右 / 报价八千: thousands in Chinese numerals, money only right after a money cue.
_CN_QIAN = re.compile(
    _NOT_NUM_BEFORE
    + rf"(?P<n>[{CN_DIGIT_CHARS}]{{1,2}})\s*千(?P<rest>[{CN_DIGIT_CHARS}]?)(?![万亿米克瓦分百{CN_DIGIT_CHARS}])"
)


def _scale(big: str) -> float:
    return 10_000.0 if "亿" in big else 1.0


def _mult(mult: str | None) -> float:
    return {"百": 100.0, "千": 1000.0}.get(mult or "", 1.0)


def normalize_amount_text(text: str) -> str:
    """What find_amounts reads: 大写 digits as plain ones (伍拾 → 五十), no thousands commas,
    scientific notation written out (1e9 → 1000000000)."""
    text = _THOUSANDS.sub("", text.translate(_FINANCIAL_DIGITS))

    def expand(m: re.Match[str]) -> str:
        value = float(m["m"]) * 10 ** int(m["e"])
        return f"{value:.10f}".rstrip("0").rstrip(".")

    return _SCIENTIFIC.sub(expand, text)


def _currency_near(text: str, start: int, end: int) -> str | None:
    after = text[end : end + 4].lstrip()
    for word, code in _FOREIGN_WORDS:
        if after.startswith(word):
            return code
    before = text[max(0, start - 4) : start].rstrip()
    for symbol, code in _SYMBOLS.items():
        if before.endswith(symbol):
            return None if code == "CNY" else code
    for word, code in _FOREIGN_WORDS:
        if word.isascii() and before.endswith(word):
            return code
    return None


def find_amounts(text: str) -> list[AmountMatch]:
    """All money amounts in text (in 万), left to right, non-overlapping; signed and with their currency.

    Positions refer to normalize_amount_text(text)."""
    text = normalize_amount_text(text)
    found: list[AmountMatch] = []

    def add(m: re.Match[str], value: float | None, currency: str | None = None) -> None:
        if value is None:
            return
        if any(m.start() < f.end and f.start < m.end() for f in found):
            return
        before = text[max(0, m.start() - 3) : m.start()]
        if _SIGN_BEFORE.search(before):
            value = -value
        currency = currency or _currency_near(text, m.start(), m.end())
        delta = bool(_DELTA_BEFORE.search(before))
        found.append(AmountMatch(round(value, 4), m[0], m.start(), m.end(), currency, delta))

    for m in _SYMBOL_AMOUNT.finditer(text):
        code = _SYMBOLS[m["sym"]]
        add(m, float(m["n"]) / 10_000, None if code == "CNY" else code)
    for m in _FOREIGN.finditer(text):
        n = to_number(m["n"])
        code = next(c for w, c in _FOREIGN_WORDS if w == m["cur"])
        add(m, None if n is None else n * _mult(m["mult"]) / 10_000, code)
    for m in _CN_RANGE.finditer(text):
        a, b = to_number(m["a"]), to_number(m["b"])
        if a is None or b is None or b <= a:
            continue
        unit = {"十": 10.0, "百": 100.0, "千": 1000.0}.get(m["unit"] or "", 1.0)
        tens = (to_number(m["tens"]) or 0) if m["tens"] and not m["unit"] else 0
        add(m, (tens + (a + b) / 2) * unit * _scale(m["big"]))
    for m in _RANGE.finditer(text):
        a, b = to_number(m["a"]), to_number(m["b"])
        if a is None or b is None or b <= a:
            continue
        add(m, (a + b) / 2 * _mult(m["mult"]) * _scale(m["big"]))
    for m in _WAN_TAIL.finditer(text):
        n, t = to_number(m["n"]), to_number(m["t"])
        add(m, None if n is None or t is None else n + t / 10)
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
        if _COUNT_AFTER.match(text[m.end() :]):
            continue
        n = to_number(m["n"])
        add(m, None if n is None else n * 1000 / 10_000)
    for m in _CN_QIAN.finditer(text):
        if not _has_cue(text, m.start()) or _COUNT_AFTER.match(text[m.end() :]):
            continue
        n, rest = to_number(m["n"]), to_number(m["rest"]) if m["rest"] else 0  # 两千五: 2500
        add(m, None if n is None or rest is None else (n * 1000 + rest * 100) / 10_000)
    found.sort(key=lambda f: f.start)
    return found


_COUNT_AFTER = re.compile(r"\s*(?:多|来)?\s*(?:个|人|台|件|套|平|米|公里|字|次)")


def _has_cue(text: str, start: int) -> bool:
    window = text[max(0, start - 6) : start]
    return any(cue in window for cue in MONEY_CUES)


def find_deal_amount(text: str) -> AmountMatch | None:
    """The deal amount: the first amount right after a money cue (预算/报价/合同…), else the first one;
    a difference (低了十来万) only when there is nothing else."""
    found = find_amounts(text)
    plain = [a for a in found if not a.delta] or found
    if not plain:
        return None
    read = normalize_amount_text(text)
    for amount in plain:
        if _has_cue(read, amount.start):
            return amount
    return plain[0]


def parse_amount_wan(text: str) -> float | None:
    """The deal amount in 万元 (see find_deal_amount); None when there is none or it is in another
    currency (20万美元 is never 20万元)."""
    amount = find_deal_amount(text)
    if amount is None or amount.currency is not None:
        return None
    return amount.wan
