"""Builds the knowledge base (index, retriever, answerer, ingestor) from the settings, once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from config import Settings
from knowledge.answer import AbstainRule, Answerer, Composer, RefusalRule
from knowledge.embeddings import Embedder, embedder_for
from knowledge.index import KnowledgeIndex, open_chroma
from knowledge.ingest import Ingestor
from knowledge.intent import IntentModel, train_intent_model
from knowledge.policy import Policy, load_policy
from knowledge.retrieve import FusionWeights, HybridRetriever, Ranker
from knowledge.tokenize import Tokenizer, default_tokenizer

PLAYBOOKS_DIR = Path(__file__).parent / "playbooks"
_TUNING_FILE = Path(__file__).with_name("tuning.yaml")


@dataclass
class KnowledgeBase:
    index: KnowledgeIndex
    tokenizer: Tokenizer
    policy: Policy
    retriever: HybridRetriever
    answerer: Answerer
    ingestor: Ingestor
    intent: IntentModel


@dataclass(frozen=True)
class Tuning:
    fusion: FusionWeights
    abstain: AbstainRule
    refusal: RefusalRule
    regularization: float
    wording_regularization: float = 10.0
    wording_weight: float = 2.0
    ranker: Ranker | None = None
    cue_weight: float = 0.0
    cue_regularization: float = 1.0


def load_tuning(path: Path = _TUNING_FILE) -> Tuning:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Tuning(
        FusionWeights(**raw["fusion"]),
        AbstainRule(**raw["abstain"]),
        RefusalRule(**raw["refusal"]),
        float(raw["intent"]["regularization"]),
        float(raw["intent"].get("wording_regularization", 10.0)),
        float(raw["intent"].get("wording_weight", 2.0)),
        Ranker({k: float(v) for k, v in raw["ranker"].items()}) if raw.get("ranker") else None,
        float(raw["intent"].get("cue_weight", 0.0)),
        float(raw["intent"].get("cue_regularization", 1.0)),
    )


def llm_composer(settings: Settings) -> Composer | None:
    if not settings.llm_enabled:
        return None
    from knowledge.compose import LLMComposer
    from knowledge.llm import client_for

    return LLMComposer(client_for(settings))


def open_knowledge_base(
    settings: Settings, *, composer: Composer | None = None, embedder: Embedder | None = None
) -> KnowledgeBase:
    embedder = embedder or embedder_for(settings)
    index = KnowledgeIndex(
        open_chroma(settings.chroma_url, settings.chroma_path), embedder, cache_dir=settings.cache_dir
    )
    tokenizer = default_tokenizer()
    policy = load_policy()
    tuning = load_tuning()
    intent = train_intent_model(
        policy,
        embedder,
        settings.cache_dir,
        regularization=tuning.regularization,
        wording_regularization=tuning.wording_regularization,
        wording_weight=tuning.wording_weight,
        cue_weight=tuning.cue_weight,
        cue_regularization=tuning.cue_regularization,
    )
    retriever = HybridRetriever(index, tokenizer, tuning.fusion, ranker=tuning.ranker)
    answerer = Answerer(
        retriever,
        policy,
        tuning.abstain,
        composer if composer is not None else llm_composer(settings),
        intent=intent,
        refusal_rule=tuning.refusal,
        script=settings.coach_display_script,
    )
    ingestor = Ingestor(index, tokenizer, policy)
    return KnowledgeBase(index, tokenizer, policy, retriever, answerer, ingestor, intent)
