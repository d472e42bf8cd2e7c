"""`coach rules`: show a team's playbook rules, or set them from a file (only the keys it changes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.session import run_async

rules_app = typer.Typer(
    no_args_is_help=True,
    help="A team's playbook rules (effective visit, grades, quota)",
    rich_markup_mode=None,
)


async def _with_team(team: str | None, action):
    from config import get_settings
    from store import users
    from store.db import open_database

    db = await open_database(get_settings().database)
    try:
        async with db.transaction() as session:
            found = None
            if team is not None:
                found = next((t for t in await users.list_teams(session) if t.name == team), None)
                if found is None:
                    return None
            return await action(session, found)
    finally:
        await db.dispose()


def _no_team(team: str | None) -> typer.Exit:
    typer.echo(f"no team called {team!r} (coach users list shows the teams)", err=True)
    return typer.Exit(1)


@rules_app.command("show")
def show(
    team: Annotated[
        str | None, typer.Option(help="Team name (default: the playbook's default rules)")
    ] = None,
) -> None:
    """Print the rules a team works by, as YAML (the default merged with the team's own keys)."""
    from bot.sales import rules

    async def action(session, found):
        if found is None:
            return rules.dump(rules.default_rules()), {}
        from store.rules import get_override

        return rules.dump(await rules.team_rules(session, found.id)), await get_override(session, found.id)

    result = run_async(_with_team(team, action))
    if result is None:
        raise _no_team(team)
    text, override = result
    if team is not None:
        changed = ", ".join(sorted(override)) or "none (the default)"
        typer.echo(f"# team {team}: own keys: {changed}")
    typer.echo(text, nl=False)


@rules_app.command("set")
def set_rules(
    file: Annotated[Path, typer.Argument(help="YAML file with the keys the team changes")],
    team: Annotated[str, typer.Option(help="Team name")],
) -> None:
    """Replace a team's own rules with FILE (validated; keys it omits keep the default)."""
    from bot.sales import rules

    if not file.is_file():
        raise typer.BadParameter(f"not found: {file}")
    try:
        override = rules.parse_override(file.read_text(encoding="utf-8"))
    except (rules.RulesError, UnicodeDecodeError) as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1) from None

    async def action(session, found):
        if found is None:
            return None
        return await rules.set_team_rules(session, found.id, override)

    if run_async(_with_team(team, action)) is None:
        raise _no_team(team)
    typer.echo(f"team {team}: rules set ({', '.join(sorted(override)) or 'the default'})")


@rules_app.command("reset")
def reset(team: Annotated[str, typer.Option(help="Team name")]) -> None:
    """Drop a team's own rules: it works by the default again."""
    from store.rules import clear_override

    async def action(session, found):
        if found is None:
            return None
        return await clear_override(session, found.id)

    result = run_async(_with_team(team, action))
    if result is None:
        raise _no_team(team)
    typer.echo(f"team {team}: back to the default rules")


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
