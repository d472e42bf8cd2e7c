"""Text normalization shared by indexing and querying: width, script (t2s) and pinyin noise."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = rf"[a-z{_TONE_VOWELS}]{{1,7}}"
# 權(quán) -> 權 : a pinyin annotation right after a CJK character, ASCII or full-width brackets.
PINYIN_ANNOTATION = re.compile(rf"(?<=[\u3400-\u9fff])[(（]{_PINYIN}[)）]")
# Mojibake left where a character was lost before its annotation: "?jīng)" or "?shù…".
PINYIN_ORPHAN = re.compile(rf"[?？\ufffd]{_PINYIN}(?:[)）]|…)")
# A run of garbled characters ending in a stray Latin letter and its annotation, left where UTF-8
# bytes were read as GBK: "?cè)诩夹g(shù)" or "榇蠖郐" ... "臅r(shí)". The garbled run is
# dropped whole (its original characters cannot be recovered).
MOJIBAKE_RUN = re.compile(
    rf"(?:[?？\ufffd]{_PINYIN}[)）])?[\u3400-\u9fff?？!！]{{0,5}}[a-zA-Z][(（]{_PINYIN}[)）]"
)
# What remains of a garbled character in a sentence: a lone lower-case Latin letter between
# Chinese characters ("娜酥v适"), "?" before a comma, a Greek letter, or a replacement char.
MOJIBAKE_TRACE = re.compile(r"[\u3400-\u9fff][a-z][\u3400-\u9fff]|\ufffd|[?？][!！,，]|[\u0370-\u03ff]")


def strip_pinyin(text: str) -> str:
    text = MOJIBAKE_RUN.sub("", text)
    text = PINYIN_ANNOTATION.sub("", text)
    return PINYIN_ORPHAN.sub("", text)


def has_mojibake(text: str) -> bool:
    return bool(MOJIBAKE_TRACE.search(text) or MOJIBAKE_RUN.search(text))


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented; imported lazily, its dictionaries take ~0.3 s

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


#: Full-width punctuation that Chinese text uses as its own (a chat keeps it; the index does not).
CJK_PUNCTUATION = "，。、！？：；（）【】《》“”‘’～"


def normalize_width(text: str, keep: str = "") -> str:
    """Full-width ASCII and compatibility forms to their plain form (ＡＢＣ１２ → ABC12, （ → ()),
    except the characters in `keep`."""
    if not keep:
        return unicodedata.normalize("NFKC", text)
    return "".join(
        part if part and part[0] in keep else unicodedata.normalize("NFKC", part)
        for part in re.split(f"([{re.escape(keep)}])", text)
    )


def normalize_for_index(text: str) -> str:
    """The form that is indexed and compared: no pinyin, half-width, simplified, lower-case Latin."""
    return to_simplified(normalize_width(strip_pinyin(text))).lower()


def display_form(text: str, script: str = "simplified") -> str:
    """What a rep is shown: pinyin and mojibake removed, simplified unless ``script`` is "original"."""
    text = strip_pinyin(text)
    return to_simplified(text) if script == "simplified" else text
