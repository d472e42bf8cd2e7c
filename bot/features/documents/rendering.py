"""What the chat shows of documents: the ingest summary, the /docs list and its buttons."""

from __future__ import annotations

from bot.engine.messages import Button, Reply
from bot.features.documents.service import document_key
from bot.forms.buttons import button_data
from knowledge.faq_sheet import RowProblem
from knowledge.index import DocumentInfo
from knowledge.ingest import IngestSummary
from prompts import text

DOCS = "docs"  # docs:del:<key> asks to confirm, docs:yes:<key> deletes, docs:no:<key> keeps
MAX_PASSAGES_SHOWN = 5
MAX_ROWS_SHOWN = 10
MAX_DOCS_LISTED = 30


def problem_text(problem: RowProblem) -> str:
    key = f"doc_row_{problem.problem}"
    try:
        what = text(key)
    except KeyError:
        what = problem.problem
    if problem.row <= 0:
        return text("doc_sheet_problem", sheet=problem.sheet, problem=what)
    return text("doc_row_problem", sheet=problem.sheet, row=problem.row, problem=what)


def problems_text(problems: list[RowProblem]) -> str:
    lines = [problem_text(p) for p in problems[:MAX_ROWS_SHOWN]]
    if len(problems) > MAX_ROWS_SHOWN:
        lines.append(text("doc_more_rows", n=len(problems) - MAX_ROWS_SHOWN))
    return "\n".join(lines)


def summary_reply(name: str, summary: IngestSummary, *, shared: bool, faq_rows: int | None) -> Reply:
    flagged = summary.flagged_passages
    lines = [
        text("doc_done_shared" if shared else "doc_done_team", name=name),
        text(
            "doc_counts",
            added=summary.chunks_added,
            unchanged=summary.chunks_unchanged,
            removed=summary.chunks_replaced,
            flagged=len(flagged),
        ),
    ]
    if summary.files_unchanged:
        lines.append(text("doc_unchanged"))
    if faq_rows is not None:
        lines.append(text("doc_faq_rows", n=faq_rows))
    if flagged:
        lines.append(text("doc_flagged_header"))
        lines += [
            text("doc_flagged_row", category=p.category, excerpt=p.excerpt)
            for p in flagged[:MAX_PASSAGES_SHOWN]
        ]
    if summary.row_problems:
        lines.append(text("doc_rows_header", n=len(summary.row_problems)))
        lines.append(problems_text(summary.row_problems))
    return Reply("\n".join(lines))


def docs_reply(documents: list[DocumentInfo], *, admin: bool) -> Reply:
    if not documents:
        return Reply(text("docs_empty"))
    documents = sorted(documents, key=lambda d: (d.scope, d.name))
    lines = [text("docs_title", n=len(documents))]
    rows = []
    for i, doc in enumerate(documents[:MAX_DOCS_LISTED], 1):
        scope = text("docs_scope_shared") if admin and doc.scope == "shared" else ""
        lines.append(text("docs_row", n=i, name=doc.name, chunks=doc.chunks, scope=scope))
        rows.append((Button(text("docs_delete_button", n=i), button_data(DOCS, "del", key_of(doc))),))
    if len(documents) > MAX_DOCS_LISTED:
        lines.append(text("docs_more", n=len(documents) - MAX_DOCS_LISTED))
    return Reply("\n".join(lines), buttons=tuple(rows))


def confirm_reply(doc: DocumentInfo) -> Reply:
    key = key_of(doc)
    return Reply(
        text("docs_confirm", name=doc.name, chunks=doc.chunks),
        buttons=(
            (
                Button(text("docs_confirm_yes"), button_data(DOCS, "yes", key)),
                Button(text("docs_confirm_no"), button_data(DOCS, "no", key)),
            ),
        ),
        replace_pressed=True,
    )


def key_of(doc: DocumentInfo) -> str:
    return document_key(doc.source)
