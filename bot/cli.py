"""The `coach` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.config import get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="SalesCoach 销售教练")
eval_app = typer.Typer(no_args_is_help=True, help="Quality evaluations")
model_app = typer.Typer(no_args_is_help=True, help="The embedding model")
app.add_typer(eval_app, name="eval")
app.add_typer(model_app, name="model")


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .docx .pdf)")],
    prune: Annotated[
        bool, typer.Option(help="Remove indexed files under PATHS that no longer exist")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary")] = False,
) -> None:
    """Index playbook documents (idempotent: unchanged files are skipped)."""
    from rich.progress import Progress

    from knowledge.loaders import discover
    from knowledge.service import open_knowledge_base

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise typer.BadParameter(f"not found: {', '.join(missing)}")
    kb = open_knowledge_base(get_settings())
    files = list(discover(paths))
    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("ingest", total=len(files))
        summary = kb.ingestor.ingest(
            paths,
            prune=prune,
            files=files,
            on_progress=lambda p: progress.update(task, advance=1, description=p.name),
        )
    if as_json:
        _print_json(summary.as_dict())
    else:
        typer.echo(
            f"{summary.files} files ({summary.files_unchanged} unchanged): {summary.chunks_added} chunks added, "
            f"{summary.chunks_replaced} replaced, {summary.chunks_unchanged} unchanged, "
            f"{summary.duplicates_dropped} duplicates dropped, {summary.files_pruned} files pruned"
        )
    for error in summary.errors:
        typer.echo(f"error: {error}", err=True)
    if summary.errors:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question; omit to read one per line from stdin")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per question")] = False,
) -> None:
    """Answer a question from the playbooks."""
    import asyncio

    from knowledge.service import open_knowledge_base
    from store.db import open_database
    from store.knowledge import record_gap

    settings = get_settings()
    kb = open_knowledge_base(settings)
    questions = [question] if question is not None else (line.strip() for line in sys.stdin)

    async def run() -> None:
        settings.coach_home.mkdir(parents=True, exist_ok=True)
        db = await open_database(settings.database)
        try:
            for q in questions:
                if q:
                    await answer_one(db, q)
        finally:
            await db.dispose()

    async def answer_one(db, q: str) -> None:
        answer = await kb.answerer.answer(q)
        if answer.abstained and q.strip():
            async with db.transaction() as session:  # a gap for managers to fill (`/gaps`)
                await record_gap(session, None, None, q, "abstained")
        if as_json:
            _print_json(answer.as_json())
            return
        typer.echo(answer.answer)
        for i, source in enumerate(answer.sources, 1):
            typer.echo(f"  [{i}] {source.title} · {source.source} · {source.score}")

    asyncio.run(run())


@eval_app.command("retrieval")
def eval_retrieval(
    questions: Annotated[Path, typer.Option(help="Questions JSONL (must_contain_any, kind)")],
    corpus: Annotated[list[Path], typer.Option(help="Documents to index for the evaluation")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score hit@1/hit@3/MRR for BM25, dense and hybrid, plus abstention and refusal, on a fresh index."""
    import tempfile

    from bot.config import load_settings
    from knowledge.evaluate import evaluate, load_questions
    from knowledge.service import open_knowledge_base

    base = get_settings()
    with tempfile.TemporaryDirectory(prefix="coach-eval-") as home:
        settings = load_settings(coach_home=home, embedding_model=base.embedding_model)
        kb = open_knowledge_base(settings, composer=None, embedder=_shared_embedder(base))
        kb.ingestor.ingest(corpus)
        report = evaluate(kb.answerer, load_questions(questions))
    if as_json:
        _print_json(report)
        return
    for row in report["retrieval"]:
        typer.echo(
            f"{row['mode']:>7}: hit@1 {row['hit@1']:.3f}  hit@3 {row['hit@3']:.3f}  MRR {row['mrr']:.3f}"
        )
    typer.echo(f"abstained on unanswerable: {report['abstention_on_unanswerable']:.0%}")
    typer.echo(f"refused unsafe: {report['refusal_on_unsafe']:.0%}")
    typer.echo(f"answerable items abstained: {report['answerable_abstained']}")
    typer.echo(json.dumps(report["decisions"], ensure_ascii=False))


def _shared_embedder(settings):
    from knowledge.embeddings import Embedder

    return Embedder(settings.embedding_model, settings.models_dir)


@model_app.command("build")
def model_build(force: Annotated[bool, typer.Option(help="Rebuild even if present")] = False) -> None:
    """Build the default offline embedding model (multilingual-e5-small) under COACH_HOME/models."""
    from knowledge.e5_build import build_e5_model

    settings = get_settings()
    path = build_e5_model(settings.models_dir / "multilingual-e5-small", force=force)
    typer.echo(str(path))


if __name__ == "__main__":
    app()
