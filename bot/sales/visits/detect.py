"""Does a plain chat message read like a visit report (→ quick log) or like a question (→ playbook Q&A)?

A report names a company (by a company-like name or one of the rep's customers) and says that a
visit happened or how it went. Anything phrased as a question stays a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.sales.parsing.customers import find_known_customer
from bot.sales.parsing.visit_text import (
    DEAL_LOST_WORDS,
    DEAL_WON_WORDS,
    FOLLOWUP_WORDS,
    INTERESTED_WORDS,
    NO_SHOW_WORDS,
    NOT_INTERESTED_WORDS,
    company_spans,
)

MIN_CHARS = 6
QUESTION_WORDS = re.compile(
    r"[?？]|怎么|怎样|如何|为什么|为啥|咋|什么|吗|呢$|能不能|可不可以|要不要|该不该|应该|有没有办法|请问|求助|帮我"
)
VISIT_WORDS: tuple[str, ...] = (
    "去了",
    "拜访",
    "走访",
    "回访",
    "见了",
    "见到",
    "上门",
    "跑了",
    "聊了",
    "谈了",
    "约了",
    "电话联系",
    "打了电话",
    "通了电话",
    "演示了",
    "接待",
    "跟进了",
    "参观",
    "吃了饭",
    "请客",
)


def _mentions_a_visit(message: str) -> bool:
    return any(
        w in message
        for words in (
            VISIT_WORDS,
            DEAL_WON_WORDS,
            DEAL_LOST_WORDS,
            NO_SHOW_WORDS,
            NOT_INTERESTED_WORDS,
            FOLLOWUP_WORDS,
            INTERESTED_WORDS,
        )
        for w in words
    )


def could_be_visit_report(message: str) -> bool:
    """The checks that need no customer list: long enough, not a question, says how a visit went.
    Questions (most plain messages) skip loading the customer list this way."""
    message = message.strip()
    return (
        len(message) >= MIN_CHARS
        and not message.startswith("/")
        and not QUESTION_WORDS.search(message)
        and _mentions_a_visit(message)
    )


def reads_like_visit_report(message: str, known_customers: Sequence[str] = ()) -> bool:
    message = message.strip()
    if not could_be_visit_report(message):
        return False
    return bool(company_spans(message)) or (
        bool(known_customers) and find_known_customer(message, known_customers) is not None
    )
