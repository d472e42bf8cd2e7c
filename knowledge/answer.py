"""From a question to a short, speakable answer with its sources — or an honest abstention,
or a refusal when the question asks for an illegal tactic."""

from __future__ import annotations

import asyncio
import logging
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Protocol

import numpy as np

from knowledge.batching import QueryBatcher
from knowledge.chunk import sentences
from knowledge.index import StoredChunk
from knowledge.intent import Intent, IntentModel
from knowledge.llm import LLMError
from knowledge.policy import Category, Policy
from knowledge.retrieve import HybridRetriever, Retrieval
from knowledge.scope import SHARED
from knowledge.text import display_form, has_mojibake, normalize_for_index
from prompts import text

log = logging.getLogger(__name__)

ANSWER_CHARS = 200
_SCRIPT_SECTION = re.compile(r"##\s*话术\s*\n(?P<script>.*?)(?=\n##\s|\Z)", re.S)
_MARKDOWN_NOISE = re.compile(r"^#+\s*|^\s*[-*]\s+", re.M)
_CONTINUES = "，,、；;：:。）)」”?？"
_MEANINGFUL = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


@dataclass(frozen=True)
class Source:
    text: str
    source: str
    title: str
    score: float


@dataclass(frozen=True)
class Answer:
    answer: str
    abstained: bool
    refused: bool
    sources: list[Source] = field(default_factory=list)
    policy: str | None = None
    hint: bool = False  # input empty of meaning (emoji, punctuation): a typing hint, not a gap
    #: the caution band: a compliance note naming the category and its compliant alternative,
    #: instead of retrieved passages (neither an answer from the playbooks nor a refusal)
    cautioned: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("policy")
        data.pop("hint")
        return data


def meaningless(question: str) -> bool:
    """Emoji, punctuation, a lone "/" or a single character: nothing to search for."""
    return len(_MEANINGFUL.findall(question)) < 2


@dataclass(frozen=True)
class RefusalRule:
    """Refuse when the combined classifier, both classifiers together or the nearest exemplars are
    sure, or when a policy pattern agrees with a weaker classifier score. Chosen on the tuning half
    (evalsets/calibrate.py)."""

    refuse_at: float = 0.5
    margin_refuse_at: float = 0.05
    pattern_refuse_at: float = 0.2
    topic_refuse_at: float = 0.5
    agree_refuse_at: float = 1.0  # both the meaning and the wording classifier at least this sure
    #: per category, where its subject words occur in safe tuning questions or exemplars: a weak
    #: subject word ("手机号") must not set the bar for a strong one ("好处费")
    topic_refuse_at_by_category: dict[str, float] = field(default_factory=dict)
    #: the caution band: below a refusal, a combined score at least this high gets the category's
    #: compliance note and compliant alternative instead of retrieved tactics (1.0: no band)
    caution_at: float = 1.0
    #: a tactic pattern that does not refuse (the classifier is not sure enough) cautions from here
    pattern_caution_at: float = 1.0

    def caution(self, intent: Intent) -> bool:
        """In the band: not refused, but too likely unsafe to serve passages as tactics."""
        p = intent.unsafe_probability
        band = p >= self.caution_at or (intent.pattern_hit and p >= self.pattern_caution_at)
        return band and not self.refuse(intent)

    def refuse(self, intent: Intent) -> bool:
        p = intent.unsafe_probability
        if p >= self.refuse_at or intent.unsafe_margin >= self.margin_refuse_at:
            return True
        if intent.agreement >= self.agree_refuse_at:
            return True
        if intent.pattern_hit:
            return p >= self.pattern_refuse_at
        topic = intent.topic_category or intent.category
        if not intent.topic_hit or topic is None:
            return False
        return p >= self.topic_refuse_at_by_category.get(topic.id, self.topic_refuse_at)


