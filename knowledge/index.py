"""The knowledge index: chunks with their vectors in Chroma (persistent, or a server at CHROMA_URL),
and a BM25 index over their jieba tokens. The BM25 index is saved under the cache folder, keyed by
the indexed content (the chunk ids), so a cold start loads it instead of rebuilding it; any change
to the chunks gives a new key.

Chroma is the one store of record: each chunk carries its source file's hash (to skip unchanged
files), its content hash (to reuse vectors instead of re-embedding), and its search tokens (so the
BM25 leg needs no re-tokenizing at start), and its scope (knowledge.scope): who may draw on it.

Several processes may share one index (a Chroma server at CHROMA_URL): every write stamps a fresh
version token into a tiny companion collection, and `refresh_if_stale` drops this process's chunk
cache and BM25 when the token moved. The stamp lives in Chroma itself so that it is seen wherever
the chunks are (a local folder or a server), with no second store to keep in step.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from knowledge.embeddings import Embedder
from knowledge.scope import SHARED
from knowledge.text import normalize_for_index

COLLECTION_PREFIX = "playbooks"
_GET_BATCH = 5000
_EMBED_BATCH = 32  # passages per encoder call when progress is reported
_STAMP_ID = "version"
STALE_CHECK_S = 1.0  # refresh_if_stale asks Chroma at most this often

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PreparedChunk:
    text: str
    title: str
    source: str
    position: int
    index_text: str
    tokens: tuple[str, ...]
    flagged: str = ""  # policy category when the passage describes an illegal tactic
    scope: str = SHARED
    #: what the encoder reads, when it differs from ``index_text`` (the BM25 text)
    embed_text: str = ""
    #: questions the passage answers (a card's, an FAQ row's, the question bank's): each gets a
    #: vector of its own in the question collection, pointing at this chunk
    questions: tuple[str, ...] = ()

    @property
    def passage_text(self) -> str:
        return self.embed_text or self.index_text

    @property
    def content_hash(self) -> str:
        """Keys the vector: the same passage text anywhere reuses one vector."""
        return hashlib.sha256(self.passage_text.encode()).hexdigest()[:32]

    @property
    def chunk_id(self) -> str:
        embedded = f"\x00{self.embed_text}" if self.embed_text else ""
        return hashlib.sha256(f"{self.source}\x00{self.index_text}{embedded}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    text: str
    title: str
    source: str
    position: int
    tokens: tuple[str, ...]
    flagged: str
    scope: str = SHARED


@dataclass(frozen=True)
class DocumentInfo:
    source: str
    name: str
    scope: str
    chunks: int


@dataclass(frozen=True)
class FileChange:
    added: int
    removed: int
    unchanged: int


def open_chroma(chroma_url: str | None, path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class KnowledgeIndex:
    def __init__(self, client, embedder: Embedder, cache_dir: Path | None = None) -> None:
        self.embedder = embedder
        self._cache_dir = cache_dir
        # Vectors always come from our own Embedder; embedding_function=None keeps Chroma from
        # ever instantiating its default ONNX model (which would try to download).
        self._collection = client.get_or_create_collection(
            f"{COLLECTION_PREFIX}-{embedder.slug}",
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedding_model": embedder.model_name},
        )
        self._stamps = client.get_or_create_collection(
            f"{COLLECTION_PREFIX}-{embedder.slug}-version", embedding_function=None
        )
        self._questions = client.get_or_create_collection(
            f"{COLLECTION_PREFIX}-{embedder.slug}-questions",
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedding_model": embedder.model_name},
        )
        self._chunks: list[StoredChunk] | None = None
        self._positions: dict[str, int] | None = None
        self._scopes_present: frozenset[str] | None = None
        self._bm25 = None
        self._df: Counter[str] = Counter()
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self._lock = threading.Lock()  # the ingest thread and the retrieval thread share the cache
        self._seen_stamp = self._read_stamp()
        self._checked_at = time.monotonic()

    # ---- writing -------------------------------------------------------------------------
    def stored_files(self) -> dict[str, str]:
        """source -> sha256 of the file as last ingested."""
        files: dict[str, str] = {}
        for meta in self._all_metadatas():
            files.setdefault(meta["source"], meta.get("file_sha", ""))
        return files

    def stored_file(self, source: str) -> tuple[str, str] | None:
        """(file sha256, scope) of one indexed source, or None when it is not indexed."""
        got = self._collection.get(where={"source": source}, limit=1, include=["metadatas"])
        if not got["ids"]:
            return None
        meta = got["metadatas"][0]
        return meta.get("file_sha", ""), meta.get("scope", SHARED)

    def stored_scopes(self) -> dict[str, str]:
        """source -> its scope (shared where an old index recorded none)."""
        scopes: dict[str, str] = {}
        for meta in self._all_metadatas():
            scopes.setdefault(meta["source"], meta.get("scope", SHARED))
        return scopes

    def replace_file(
        self,
        source: str,
        file_sha: str,
        chunks: Sequence[PreparedChunk],
        progress: Progress | None = None,
    ) -> FileChange:
        """Make the index hold exactly ``chunks`` for ``source``. Chunks already indexed keep their
        vectors (only their metadata is rewritten, and only where it changed: a re-sync of an
        unchanged file writes nothing). ``progress(done, total)`` follows the embedding."""
        found = self._collection.get(where={"source": source}, include=["metadatas"])
        existing = dict(zip(found["ids"], found["metadatas"], strict=True))
        wanted = {c.chunk_id: c for c in chunks}
        stale = [cid for cid in existing if cid not in wanted]
        fresh = [c for cid, c in wanted.items() if cid not in existing]
        # positions, scope or file hash may have changed even where the text did not
        retagged = [
            cid
            for cid in existing
            if cid in wanted and existing[cid] != self._metadata(wanted[cid], file_sha)
        ]
        kept = [cid for cid in existing if cid in wanted]
        if stale:
            self._collection.delete(ids=stale)
        if retagged:
            self._collection.update(
                ids=retagged, metadatas=[self._metadata(wanted[cid], file_sha) for cid in retagged]
            )
        if fresh:
            vectors = self._vectors_for(fresh, progress)
            for start in range(0, len(fresh), _GET_BATCH):
                batch = fresh[start : start + _GET_BATCH]
                self._collection.add(
                    ids=[c.chunk_id for c in batch],
                    documents=[c.text for c in batch],
                    embeddings=vectors[start : start + _GET_BATCH],
                    metadatas=[self._metadata(c, file_sha) for c in batch],
                )
        elif progress:
            progress(0, 0)
        asked = self._sync_questions(source, chunks)
        if stale or retagged or fresh or asked:
            self._changed()
        return FileChange(added=len(fresh), removed=len(stale), unchanged=len(kept))

    def _sync_questions(self, source: str, chunks: Sequence[PreparedChunk]) -> bool:
        """Make the question collection hold exactly ``chunks``' questions for ``source``; True
        when it wrote anything. A question is embedded as a query (it is one)."""
        found = self._questions.get(where={"source": source}, include=["metadatas"])
        existing = dict(zip(found["ids"], found["metadatas"], strict=True))
        wanted: dict[str, tuple[str, dict]] = {}
        for chunk in chunks:
            for question in chunk.questions:
                text = normalize_for_index(question)
                qid = hashlib.sha256(f"{chunk.chunk_id}\x00{text}".encode()).hexdigest()[:32]
                meta = {"chunk_id": chunk.chunk_id, "source": source, "scope": chunk.scope}
                wanted[qid] = (text, meta)
        stale = [qid for qid in existing if qid not in wanted]
        retagged = [qid for qid in existing if qid in wanted and existing[qid] != wanted[qid][1]]
        fresh = [qid for qid in wanted if qid not in existing]
        if stale:
            self._questions.delete(ids=stale)
        if retagged:
            self._questions.update(ids=retagged, metadatas=[wanted[q][1] for q in retagged])
        for start in range(0, len(fresh), _GET_BATCH):
            batch = fresh[start : start + _GET_BATCH]
            vectors = self.embedder.embed_queries([wanted[q][0] for q in batch])
            self._questions.add(
                ids=batch,
                documents=[wanted[q][0] for q in batch],
                embeddings=vectors,
                metadatas=[wanted[q][1] for q in batch],
            )
        return bool(stale or retagged or fresh)

    def remove_file(self, source: str) -> int:
        ids = self._collection.get(where={"source": source}, include=[])["ids"]
        asked = self._questions.get(where={"source": source}, include=[])["ids"]
        if asked:
            self._questions.delete(ids=asked)
        if ids:
            self._collection.delete(ids=ids)
        if ids or asked:
            self._changed()
        return len(ids)

    def rescope(self, source: str, scope: str) -> int:
        """Move one indexed source to ``scope`` (its metadata only: the vectors stay); returns how
        many chunks moved."""
        ids = _rescope(self._collection, source, scope)
        moved = _rescope(self._questions, source, scope)
        if ids or moved:
            self._changed()
        return len(ids)

    def documents(self, scopes: Sequence[str]) -> list[DocumentInfo]:
        """The indexed sources visible in ``scopes``, with their chunk counts, by name. Taught
        answers (sources ``card:<id>``) are sources too."""
        wanted = set(scopes)
        counts: Counter[str] = Counter()
        scope_of: dict[str, str] = {}
        for meta in self._all_metadatas():
            scope = meta.get("scope", SHARED)
            if scope in wanted:
                counts[meta["source"]] += 1
                scope_of[meta["source"]] = scope
        infos = [
            DocumentInfo(source=s, name=document_name(s), scope=scope_of[s], chunks=n)
            for s, n in counts.items()
        ]
        return sorted(infos, key=lambda d: (d.name, d.source))

    def count(self) -> int:
        return self._collection.count()

    def _vectors_for(self, chunks: Sequence[PreparedChunk], progress: Progress | None = None) -> np.ndarray:
        """Reuse the vector of any identical chunk already indexed; embed only the rest."""
        hashes = [c.content_hash for c in chunks]
        known: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            found = self._collection.get(
                where={"content_hash": {"$in": hashes[start : start + 500]}},
                include=["metadatas", "embeddings"],
            )
            for meta, vector in zip(found["metadatas"], found["embeddings"], strict=True):
                known[meta["content_hash"]] = np.asarray(vector, dtype=np.float32)
        todo = list({c.content_hash: c for c in chunks if c.content_hash not in known}.values())
        if todo and progress is None:
            vectors = self.embedder.embed_passages([c.passage_text for c in todo])
            known.update(zip((c.content_hash for c in todo), vectors, strict=True))
        elif progress is not None:
            progress(0, len(todo))
            for start in range(0, len(todo), _EMBED_BATCH):
                batch = todo[start : start + _EMBED_BATCH]
                vectors = self.embedder.embed_passages([c.passage_text for c in batch])
                known.update(zip((c.content_hash for c in batch), vectors, strict=True))
                progress(start + len(batch), len(todo))
        return np.stack([known[h] for h in hashes])

    @staticmethod
    def _metadata(chunk: PreparedChunk, file_sha: str) -> dict:
        return {
            "source": chunk.source,
            "title": chunk.title,
            "position": chunk.position,
            "file_sha": file_sha,
            "content_hash": chunk.content_hash,
            "tokens": " ".join(chunk.tokens),
            "flagged": chunk.flagged,
            "scope": chunk.scope,
        }

    # ---- reading -------------------------------------------------------------------------
    def _all_metadatas(self) -> list[dict]:
        metas: list[dict] = []
        total = self._collection.count()
        for offset in range(0, total, _GET_BATCH):
            metas.extend(
                self._collection.get(include=["metadatas"], limit=_GET_BATCH, offset=offset)["metadatas"]
            )
        return metas

    def chunks(self) -> list[StoredChunk]:
        with self._lock:
            if self._chunks is None:
                self._chunks, self._df = self._cached_chunks()
            return self._chunks

    # The chunks (text, metadata, tokens) and their document frequencies are also saved under the
    # cache folder, keyed by the version stamp and the count: reading 10k chunks back from Chroma
    # and counting their tokens took ~2 s of a cold start, the saved copy a fraction of that.
    def _chunks_file(self, stamp: str, count: int) -> Path | None:
        if self._cache_dir is None or not stamp:
            return None  # an index never stamped (written before stamps) has no key
        key = hashlib.sha256(f"{stamp}\x00{count}".encode()).hexdigest()[:24]
        return self._cache_dir / f"chunks-{self._collection.name}-{key}.json"

    def _cached_chunks(self) -> tuple[list[StoredChunk], Counter[str]]:
        stamp, count = self._read_stamp(), self._collection.count()
        if not stamp and count:  # written before version stamps: stamp it once, so it has a key
            stamp = self._seen_stamp = self._write_stamp()
        path = self._chunks_file(stamp, count)
        if path is not None and path.exists():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
                chunks = [
                    StoredChunk(cid, text, title, source, position, tuple(tokens.split()), flagged, scope)
                    for cid, text, title, source, position, tokens, flagged, scope in saved["chunks"]
                ]
                return chunks, Counter(saved["df"])
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)
        chunks = self._load_chunks()
        df = Counter(t for c in chunks for t in set(c.tokens))
        if path is not None and self._read_stamp() == stamp:  # nothing written while we read
            rows = [
                [c.chunk_id, c.text, c.title, c.source, c.position, " ".join(c.tokens), c.flagged, c.scope]
                for c in chunks
            ]
            try:
                for stale in path.parent.glob(f"chunks-{self._collection.name}-*.json"):
                    stale.unlink(missing_ok=True)
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
                tmp.write_text(json.dumps({"chunks": rows, "df": df}, ensure_ascii=False), encoding="utf-8")
                tmp.replace(path)
            except OSError:  # a read-only disk: serve anyway
                pass
        return chunks, df

    def positions(self) -> dict[str, int]:
        """chunk_id -> its place in ``chunks()`` (kept with the chunk cache: one per question
        would cost milliseconds at 10k chunks)."""
        chunks = self.chunks()
        with self._lock:
            if self._positions is None or len(self._positions) != len(chunks):
                self._positions = {c.chunk_id: i for i, c in enumerate(chunks)}
            return self._positions

    def _present_scopes(self) -> frozenset[str]:
        chunks = self.chunks()
        with self._lock:
            if self._scopes_present is None:
                self._scopes_present = frozenset(c.scope for c in chunks)
            return self._scopes_present

    def _load_chunks(self) -> list[StoredChunk]:
        loaded: list[StoredChunk] = []
        unscoped: list[str] = []
        total = self._collection.count()
        for offset in range(0, total, _GET_BATCH):
            got = self._collection.get(include=["metadatas", "documents"], limit=_GET_BATCH, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                if "scope" not in meta:
                    unscoped.append(cid)
                loaded.append(
                    StoredChunk(
                        chunk_id=cid,
                        text=doc,
                        title=meta.get("title", ""),
                        source=meta["source"],
                        position=int(meta.get("position", 0)),
                        tokens=tuple(meta.get("tokens", "").split()),
                        flagged=meta.get("flagged", ""),
                        scope=meta.get("scope", SHARED),
                    )
                )
        # An index built before scopes: its chunks are shared. Recording that in Chroma (a metadata
        # update, vectors untouched) lets the dense leg filter on the scope like the BM25 leg.
        for start in range(0, len(unscoped), _GET_BATCH):
            batch = unscoped[start : start + _GET_BATCH]
            self._collection.update(ids=batch, metadatas=[{"scope": SHARED}] * len(batch))
        return loaded

    def scope_mask(self, scopes: Sequence[str]) -> np.ndarray:
        """Which of ``chunks()`` lie in ``scopes`` (a boolean array in the same order)."""
        chunks = self.chunks()
        key = tuple(sorted(set(scopes)))
        mask = self._masks.get(key)
        if mask is None or len(mask) != len(chunks):
            wanted = set(key)
            mask = np.fromiter((c.scope in wanted for c in chunks), dtype=bool, count=len(chunks))
            self._masks[key] = mask
        return mask

    def _bm25_index(self):
        if self._bm25 is None:
            self._bm25 = self._load_or_build_bm25(self.chunks())
        return self._bm25

    def _bm25_folder(self, chunks: list[StoredChunk]) -> Path | None:
        if self._cache_dir is None or not chunks:
            return None
        key = hashlib.sha256("\n".join(c.chunk_id for c in chunks).encode()).hexdigest()[:24]
        return self._cache_dir / f"bm25-{self._collection.name}-{key}"

    def _load_or_build_bm25(self, chunks: list[StoredChunk]):
        import bm25s

        folder = self._bm25_folder(chunks)
        if folder is not None and (folder / "done").exists():
            try:
                return bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
            except (OSError, ValueError, json.JSONDecodeError):
                shutil.rmtree(folder, ignore_errors=True)
        bm25 = bm25s.BM25()
        if chunks:
            bm25.index([list(c.tokens) or ["\x00"] for c in chunks], show_progress=False)
        if folder is not None:
            for stale in folder.parent.glob(f"bm25-{self._collection.name}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            tmp = folder.with_name(folder.name + ".tmp")
            try:
                bm25.save(str(tmp), show_progress=False)
                (tmp / "done").write_text("")
                tmp.replace(folder)
            except OSError:  # another process saved it first, or the disk is read-only: serve anyway
                shutil.rmtree(tmp, ignore_errors=True)
        return bm25

    def idf(self, token: str) -> float:
        self._bm25_index()
        n = max(1, len(self.chunks()))
        return math.log(1 + (n - self._df.get(token, 0) + 0.5) / (self._df.get(token, 0) + 0.5))

    def document_frequency(self, token: str) -> int:
        self._bm25_index()
        return self._df.get(token, 0)

    def bm25_scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        bm25 = self._bm25_index()
        if not self.chunks() or not query_tokens:
            return np.zeros(len(self.chunks()), dtype=np.float32)
        return bm25.get_scores(list(query_tokens))

    def dense_search(
        self, query_vector: np.ndarray, k: int, scopes: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first; only chunks in ``scopes`` when given. The
        filter is Chroma's own (applied inside the vector search, before the top ``k`` are cut)."""
        total = self._collection.count()
        if total == 0:
            return []
        result = self._collection.query(
            query_embeddings=[query_vector.tolist()],
            n_results=min(k, total),
            where=self._scope_filter(scopes),
            include=["distances"],
        )
        return [
            (cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

    def question_search(
        self, query_vector: np.ndarray, k: int, scopes: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity of one of its questions) for the ``k`` questions closest
        to the rep's, best first; a chunk may come more than once."""
        total = self._questions.count()
        if total == 0:
            return []
        result = self._questions.query(
            query_embeddings=[query_vector.tolist()],
            n_results=min(k, total),
            where=self._scope_filter(scopes),
            include=["distances", "metadatas"],
        )
        return [
            (meta["chunk_id"], 1.0 - float(d))
            for meta, d in zip(result["metadatas"][0], result["distances"][0], strict=True)
        ]

    def _scope_filter(self, scopes: Sequence[str] | None) -> dict | None:
        """Chroma's filter for ``scopes``, or None when nothing indexed is hidden from the asker."""
        if scopes is None or self._present_scopes() <= set(scopes):
            return None
        return {"scope": {"$in": sorted(set(scopes))}}

    def question_count(self) -> int:
        return self._questions.count()

    # ---- several processes ------------------------------------------------------------------
    def _read_stamp(self) -> str:
        got = self._stamps.get(ids=[_STAMP_ID], include=["metadatas"])
        return str(got["metadatas"][0].get("stamp", "")) if got["ids"] else ""

    def _write_stamp(self) -> str:
        stamp = uuid.uuid4().hex
        self._stamps.upsert(ids=[_STAMP_ID], embeddings=[[0.0]], metadatas=[{"stamp": stamp}])
        return stamp

    def _changed(self) -> None:
        """After a write: a new version token for every process, and this one's cache dropped."""
        stamp = self._write_stamp()
        with self._lock:
            self._seen_stamp = stamp
            self._invalidate()

    def refresh_if_stale(self, max_age_s: float = STALE_CHECK_S) -> bool:
        """Drop the chunk cache and BM25 when another process changed the index since they were
        loaded; asks Chroma at most once per ``max_age_s``. True when it dropped them."""
        now = time.monotonic()
        if now - self._checked_at < max_age_s:
            return False
        self._checked_at = now
        stamp = self._read_stamp()  # read before any reload, so a later write moves it again
        with self._lock:
            if stamp == self._seen_stamp:
                return False
            self._seen_stamp = stamp
            self._invalidate()
            return True

    def _invalidate(self) -> None:
        self._chunks = None
        self._positions = None
        self._scopes_present = None
        self._bm25 = None
        self._masks = {}


def _rescope(collection, source: str, scope: str) -> list[str]:
    """Set ``scope`` on ``source``'s entries of one collection (metadata only); the ids moved."""
    found = collection.get(where={"source": source}, include=["metadatas"])
    ids = [i for i, meta in zip(found["ids"], found["metadatas"], strict=True) if meta.get("scope") != scope]
    for start in range(0, len(ids), _GET_BATCH):
        batch = ids[start : start + _GET_BATCH]
        collection.update(ids=batch, metadatas=[{"scope": scope}] * len(batch))
    return ids


def document_name(source: str) -> str:
    """What a person calls a source: the file name ("team:3/报价.docx" → "报价.docx")."""
    return source if source.startswith("card:") else Path(source).name
