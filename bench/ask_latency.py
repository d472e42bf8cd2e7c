"""`make bench` part 1: the knowledge base at 10,000 chunks.

    .venv/bin/python -m bench.ask_latency [--chunks 10000] [--queries 200] [--home var/bench] [--teams 5]

Builds (once; reused on later runs) an index of N ~250-character chunks made by recombining the
sentences of the starter playbook (and of ../shared/seeds when present), timing the ingest, then
measures warm `ask` latency (extractive, no LLM), peak RSS, and the cold start of `coach ask`.
Prints one JSON object.

With ``--teams N`` the generated files belong round-robin to N team scopes (team ids 1..N) and every
question is asked as team 1, so both retrieval legs are filtered. An index already built (all
shared, e.g. a copy of the default bench home) is re-scoped in place: metadata only, no vector
re-computed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECTIONS_PER_FILE = 100
SECTION_CHARS = 250


def sentence_pool() -> list[str]:
    from knowledge.chunk import sentences
    from knowledge.clean import clean_text
    from knowledge.loaders import discover, load
    from knowledge.service import PLAYBOOKS_DIR

    roots = [PLAYBOOKS_DIR, REPO.parent / "shared" / "seeds"]
    pool: list[str] = []
    for path in discover([r for r in roots if r.exists()]):
        document = load(path)
        body = document.entries[0].body if document.entries else clean_text(document.text)
        pool.extend(s for line in body.splitlines() for s in sentences(line.lstrip("-# ")) if len(s) >= 8)
    return sorted(set(pool))


def write_corpus(folder: Path, chunks: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pool = sentence_pool()
    folder.mkdir(parents=True, exist_ok=True)
    for file_no in range(chunks // SECTIONS_PER_FILE):
        sections = []
        for section_no in range(SECTIONS_PER_FILE):
            body = ""
            while len(body) < SECTION_CHARS - 40:
                body += rng.choice(pool)
            sections.append(f"## 第{file_no}-{section_no}节\n{body[:SECTION_CHARS]}")
        (folder / f"corpus-{file_no:04d}.md").write_text("\n".join(sections), encoding="utf-8")


def team_of(source: str, teams: int) -> int:
    """Round-robin by the generated file's number: corpus-0007.md → team 7 % N + 1."""
    return int(Path(source).stem.rsplit("-", 1)[-1]) % teams + 1


def assign_teams(kb, corpus: Path, teams: int) -> dict:
    """Give every generated file its team's scope: a fresh index is ingested per team; a built one
    is re-scoped in place (its sources may name another folder, where it was built)."""
    from knowledge.scope import team_scope

    t0 = time.perf_counter()
    if kb.index.count() == 0:
        files = sorted(corpus.glob("corpus-*.md"))
        added = 0
        for team in range(1, teams + 1):
            group = [f for f in files if team_of(f.name, teams) == team]
            added += kb.ingestor.ingest([corpus], team_id=team, files=group).chunks_added
        return {"chunks_added": added, "seconds": round(time.perf_counter() - t0, 1)}
    moved = sum(
        kb.index.rescope(source, team_scope(team_of(source, teams)))
        for source in kb.index.stored_files()
        if Path(source).name.startswith("corpus-")
    )
    return {"chunks_added": 0, "chunks_rescoped": moved, "seconds": round(time.perf_counter() - t0, 1)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--home", type=Path, default=REPO / "var" / "bench")
    parser.add_argument("--teams", type=int, default=0, help="Spread the files over this many team scopes")
    args = parser.parse_args()

    from config import load_settings
    from knowledge.scope import visible_scopes
    from knowledge.service import open_knowledge_base

    os.environ["COACH_HOME"] = str(args.home)
    settings = load_settings(coach_home=args.home, coach_models_dir=REPO / "var" / "models")
    corpus = args.home / "corpus"
    if not corpus.exists():
        write_corpus(corpus, args.chunks)

    started = time.perf_counter()
    kb = open_knowledge_base(settings)
    t0 = time.perf_counter()
    kb.index.embedder.embed_query("预热")
    model_load_s = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    if args.teams:
        teams = assign_teams(kb, corpus, args.teams)
        summary = None
    else:
        summary = kb.ingestor.ingest([corpus])
    ingest_s = time.perf_counter() - t0
    report: dict = {
        "chunks_indexed": kb.index.count(),
        "open_s": round(t0 - started, 2),
        "model_load_s": model_load_s,
        "embedding_runtime": kb.index.embedder.runtime,
    }
    asker = 1 if args.teams else None
    if summary is None:
        report["teams"] = {"teams": args.teams, "asked_as_team": asker, **teams}
        report["teams"]["visible_chunks"] = int(kb.index.scope_mask(visible_scopes(asker)).sum())
    elif summary.chunks_added:
        report["ingest"] = {
            "chunks_added": summary.chunks_added,
            "seconds": round(ingest_s, 1),
            "chunks_per_s": round(summary.chunks_added / ingest_s, 1),
        }
    else:
        report["ingest"] = {
            "chunks_added": 0,
            "note": "index reused from an earlier run; delete --home to re-measure",
        }

    questions = (
        [json.loads(line)["question"] for line in (REPO.parent / "shared/eval/questions.dev.jsonl").open()]
        if (REPO.parent / "shared/eval/questions.dev.jsonl").exists()
        else ["客户一上来就问多少钱怎么回", "客户说已经有ERP了怎么办", "怎么找到拍板的人"]
    )
    t0 = time.perf_counter()
    kb.index.chunks()
    kb.index.bm25_scores(["价格"])
    report["bm25_build_s"] = round(time.perf_counter() - t0, 2)
    kb.answerer.answer_sync(questions[0], team_id=asker)  # warm
    latencies = []
    for i in range(args.queries):
        t0 = time.perf_counter()
        kb.answerer.answer_sync(questions[i % len(questions)], team_id=asker)
        latencies.append((time.perf_counter() - t0) * 1000)
    report["ask_ms"] = {
        "p50": round(statistics.median(latencies), 1),
        "p95": round(percentile(latencies, 0.95), 1),
        "max": round(max(latencies), 1),
        "n": len(latencies),
    }
    report["peak_rss_mb"] = round(peak_rss_mb(), 1)  # this process: the ingest included when it ran

    env = dict(os.environ, COACH_HOME=str(args.home), COACH_MODELS_DIR=str(REPO / "var" / "models"))
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", questions[0], "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    report["cold_ask_s"] = round(time.perf_counter() - t0, 2)
    report["cold_ask_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    report["cold_ask_ok"] = done.returncode == 0 and json.loads(done.stdout.splitlines()[-1])["answer"] != ""
    report["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
