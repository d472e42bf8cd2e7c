"""SalesCoach's store: every SQL statement of the application lives in this package.

One module per aggregate, each a handful of plain async functions taking an ``AsyncSession``:
``users``, ``conversations``, ``knowledge``, ``customers``, ``visits``, ``tasks``, ``claims``.
Queries that return customers, visits or tasks take a :class:`Viewer` (see ``store.access``).
"""

from store import claims, conversations, customers, drills, knowledge, tasks, users, visits
from store.access import AccessDenied, Viewer, visible
from store.claims import claim
from store.conversations import StaleState
from store.db import Database, create_engine, open_database, upgrade
from store.models import (
    MILESTONES,
    Base,
    Claim,
    Contact,
    ConversationState,
    Customer,
    Feedback,
    Invite,
    KnowledgeGap,
    PlaybookCard,
    Task,
    TaskStatus,
    Team,
    User,
    Visit,
)

__all__ = [
    "MILESTONES",
    "AccessDenied",
    "Base",
    "Claim",
    "Contact",
    "ConversationState",
    "Customer",
    "Database",
    "Feedback",
    "Invite",
    "KnowledgeGap",
    "PlaybookCard",
    "StaleState",
    "Task",
    "TaskStatus",
    "Team",
    "User",
    "Viewer",
    "Visit",
    "claim",
    "claims",
    "conversations",
    "create_engine",
    "customers",
    "drills",
    "knowledge",
    "open_database",
    "tasks",
    "upgrade",
    "users",
    "visible",
    "visits",
]
