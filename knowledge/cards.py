"""Answer cards taught in the chat: each is indexed as a source of its own, ``card:<id>``, with the
questions it answers as extra searchable text, so the next rep asking gets it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from knowledge.ingest import Ingestor
from knowledge.loaders import Card, LoadedDocument

CARD_SOURCE_PREFIX = "card:"


def card_source(card_id: int) -> str:
    return f"{CARD_SOURCE_PREFIX}{card_id}"


def index_card(
    ingestor: Ingestor,
    card_id: int,
    title: str,
    script: str,
    tags: Iterable[str] = (),
    questions: Iterable[str] = (),
) -> int:
    """Index (or re-index) one card; returns how many chunks were added."""
    card = Card(title=title, body=script, tags=tuple(tags), questions=tuple(questions))
    raw = json.dumps([card.title, card.body, card.tags, card.questions], ensure_ascii=False)
    sha = hashlib.sha256(raw.encode()).hexdigest()
    document = LoadedDocument(Path(f"card-{card_id}.md"), card.body, sha, (card,))
    source = card_source(card_id)
    chunks, _ = ingestor.prepare(document, source)
    return ingestor.index.replace_file(source, sha, chunks).added


def indexed_card_ids(ingestor: Ingestor) -> set[int]:
    ids = set()
    for source in ingestor.index.stored_files():
        if source.startswith(CARD_SOURCE_PREFIX) and source[len(CARD_SOURCE_PREFIX) :].isdigit():
            ids.add(int(source[len(CARD_SOURCE_PREFIX) :]))
    return ids
