"""Grouping the knowledge-gap questions."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.features.gaps import merge_similar, similarity
from knowledge.tokenize import default_tokenizer
from store.knowledge import GapGroup, normalize_question


def _group(question: str, count: int, users: int, first_id: int) -> GapGroup:
    return GapGroup(
        normalize_question(question),
        question,
        count,
        users,
        datetime(2026, 11, 23, tzinfo=UTC),
        tuple(range(first_id, first_id + count)),
    )


def test_similar_gap_questions_are_grouped_most_frequent_first():
    groups = [
        _group("展会上怎么收集客户名片", 3, 2, 1),
        _group("明天杭州天气怎么样", 2, 1, 10),
        _group("在展会上如何收集客户的名片", 1, 1, 20),
        _group("展会现场怎样收集名片", 1, 1, 30),
    ]
    tokens = default_tokenizer().tokens
    topics = merge_similar(groups, tokens)
    assert [t.question for t in topics] == ["展会上怎么收集客户名片", "明天杭州天气怎么样"]
    assert topics[0].count == 5 and topics[0].gap_ids[:3] == [1, 2, 3] and len(topics[0].questions) == 3
    apart = set(tokens("客户嫌贵怎么办")), set(tokens("客户不回微信怎么办"))
    assert similarity(*apart) < 0.5
