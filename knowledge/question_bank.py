"""Questions a rep would ask, written for the passages of the seed documents (the files in
knowledge/question_bank/, one row per passage: the document's file name, an anchor phrase copied
from the passage, and three or four questions). Reps word a question nothing like a handbook does;
the retriever also matches the question against these (knowledge.index's question vectors), as it
does against a card's ``questions:`` and an FAQ sheet's questions.

A row attaches to the chunk whose text holds its anchor, compared in the indexed form (simplified,
no pinyin), so a re-chunked document keeps its questions; a row that finds no chunk is reported by
the ingest summary instead of being dropped silently."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.text import normalize_for_index

BANK_DIR = Path(__file__).with_name("question_bank")


@dataclass(frozen=True)
class BankEntry:
    anchor: str  # in the indexed form
    questions: tuple[str, ...]


@dataclass(frozen=True)
class QuestionBank:
    entries: dict[str, tuple[BankEntry, ...]]  # document file name -> its rows

    def for_document(self, name: str) -> tuple[BankEntry, ...]:
        return self.entries.get(name, ())

    def mark(self, name: str) -> str:
        """Changes whenever the rows of one document change (part of its prepared-file key, so
        an edited bank re-prepares the document: its passages keep their vectors)."""
        rows = self.for_document(name)
        if not rows:
            return ""
        raw = json.dumps([[e.anchor, e.questions] for e in rows], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


def read_bank(folder: Path) -> QuestionBank:
    found: dict[str, list[BankEntry]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            questions = tuple(q.strip() for q in row["questions"] if q.strip())
            found.setdefault(row["source"], []).append(
                BankEntry(normalize_for_index(row["anchor"]), questions)
            )
    return QuestionBank({name: tuple(rows) for name, rows in found.items()})


@cache
def default_bank() -> QuestionBank:
    return read_bank(BANK_DIR) if BANK_DIR.is_dir() else QuestionBank({})


def attach(bank_rows: tuple[BankEntry, ...], chunk_texts: list[str]) -> tuple[list[list[str]], list[str]]:
    """The bank questions of each chunk (``chunk_texts`` in the indexed form), and the anchors no
    chunk holds. An anchor found in several chunks (a repeated page) goes to the first."""
    attached: list[list[str]] = [[] for _ in chunk_texts]
    missing: list[str] = []
    for entry in bank_rows:
        home = _home(entry.anchor, chunk_texts)
        if home is None:
            missing.append(entry.anchor)
        else:
            attached[home].extend(entry.questions)
    return attached, missing


def _home(anchor: str, chunk_texts: list[str]) -> int | None:
    """The first chunk holding the anchor; failing that (the cleaner dropped a character of it,
    or a chunk boundary cut it), the first holding its first or its last eight characters."""
    for probe in (anchor, anchor[:8], anchor[-8:]):
        if len(probe) < min(8, len(anchor)):
            continue
        home = next((i for i, text in enumerate(chunk_texts) if probe in text), None)
        if home is not None:
            return home
    return None
