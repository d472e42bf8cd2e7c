"""`coach kb stats --team T`: the knowledge usage of /kb from the shell (text, and the chart)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

kb_app = typer.Typer(no_args_is_help=True, help="Knowledge base usage", rich_markup_mode=None)


@kb_app.command("stats")
def stats(
    team: Annotated[str, typer.Option(help="Team name")],
    out: Annotated[Path | None, typer.Option(help="Also write the chart here (.png)")] = None,
) -> None:
    """Top cards and documents by answers, 👍/👎 per card, the team's documents unused for 30 days."""
    from bot.sales.knowledge_usage.chart import render_usage_png
    from bot.sales.knowledge_usage.data import collect_usage, summary_text, team_document_names
    from config import get_settings
    from knowledge.embeddings import embedder_for
    from knowledge.index import KnowledgeIndex, open_chroma
    from store import users
    from store.db import open_database
    from store.models import utcnow

    if out is not None and out.suffix.lower() != ".png":
        raise typer.BadParameter("--out must end in .png")
    settings = get_settings()
    settings.coach_home.mkdir(parents=True, exist_ok=True)
    # the index only (its documents' names): the embedding model is never loaded for this
    index = KnowledgeIndex(
        open_chroma(settings.chroma_url, settings.chroma_path),
        embedder_for(settings),
        cache_dir=settings.cache_dir,
    )

    async def collect():
        db = await open_database(settings.database)
        try:
            async with db.transaction() as session:
                found = next((t for t in await users.list_teams(session) if t.name == team), None)
                if found is None:
                    return None
                names = team_document_names(index, found.id)
                return await collect_usage(session, found.id, found.name, names, utcnow())
        finally:
            await db.dispose()

    report = asyncio.run(collect())
    if report is None:
        typer.echo(f"no team called {team!r}", err=True)
        raise typer.Exit(1)
    typer.echo(summary_text(report))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render_usage_png(report))
        typer.echo(f"written: {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")
