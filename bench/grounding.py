"""Grounding checks of LLM-composed answers (knowledge/compose.py): thresholds tuned on one half of the
playbook cards, figures reported on the other half.

    .venv/bin/python -m bench.grounding [--tune]

No LLM is reachable here, so the candidate answers are synthetic, built from the starter playbooks
(knowledge/playbooks): for each card, three retrieved sources (the card and two others, in random
order) and candidate answers of five kinds:

- ``verbatim``: two or three of the card's sentences, without [n], behind a coaching lead-in;
- ``paraphrase``: the same sentences with ~20–35% of their characters dropped, words swapped
  (您→你, 咱们→我们 …) and fillers inserted — a stand-in for a model that rewords;
- ``stray``: sentences of a card that is *not* among the sources (a model that strays), with [1];
- ``title``: a source title restated, with [1];
- ``mixed``: one sentence of the card and two off-source ones;
- ``short_stray``: one sentence of the card and a short off-source clause (4–9 characters).

Scores: ``good_kept`` (verbatim and paraphrase answers accepted), ``stray_survived`` (off-source
sentences present in an accepted answer, over all off-source sentences), ``title_passed``. Cards are
split once (seed 15) into a tuning and a test half; ``--tune`` grids the thresholds on the tuning half.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.answer import Source
from knowledge.chunk import sentences
from knowledge.compose import GroundingRule, ground
from knowledge.overlap import content

PLAYBOOKS = Path(__file__).resolve().parents[1] / "knowledge" / "playbooks"
SEED = 15
LEADS = ["可以这样说：", "你可以跟客户讲：", "", "建议这么回应：", "记住一点："]
SWAPS = [("您", "你"), ("咱们", "我们"), ("客户", "对方"), ("一定", "肯定"), ("先", "首先"), ("可以", "能")]
FILLERS = ["其实", "记得", "关键是", "另外", "这时候", "一般来说"]
# The one grounded answer a real model (Qwen2.5 1.5B) gave in issue #15, on technical-exchange.md.
REAL_GOOD = "技术交流有三种形式：内部交流会、招标时的技术商务澄清和厂家在酒店或会议中心办巡回展。"


@dataclass(frozen=True)
class Card:
    name: str
    title: str
    parts: list[str]

    def source(self, score: float) -> Source:
        return Source("。".join(self.parts), self.name, self.title, score)


@dataclass(frozen=True)
class Case:
    kind: str
    reply: str
    sources: list[Source]
    foreign: list[str]  # the off-source sentences in the reply


def load_cards() -> list[Card]:
    cards = []
    for path in sorted(PLAYBOOKS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        _, header, body = text.split("---", 2)
        meta = yaml.safe_load(header)
        lines = [
            ln.strip('-“”" ').strip() for ln in body.splitlines() if ln.strip() and not ln.startswith("#")
        ]
        parts = [s for ln in lines for s in sentences(ln) if len(content(s)) >= 8]
        cards.append(Card(path.name, meta["title"], parts))
    return cards


def paraphrase(sentence: str, rng: random.Random, drop: float) -> str:
    for a, b in SWAPS:
        if a in sentence and rng.random() < 0.5:
            sentence = sentence.replace(a, b)
    chars = [c for c in sentence if rng.random() > drop or not c.strip()]
    if len(chars) > 6:
        chars.insert(rng.randrange(len(chars)), rng.choice(FILLERS))
    return "".join(chars).rstrip("。") + "。"


def cases_for(card: Card, others: list[Card], rng: random.Random) -> list[Case]:
    picked = rng.sample(others, 3)
    sources = [card.source(1.0), picked[0].source(0.8), picked[1].source(0.7)]
    rng.shuffle(sources)
    outsider = picked[2]
    take = rng.sample(card.parts, min(len(card.parts), rng.choice([2, 3])))
    lead = rng.choice(LEADS)
    out = [
        Case("verbatim", lead + "".join(s.rstrip("。") + "。" for s in take), sources, []),
        Case(
            "paraphrase",
            lead + "".join(paraphrase(s, rng, rng.uniform(0.2, 0.35)) for s in take),
            sources,
            [],
        ),
    ]
    foreign = [s.rstrip("。") + "。" for s in rng.sample(outsider.parts, min(2, len(outsider.parts)))]
    out.append(Case("stray", lead + "".join(f.rstrip("。") + " [1]。" for f in foreign), sources, foreign))
    title = rng.choice([s.title for s in sources])
    out.append(Case("title", rng.choice([f"{title} [1]", f"关于“{title}”，请参考资料 [1]。"]), sources, []))
    out.append(Case("mixed", take[0].rstrip("。") + "。" + "".join(foreign), sources, foreign))
    clauses = [
        c for p in outsider.parts for c in p.replace("；", "，").split("，") if 4 <= len(content(c)) <= 9
    ]
    if clauses:
        clause = rng.choice(clauses).rstrip("。") + "。"
        out.append(Case("short_stray", take[0].rstrip("。") + "。" + clause, sources, [clause]))
    return out


def build(cards: list[Card], rng: random.Random) -> list[Case]:
    return [c for card in cards for c in cases_for(card, [o for o in cards if o is not card], rng)]


def score(cases: list[Case], rule: GroundingRule) -> dict:
    good = [c for c in cases if c.kind in ("verbatim", "paraphrase")]
    kept = {kind: 0 for kind in ("verbatim", "paraphrase")}
    foreign_total = foreign_survived = titles_passed = 0
    for case in cases:
        verdict = ground(case.reply, case.sources, rule)
        if case.kind in kept and verdict.text is not None:
            kept[case.kind] += 1
        if case.kind == "title" and verdict.text is not None:
            titles_passed += 1
        for sentence in case.foreign:
            foreign_total += 1
            if verdict.text is not None and content(sentence)[:8] in content(verdict.text):
                foreign_survived += 1
    n_kind = len(good) // 2
    return {
        "good_kept": round(sum(kept.values()) / len(good), 3),
        "verbatim_kept": round(kept["verbatim"] / n_kind, 3),
        "paraphrase_kept": round(kept["paraphrase"] / n_kind, 3),
        "stray_survived": round(foreign_survived / foreign_total, 3),
        "title_passed": round(titles_passed / sum(c.kind == "title" for c in cases), 3),
        "cases": len(cases),
    }


def objective(s: dict) -> float:
    return s["good_kept"] - 3 * s["stray_survived"] - 3 * s["title_passed"]


def tune(cases: list[Case]) -> GroundingRule:
    best, best_value = GroundingRule(), float("-inf")
    grid = itertools.product(
        [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
        [0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        [4, 6, 8, 10, 12],
        [8, 6, 4],  # glue: fewer characters is stricter
    )
    for sentence_support, share, new_chars, glue in grid:
        rule = GroundingRule(sentence_support, share, new_chars, glue)
        value = objective(score(cases, rule))
        if value >= best_value - 1e-9:  # ties go to the stricter rule
            best, best_value = rule, value
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tune", action="store_true", help="grid the thresholds on the tuning half")
    args = parser.parse_args()
    rng = random.Random(SEED)
    cards = load_cards()
    order = cards[:]
    rng.shuffle(order)
    tuning_cards, test_cards = order[: len(order) // 2], order[len(order) // 2 :]
    tuning = build(tuning_cards, random.Random(SEED + 1))
    test = build(test_cards, random.Random(SEED + 2))
    rule = tune(tuning) if args.tune else GroundingRule.load()
    exchange = next(c for c in cards if c.name == "technical-exchange.md")
    real = ground(REAL_GOOD, [exchange.source(1.0)], rule).text is not None
    report = {
        "rule": rule.__dict__,
        "tuning": score(tuning, rule),
        "test": score(test, rule),
        "issue15_real_answer_kept": real,
        "cards": {"tuning": len(tuning_cards), "test": len(test_cards)},
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
