"""Answers managers teach in the chat (stored as store.PlaybookCard rows): each is indexed as a
source of its own, ``card:<id>`` (the prefix stays as indexes already hold it), with the
questions it answers as extra searchable text, so the next rep asking gets it. A card belongs to
its team's scope (PlaybookCard.team_id; None = shared): indexing it again with another team moves
it there (a metadata update: the vectors stay)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from knowledge.ingest import Ingestor
from knowledge.loaders import LoadedDocument, PlaybookEntry
from knowledge.scope import scope_for

TAUGHT_SOURCE_PREFIX = "card:"


def taught_answer_source(card_id: int) -> str:
    return f"{TAUGHT_SOURCE_PREFIX}{card_id}"


def index_taught_answer(
    ingestor: Ingestor,
    card_id: int,
    title: str,
    script: str,
    tags: Iterable[str] = (),
    questions: Iterable[str] = (),
    *,
    team_id: int | None = None,
) -> int:
    """Index (or re-index) one taught answer; returns how many chunks were added. Unchanged (same
    text and scope) it writes nothing, so a re-sync of every card is cheap."""
    entry = PlaybookEntry(title=title, body=script, tags=tuple(tags), questions=tuple(questions))
    raw = json.dumps([entry.title, entry.body, entry.tags, entry.questions], ensure_ascii=False)
    sha = hashlib.sha256(raw.encode()).hexdigest()
    document = LoadedDocument(Path(f"card-{card_id}.md"), entry.body, sha, (entry,))
    source = taught_answer_source(card_id)
    chunks, _ = ingestor.prepare(document, source, scope_for(team_id))
    return ingestor.index.replace_file(source, sha, chunks).added


def indexed_taught_answer_ids(ingestor: Ingestor) -> set[int]:
    ids = set()
    for source in ingestor.index.stored_files():
        if source.startswith(TAUGHT_SOURCE_PREFIX) and source[len(TAUGHT_SOURCE_PREFIX) :].isdigit():
            ids.add(int(source[len(TAUGHT_SOURCE_PREFIX) :]))
    return ids
