"""`make bench` part 2: N simulated reps asking concurrently through the real Telegram stack.

    .venv/bin/python -m bench.chat_load [--reps 200] [--window 10]

The real PTB Application polls a local fake Bot API (tests/support/fake_bot_api.py); every rep sends one
question at a random moment within --window seconds (--window 0: all at once). Measures, per
question, the time from the update being queued to the bot's answer arriving at the API, and the
bot's throughput and peak RSS. No LLM (extractive answers). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.ask_latency import percentile

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "客户一上来就问多少钱怎么回",
    "客户说已经有OA了还要不要跟",
    "进口设备太贵了怎么说服客户",
    "第一次给老板打电话怎么开口",
    "门卫不让进怎么办",
    "怎么判断客户是A类还是B类",
    "SPIN提问是什么顺序",
    "谈判时客户一直压价怎么办",
    "找谁介绍客户比较快",
    "怎么找到真正拍板的人",
]
FIRST_REP_ID = 500_000


async def run(reps: int, window: float) -> dict:
    from pydantic import SecretStr

    from bot.app import build_engine
    from bot.transports.telegram import build_application
    from config import load_settings
    from store import users
    from tests.support.fake_bot_api import FakeBotAPI

    home = Path(tempfile.mkdtemp(prefix="coach-chat-bench-"))
    with FakeBotAPI() as fake:
        settings = load_settings(
            coach_home=home,
            coach_models_dir=REPO / "var" / "models",
            telegram_bot_token=SecretStr(fake.token),
            telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
        )
        engine = await build_engine(settings)
        async with engine.db.transaction() as session:
            for i in range(reps):
                await users.add_user(session, FIRST_REP_ID + i, f"销售{i}", "rep", "压测")
        application = build_application(settings, engine, tick_seconds=None)
        await application.initialize()
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await fake.await_calls("getUpdates", pending=True)
        await engine.kb.answerer.answer(QUESTIONS[0])  # warm the model

        rng = random.Random(3)
        offsets = sorted((rng.uniform(0, window) if window else 0.0, i) for i in range(reps))
        sent_at: dict[int, float] = {}
        began = time.perf_counter()
        for offset, i in offsets:
            delay = began + offset - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent_at[FIRST_REP_ID + i] = time.time()
            fake.push_message(FIRST_REP_ID + i, QUESTIONS[i % len(QUESTIONS)])
        latencies = []
        for rep_id, at in sent_at.items():
            reply = await fake.await_reply(rep_id, timeout=120, after=0)
            latencies.append((reply.at - at) * 1000)
        elapsed = time.perf_counter() - began
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await engine.db.dispose()

    measured = latencies
    return {
        "reps": reps,
        "window_s": window,
        "answered": len(latencies),
        "throughput_per_s": round(reps / elapsed, 1),
        "reply_ms": {
            "p50": round(statistics.median(measured), 1),
            "p95": round(percentile(measured, 0.95), 1),
            "max": round(max(measured), 1),
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--window", type=float, default=10.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.reps, args.window)), ensure_ascii=False))


if __name__ == "__main__":
    main()
