"""Fuzzy matching of company names against a rep's known customers (the normaliser is the store's).

华东 / 华东机械 / 华东机械有限公司 / 上海华东机械股份有限公司 all match the same known customer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from bot.sales.parsing import lexicon
from store.customers import CITIES, PROVINCES, normalize_company_name

# Industry words that may be dropped when reps shorten a name (华东机械 → 华东).
INDUSTRY_WORDS = lexicon.words("industry_words")
_REGION = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:省|市|自治区|区|县)")


def normalize_company(name: str) -> str:
    """The name as matching compares it: the store's key (normalize_company_name), without a bare
    leading province or city either (苏州华东机械 ~ 华东机械), as long as 2 characters remain."""
    text = normalize_company_name(name)
    m = _REGION.match(text)
    if m and len(text) - m.end() >= 2:
        text = text[m.end() :]
    for region in PROVINCES + CITIES:
        if text.startswith(region) and len(text) - len(region) >= 2:
            return text[len(region) :]
    return text


def company_core(name: str) -> str:
    """The distinctive part: normalized name without trailing industry words (华东机械 → 华东)."""
    text = normalize_company(name)
    changed = True
    while changed:
        changed = False
        for word in INDUSTRY_WORDS:
            if text.endswith(word) and len(text) - len(word) >= 2:
                text = text[: -len(word)]
                changed = True
                break
    return text


def _score(name: str, known: str) -> float:
    a, b = normalize_company(name), normalize_company(known)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    core_a, core_b = company_core(name), company_core(known)
    bare_a, bare_b = a == core_a, b == core_b  # no industry word (华东 for 华东机械)
    if core_a == core_b:
        # 华东 ~ 华东机械 ~ 华东机械制造, but 华南机械 is not 华南电气.
        tail_a, tail_b = a[len(core_a) :], b[len(core_b) :]
        return 0.95 if tail_a.startswith(tail_b) or tail_b.startswith(tail_a) else 0.5
    if (
        len(core_a) >= 2
        and len(core_b) >= 2
        and ((bare_a and b.startswith(a)) or (bare_b and a.startswith(b)))
    ):
        return 0.9
    return difflib.SequenceMatcher(None, a, b).ratio()


def match_customer(name: str, known: Sequence[str], threshold: float = 0.8) -> str | None:
    """The known customer that `name` refers to, or None when nothing is close enough."""
    if not name:
        return None
    best, best_score = None, 0.0
    for candidate in known:
        score = _score(name, candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= threshold else None


def find_known_customer(text: str, known: Sequence[str]) -> tuple[str, int] | None:
    """The known customer mentioned earliest in free text (by full or core name): (name, position)."""
    hits: list[tuple[int, int, str]] = []
    for candidate in known:
        forms = {candidate, normalize_company(candidate), company_core(candidate)}
        for form in sorted(forms, key=len, reverse=True):
            if len(form) < 2:
                continue
            pos = text.find(form)
            if pos >= 0:
                hits.append((pos, -len(form), candidate))
                break
    if not hits:
        return None
    hits.sort()
    return hits[0][2], hits[0][0]
