"""The customer's name found by a character-level CRF tagger (CRFsuite, via python-crfsuite).

The rules (visit_text.company_spans and its fallbacks) find names with a suffix or after the cue
words they were written from; reports nobody tuned them for name customers without a suffix (美的,
利丰行), in English (Acme Robotics), after filler (嗯鼎新食品) or in dialect (同/嗰/去咗). The tagger
labels each character B/I/O for the customer span. Its features are the characters around it and
the parser's word lists (lexicon/: company suffixes, place names, lead and cue words, titles,
surnames, fillers), which become evidence the CRF weighs instead of rules.

It is trained on lexicon/customer_spans.jsonl (built by ``python -m evalsets.build_customer_spans``)
the first time it is needed, and the model file is kept in the settings' cache folder keyed by the
training data and FEATURES_VERSION, so a start with the cache never trains. Training is
deterministic (L-BFGS on the rows in file order).

How its answer is combined with the rules' (visit_text.extract_customer) was chosen by grouped
cross-validation: ``python -m evalsets.tune_customer_tagger``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.sales.parsing import lexicon

log = logging.getLogger(__name__)
TRAINING_FILE = lexicon.HERE / "customer_spans.jsonl"
FEATURES_VERSION = "5"  # bump when the features or the training parameters change
TRAINING_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
MIN_START = 0.02  # a guessed span starts only where B is at least this likely
MAX_NAME = 16
_BREAK = re.compile(r"[\s，,。.！!？?；;：:、“”\"'（）()]")
MAX_WORD = 8  # the longest lexicon word looked for

# The word lists whose words become features: name → (file, section or None for all).
_LISTS: dict[str, tuple[str, str | None]] = {
    "suf": ("company_suffixes", None),
    "place": ("place_names", None),
    "pword": ("place_words", None),
    "lead": ("company_lead_words", None),
    "with": ("customer_cues", "with"),
    "did": ("customer_cues", "did"),
    "side": ("customer_cues", "side"),
    "title": ("person_titles", None),
    "role": ("role_titles", None),
    "sur": ("surnames", None),
    "fill": ("fillers", None),
    "ind": ("industry_words", None),
    "brand": ("brands", None),
    "fac": ("facilities", None),
    "dept": ("departments", None),
    "rivb": ("rival_cues", "before"),
    "riva": ("rival_cues", "after"),
}
#: Lists whose words say a name is near: a suffix ends it (ahead), a lead or cue word opens it (behind).
_AHEAD = ("suf", "ind", "side", "did", "title")
_BEHIND = ("lead", "with", "fill", "place", "pword")
#: Lists whose word after 的 says a name ended before the 的: its site, department or person
#: (农夫山泉的工厂, 元气森林的采购, 汉唐文化的翁总).
_UNIT_AFTER_OF = ("fac", "dept", "title", "role")
_OF = "的嘅"
WINDOW = 6
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&'.-]*")


@cache
def _word_sets() -> dict[str, frozenset[str]]:
    sets: dict[str, frozenset[str]] = {}
    for name, (file, section) in _LISTS.items():
        words = lexicon.sections(file).get(section, ()) if section else lexicon.words(file)
        sets[name] = frozenset(w for w in words if 0 < len(w) <= MAX_WORD)
    return sets


@cache
def _dialect_particles() -> frozenset[str]:
    """Dialect particles that may stand before a name (个, 哒 …: lexicon/dialect.txt)."""
    return frozenset(lexicon.sections("dialect").get("particles", ()))


def _script(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff":
        return "cjk"
    if ch.isascii() and ch.isalpha():
        return "up" if ch.isupper() else "lat"
    if ch.isdigit():
        return "dig"
    if ch.isspace():
        return "sp"
    return "pun"


def features(text: str) -> list[list[str]]:
    """One list of feature strings per character of ``text``."""
    n = len(text)
    marks: list[set[str]] = [set() for _ in range(n)]
    for name, words in _word_sets().items():
        for start in range(n):
            for length in range(1, min(MAX_WORD, n - start) + 1):
                if text[start : start + length] in words:
                    end = start + length - 1
                    marks[start].add(f"{name}:b")
                    marks[end].add(f"{name}:e")
                    for k in range(start + 1, end):
                        marks[k].add(f"{name}:i")
                    if start > 0:
                        marks[start - 1].add(f"{name}:next")  # a word of the list starts right after
                    if end + 1 < n:
                        marks[end + 1].add(f"{name}:prev")  # a word of the list ends right before
                    if name in _AHEAD:  # a suffix (…) ends a few characters on: inside a name
                        for k in range(max(0, end - WINDOW), start):
                            marks[k].add(f"{name}:ahead{(end - k + 1) // 2}")
                    if name in _BEHIND:  # a lead word (…) ended a few characters back
                        for k in range(end + 2, min(n, end + 2 + WINDOW)):
                            marks[k].add(f"{name}:behind{(k - end) // 2}")
    unit_at = {start for name in _UNIT_AFTER_OF for start in _starts(text, _word_sets()[name])}
    for k in range(n - 2):
        if text[k + 1] in _OF and k + 2 in unit_at:
            marks[k].add("of_unit:e")  # the last character before 的 + a unit: a name may end here
            marks[k + 1].add("of_unit:of")
    latin: list[str | None] = [None] * n
    for m in _LATIN_WORD.finditer(text):
        for k in range(m.start(), m.end()):
            latin[k] = m[0].casefold()
        marks[m.start()].add("lw:b" + (":cap" if m[0][0].isupper() else ""))  # Latin word boundaries
        marks[m.end() - 1].add("lw:e")
    particles = _dialect_particles()
    for k in range(n):
        if text[k] in particles:
            marks[k].add("prt")
            if k + 1 < n:
                marks[k + 1].add("prt:prev")  # a dialect particle right before (徐汇个|宝庆布业)

    def ch(k: int) -> str:
        return text[k] if 0 <= k < n else ("^" if k < 0 else "$")

    rows: list[list[str]] = []
    for i in range(n):
        row = [
            "bias",
            f"c={ch(i)}",
            f"s={_script(ch(i)) if 0 <= i < n else ch(i)}",
            f"c-1={ch(i - 1)}",
            f"c-2={ch(i - 2)}",
            f"c+1={ch(i + 1)}",
            f"c+2={ch(i + 2)}",
            f"b-1={ch(i - 1)}{ch(i)}",
            f"b+1={ch(i)}{ch(i + 1)}",
            f"b-2={ch(i - 2)}{ch(i - 1)}",
            f"b+2={ch(i + 1)}{ch(i + 2)}",
            f"s-1={_script(ch(i - 1)) if i > 0 else '^'}",
            f"s+1={_script(ch(i + 1)) if i + 1 < n else '$'}",
            f"pos={min(i, 5)}",
        ]
        if latin[i] is not None:
            row.append(f"w={latin[i]}")
        row.extend(sorted(marks[i]))
        rows.append(row)
    return rows


def _starts(text: str, words: frozenset[str]) -> set[int]:
    """Where a word of ``words`` starts in ``text``."""
    return {
        start
        for start in range(len(text))
        if any(text[start : start + length] in words for length in range(1, MAX_WORD + 1))
    }


def labels_for(text: str, customer: str) -> list[str]:
    """B/I/O per character: every place the customer is named."""
    tags = ["O"] * len(text)
    start = text.find(customer)
    while start >= 0 and customer:
        tags[start] = "B"
        for k in range(start + 1, start + len(customer)):
            tags[k] = "I"
        start = text.find(customer, start + len(customer))
    return tags


@dataclass(frozen=True)
class TrainingRow:
    group: str
    id: str
    text: str
    customer: str


def load_training_rows(path: Path = TRAINING_FILE) -> list[TrainingRow]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [TrainingRow(r["group"], r["id"], r["text"], r["customer"]) for r in rows]


def prepare(text: str) -> str:
    """The text as the tagger reads it: simplified script, position for position (as the parser)."""
    from store.customers import to_simplified_script

    converted = to_simplified_script(text)
    return converted if len(converted) == len(text) else text


def training_key(rows: Sequence[TrainingRow]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([FEATURES_VERSION, TRAINING_PARAMS], sort_keys=True).encode())
    for name in sorted(_LISTS):
        digest.update(json.dumps([name, sorted(_word_sets()[name])], ensure_ascii=False).encode())
    digest.update(json.dumps(sorted(_dialect_particles()), ensure_ascii=False).encode())
    for row in rows:
        digest.update(json.dumps([row.text, row.customer], ensure_ascii=False).encode())
    return digest.hexdigest()[:24]


def train(rows: Sequence[TrainingRow], model_path: Path) -> None:
    """Fit the CRF on ``rows`` and write it to ``model_path`` (atomically: other processes may read)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for row in rows:
        text = prepare(row.text)
        trainer.append(features(text), labels_for(text, row.customer))
    trainer.set_params(TRAINING_PARAMS)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=model_path.parent, suffix=".crfsuite.tmp")
    os.close(fd)
    try:
        trainer.train(tmp)
        os.replace(tmp, model_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass(frozen=True)
class TaggedName:
    name: str
    start: int
    end: int
    confidence: float  # the smallest marginal probability of the span's labels


class CustomerTagger:
    def __init__(self, model_path: Path) -> None:
        import pycrfsuite

        self.model_path = model_path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._lock = threading.Lock()  # a Tagger keeps the last sequence: one report at a time

    def spans(self, text: str) -> list[TaggedName]:
        """Every customer span the tagger labels in ``text`` (as typed), surest first; none taken
        right after a rival cue (定了X那家) or right before one (X中标)."""
        with self._lock:
            return self._spans(text)

    def _spans(self, text: str) -> list[TaggedName]:
        read = prepare(text)
        if not read.strip():
            return []
        tags = self._tagger.tag(features(read))
        found: list[TaggedName] = []
        i = 0
        while i < len(tags):
            if tags[i] != "B":
                i += 1
                continue
            end = i + 1
            while end < len(tags) and tags[end] == "I":
                end += 1
            confidence = min(self._tagger.marginal("B" if k == i else "I", k) for k in range(i, end))
            name = text[i:end].strip()
            if len(name) >= 2 and not _after_rival_cue(read, i, end):
                found.append(TaggedName(name, i, end, confidence))
            i = end
        if not found:
            found = self._from_marginals(text, read)
        found.sort(key=lambda t: (-t.confidence, t.start))
        return found

    def _from_marginals(self, text: str, read: str) -> list[TaggedName]:
        """Where the best labelling has no span: the likeliest span by the marginals (the geometric
        mean of its start being B, its rest I and the next character not I), with that as its
        (low) confidence."""
        n = len(read)
        p_b = [self._tagger.marginal("B", k) for k in range(n)]
        p_i = [self._tagger.marginal("I", k) for k in range(n)]
        best: tuple[float, int, int] | None = None
        for start in range(n):
            if p_b[start] < MIN_START or _BREAK.match(read[start]):
                continue
            log_sum, count = math.log(p_b[start]), 1
            for end in range(start + 1, min(n, start + MAX_NAME) + 1):
                if end > start + 1:
                    if _BREAK.match(read[end - 1]) and not _latin_gap(read, end - 1):
                        break
                    log_sum += math.log(max(p_i[end - 1], 1e-9))
                    count += 1
                after = math.log(max(1.0 - p_i[end], 1e-9)) if end < n else 0.0
                score = math.exp((log_sum + after) / (count + 1))
                if end - start >= 2 and (best is None or score > best[0]):
                    best = (score, start, end)
        if best is None:
            return []
        score, start, end = best
        name = text[start:end].strip()
        if len(name) < 2 or _after_rival_cue(read, start, end):
            return []
        return [TaggedName(name, start, end, score)]

    def best(self, text: str) -> TaggedName | None:
        spans = self.spans(text)
        return spans[0] if spans else None


def _latin_gap(text: str, k: int) -> bool:
    """A space between two Latin words (Acme Robotics), which a name may hold."""
    return text[k] == " " and 0 < k < len(text) - 1 and text[k - 1].isascii() and text[k + 1].isascii()


def _after_rival_cue(text: str, start: int, end: int) -> bool:
    words = _word_sets()
    before = text[max(0, start - MAX_WORD) : start]
    after = text[end : end + MAX_WORD]
    return any(before.endswith(w) for w in words["rivb"]) or any(after.startswith(w) for w in words["riva"])


def load_tagger(cache_dir: Path, rows: Sequence[TrainingRow] | None = None) -> CustomerTagger:
    """The tagger trained on ``rows`` (default: lexicon/customer_spans.jsonl), from ``cache_dir``
    when this exact training is there, else trained now and kept there."""
    rows = list(rows if rows is not None else load_training_rows())
    model_path = cache_dir / f"customer-tagger-{training_key(rows)}.crfsuite"
    if not model_path.exists():
        train(rows, model_path)
    return CustomerTagger(model_path)


_DEFAULT_LOCK = threading.Lock()


def default_tagger() -> CustomerTagger | None:
    with _DEFAULT_LOCK:
        return _default_tagger()


@cache
def _default_tagger() -> CustomerTagger | None:
    """The tagger the parser uses, in the settings' cache folder; None when it can't be trained or
    read there (the rules alone then find the customer). A lock keeps two threads from training it."""
    from config import get_settings

    try:
        return load_tagger(get_settings().cache_dir)
    except (OSError, ImportError, ValueError) as exc:
        log.warning("customer tagger unavailable, the rules alone find the customer: %s", exc)
        return None
