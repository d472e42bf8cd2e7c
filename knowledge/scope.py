"""Who may draw on a piece of knowledge: everyone (``shared``) or one team (``team:<id>``).

Every indexed chunk carries one scope in its metadata; a chunk without one (an index built before
scopes existed) counts as shared. An asker sees the shared knowledge plus their own team's."""

from __future__ import annotations

SHARED = "shared"
TEAM_PREFIX = "team:"


def team_scope(team_id: int) -> str:
    return f"{TEAM_PREFIX}{team_id}"


def scope_for(team_id: int | None) -> str:
    """The scope knowledge added for ``team_id`` gets (None: shared)."""
    return SHARED if team_id is None else team_scope(team_id)


def visible_scopes(team_id: int | None) -> tuple[str, ...]:
    return (SHARED,) if team_id is None else (SHARED, team_scope(team_id))


def document_source(team_id: int | None, name: str) -> str:
    """The source key of a document uploaded by name: the same name in the same scope replaces it."""
    return f"{scope_for(team_id)}/{name}"