@dataclass(frozen=True)
class AbstainRule:
    """Answer when a logistic model over the domain classifier and the retrieval signals (dense
    cosine, BM25 stand-out, coverage of the question's rare words, the best BM25 score relative to
    the question's idf mass) says the passages answer a sales question. The last one separates a
    sales question the playbooks do not cover from one they do. Weights and threshold are fitted on the tuning half (evalsets/calibrate.py)."""

    bias: float = 0.0
    domain: float = 4.0
    dense: float = 0.0
    bm25_z: float = 0.0
    coverage: float = 0.0
    bm25_share: float = 0.0
    question: float = 0.0  # the closest passage question's lift (Retrieval.question_lift)
    threshold: float = 0.5
    #: abstain, whatever the model says, on a question the coverage classifier takes this surely for
    #: a fact the shared playbooks cannot hold (Intent.uncovered_probability: our own price, a
    #: spec, an internal rule). Only adds abstentions: in a round-7 trial as a feature of the model
    #: it also answered technique questions a small library lacks. A team's own documents are
    #: where its facts live, so it does not apply when a passage found is the team's.
    fact_at: float = 1.01
    #: answer without weighing the rest when the question restates a top passage's title this
    #: closely (Retrieval.title_match); 1.0 = only the title's own words, in any order
    title_answer_at: float = 0.85

    def features(self, intent: Intent, retrieval: Retrieval) -> dict[str, float]:
        return {
            "domain": intent.domain_probability,
            "dense": retrieval.best_dense,
            "bm25_z": retrieval.bm25_z,
            "coverage": retrieval.coverage,
            "bm25_share": retrieval.bm25_share,
            "question": retrieval.question_lift,
        }

    def probability(self, intent: Intent, retrieval: Retrieval) -> float:
        x = self.features(intent, retrieval)
        z = self.bias + sum(getattr(self, name) * value for name, value in x.items())
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))

    def abstain(self, intent: Intent, retrieval: Retrieval) -> bool:
        if not retrieval.hits:
            return True
        if retrieval.title_match >= self.title_answer_at:
            return False
        if intent.uncovered_probability >= self.fact_at and _all_shared(retrieval):
            return True
        return self.probability(intent, retrieval) < self.threshold


#: the coverage classifier's probability from which a question is taken to ask for a fact
FACT_AT = 0.5


def _team_facts_first(intent: Intent, retrieval: Retrieval) -> Retrieval:
    """A question asking for a fact (our price floor, a delivery time) is answered from the team's
    own passages found, ahead of the shared technique playbooks: those teach how to talk about a
    price, the team's documents hold the price. The ranker, fitted on the shared corpus alone,
    cannot learn this."""
    if intent.uncovered_probability < FACT_AT or _all_shared(retrieval):
        return retrieval
    own = [h for h in retrieval.hits if h.chunk.scope != SHARED]
    return replace(retrieval, hits=own + [h for h in retrieval.hits if h.chunk.scope == SHARED])


def _all_shared(retrieval: Retrieval) -> bool:
    return all(hit.chunk.scope == SHARED for hit in retrieval.hits)


class Composer(Protocol):
    async def compose(self, question: str, sources: list[Source]) -> str | None:
        """A grounded answer citing [n], or None when it has none (the answer is then extractive:
        the composer is asked only when retrieval answers, so it never turns that into an abstention)."""


def source_label(path: str) -> str:
    return Path(path).name if not path.startswith("card:") else path


def clean_sentences(passage: str, script: str = "simplified") -> list[str]:
    """The passage's whole sentences as shown: display script, no pinyin, no garbled sentence,
    no fragment of a sentence cut off at the chunk's start."""
    passage = _MARKDOWN_NOISE.sub("", display_form(passage, script)).strip()
    raw: list[str] = []
    for piece in sentences(passage.replace("\n", "")):
        closing = len(piece) - len(piece.lstrip("”」』’"))
        if closing and raw:  # a closing quote split off its sentence goes back to it
            raw[-1] += piece[:closing]
            piece = piece[closing:]
        if piece:
            raw.append(piece)
    # a garbled sentence goes, and so does a piece that starts mid-sentence (after a comma)
    parts = [p for p in _without_lost_stops(raw) if not has_mojibake(p) and p[0] not in _CONTINUES]
    if parts and len(parts) > 1 and parts[-1][-1] not in "。！？!?；;…」”）)":
        parts.pop()  # the chunk ends mid-sentence: drop the unfinished tail
    return parts


