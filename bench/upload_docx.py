"""Ingest time of a 50-page .docx sent from the chat (`Ingestor.ingest_upload`, as the bot calls it).

    .venv/bin/python -m bench.upload_docx [--pages 50] [--chars-per-page 500]

Writes a .docx of headed sections recombined from the starter playbook's sentences (a page break
every page), ingests it for one team on a fresh index, then sends it again unchanged. Prints one
JSON object: characters, chunks, seconds (first and unchanged), and the progress calls seen.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def playbook_sentences() -> list[str]:
    from knowledge.chunk import sentences
    from knowledge.loaders import discover, load
    from knowledge.service import PLAYBOOKS_DIR

    pool: list[str] = []
    for path in discover([PLAYBOOKS_DIR]):
        document = load(path)
        body = document.entries[0].body if document.entries else document.text
        pool.extend(s for line in body.splitlines() for s in sentences(line.lstrip("-# ")) if len(s) >= 8)
    return sorted(set(pool))


def write_docx(path: Path, pages: int, chars_per_page: int, seed: int = 11) -> int:
    import docx
    from docx.enum.text import WD_BREAK

    rng = random.Random(seed)
    pool = playbook_sentences()
    document = docx.Document()
    total = 0
    for page in range(pages):
        document.add_heading(f"第{page + 1}章 销售实战要点", level=2)
        written = 0
        while written < chars_per_page:
            paragraph = "".join(rng.choice(pool) for _ in range(3))
            document.add_paragraph(paragraph)
            written += len(paragraph)
        total += written
        if page < pages - 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.save(path)
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--chars-per-page", type=int, default=500)
    args = parser.parse_args()

    from config import load_settings
    from knowledge.service import open_knowledge_base

    with tempfile.TemporaryDirectory(prefix="coach-upload-bench-") as home:
        home = Path(home)
        source = home / "upload.bin"  # the bot saves the download under its own name
        characters = write_docx(source, args.pages, args.chars_per_page)
        kb = open_knowledge_base(
            load_settings(coach_home=home, coach_models_dir=REPO / "var" / "models"), composer=None
        )
        kb.index.embedder.embed_query("预热")  # the model is loaded once per process, not per upload
        calls: list[tuple[int, int]] = []
        t0 = time.perf_counter()
        summary = kb.ingestor.ingest_upload(
            source, "销售实战手册.docx", 1, progress=lambda d, t: calls.append((d, t))
        )
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = kb.ingestor.ingest_upload(source, "销售实战手册.docx", 1)
        again_s = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "pages": args.pages,
                "characters": characters,
                "chunks_added": summary.chunks_added,
                "duplicates_dropped": summary.duplicates_dropped,
                "seconds": round(first_s, 1),
                "chunks_per_s": round(summary.chunks_added / first_s, 1),
                "progress_calls": len(calls),
                "unchanged_resend_s": round(again_s, 2),
                "unchanged_resend_added": again.chunks_added,
                "loadavg": Path("/proc/loadavg").read_text().split()[:3],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
