"""What a visit report says beyond the parser's fields, for the team's rules: which questionnaire
items were clarified, the contact's landline, mobile and e-mail, the need and the interest, and the
company's annual output. Rules-based; the phrases are data (report_words.yaml)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.sales.contacts import normalize_phone
from bot.sales.parsing.amounts import parse_amount_wan
from bot.sales.rules import Interest, Need, Rules

WORDS_FILE = Path(__file__).with_name("report_words.yaml")
_ITEM = re.compile(r"(?<![\d-])(\d{1,2}-\d{1,2})(?![\d-])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<!\d)(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}[-－\s]?\d{7,8})(?!\d)")
_AMOUNT_AFTER = re.compile(r"[^\d]{0,4}(\d+(?:\.\d+)?\s*[万亿千百]*元?)")


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ReportFacts:
    clarified: tuple[str, ...]
    landline: str | None
    mobile: str | None
    email: str | None
    need: Need | None
    interest: Interest | None
    annual_output_wan: float | None


def clarified_items(text: str, rules: Rules) -> tuple[str, ...]:
    """The team's questionnaire items the text names (in the team's order); every item when it
    says all were clarified."""
    known = [i.id for i in rules.questionnaire.items]
    if any(w in text for w in _words()["questionnaire_all"]):
        return tuple(known)
    named = set(_ITEM.findall(text))
    return tuple(i for i in known if i in named)


def unknown_items(text: str, rules: Rules) -> tuple[str, ...]:
    """Item numbers in ``text`` that the team's questionnaire does not have (for a clear message)."""
    known = {i.id for i in rules.questionnaire.items}
    return tuple(sorted(set(_ITEM.findall(text)) - known))


def _first_level(text: str, levels: dict[str, Iterable[str]]) -> str | None:
    for level, phrases in levels.items():
        if any(p in text for p in phrases):
            return level
    return None


def annual_output(text: str) -> float | None:
    for word in _words()["annual_output"]:
        at = text.find(word)
        if at >= 0 and (m := _AMOUNT_AFTER.match(text, at + len(word))):
            return parse_amount_wan(m.group(1))
    return None


def read_facts(text: str, rules: Rules) -> ReportFacts:
    phones = [normalize_phone(m.group(0)) for m in _PHONE.finditer(text)]
    landline = next((p[1] for p in phones if p and p[0] == "landline"), None)
    mobile = next((p[1] for p in phones if p and p[0] == "mobile"), None)
    email = _EMAIL.search(text)
    return ReportFacts(
        clarified=clarified_items(text, rules),
        landline=landline,
        mobile=mobile,
        email=email.group(0) if email else None,
        need=_first_level(text, _words()["need"]),  # type: ignore[arg-type]
        interest=_first_level(text, _words()["interest"]),  # type: ignore[arg-type]
        annual_output_wan=annual_output(text),
    )
