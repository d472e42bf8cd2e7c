"""Builds the knowledge base (index, retriever, answerer, ingestor) from the settings, once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from config import Settings
from knowledge.answer import AbstainRule, Answerer, Composer
from knowledge.embeddings import Embedder
from knowledge.index import KnowledgeIndex, open_chroma
from knowledge.ingest import Ingestor
from knowledge.policy import Policy, load_policy
from knowledge.retrieve import FusionWeights, HybridRetriever
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


def load_tuning(path: Path = _TUNING_FILE) -> tuple[FusionWeights, AbstainRule]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return FusionWeights(**raw["fusion"]), AbstainRule(**raw["abstain"])


def llm_composer(settings: Settings) -> Composer | None:
    if not settings.llm_enabled:
        return None
    from knowledge.compose import LLMComposer
    from knowledge.llm import client_for

    return LLMComposer(client_for(settings))


def open_knowledge_base(
    settings: Settings, *, composer: Composer | None = None, embedder: Embedder | None = None
) -> KnowledgeBase:
    embedder = embedder or Embedder(
        settings.embedding_model, settings.models_dir, quantize=settings.embedding_int8
    )
    index = KnowledgeIndex(open_chroma(settings.chroma_url, settings.chroma_path), embedder)
    tokenizer = default_tokenizer()
    policy = load_policy()
    weights, rule = load_tuning()
    retriever = HybridRetriever(index, tokenizer, weights)
    answerer = Answerer(retriever, policy, rule, composer if composer is not None else llm_composer(settings))
    return KnowledgeBase(index, tokenizer, policy, retriever, answerer, Ingestor(index, tokenizer, policy))
