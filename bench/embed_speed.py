"""Embedding speed: passages/s for ~300-character Chinese chunks, query latency, load time, peak RSS.

    .venv/bin/python bench/embed_speed.py [--n 200] [--model multilingual-e5-small] [--fp32]
        [--runtime onnx|torch]

Prints one JSON object.  The passages are generated here from a built-in sentence list, so the
numbers do not depend on any corpus.  Speeds on a shared machine are noisy: run it a few times
and look at ``loadavg``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SENTENCES = [
    "客户第一次见面时，先别急着介绍产品，多问几个开放式问题，了解他真正关心的是什么。",
    "当客户说价格太贵时，要先确认他比较的对象，再把总拥有成本算清楚给他看。",
    "电话邀约的开场白要在十五秒内说清楚你是谁、为什么打电话、对他有什么好处。",
    "跟进三个月没有回复的潜在客户，可以发一份行业报告作为重新联系的理由。",
    "谈判陷入僵局时，不妨把议题拆小，先在容易达成一致的条款上取得进展。",
    "拜访前准备好公司介绍、产品手册、报价单和两个同行业的成功案例。",
    "大客户的采购流程通常涉及技术、财务和使用部门，每个角色的顾虑都不一样。",
    "不要在第一次报价时就亮出底价，留出让步空间，并且每次让步都要换取对方的承诺。",
    "客户说要考虑一下，往往意味着还有没说出口的疑虑，要温和地追问具体是哪一点。",
    "转介绍是成本最低的获客方式，成交后的一周内是请客户推荐朋友的最好时机。",
    "竞品比我们便宜百分之二十，我们要强调售后响应速度和本地化服务团队。",
    "销售漏斗的每个阶段都要有明确的进入和退出标准，否则预测会严重失真。",
    "演示产品时只讲和客户痛点相关的三个功能，其余的留到下次沟通。",
    "签约之后要主动安排实施启动会，让客户尽快看到价值，为续费和增购打基础。",
    "处理投诉时先共情再解决问题，千万不要在客户情绪激动时急着解释原因。",
    "每周复盘丢单原因，把价格、功能、关系、时机四类原因分开统计。",
    "陌生拜访前先在网上查清楚企业的规模、主营业务和最近的新闻动态。",
    "年底是很多企业做预算的时候，九月和十月就要开始接触决策人。",
    "面对采购经理压价，可以用增加服务内容或延长账期来代替直接降价。",
    "好的销售记录会写清楚客户的原话，而不是自己的理解和猜测。",
]
QUERIES = [
    "客户嫌贵怎么办",
    "如何让老客户帮忙介绍新客户",
    "第一次拜访客户要准备什么",
    "客户说再考虑考虑该怎么回应",
    "谈判僵住了怎么推进",
    "怎样跟进长期不回复的客户",
    "竞争对手报价更低怎么应对",
    "产品演示讲哪些内容",
    "How to handle a price objection?",
    "投诉处理的步骤",
]


def make_passages(n: int, length: int = 300, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < length:
            text += rng.choice(SENTENCES)
        out.append(text[:length])
    return out


def main(argv: list[str] | None = None) -> int:
    from knowledge.e5_build import E5_MODEL_NAME

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of passages (default 200)")
    parser.add_argument("--queries", type=int, default=100, help="number of timed queries (default 100)")
    parser.add_argument("--model", default=os.environ.get("EMBEDDING_MODEL", E5_MODEL_NAME))
    parser.add_argument(
        "--models-dir", type=Path, default=Path(os.environ.get("COACH_MODELS_DIR", REPO / "var" / "models"))
    )
    parser.add_argument("--batch-size", type=int, default=32)
    quant = parser.add_mutually_exclusive_group()
    quant.add_argument("--fp32", dest="quantize", action="store_const", const=False, help="disable int8")
    quant.add_argument("--int8", dest="quantize", action="store_const", const=True, help="force int8")
    parser.add_argument(
        "--runtime", choices=["onnx", "torch"], default=os.environ.get("EMBEDDING_RUNTIME", "onnx")
    )
    args = parser.parse_args(argv)

    from knowledge.embeddings import Embedder

    passages = make_passages(args.n)
    emb = Embedder(
        args.model, args.models_dir, batch_size=args.batch_size, quantize=args.quantize, runtime=args.runtime
    )

    t0 = time.perf_counter()
    emb.embed_query("预热")  # loads the model
    load_s = time.perf_counter() - t0

    emb.embed_passages(passages[: min(8, len(passages))])  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    vecs = emb.embed_passages(passages)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0

    lat = []
    for i in range(args.queries):
        q = QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else f" {i}")
        t = time.perf_counter()
        emb.embed_query(q)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()

    result = {
        "model": args.model,
        "runtime": emb.runtime,
        "quantize": emb.quantize,
        "n_passages": len(passages),
        "passage_chars": 300,
        "batch_size": args.batch_size,
        "dim": int(vecs.shape[1]),
        "passages_per_s": round(len(passages) / wall, 2),
        "passages_per_cpu_s": round(len(passages) / cpu, 2),
        "query_p50_ms": round(statistics.median(lat), 1),
        "query_p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1),
        "load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "torch_threads": sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
