"""Assembly: settings → database, knowledge base, engine with its features registered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.engine.core import Engine
from bot.routes import build_routes
from bot.sales.drills.coach import DrillCoach
from bot.sales.parsing.customer_tagger import default_tagger
from bot.sales.parsing.outcome_meaning import OutcomeReader
from bot.sales.rules import default_rules
from bot.sales.visits.extract import VisitExtractor, extractor_from_settings
from bot.sales.workcalendar import refresh_from_store
from config import Settings
from knowledge.service import PLAYBOOKS_DIR, KnowledgeBase, open_knowledge_base
from store.db import Database, open_database
from store.models import utcnow

log = logging.getLogger(__name__)


def ensure_playbook_indexed(kb: KnowledgeBase) -> None:
    """Index the starter playbook on first start, when the index is empty."""
    if kb.index.count() == 0:
        summary = kb.ingestor.ingest([PLAYBOOKS_DIR])
        log.info("indexed the starter playbook: %d chunks", summary.chunks_added)


WARM_UP_QUESTION = "客户嫌贵怎么办"


def warm_up(kb: KnowledgeBase) -> None:
    """Load the embedding model, the chunks and the BM25 index now, so the first question after a
    start does not wait for them (a search reads all three)."""
    kb.retriever.search(WARM_UP_QUESTION)
    default_tagger()  # the visit parser's customer tagger (trained now if `coach model build` did not)
    log.info("model and index loaded")


def outcome_reader_for(kb: KnowledgeBase, settings: Settings) -> OutcomeReader | None:
    """The visit-outcome classifier over the embedding model the knowledge base already loads;
    None (the outcome words alone) if it cannot be trained."""
    try:
        return OutcomeReader(kb.index.embedder, settings.cache_dir)
    except Exception as exc:  # no model on this machine…: visit reports are still read by their words
        log.warning("visit outcome classifier unavailable, reading outcomes by their words: %s", exc)
        return None


async def build_engine(
    settings: Settings,
    *,
    kb: KnowledgeBase | None = None,
    db: Database | None = None,
    clock: Callable[[], datetime] = utcnow,
    visit_reader: VisitExtractor | None = None,
    drill_coach: DrillCoach | None = None,
) -> Engine:
    """The engine with every route of bot/routes.py. Tests inject fakes here: a database, a
    knowledge base, a clock, a visit-report reader (e.g. over a fake chat model)."""
    settings.coach_home.mkdir(parents=True, exist_ok=True)
    default_rules()  # the shipped rules file must validate: a broken one stops the start here
    db = db or await open_database(settings.database)
    kb = kb or open_knowledge_base(settings)
    ensure_playbook_indexed(kb)
    async with db.transaction() as session:
        await refresh_from_store(session)
    visit_reader = visit_reader or extractor_from_settings(settings, outcome_reader_for(kb, settings))
    return Engine(settings, db, kb, build_routes(), visit_reader, clock=clock, drill_coach=drill_coach)
