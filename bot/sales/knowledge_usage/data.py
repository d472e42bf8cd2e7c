"""The figures of /kb and `coach kb stats`, collected once from the store and the index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.answer import Source
from knowledge.index import KnowledgeIndex
from knowledge.scope import SHARED, team_scope
from knowledge.taught_answers import TAUGHT_SOURCE_PREFIX
from prompts import text
from store import knowledge, usage
from store.models import Feedback
from store.usage import SourceUse

PERIOD_DAYS = 30  # "lately": the window of every figure, and of "not used"
TOP_SOURCES = 8


def source_kind(label: str) -> str:
    """ "card" for a taught card (card:<id>), "document" for anything else shown under an answer."""
    return "card" if label.startswith(TAUGHT_SOURCE_PREFIX) else "document"


async def record_answer_sources(session: AsyncSession, feedback: Feedback, sources: Sequence[Source]) -> None:
    """Keep which sources answered (for the team of ``feedback``)."""
    await usage.record_sources(session, feedback, [(s.source, source_kind(s.source)) for s in sources])


def team_document_names(index: KnowledgeIndex, team_id: int | None) -> list[str]:
    """The names of the documents a team added itself (shared ones when ``team_id`` is None)."""
    scope = SHARED if team_id is None else team_scope(team_id)
    return [d.name for d in index.documents((scope,)) if source_kind(d.source) == "document"]


@dataclass(frozen=True)
class UsageRow:
    label: str  # what /kb shows: a document's name, or a card's title
    use: SourceUse


@dataclass
class KnowledgeUsage:
    team: str
    since: datetime
    answers: int  # answers given in the period (with at least one source)
    top: list[UsageRow] = field(default_factory=list)  # most answers first
    cards: list[UsageRow] = field(default_factory=list)  # taught cards with their 👍/👎
    unused: list[str] = field(default_factory=list)  # the team's documents no answer drew on


async def collect_usage(
    session: AsyncSession,
    team_id: int | None,
    team_name: str,
    documents: Sequence[str],
    now: datetime,
    *,
    days: int = PERIOD_DAYS,
) -> KnowledgeUsage:
    """``documents``: the names of the team's own documents (KnowledgeIndex.documents)."""
    since = now - timedelta(days=days)
    uses = await usage.source_usage(session, team_id, since)
    rows = [UsageRow(await _label(session, u), u) for u in uses]
    used = {u.source for u in uses}
    return KnowledgeUsage(
        team=team_name,
        since=since,
        answers=await usage.answers_since(session, team_id, since),
        top=rows[:TOP_SOURCES],
        cards=[r for r in rows if r.use.kind == "card"],
        unused=sorted(name for name in set(documents) if name not in used),
    )


async def _label(session: AsyncSession, use: SourceUse) -> str:
    if use.kind != "card":
        return use.source
    card_id = use.source.removeprefix(TAUGHT_SOURCE_PREFIX)
    card = await knowledge.get_card(session, int(card_id)) if card_id.isdigit() else None
    return text("kb_card_label", title=card.title) if card else use.source


def summary_text(report: KnowledgeUsage) -> str:
    lines = [text("kb_title", team=report.team, days=PERIOD_DAYS, answers=report.answers)]
    if report.top:
        lines.append(text("kb_top_header"))
        lines += [
            text("kb_top_row", n=i, label=r.label, answers=r.use.answers) for i, r in enumerate(report.top, 1)
        ]
    else:
        lines.append(text("kb_no_answers"))
    if report.cards:
        lines.append(text("kb_cards_header"))
        lines += [
            text("kb_card_row", label=r.label, up=r.use.up, down=r.use.down)
            for r in report.cards[:TOP_SOURCES]
        ]
    if report.unused:
        shown = "、".join(report.unused[:TOP_SOURCES])
        more = len(report.unused) - TOP_SOURCES
        lines.append(
            text("kb_unused", days=PERIOD_DAYS, names=shown + (text("kb_more", n=more) if more > 0 else ""))
        )
    return "\n".join(lines)
