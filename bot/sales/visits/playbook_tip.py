"""The playbook tip after a visit: which playbook card to suggest, and its title and first lines from the knowledge base.

An objection heard in the visit wins; otherwise the card of the customer's milestone. The card is
looked up in the knowledge base: first by its exact title, then by its title and tags through the
retriever (BM25), so a knowledge base without the starter playbook still suggests its closest card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from knowledge.loaders import parse_entry
from knowledge.service import PLAYBOOKS_DIR, KnowledgeBase
from store.models import MILESTONES

MILESTONE_CARDS: dict[str, str] = dict(
    zip(
        MILESTONES,
        (
            "milestone-1-industry-planning.md",
            "milestone-2-call-and-visit.md",
            "milestone-3-project-approval.md",
            "milestone-4-deep-contact.md",
            "milestone-5-technical-breakthrough.md",
            "milestone-6-commercial-breakthrough.md",
            "milestone-7-onsite-bidding.md",
            "milestone-8-contract-signing.md",
        ),
        strict=True,
    )
)

#: (card, words in a visit report that mean the customer raised this objection), checked in order.
OBJECTION_CARDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "objection-too-expensive.md",
        (
            "太贵",
            "价格太高",
            "价格高",
            "价格偏高",
            "嫌贵",
            "比别家贵",
            "比别人贵",
            "贵了",
            "报价高",
            "预算不够",
        ),
    ),
    (
        "objection-already-have-oa-erp.md",
        ("已经有OA", "已有OA", "已经上了", "有系统了", "已经在用", "现有系统"),
    ),
    ("price-asked-early.md", ("问价", "问多少钱", "多少钱", "先报价")),
    ("visit-refused-at-door.md", ("没见到", "没见着", "前台", "闭门羹", "不让进", "挡在门外")),
)
FIRST_LINES = 2
_HEADING = re.compile(r"^#+\s*")


@dataclass(frozen=True)
class PlaybookTip:
    title: str
    lines: tuple[str, ...]


@cache
def card_title_and_tags(file_name: str) -> tuple[str, tuple[str, ...]]:
    card = parse_entry((PLAYBOOKS_DIR / file_name).read_text(encoding="utf-8"))
    assert card is not None, file_name
    return card.title, card.tags


def objection_card(report: str) -> str | None:
    for file_name, words in OBJECTION_CARDS:
        if any(w in report for w in words):
            return file_name
    return None


def choose_card(report: str, milestone: str | None) -> str:
    return objection_card(report) or MILESTONE_CARDS.get(milestone or "", MILESTONE_CARDS[MILESTONES[1]])


def _first_lines(body: str, title: str) -> tuple[str, ...]:
    lines = [line.strip() for line in body.splitlines()]
    kept = [line for line in lines if line and not _HEADING.match(line) and line != title]
    return tuple(kept[:FIRST_LINES])


def find_card(kb: KnowledgeBase, file_name: str) -> PlaybookTip | None:
    title, tags = card_title_and_tags(file_name)
    chunks = [c for c in kb.index.chunks() if c.title == title and not c.flagged]
    if chunks:
        chunk = min(chunks, key=lambda c: c.position)
    else:
        retrieval = kb.retriever.search(" ".join((title, *tags)), k=1, mode="bm25")
        if not retrieval.hits:
            return None
        chunk = retrieval.hits[0].chunk
    return PlaybookTip(chunk.title or title, _first_lines(chunk.text, chunk.title))
