"""Search tokens for BM25: jieba search-mode words, minus stopwords, with sales synonyms folded
onto one canonical term so that a rep's 多少钱 meets a playbook's 价格. A question also loses the
rep's filler (query_filler.txt: 要不要, 有戏, 那边): rare in the documents, such words would weigh
much in BM25 and match passages for the wrong reason."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


def _read_terms(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append(line.lower().split())
    return rows


@dataclass(frozen=True)
class Synonyms:
    canonical: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> Synonyms:
        from knowledge.text import to_simplified

        canonical: dict[str, str] = {}
        for group in _read_terms(path) if path.exists() else []:
            group = [to_simplified(term) for term in group]
            for term in group:
                canonical.setdefault(term, group[0])
        return cls(canonical)

    def fold(self, token: str) -> list[str]:
        """The token's canonical term, plus the canonical terms of synonyms it contains (没人脉 → 人脉)."""
        if token in self.canonical:
            return [self.canonical[token]]
        found = [canon for term, canon in self.canonical.items() if len(term) >= 2 and term in token]
        return [token, *dict.fromkeys(found)]


class Tokenizer:
    def __init__(
        self, synonyms: Synonyms, stopwords: frozenset[str], query_filler: frozenset[str] = frozenset()
    ) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # its start-up chatter would land in the terminal chat
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for term in synonyms.canonical:
            if len(term) >= 2:
                self._jieba.add_word(term, freq=2000)
        self._synonyms = synonyms
        self._stopwords = stopwords
        self._query_filler = query_filler
        self._fold_cache: dict[str, list[str]] = {}
        words = sorted(synonyms.canonical.items()), sorted(stopwords)
        #: marks the word lists a document's tokens were made with: an index whose files were
        #: tokenized with other lists prepares them again (knowledge.ingest.prepared_file_key)
        self.fingerprint = hashlib.sha256(repr(words).encode()).hexdigest()[:12]

    def tokens(self, normalized_text: str) -> list[str]:
        """Tokens of text already passed through knowledge.text.normalize_for_index."""
        out: list[str] = []
        for word in self._jieba.cut_for_search(normalized_text):
            word = word.strip()
            if not word or word in self._stopwords or not _WORDLIKE.search(word):
                continue
            folded = self._fold_cache.get(word)
            if folded is None:
                folded = self._fold_cache[word] = self._synonyms.fold(word)
            out.extend(folded)
        return out

    def query_tokens(self, normalized_question: str) -> list[str]:
        """A question's tokens without the filler words around its topic."""
        return [t for t in self.tokens(normalized_question) if t not in self._query_filler]


def _words(path: Path) -> frozenset[str]:
    return frozenset(w for row in _read_terms(path) for w in row)


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    return Tokenizer(
        Synonyms.from_file(_HERE / "synonyms.txt"),
        _words(_HERE / "stopwords.txt"),
        _words(_HERE / "query_filler.txt"),
    )
