"""`coach ingest` and uploads: files → loaders → clean → chunk → index, idempotent per file.

Each file is indexed for one scope (knowledge.scope): shared, or one team's. A file ingested from a
folder is keyed by the folder's name and its path inside it (``seeds/000_….txt``), a file named on
its own by its name, so a moved or re-cloned checkout finds its documents already indexed; an
uploaded one is keyed by scope and name (``team:3/报价.docx``), so sending a changed file under the
same name replaces the old one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge.chunk import chunk_text
from knowledge.clean import clean_document
from knowledge.faq_sheet import RowProblem
from knowledge.index import KnowledgeIndex, PreparedChunk, Progress
from knowledge.loaders import (
    SUPPORTED_SUFFIXES,
    EmptyDocument,
    LoadedDocument,
    PlaybookEntry,
    UnsupportedDocument,
    discover,
    load,
)
from knowledge.policy import Policy
from knowledge.question_bank import QuestionBank, attach, default_bank
from knowledge.scope import SHARED, document_source, scope_for
from knowledge.text import normalize_for_index
from knowledge.tokenize import Tokenizer

EXCERPT_CHARS = 60
#: Marks what prepare() makes of a file. Bump it when a change to chunking or to the texts indexed
#: would give an unchanged file other chunks: a file indexed under another mark is prepared again
#: (its unchanged chunks keep their vectors), instead of being skipped as unchanged.
PREPARATION = "3-question-vectors"


@dataclass(frozen=True)
class FlaggedPassage:
    """A passage the compliance policy flags (it is indexed but never answered with)."""

    category: str
    excerpt: str


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
    chunks_flagged: int = 0
    errors: list[str] = field(default_factory=list)
    flagged_passages: list[FlaggedPassage] = field(default_factory=list)
    row_problems: list[RowProblem] = field(default_factory=list)
    #: question-bank anchors (knowledge/question_bank/) that no chunk of their document holds
    bank_unattached: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def prepared_file_key(file_sha: str, marks: str = "") -> str:
    """What the index records for a file: its content and how it was prepared (the chunking
    mark, the tokenizer's word lists: a new synonym must reach the documents' BM25 tokens, and
    the document's question-bank rows)."""
    return f"{file_sha}+{PREPARATION}" + (f"+{marks}" if marks else "")


def entry_chunk_text(entry: PlaybookEntry) -> tuple[str, str]:
    """(display text, extra searchable text) of a playbook entry: the body is shown, the metadata
    (title, tags, situation, the questions it answers) is searched."""
    asked = [q for q in entry.questions if q != entry.title]
    extra = " ".join([entry.title, " ".join(entry.tags), entry.when, *asked])
    return entry.body, extra


class Ingestor:
    def __init__(
        self,
        index: KnowledgeIndex,
        tokenizer: Tokenizer,
        policy: Policy,
        bank: QuestionBank | None = None,
    ) -> None:
        self.index = index
        self.tokenizer = tokenizer
        self.policy = policy
        self.bank = bank if bank is not None else default_bank()

    def prepare(
        self, document: LoadedDocument, source: str, scope: str = SHARED, unattached: list[str] | None = None
    ) -> tuple[list[PreparedChunk], int]:
        """Chunks of one document, and how many duplicate chunks were dropped. The question bank
        serves the shared documents it was written for (by file name); a team's own upload of
        a file by the same name is another document. Anchors that found no chunk are appended
        to ``unattached``."""
        pieces: list[tuple[str, str, str, tuple[str, ...]]] = []  # display text, title, extra, questions
        repeats = 0
        if document.entries:
            for entry in document.entries:
                body, extra = entry_chunk_text(entry)
                pieces.append((body, entry.title, extra, entry.questions))
        else:
            cleaned, repeats = clean_document(document.text)
            chunks = chunk_text(cleaned, default_title=document.path.stem)
            rows = self.bank.for_document(document.path.name) if scope == SHARED else ()
            asked, missing = attach(rows, [normalize_for_index(c.text) for c in chunks])
            if unattached is not None:
                unattached.extend(f"{document.path.name}: {a}" for a in missing)
            for chunk, questions in zip(chunks, asked, strict=True):
                pieces.append((chunk.text, chunk.title, "", tuple(questions)))
        prepared: dict[str, PreparedChunk] = {}
        for position, (text, title, extra, questions) in enumerate(pieces):
            index_text = normalize_for_index(f"{title}\n{extra}\n{text}".strip())
            # The encoder reads the passage without its section title: a milestone's name on every
            # subsection pulled their vectors together (dense hit@3 fell). BM25 and the ranker's
            # title feature still see the title; a card's title stays in its searchable metadata.
            embed_text = normalize_for_index(f"{extra}\n{text}".strip())
            violation = self.policy.violation(normalize_for_index(text))
            chunk = PreparedChunk(
                text=text,
                title=title,
                source=source,
                position=position,
                index_text=index_text,
                tokens=tuple(self.tokenizer.tokens(index_text)),
                flagged=violation.id if violation else "",
                scope=scope,
                embed_text=embed_text if embed_text != index_text else "",
                questions=questions,
            )
            prepared.setdefault(chunk.chunk_id, chunk)
        return list(prepared.values()), repeats + len(pieces) - len(prepared)

    def ingest_file(
        self, path: Path, source: str, summary: IngestSummary, team_id: int | None = None
    ) -> None:
        self.ingest_document(load(path), source, scope_for(team_id), summary)

    def ingest_document(
        self,
        document: LoadedDocument,
        source: str,
        scope: str,
        summary: IngestSummary,
        progress: Progress | None = None,
    ) -> None:
        """Index one loaded document under ``source``; skipped when the same file is already
        indexed in the same scope (a scope change only rewrites metadata: no re-embedding)."""
        summary.files += 1
        summary.row_problems.extend(document.problems)
        marks = "+".join(m for m in (self.tokenizer.fingerprint, self._bank_mark(document, scope)) if m)
        file_key = prepared_file_key(document.sha256, marks)
        if self.index.stored_file(source) == (file_key, scope):
            summary.files_unchanged += 1
            if progress:
                progress(0, 0)
            return
        chunks, duplicates = self.prepare(document, source, scope, summary.bank_unattached)
        change = self.index.replace_file(source, file_key, chunks, progress)
        flagged = [c for c in chunks if c.flagged]
        summary.chunks_flagged += len(flagged)
        summary.flagged_passages.extend(FlaggedPassage(c.flagged, c.text[:EXCERPT_CHARS]) for c in flagged)
        summary.duplicates_dropped += duplicates
        summary.chunks_added += change.added
        summary.chunks_replaced += change.removed
        summary.chunks_unchanged += change.unchanged

    def _bank_mark(self, document: LoadedDocument, scope: str) -> str:
        if document.entries or scope != SHARED:
            return ""
        return self.bank.mark(document.path.name)

    def ingest_upload(
        self,
        path: Path,
        name: str,
        team_id: int | None,
        progress: Progress | None = None,
    ) -> IngestSummary:
        """A document sent by a person, stored under its name in the team's scope (or shared):
        a changed file under the same name replaces the old one, an unchanged one embeds nothing.
        Raises UnsupportedDocument, EmptyDocument or FaqSheetError (a sheet without 问题/答案)."""
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise UnsupportedDocument(f"unsupported file type: {name}")
        document = load(path, suffix)
        if document.empty:
            raise EmptyDocument(f"no text in {name}")
        summary = IngestSummary()
        self.ingest_document(document, document_source(team_id, name), scope_for(team_id), summary, progress)
        return summary

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        team_id: int | None = None,
        prune: bool = False,
        progress: Progress | None = None,
        on_progress: Callable[[Path], None] | None = None,
        files: list[Path] | None = None,
    ) -> IngestSummary:
        """``progress(done, total)`` counts files; ``on_progress(path)`` names each one done."""
        paths = list(paths)
        files = files if files is not None else list(discover(paths))
        summary = IngestSummary()
        keys = {path: source_key(paths, path) for path in files}
        for done, path in enumerate(files, 1):
            try:
                self.ingest_file(path, keys[path], summary, team_id)
            except Exception as exc:  # one unreadable file must not stop the others
                summary.errors.append(f"{path}: {type(exc).__name__}: {exc}")
            if on_progress:
                on_progress(path)
            if progress:
                progress(done, len(files))
        if prune:
            self.prune(paths, set(keys.values()), summary)
        return summary

    def prune(self, roots: list[Path], present: set[str], summary: IngestSummary) -> None:
        """Remove indexed files under the given roots that no longer exist there (and any file an
        older index keyed by its absolute path under them)."""
        prefixes = [root_key(r) for r in roots] + [str(r.resolve()) for r in roots]
        for source in self.index.stored_files():
            under_root = any(source == p or source.startswith(p.rstrip("/") + "/") for p in prefixes)
            if under_root and source not in present:
                summary.chunks_pruned += self.index.remove_file(source)
                summary.files_pruned += 1


def root_key(root: Path) -> str:
    return root.resolve().name


def source_key(roots: list[Path], path: Path) -> str:
    """The index key of ``path``, found under one of ``roots`` (folders or files): the root
    folder's name and the path inside it, or the file's own name."""
    resolved = path.resolve()
    for root in roots:
        base = root.resolve()
        if resolved == base:
            return base.name
        if base.is_dir() and resolved.is_relative_to(base):
            return f"{base.name}/{resolved.relative_to(base).as_posix()}"
    return resolved.name
