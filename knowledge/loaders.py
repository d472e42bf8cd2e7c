"""Read playbook files into plain text. One function per format; `load` picks by suffix."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.faq_sheet import FaqSheetError as FaqSheetError  # raised by load: part of its API
from knowledge.faq_sheet import RowProblem, read_csv, read_xlsx

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".csv")
SHEET_SUFFIXES = (".xlsx", ".csv")
_FRONT_MATTER = "---"


class UnsupportedDocument(ValueError):
    pass


class EmptyDocument(ValueError):
    """The file holds no text to index."""


class UnreadableDocument(ValueError):
    """The file is not what its suffix says (a damaged .docx, .pdf or .xlsx)."""


@dataclass(frozen=True)
class PlaybookEntry:
    """One playbook entry (a "card" file in knowledge/playbooks): Markdown with YAML front matter
    (see knowledge/playbooks/README.md). Not the manager-taught answers (knowledge.taught_answers)
    nor the visit flow's milestone cards (bot/)."""

    title: str
    body: str
    tags: tuple[str, ...] = ()
    when: str = ""
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadedDocument:
    path: Path
    text: str
    sha256: str
    entries: tuple[PlaybookEntry, ...] = field(default_factory=tuple)  # playbook entries (cards) in the file
    problems: tuple[RowProblem, ...] = ()  # FAQ sheet rows that could not become an entry

    @property
    def empty(self) -> bool:
        return not self.entries and not self.text.strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_docx(path: Path) -> str:
    import docx

    lines = []
    for paragraph in docx.Document(str(path)).paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        lines.append(f"## {text}" if style.startswith(("heading", "title")) else text)
    return "\n".join(lines)


def read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def parse_entry(text: str) -> PlaybookEntry | None:
    if not text.startswith(_FRONT_MATTER):
        return None
    _, header, body = text.split(_FRONT_MATTER, 2)
    meta = yaml.safe_load(header) or {}
    if not isinstance(meta, dict) or not meta.get("title"):
        return None
    return PlaybookEntry(
        title=str(meta["title"]).strip(),
        body=body.strip(),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        when=str(meta.get("when") or "").strip(),
        questions=tuple(str(q) for q in meta.get("questions") or ()),
    )


def load_sheet(path: Path, suffix: str, data: bytes) -> LoadedDocument:
    rows, problems = read_xlsx(data) if suffix == ".xlsx" else read_csv(path, _decode(data))
    entries = tuple(
        PlaybookEntry(title=r.question, body=r.answer, tags=r.tags, when=r.when, questions=(r.question,))
        for r in rows
    )
    return LoadedDocument(path, "", hashlib.sha256(data).hexdigest(), entries, tuple(problems))


def load(path: Path, suffix: str | None = None) -> LoadedDocument:
    """``suffix`` names the format when the path's own does not (an upload saved under a temp name)."""
    suffix = (suffix or path.suffix).lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedDocument(f"unsupported file type: {path.name}")
    data = path.read_bytes()
    try:
        return _load(path, suffix, data)
    except (FaqSheetError, UnsupportedDocument):
        raise
    except Exception as exc:  # each parser fails its own way on a damaged file
        raise UnreadableDocument(f"cannot read {path.name} as {suffix}: {type(exc).__name__}") from exc


def _load(path: Path, suffix: str, data: bytes) -> LoadedDocument:
    if suffix in SHEET_SUFFIXES:
        return load_sheet(path, suffix, data)
    digest = hashlib.sha256(data).hexdigest()
    if suffix in (".txt", ".md"):
        text = _decode(data)
        entry = parse_entry(text) if suffix == ".md" else None
        return LoadedDocument(path, text, digest, (entry,) if entry else ())
    if suffix == ".docx":
        return LoadedDocument(path, read_docx(path), digest)
    if suffix == ".pdf":
        return LoadedDocument(path, read_pdf(path), digest)
    raise UnsupportedDocument(f"unsupported file type: {path.name}")


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Supported files under the given files and folders, sorted, skipping hidden ones and READMEs."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                    and child.stem.lower() != "readme"
                ):
                    yield child
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(path)
