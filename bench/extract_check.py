"""What the cross-check costs with a truthful model: the stub answers each report of a labelled file with
its expected fields (the date and amount as the expressions the report uses), and we count how many of
them survive the checks in bot/sales/visits/extract.py. A sanity check on the shared dev set (nothing was
tuned on it; MIN_STEP_SUPPORT was set by hand):

    .venv/bin/python -m bench.extract_check [--file ../shared/eval/visit_logs.dev.jsonl]

With ``--generated N`` it also writes N reports from templates (seed 15: customers, contacts, titles,
date and amount expressions, next steps) and plays two models on each: a truthful one (its values kept?)
and a lying one (a known customer swapped in, an invented contact, a weekday date, 3e8 — survived?).

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


CUSTOMERS = ["宏达电子", "金辰物流", "恒泰建材", "博远物流", "鑫达五金", "天和食品", "德茂模具", "东岳电气"]
CONTACTS = ["刘总", "王经理", "张伟", "李工", "孙海涛", "黄敏", "钱主任", "吴涛"]
TITLES = ["采购部", "技术总监", "信息化负责人", "财务总监", "生产经理", "IT主管"]
DATES = ["下周二", "下周三", "下周五", "后天", "明天", "12月5号", "月底", "下个月初"]
STEPS = ["去做演示", "把报价单发过去", "再约一次", "送测试报告过去", "带方案上门"]
AMOUNTS = ["50万左右", "20来万", "30万", "一百二十万", "十来万", "80万"]
MOODS = ["对方案挺感兴趣", "聊得还行", "说要再考虑考虑", "需求是有的"]


def generated(n: int) -> list[tuple[str, dict, dict]]:
    import random

    rng = random.Random(15)
    out = []
    for _ in range(n):
        c, p, t, d, st, a = (rng.choice(x) for x in (CUSTOMERS, CONTACTS, TITLES, DATES, STEPS, AMOUNTS))
        text = f"今天去了{c}，见了{t}{p}，{rng.choice(MOODS)}，{d}{st}，预算{a}"
        truth = {
            "customer": c,
            "contact_name": p,
            "contact_title": t,
            "kind": "上门",
            "outcome": "interested",
            "next_step": st,
            "next_date_text": d,
            "amount_text": a,
        }
        others = [x for x in CUSTOMERS if x != c]
        lie = truth | {
            "customer": rng.choice(others),
            "contact_name": "张三",
            "contact_title": "销售经理",
            "next_date_text": "12月3日（周二）",
            "amount_text": "300000000万",
            "next_step": "签合同并付款",
        }
        out.append((text, truth, lie))
    return out


async def play_generated(n: int) -> dict:
    from bot.sales.visits.extract import VisitExtractor
    from knowledge.llm import ChatClient, LLMConfig
    from tests.support.openai_stub import OpenAIStub

    names = ("customer", "contact_name", "contact_title", "next_step", "next_date", "amount_wan")
    kept, survived, by_rules_right = dict.fromkeys(names, 0), dict.fromkeys(names, 0), dict.fromkeys(names, 0)
    with OpenAIStub() as stub:
        reader = VisitExtractor(ChatClient(LLMConfig(base_url=stub.base_url, model="m")))
        for text, truth, lie in generated(n):
            await _play_one(stub, reader, text, truth, lie, (kept, survived, by_rules_right))
    return {
        "reports": n,
        "truthful_model_right": {k: round(v / n, 3) for k, v in kept.items()},
        "rules_alone_right": {k: round(v / n, 3) for k, v in by_rules_right.items()},
        "lying_model_survived": {k: round(v / n, 3) for k, v in survived.items()},
    }


async def _play_one(stub, reader, text: str, truth: dict, lie: dict, tallies) -> None:
    from bot.sales.parsing.amounts import parse_amount_wan
    from bot.sales.parsing.dates import parse_date
    from bot.sales.visits.extract import by_rules
    from tests.support.openai_stub import Play

    names = ("customer", "contact_name", "contact_title", "next_step", "next_date", "amount_wan")
    kept, survived, by_rules_right = tallies
    known = [x for x in CUSTOMERS if x != truth["customer"]]  # the swapped-in name is a known one
    right = {
        "customer": truth["customer"],
        "contact_name": truth["contact_name"],
        "contact_title": truth["contact_title"],
        "next_step": truth["next_step"],
        "next_date": parse_date(truth["next_date_text"], TODAY)[0],
        "amount_wan": parse_amount_wan(truth["amount_text"]),
    }
    rules = by_rules(text, TODAY, known)
    for name in names:
        by_rules_right[name] += getattr(rules, name) == right[name]
    for fields, tally in ((truth, kept), (lie, survived)):
        stub.script = [Play(fields=fields)]
        draft = await reader.extract(text, TODAY, known)
        for name in names:
            value = getattr(draft, name)
            if tally is kept:
                tally[name] += value == right[name]
            else:  # a lie survived: a value neither right nor the rules' own
                tally[name] += value not in (right[name], getattr(rules, name))


def main() -> None:
    parser = argparse.ArgumentParser()
    shared = next((p / "shared" for p in REPO.parents if (p / "shared").is_dir()), REPO.parent / "shared")
    parser.add_argument("--file", type=Path, default=shared / "eval" / "visit_logs.dev.jsonl")
    parser.add_argument("--generated", type=int, default=0, help="also N template reports (seed 15)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    report = {"dev": asyncio.run(run(args.file)) if args.file.exists() else None}
    if args.generated:
        report["generated"] = asyncio.run(play_generated(args.generated))
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
