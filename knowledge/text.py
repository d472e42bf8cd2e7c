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


def strip_pinyin(text: str) -> str:
    text = PINYIN_ANNOTATION.sub("", text)
    return PINYIN_ORPHAN.sub("", text)


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
