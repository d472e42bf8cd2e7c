"""What the cross-check costs with a truthful model: the stub answers each report of a labelled file with
its expected fields (the date and amount as the expressions the report uses), and we count how many of
them survive the checks in bot/sales/visits/extract.py. A sanity check on the shared dev set (nothing was
tuned on it; MIN_STEP_SUPPORT was set by hand):

    .venv/bin/python -m bench.extract_check [--file ../shared/eval/visit_logs.dev.jsonl]

Prints one JSON object: per field, the share of the model's (correct) values that were kept.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2024, 12, 2)  # a Monday before the dev set's dates


def _amount_text(text: str, wan: float | None) -> str | None:
    from bot.sales.parsing.amounts import find_amounts

    return next((a.text for a in find_amounts(text) if wan is not None and abs(a.wan - wan) < 1e-6), None)


def _date_text(text: str, expected: str | None) -> str | None:
    if not expected:
        return None
    return expected if expected in text else None  # an ISO gold date: the report's own words are unknown


async def run(path: Path) -> dict:
    from bot.sales.visits.extract import VisitExtractor
    from knowledge.llm import ChatClient, LLMConfig
    from tests.support.openai_stub import OpenAIStub, Play

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    offered = {
        k: 0 for k in ("customer", "contact_name", "contact_title", "next_step", "next_date", "amount_wan")
    }
    kept = dict.fromkeys(offered, 0)
    for row in rows:
        text, exp = row["text"], row["expected"]
        fields = {
            "customer": exp["customer"],
            "contact_name": exp["contact_name"],
            "contact_title": exp["contact_role"],
            "kind": "上门",
            "outcome": exp["outcome"],
            "next_step": exp["next_step"],
            "next_date_text": _date_text(text, exp["next_date"]),
            "amount_text": _amount_text(text, exp["amount_wan"]),
        }
        with OpenAIStub(script=[Play(fields=fields)]) as stub:
            draft = await VisitExtractor(ChatClient(LLMConfig(base_url=stub.base_url, model="m"))).extract(
                text, TODAY
            )
        for name, offered_value in (
            ("customer", fields["customer"]),
            ("contact_name", fields["contact_name"]),
            ("contact_title", fields["contact_title"]),
            ("next_step", fields["next_step"]),
            ("next_date", fields["next_date_text"]),
            ("amount_wan", fields["amount_text"]),
        ):
            if offered_value:
                offered[name] += 1
                value = getattr(draft, name)
                kept[name] += value is not None and (
                    name in ("next_date", "amount_wan") or str(value) == str(offered_value)
                )
    return {
        "reports": len(rows),
        "kept": {k: f"{kept[k]}/{offered[k]}" for k in offered},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    shared = next((p / "shared" for p in REPO.parents if (p / "shared").is_dir()), REPO.parent / "shared")
    parser.add_argument("--file", type=Path, default=shared / "eval" / "visit_logs.dev.jsonl")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(run(args.file)), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