def _without_lost_stops(pieces: list[str]) -> list[str]:
    """Drop the trace a lost full stop leaves in text decoded with the wrong encoding: an ASCII "?"
    then a lone "!" (split off as a sentence of its own), and the garbled sentence after it
    ("…技术交流?!秾O子兵法》说：…")."""
    kept: list[str] = []
    skip_next = False
    for i, piece in enumerate(pieces):
        if piece == "!" and i and pieces[i - 1].endswith("?"):
            skip_next = True
        elif skip_next:
            skip_next = False
        else:
            kept.append(piece)
    return kept


def display_excerpt(passage: str, script: str = "simplified") -> str:
    return "".join(clean_sentences(passage, script))


def extractive_answer(question_tokens: list[str], passage: str, idf, script: str = "simplified") -> str:
    """The whole sentences of a passage that best match the question, in order, within about
    ANSWER_CHARS."""
    if match := _SCRIPT_SECTION.search(passage):
        passage = match.group("script")
    parts = clean_sentences(passage, script)
    if sum(map(len, parts)) <= ANSWER_CHARS:
        return "".join(parts)
    wanted = set(question_tokens)

    def score(sentence: str) -> float:
        norm = normalize_for_index(sentence)
        return sum(idf(t) for t in wanted if t in norm)

    best = max(range(len(parts)), key=lambda i: score(parts[i]))
    chosen = {best}
    left, right = best - 1, best + 1
    while True:  # grow around the best sentence while it fits
        size = sum(len(parts[i]) for i in chosen)
        options = [i for i in (right, left) if 0 <= i < len(parts) and size + len(parts[i]) <= ANSWER_CHARS]
        if not options:
            break
        pick = options[0]
        chosen.add(pick)
        left, right = min(chosen) - 1, max(chosen) + 1
    return "".join(parts[i] for i in sorted(chosen))


