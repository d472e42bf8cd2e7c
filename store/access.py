"""Who may see which rows — decided here and nowhere else.

- rep: rows they own AND that belong to their current team;
- manager: rows of their team;
- a rep or manager without a team (between teams): only rows they own that belong to no team;
- admin: everything.

Every row a person's work leaves carries the team it was written in (``team_col``), so a person
who leaves a team and joins another sees nothing of the old one, while the old team's manager
still sees those rows: they stay with the team, neither deleted nor moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import and_, false

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select

    from store.models import User

S = TypeVar("S", bound="Select[Any]")
SYSTEM_USER_ID = 0  # nobody: the bot itself, reading for a scheduled push or the command line


class AccessDenied(PermissionError):
    """The viewer may not see or change that row (or it does not exist)."""


@dataclass(frozen=True)
class Viewer:
    user_id: int
    role: str
    team_id: int | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user_id=user.id, role=user.role, team_id=user.team_id)

    @classmethod
    def system(cls, team_id: int | None = None) -> Viewer:
        """The bot itself: every row, or (given ``team_id``) one team's rows as its manager sees them."""
        if team_id is None:
            return cls(user_id=SYSTEM_USER_ID, role="admin", team_id=None)
        return cls(user_id=SYSTEM_USER_ID, role="manager", team_id=team_id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def visibility_clause(
    viewer: Viewer, *, owner_col: ColumnElement[Any], team_col: ColumnElement[Any]
) -> ColumnElement[bool] | None:
    """The WHERE condition for ``viewer`` (None: no restriction)."""
    if viewer.role == "admin":
        return None
    if viewer.role == "manager" and viewer.team_id is not None:
        return team_col == viewer.team_id
    if viewer.role in ("rep", "manager"):
        return and_(owner_col == viewer.user_id, in_team(team_col, viewer.team_id))
    return false()


def in_team(team_col: ColumnElement[Any], team_id: int | None) -> ColumnElement[bool]:
    """``team_col`` is ``team_id`` (both NULL included: the rows of no team)."""
    return team_col.is_(None) if team_id is None else team_col == team_id


def visible(viewer: Viewer, stmt: S, *, owner_col: ColumnElement[Any], team_col: ColumnElement[Any]) -> S:
    """``stmt`` restricted to what ``viewer`` may see. ``team_col`` may live on a joined table:
    the caller makes that join."""
    clause = visibility_clause(viewer, owner_col=owner_col, team_col=team_col)
    return stmt if clause is None else stmt.where(clause)


def can_see(viewer: Viewer, *, owner_id: int | None, team_id: int | None) -> bool:
    """The same rule for one row already in hand."""
    if viewer.role == "admin":
        return True
    if viewer.role == "manager" and viewer.team_id is not None:
        return team_id == viewer.team_id
    if viewer.role in ("rep", "manager"):
        return owner_id == viewer.user_id and team_id == viewer.team_id
    return False
