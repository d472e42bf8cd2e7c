"""What a sent document goes through: the checks made before any download, the download, and the
ingestion for the sender's team off the event loop, with its progress shown in the chat."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from bot.engine.core import Context
from bot.engine.messages import MAX_ATTACHMENT_BYTES, Attachment, Reply
from knowledge.index import DocumentInfo
from knowledge.ingest import IngestSummary
from knowledge.loaders import SUPPORTED_SUFFIXES
from knowledge.scope import SHARED, team_scope
from knowledge.taught_answers import TAUGHT_SOURCE_PREFIX
from prompts import text
from store.models import User

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 1.0  # how often the progress message is edited (Telegram allows ~1 edit/s)
MAX_NAME_CHARS = 80
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class Refusal:
    key: str  # the text shown
    values: dict[str, object]


def upload_team(user: User) -> int | None:
    """The team a sender's documents belong to: the manager's team; an admin's are shared."""
    return None if user.role == "admin" else user.team_id


def document_scopes(user: User) -> tuple[str, ...]:
    """The scopes whose documents a user may list and delete: a manager their team's, an admin
    the shared ones (and their team's, when they have one)."""
    scopes = (team_scope(user.team_id),) if user.team_id is not None else ()
    return (SHARED, *scopes) if user.role == "admin" else scopes


def upload_name(attachment: Attachment) -> str:
    """The name a document is kept under: the file name as sent, without folders or characters a
    file system refuses, cut to a readable length (its suffix kept)."""
    name = _UNSAFE_NAME.sub("_", PurePath(attachment.name.replace("\\", "/")).name).strip(" ._")
    if not name:
        return ""
    suffix = PurePath(name).suffix[:10]
    stem = name[: len(name) - len(suffix)] if suffix else name
    return stem[: MAX_NAME_CHARS - len(suffix)] + suffix


def check_before_download(user: User, attachment: Attachment, name: str) -> Refusal | None:
    """Why a sent file is not taken, decided from what the messenger says about it."""
    if user.role == "rep":
        return Refusal("doc_reps_cannot", {})
    if user.role == "manager" and user.team_id is None:
        return Refusal("doc_no_team", {})
    suffix = PurePath(name).suffix.lower()
    if not name or suffix not in SUPPORTED_SUFFIXES:
        return Refusal("doc_unsupported", {"name": name or text("doc_unnamed"), "suffixes": supported_list()})
    if attachment.size is not None and attachment.size > MAX_ATTACHMENT_BYTES:
        return too_big(name, attachment.size)
    return None


def too_big(name: str, size: int) -> Refusal:
    return Refusal(
        "doc_too_big", {"name": name, "size": megabytes(size), "limit": megabytes(MAX_ATTACHMENT_BYTES)}
    )


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def supported_list() -> str:
    return " ".join(SUPPORTED_SUFFIXES)


class Progress:
    """(done, total) as the ingesting worker thread last reported it."""

    def __init__(self) -> None:
        self.latest: tuple[int, int] = (0, 0)

    def update(self, done: int, total: int) -> None:  # called from the worker thread
        self.latest = (done, total)  # one assignment: read whole by the event loop


async def ingest_with_progress(ctx: Context, path: Path, name: str, team_id: int | None) -> IngestSummary:
    """Ingest off the event loop (the bot keeps answering others), editing a progress message."""
    channel = ctx.channel
    handle = await channel.send(Reply(text("doc_ingesting", name=name))) if channel else None
    progress = Progress()
    job = asyncio.ensure_future(
        asyncio.to_thread(ctx.engine.kb.ingestor.ingest_upload, path, name, team_id, progress.update)
    )
    shown = (0, 0)
    while not job.done():
        await asyncio.wait({job}, timeout=PROGRESS_SECONDS)
        done, total = progress.latest
        if channel and handle is not None and total and (done, total) != shown and not job.done():
            shown = (done, total)
            await channel.edit(handle, Reply(text("doc_progress", name=name, done=done, total=total)))
    return job.result()


async def download(ctx: Context, attachment: Attachment, folder: Path, name: str) -> Path | Refusal:
    """The file on local disk, or why not."""
    if ctx.engine.files is None:
        return Refusal("doc_no_download", {})
    target = folder / name
    try:
        await ctx.engine.files.fetch(attachment, target)
    except Exception as exc:  # a refused getFile (too big), a network fault: the sender hears it
        log.warning("could not download %r: %s: %s", name, type(exc).__name__, exc)
        return Refusal("doc_download_failed", {"name": name})
    size = target.stat().st_size if target.exists() else 0
    if size == 0:
        return Refusal("doc_empty", {"name": name})
    if size > MAX_ATTACHMENT_BYTES:  # the messenger declared less than it sent
        return too_big(name, size)
    return target


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="coach-upload-")


def document_key(source: str) -> str:
    """A short stable handle of a document's source for button data (a source may exceed 64 bytes)."""
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def team_documents(ctx: Context) -> list[DocumentInfo]:
    """The documents the user may manage (taught cards are sources too, but /teach owns them)."""
    scopes = document_scopes(ctx.user)
    documents = ctx.engine.kb.index.documents(scopes) if scopes else []
    return [d for d in documents if not d.source.startswith(TAUGHT_SOURCE_PREFIX)]


def find_document(documents: list[DocumentInfo], key: str) -> DocumentInfo | None:
    return next((d for d in documents if document_key(d.source) == key), None)