class Answerer:
    def __init__(
        self,
        retriever: HybridRetriever,
        policy: Policy,
        rule: AbstainRule,
        composer: Composer | None = None,
        k: int = 3,
        *,
        intent: IntentModel,
        refusal_rule: RefusalRule | None = None,
        script: str = "simplified",
    ) -> None:
        self.retriever = retriever
        self.policy = policy
        self.rule = rule
        self.refusal_rule = refusal_rule or RefusalRule()
        self.intent = intent
        self.composer = composer
        self.k = k
        self.script = script
        # CPU-bound work (encoding, BM25, the vector query) runs on one worker thread, off the
        # event loop; concurrent questions share one encoder pass (see knowledge.batching).
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrieval")
        self._batcher = QueryBatcher(retriever.index.embedder, self._executor)

    def with_composer(self, composer: Composer | None) -> Answerer:
        """The same retrieval and rules, composing through ``composer`` (or not at all)."""
        return Answerer(
            self.retriever,
            self.policy,
            self.rule,
            composer,
            self.k,
            intent=self.intent,
            refusal_rule=self.refusal_rule,
            script=self.script,
        )

    def _source(self, chunk: StoredChunk, score: float) -> Source:
        return Source(
            text=display_excerpt(chunk.text, self.script),
            source=source_label(chunk.source),
            title=display_form(chunk.title, self.script),
            score=round(score, 5),
        )

    def _sources(self, retrieval: Retrieval) -> list[Source]:
        """The hits as shown; a passage with nothing left to show (every sentence of it garbled or
        cut) is no source: the rep would see an empty quote."""
        sources = [self._source(h.chunk, h.score) for h in retrieval.hits]
        return [s for s in sources if s.text]

    def assess(self, question: str, query_vector: np.ndarray | None = None) -> tuple[Intent, np.ndarray]:
        normalized = normalize_for_index(question)
        vector = (
            query_vector
            if query_vector is not None
            else self.retriever.index.embedder.embed_query(normalized)
        )
        return self.intent.assess(normalized, vector), vector

    def _with_card(self, body: str, category: Category) -> tuple[str, list[Source]]:
        """The message followed by the category's compliant-alternative card, and the card as the
        only source."""
        card = self._card(category.card)
        if card is None:
            return body, []
        script = extractive_answer([], card.text, self.retriever.index.idf, self.script)
        body += "\n\n" + text("refusal_card", title=display_form(card.title, self.script), script=script)
        return body, [self._source(card, 1.0)]

    def _refusal(self, category: Category) -> Answer:
        body, sources = self._with_card(category.message, category)
        return Answer(body, abstained=False, refused=True, sources=sources, policy=category.id)

    def _caution(self, category: Category) -> Answer:
        """Guidance rather than a flat no: for a legitimate sensitive question (how to answer a
        customer who hints at a kickback) the compliant way is the answer; for an unsafe one it is
        a refusal with the way out."""
        note = text("caution", name=category.name, alternative=category.alternative)
        body, sources = self._with_card(note, category)
        return Answer(
            body, abstained=False, refused=False, sources=sources, policy=category.id, cautioned=True
        )

    def _card(self, slug: str) -> StoredChunk | None:
        if not slug:
            return None
        return next(
            (
                c
                for c in self.retriever.index.chunks()
                if Path(c.source).stem == slug and not c.flagged and c.scope == SHARED
            ),
            None,
        )

    def refusal(self, question: str, query_vector: np.ndarray | None = None) -> Answer | None:
        intent, _ = self.assess(question, query_vector)
        if intent.category is None or not self.refusal_rule.refuse(intent):
            return None
        return self._refusal(intent.category)

    @staticmethod
    def _early_answer(question: str) -> Answer | None:
        if not question.strip():
            return Answer(text("answer_empty_question"), abstained=True, refused=False)
        if meaningless(question):
            return Answer(text("answer_meaningless"), abstained=False, refused=False, hint=True)
        return None

    def retrieve(
        self, question: str, query_vector: np.ndarray | None = None, *, team_id: int | None = None
    ) -> tuple[Retrieval, Answer | None]:
        """The retrieval over the shared knowledge and ``team_id``'s, and the final answer when no
        composition is needed (hint, refusal or abstention)."""
        self.retriever.index.refresh_if_stale()  # another process may have changed the index
        empty = Retrieval([], [], 0.0, 0.0)
        if early := self._early_answer(question):
            return empty, early
        intent, vector = self.assess(question, query_vector)
        if intent.category is not None and self.refusal_rule.refuse(intent):
            return empty, self._refusal(intent.category)
        if intent.category is not None and self.refusal_rule.caution(intent):
            return empty, self._caution(intent.category)
        retrieval = self.retriever.search(question, k=self.k, query_vector=vector, team_id=team_id)
        retrieval = _team_facts_first(intent, retrieval)
        if self.rule.abstain(intent, retrieval):
            return retrieval, Answer(text("answer_abstain"), abstained=True, refused=False)
        return retrieval, None

    def extractive(self, question: str, retrieval: Retrieval) -> Answer:
        """The best sentences of the first passage that has any to show."""
        sources = self._sources(retrieval)
        shown = [h.chunk for h in retrieval.hits if display_excerpt(h.chunk.text, self.script)]
        if not shown:
            return Answer(text("answer_abstain"), abstained=True, refused=False)
        script = extractive_answer(
            retrieval.query_tokens, shown[0].text, self.retriever.index.idf, self.script
        )
        return Answer(f"{script} [1]", abstained=False, refused=False, sources=sources)

    async def answer(self, question: str, *, team_id: int | None = None) -> Answer:
        if early := self._early_answer(question):
            return early
        vector = await self._batcher.embed(normalize_for_index(question))
        loop = asyncio.get_running_loop()
        retrieval, final = await loop.run_in_executor(
            self._executor, partial(self.retrieve, question, vector, team_id=team_id)
        )
        if final is not None:
            return final
        if self.composer is not None:
            sources = self._sources(retrieval)
            try:
                composed = await self.composer.compose(question, sources)
            except Exception as exc:  # the extractive answer stands; LLM errors are logged where they occur
                if not isinstance(exc, LLMError):
                    log.warning("LLM composition failed, answering extractively: %s", type(exc).__name__)
                composed = None
            if composed:
                return Answer(composed, abstained=False, refused=False, sources=sources)
        return self.extractive(question, retrieval)

    def answer_sync(self, question: str, *, team_id: int | None = None) -> Answer:
        return asyncio.run(self.answer(question, team_id=team_id))
