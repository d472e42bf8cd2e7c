"""`coach ingest`: files → loaders → clean → chunk → index, idempotent per file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge.chunk import chunk_text
from knowledge.clean import clean_document
from knowledge.index import KnowledgeIndex, PreparedChunk
from knowledge.loaders import LoadedDocument, PlaybookEntry, discover, load
from knowledge.policy import Policy
from knowledge.text import normalize_for_index
from knowledge.tokenize import Tokenizer


@dataclass
class IngestSummary:
    files: int = 0
    files_unchanged: int = 0
    chunks_added: int = 0
    chunks_replaced: int = 0
    chunks_unchanged: int = 0
    duplicates_dropped: int = 0
    files_pruned: int = 0
    chunks_pruned: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def entry_chunk_text(entry: PlaybookEntry) -> tuple[str, str]:
    """(display text, extra searchable text) of a playbook entry: the body is shown, the metadata
    (title, tags, situation, the questions it answers) is searched."""
    extra = " ".join([entry.title, " ".join(entry.tags), entry.when, *entry.questions])
    return entry.body, extra


class Ingestor:
    def __init__(self, index: KnowledgeIndex, tokenizer: Tokenizer, policy: Policy) -> None:
        self.index = index
        self.tokenizer = tokenizer
        self.policy = policy

    def prepare(self, document: LoadedDocument, source: str) -> tuple[list[PreparedChunk], int]:
        """Chunks of one document, and how many duplicate chunks were dropped."""
        pieces: list[tuple[str, str, str]] = []  # (display text, title, extra search text)
        repeats = 0
        if document.entries:
            for entry in document.entries:
                body, extra = entry_chunk_text(entry)
                pieces.append((body, entry.title, extra))
        else:
            cleaned, repeats = clean_document(document.text)
            for chunk in chunk_text(cleaned, default_title=document.path.stem):
                pieces.append((chunk.text, chunk.title, ""))
        prepared: dict[str, PreparedChunk] = {}
        for position, (text, title, extra) in enumerate(pieces):
            index_text = normalize_for_index(f"{title}\n{extra}\n{text}".strip())
            violation = self.policy.violation(normalize_for_index(text))
            chunk = PreparedChunk(
                text=text,
                title=title,
                source=source,
                position=position,
                index_text=index_text,
                tokens=tuple(self.tokenizer.tokens(index_text)),
                flagged=violation.id if violation else "",
            )
            prepared.setdefault(chunk.chunk_id, chunk)
        return list(prepared.values()), repeats + len(pieces) - len(prepared)

    def ingest_file(self, path: Path, summary: IngestSummary) -> None:
        source = str(path.resolve())
        document = load(path)
        summary.files += 1
        if self.index.stored_files().get(source) == document.sha256:
            summary.files_unchanged += 1
            return
        chunks, duplicates = self.prepare(document, source)
        change = self.index.replace_file(source, document.sha256, chunks)
        summary.duplicates_dropped += duplicates
        summary.chunks_added += change.added
        summary.chunks_replaced += change.removed
        summary.chunks_unchanged += change.unchanged

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        on_progress: Callable[[Path], None] | None = None,
        files: list[Path] | None = None,
    ) -> IngestSummary:
        paths = list(paths)
        files = files if files is not None else list(discover(paths))
        summary = IngestSummary()
        for path in files:
            try:
                self.ingest_file(path, summary)
            except Exception as exc:  # one unreadable file must not stop the others
                summary.errors.append(f"{path}: {type(exc).__name__}: {exc}")
            if on_progress:
                on_progress(path)
        if prune:
            self.prune(paths, {str(p.resolve()) for p in files}, summary)
        return summary

    def prune(self, roots: list[Path], present: set[str], summary: IngestSummary) -> None:
        """Remove indexed files under the given roots that no longer exist there."""
        prefixes = [str(r.resolve()) for r in roots]
        for source in self.index.stored_files():
            under_root = any(source == p or source.startswith(p.rstrip("/") + "/") for p in prefixes)
            if under_root and source not in present:
                summary.chunks_pruned += self.index.remove_file(source)
                summary.files_pruned += 1
