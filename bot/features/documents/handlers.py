"""A sent document or FAQ sheet → the team's knowledge; /docs → the team's documents, each with a
删除 button (confirmed before anything is removed)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path, PurePath

from bot.engine.core import Context
from bot.engine.messages import Reply
from bot.features.documents import rendering
from bot.features.documents.service import (
    Refusal,
    check_before_download,
    download,
    find_document,
    ingest_with_progress,
    supported_list,
    team_documents,
    temporary_folder,
    upload_name,
    upload_team,
)
from bot.forms import buttons
from knowledge.loaders import (
    SHEET_SUFFIXES,
    EmptyDocument,
    FaqSheetError,
    UnreadableDocument,
    UnsupportedDocument,
)
from prompts import text

log = logging.getLogger(__name__)


def _refused(refusal: Refusal) -> list[Reply]:
    return [Reply(text(refusal.key, **refusal.values))]


async def on_document(ctx: Context) -> list[Reply]:
    attachment = ctx.incoming.attachment
    if attachment is None:
        return [Reply(text("unsupported_input", what="文件"))]
    name = upload_name(attachment)
    if refusal := check_before_download(ctx.user, attachment, name):
        return _refused(refusal)
    team_id = upload_team(ctx.user)
    with temporary_folder() as folder:
        path = await download(ctx, attachment, Path(folder), name)
        if isinstance(path, Refusal):
            return _refused(path)
        try:
            summary = await ingest_with_progress(ctx, path, name, team_id)
        except UnsupportedDocument:
            return [Reply(text("doc_unsupported", name=name, suffixes=supported_list()))]
        except EmptyDocument:
            return [Reply(text("doc_no_text", name=name))]
        except UnreadableDocument:
            return [Reply(text("doc_unreadable", name=name))]
        except FaqSheetError as exc:
            return [
                Reply(text("doc_faq_bad_header", name=name, problems=rendering.problems_text(exc.problems)))
            ]
        except Exception:
            log.exception("ingesting %r failed", name)
            return [Reply(text("doc_failed", name=name))]
    sheet = PurePath(name).suffix.lower() in SHEET_SUFFIXES
    faq_rows = summary.chunks_added + summary.chunks_unchanged if sheet else None
    log.info("user %s ingested %r for team %s: %s", ctx.user.id, name, team_id, summary.as_dict())
    return [rendering.summary_reply(name, summary, shared=team_id is None, faq_rows=faq_rows)]


async def docs_command(ctx: Context) -> list[Reply]:
    if ctx.user.role == "manager" and ctx.user.team_id is None:
        return [Reply(text("doc_no_team"))]
    documents = await asyncio.to_thread(team_documents, ctx)
    return [rendering.docs_reply(documents, admin=ctx.user.role == "admin")]


async def on_docs_button(ctx: Context) -> list[Reply]:
    """docs:del|yes|no:<key>. The key must name a document the presser may manage now: a forged
    or stale one (another team's, or one deleted meanwhile) reads as an expired button."""
    action, (key,) = buttons.parse_action(
        ctx.incoming.text,
        rendering.DOCS,
        {"del": [buttons.word], "yes": [buttons.word], "no": [buttons.word]},
    )
    documents = await asyncio.to_thread(team_documents, ctx)
    doc = find_document(documents, key)
    if doc is None:
        raise buttons.StaleButton(ctx.incoming.text)
    if action == "del":
        return [rendering.confirm_reply(doc)]
    if action == "no":
        return [Reply(text("docs_kept", name=doc.name), replace_pressed=True)]
    removed = await asyncio.to_thread(ctx.engine.kb.index.remove_file, doc.source)
    log.info("user %s deleted %r (%d chunks)", ctx.user.id, doc.source, removed)
    return [Reply(text("docs_deleted", name=doc.name, chunks=removed), replace_pressed=True)]
