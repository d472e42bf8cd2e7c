"""`coach ingest --team NAME PATH`: knowledge for one team from the shell."""

from tests.cli.test_cli import _coach


def test_ingest_for_an_unknown_team_stops_with_one_line(tmp_path, corpus):
    done = _coach(tmp_path, "ingest", "--team", "不存在的队", str(corpus))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["unknown team: 不存在的队 (see `coach users list`)"]


def test_ingest_for_a_team_scopes_its_chunks(tmp_path, corpus, embedder):
    from config import load_settings
    from knowledge.index import KnowledgeIndex, open_chroma
    from knowledge.scope import team_scope
    from store import users
    from tests.conftest import MODELS_DIR

    added = _coach(
        tmp_path,
        "users",
        "add",
        "--telegram-id",
        "11",
        "--name",
        "王经理",
        "--role",
        "manager",
        "--team",
        "华东",
    )
    assert added.returncode == 0, added.stderr
    done = _coach(tmp_path, "ingest", "--team", "华东", str(corpus / "price-card.md"), "--json")
    assert done.returncode == 0, done.stderr

    import asyncio

    from store.db import open_database

    settings = load_settings(coach_home=tmp_path, coach_models_dir=MODELS_DIR)

    async def team_id() -> int:
        db = await open_database(settings.database)
        try:
            async with db.transaction() as session:
                return next(t.id for t in await users.list_teams(session) if t.name == "华东")
        finally:
            await db.dispose()

    index = KnowledgeIndex(open_chroma(None, settings.chroma_path), embedder)
    assert {c.scope for c in index.chunks()} == {team_scope(asyncio.run(team_id()))}
